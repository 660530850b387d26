"""tf.debugging: numeric checks (TF1's names)."""

from flowgrad.ops.control_ops import add_check_numerics_ops, check_numerics
from flowgrad.ops.math_ops import is_finite

__all__ = ["add_check_numerics_ops", "check_numerics", "is_finite"]
