"""The Assert op is 'io' (it checks and raises, it computes nothing): covered by
tests/test_check_ops.py."""

from flowgrad.ops import check_ops
from flowgrad.testing.op_info import OpInfo

RECORDS = [
    OpInfo("Assert", lambda x: check_ops.Assert(check_ops.math_ops.reduce_all(x > 0.0), [x]),
           types=("Assert",), kind="io", grad=0),
]
