"""tf.train.ExponentialMovingAverage: shadow variables (`<var>/ExponentialMovingAverage`) that
follow other variables or tensors slowly, shadow -= (1 - decay) * (shadow - value) each time the
op from apply() runs; decay is min(decay, (1 + n) / (10 + n)) when num_updates n is given."""

from __future__ import annotations

import functools

from flowgrad import dtypes
from flowgrad.framework.graph import GraphKeys, add_to_collection, get_collection, name_scope
from flowgrad.framework.registry import convert_to_tensor
from flowgrad.ops import array_ops, math_ops, state_ops
from flowgrad.ops.control_ops import group
from flowgrad.ops.variables import Variable, global_variables, trainable_variables


def assign_moving_average(variable, value, decay, name=None):
    """variable -= (variable - value) * (1 - decay): the op that moves the average."""
    with name_scope(name, "AssignMovingAvg", [value, decay]) as scope:
        rate = math_ops.cast(convert_to_tensor(1.0 - decay, name="decay"), variable.dtype)
        return state_ops.assign_sub(variable, (variable - value) * rate, name=scope)


class ExponentialMovingAverage:
    """Moving averages of variables (or tensors) kept in shadow variables."""

    def __init__(self, decay, num_updates=None, zero_debias=False,
                 name="ExponentialMovingAverage"):
        self._decay = decay
        self._num_updates = num_updates
        self._zero_debias = zero_debias  # accepted; averages of tensors start at zero
        self._name = name
        self._averages: dict = {}

    @property
    def name(self) -> str:
        """The shadow variables' suffix and the update op's name scope."""
        return self._name

    def apply(self, var_list=None):
        """Creates a shadow for each of var_list (trainable variables by default) and returns
        the op that updates them all."""
        var_list = trainable_variables() if var_list is None else list(var_list)
        for var in var_list:
            if not var.dtype.is_floating:
                raise TypeError(f"The variables must be half, float, or double: {var.name}")
            if _key(var) in self._averages:
                raise ValueError(f"Moving average already computed for: {var.name}")
            with var.graph.name_scope(""):  # shadows sit beside their variable
                if isinstance(var, Variable):
                    start = var.initialized_value
                    add_to_collection(GraphKeys.MOVING_AVERAGE_VARIABLES, var)
                else:
                    start = functools.partial(array_ops.zeros_like, var)
                self._averages[_key(var)] = Variable(start, trainable=False,
                                                     name=self.average_name(var))
        with name_scope(self._name) as scope:
            decay = convert_to_tensor(self._decay, dtype=dtypes.float32, name="decay")
            if self._num_updates is not None:
                n = math_ops.cast(self._num_updates, dtypes.float32, name="num_updates")
                decay = math_ops.minimum(decay, (1.0 + n) / (10.0 + n))
            updates = [assign_moving_average(self._averages[_key(v)], v, decay) for v in var_list]
            return group(*updates, name=scope)

    def average(self, var):
        """The shadow variable of `var` (None if apply() was not called on it)."""
        return self._averages.get(_key(var))

    def average_name(self, var) -> str:
        """The name of var's shadow variable: `<var op name>/<name>`."""
        return f"{var.op.name}/{self._name}"

    def variables_to_restore(self, moving_avg_variables=None) -> dict:
        """{name in a checkpoint: variable} that restores averages into the variables
        themselves (for a Saver that evaluates with the averaged weights)."""
        if moving_avg_variables is None:
            moving_avg_variables = (get_collection(GraphKeys.MOVING_AVERAGE_VARIABLES)
                                    + trainable_variables())
        averaged = {_key(v) for v in moving_avg_variables}
        shadows = {_key(s) for s in self._averages.values()}
        out = {}
        for var in global_variables():
            if _key(var) in shadows:
                continue
            out[self.average_name(var) if _key(var) in averaged else var.op.name] = var
        return out


def _key(var):
    """Variables by their op, as optimizer slots are; tensors as they are."""
    return var.op if isinstance(var, Variable) else var
