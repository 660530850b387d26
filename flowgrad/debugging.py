"""tf.debugging: numeric checks and assertions (TF1's names)."""

from flowgrad.ops.check_ops import (
    Assert,
    assert_equal,
    assert_greater,
    assert_greater_equal,
    assert_less,
    assert_less_equal,
    assert_negative,
    assert_non_negative,
    assert_non_positive,
    assert_none_equal,
    assert_positive,
    assert_rank,
    assert_type,
)
from flowgrad.ops.control_ops import add_check_numerics_ops, check_numerics
from flowgrad.ops.math_ops import is_finite, is_inf, is_nan

__all__ = [
    "Assert", "add_check_numerics_ops", "assert_equal", "assert_greater", "assert_greater_equal",
    "assert_less", "assert_less_equal", "assert_negative", "assert_non_negative",
    "assert_non_positive", "assert_none_equal", "assert_positive", "assert_rank", "assert_type",
    "check_numerics", "is_finite", "is_inf", "is_nan",
]
