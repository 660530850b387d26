"""Learning rates that depend on the global step, as tensors (TF1's tf.train.*_decay)."""

from __future__ import annotations

from flowgrad.framework.graph import name_scope
from flowgrad.framework.registry import convert_to_tensor
from flowgrad.ops import math_ops


def _decay_inputs(learning_rate, global_step, what):
    if global_step is None:
        raise ValueError(f"global_step is required for {what}.")
    learning_rate = convert_to_tensor(learning_rate, name="learning_rate")
    return learning_rate, learning_rate.dtype, math_ops.cast(global_step, learning_rate.dtype)


def _progress(step, decay_steps, dtype, staircase):
    """global_step / decay_steps, floored with staircase."""
    p = step / math_ops.cast(decay_steps, dtype)
    return math_ops.floor(p) if staircase else p


def exponential_decay(learning_rate, global_step, decay_steps, decay_rate, staircase=False,
                      name=None):
    """learning_rate * decay_rate ^ (global_step / decay_steps), floored with staircase."""
    with name_scope(name, "ExponentialDecay", [learning_rate, global_step]) as scope:
        lr, dtype, step = _decay_inputs(learning_rate, global_step, "exponential_decay")
        p = _progress(step, decay_steps, dtype, staircase)
        return math_ops.multiply(lr, math_ops.pow(math_ops.cast(decay_rate, dtype), p), name=scope)


def natural_exp_decay(learning_rate, global_step, decay_steps, decay_rate, staircase=False,
                      name=None):
    """learning_rate * exp(-decay_rate * global_step / decay_steps)."""
    with name_scope(name, "NaturalExpDecay", [learning_rate, global_step]) as scope:
        lr, dtype, step = _decay_inputs(learning_rate, global_step, "natural_exp_decay")
        p = _progress(step, decay_steps, dtype, staircase)
        exponent = math_ops.exp(math_ops.negative(math_ops.cast(decay_rate, dtype)) * p)
        return math_ops.multiply(lr, exponent, name=scope)


def inverse_time_decay(learning_rate, global_step, decay_steps, decay_rate, staircase=False,
                       name=None):
    """learning_rate / (1 + decay_rate * global_step / decay_steps)."""
    with name_scope(name, "InverseTimeDecay", [learning_rate, global_step]) as scope:
        lr, dtype, step = _decay_inputs(learning_rate, global_step, "inverse_time_decay")
        p = _progress(step, decay_steps, dtype, staircase)
        denom = 1 + math_ops.cast(decay_rate, dtype) * p
        return math_ops.truediv(lr, denom, name=scope)


def polynomial_decay(learning_rate, global_step, decay_steps, end_learning_rate=0.0001,
                     power=1.0, cycle=False, name=None):
    """(lr - end) * (1 - min(step, decay_steps) / decay_steps) ^ power + end; with cycle the
    horizon grows to the next multiple of decay_steps instead."""
    with name_scope(name, "PolynomialDecay", [learning_rate, global_step]) as scope:
        lr, dtype, step = _decay_inputs(learning_rate, global_step, "polynomial_decay")
        end = math_ops.cast(end_learning_rate, dtype)
        steps = math_ops.cast(decay_steps, dtype)
        if cycle:
            # step 0 keeps a multiplier of 1
            multiplier = math_ops.maximum(math_ops.ceil(step / steps), 1.0)
            steps = steps * multiplier
        else:
            step = math_ops.minimum(step, steps)
        fraction = math_ops.pow(1 - step / steps, math_ops.cast(power, dtype))
        return math_ops.add((lr - end) * fraction, end, name=scope)


def piecewise_constant(x, boundaries, values, name=None):
    """values[0] while x <= boundaries[0], values[i] while x <= boundaries[i], else values[-1]."""
    if len(boundaries) != len(values) - 1:
        raise ValueError("The length of boundaries should be 1 less than the length of values")
    with name_scope(name, "PiecewiseConstant", [x]) as scope:
        x = convert_to_tensor(x)
        values = [convert_to_tensor(v) for v in values]
        dtype = values[0].dtype
        for v in values[1:]:
            if v.dtype != dtype:
                raise ValueError(f"Values must have elements all with the same dtype "
                                 f"({dtype.name} vs {v.dtype.name}).")
        result = values[-1]
        for i in reversed(range(len(boundaries))):
            boundary = convert_to_tensor(boundaries[i], dtype=x.dtype) if not hasattr(
                boundaries[i], "_as_graph_element") else boundaries[i]
            name_i = scope if i == 0 else None
            result = math_ops.where(math_ops.less_equal(x, boundary), values[i], result,
                                    name=name_i)
        return result
