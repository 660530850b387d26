"""Control ops. The pass-through ones (check_numerics, stop_gradient, tuple) are pure and run
in the generic suites; no_op and the printing ops are 'io', covered by tests/test_control.py."""

from flowgrad.ops import control_ops
from flowgrad.testing.op_info import OpInfo


def _same(x):
    return x


RECORDS = [
    OpInfo("check_numerics", lambda x: control_ops.check_numerics(x, "checked"), _same,
           types=("CheckNumerics",), grad=2),
    OpInfo("stop_gradient", control_ops.stop_gradient, _same, types=("StopGradient",), grad=0),
    OpInfo("tuple", lambda x: control_ops.tuple_([x])[0], _same, types=("IdentityN",), grad=2),
    OpInfo("no_op", lambda x: control_ops.no_op(), types=("NoOp",), kind="io", grad=0),
    OpInfo("Print", lambda x: control_ops.Print_(x, [x]), types=("Print",), kind="io", grad=0),
    OpInfo("print", control_ops.print_, types=("PrintV2",), kind="io", grad=0),
]
