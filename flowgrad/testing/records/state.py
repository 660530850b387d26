"""Variables' ops change or read Session state: kind 'stateful' (and 'io' for the variable
itself), so the generic suites skip them and tests/test_variables.py covers them by topic."""

from flowgrad.ops import state_ops, variables
from flowgrad.testing.op_info import OpInfo

RECORDS = [
    OpInfo("variable", lambda x: variables.Variable(x).value(), types=("VariableV2",), kind="io",
           grad=0),
    OpInfo("assign", lambda x: variables.Variable(x).assign(x), types=("Assign",),
           kind="stateful", grad=0),
    OpInfo("assign_add", lambda x: state_ops.assign_add(variables.Variable(x), x),
           types=("AssignAdd",), kind="stateful", grad=0),
    OpInfo("assign_sub", lambda x: state_ops.assign_sub(variables.Variable(x), x),
           types=("AssignSub",), kind="stateful", grad=0),
    OpInfo("is_variable_initialized",
           lambda x: variables.is_variable_initialized(variables.Variable(x)),
           types=("IsVariableInitialized",), kind="io", grad=0),
]
