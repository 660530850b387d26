"""Assertions: the Assert op (tf.Assert) and TF1's assert_equal, assert_less, assert_positive,
assert_rank, ... built on it. A check whose inputs are known at build time is decided then
(InvalidArgumentError, as TF1 raises); otherwise the Assert op checks when it runs, so put it
in tf.control_dependencies (or fetch it) as TF1 programs do."""

from __future__ import annotations

import numpy as np

from flowgrad.backend.compat import to_numpy
from flowgrad.errors import InvalidArgumentError
from flowgrad.framework import values
from flowgrad.framework.graph import name_scope
from flowgrad.framework.registry import NotDifferentiable, convert_to_tensor, register_op
from flowgrad.ops import array_ops, math_ops
from flowgrad.ops.control_ops import check_numerics, no_op
from flowgrad.ops.rules import constant_value


@register_op
class AssertOp(NotDifferentiable):
    """Raises InvalidArgumentError, printing `data`, when `condition` (a bool scalar) is False."""

    type = "Assert"
    kind = "io"

    def infer(self, condition, *data, summarize):
        if condition.dtype.name != "bool" or condition.shape.ndims not in (None, 0):
            raise ValueError(f"condition must be a bool scalar, got {condition.dtype.name} of "
                             f"shape {condition.shape}")
        return []

    def compile(self, op, ctx):
        def kernel(condition, *data):
            if not bool(to_numpy(ctx.xp, condition)):
                text = _message([to_numpy(ctx.xp, d) for d in data], op.attrs["summarize"])
                raise InvalidArgumentError(None, op, f"{text} ({op.describe()})")
            return ()

        return kernel


def _message(data, summarize) -> str:
    """TF1's text: 'assertion failed: [first] [second] ...' (tf.Print's form of each value)."""
    return "assertion failed: " + " ".join(values.format_flat(d, summarize) for d in data)


def Assert(condition, data, summarize=None, name=None):
    """An op that raises InvalidArgumentError with `data` when `condition` is False."""
    with name_scope(name, "Assert", [condition]):
        condition = convert_to_tensor(condition, name="Condition")
        tensors = [convert_to_tensor(d) for d in data]
        return AssertOp.create(condition, *tensors, summarize=3 if summarize is None else summarize,
                               name="Assert")


def _static(tensor):
    value = constant_value(tensor)
    return None if value is None else np.asarray(value)


def _check(condition, static, data, summarize):
    """Decides now when every input is known (raising as TF1 does: its data, one per line),
    else an Assert op."""
    if static is None:
        return Assert(math_ops.reduce_all(condition), data, summarize)
    if not static:
        raise InvalidArgumentError(None, None, "\n".join(
            str(_static(d)) if hasattr(d, "op") else str(d) for d in data))
    return no_op()


def _binary(test, words, default):
    def assertion(x, y, data=None, summarize=None, message=None, name=None):
        with name_scope(name, default, [x, y]):
            x = convert_to_tensor(x, name="x")
            y = convert_to_tensor(y, name="y", dtype=x.dtype)
            if data is None:
                data = [message or "", f"Condition x {words} y did not hold element-wise:",
                        f"x ({x.name}) = ", x, f"y ({y.name}) = ", y]
            xs, ys = _static(x), _static(y)
            static = None if xs is None or ys is None else bool(np.all(test(np, xs, ys)))
            return _check(test(math_ops, x, y), static, data, summarize)

    assertion.__name__ = default
    assertion.__doc__ = f"An op checking x {words} y elementwise (raises if it does not hold)."
    return assertion


assert_equal = _binary(lambda m, x, y: m.equal(x, y), "==", "assert_equal")
assert_none_equal = _binary(lambda m, x, y: m.not_equal(x, y), "!=", "assert_none_equal")
assert_less = _binary(lambda m, x, y: m.less(x, y), "<", "assert_less")
assert_less_equal = _binary(lambda m, x, y: m.less_equal(x, y), "<=", "assert_less_equal")
assert_greater = _binary(lambda m, x, y: m.greater(x, y), ">", "assert_greater")
assert_greater_equal = _binary(lambda m, x, y: m.greater_equal(x, y), ">=",
                               "assert_greater_equal")


def _sign(binary, zero_first, words, default):
    def assertion(x, data=None, summarize=None, message=None, name=None):
        with name_scope(name, default, [x]):
            x = convert_to_tensor(x, name="x")
            if data is None:
                data = [message or "", f"Condition x {words} did not hold element-wise:",
                        f"x ({x.name}) = ", x]
            zero = convert_to_tensor(0, dtype=x.dtype)
            pair = (zero, x) if zero_first else (x, zero)
            return binary(*pair, data=data, summarize=summarize, message=message)

    assertion.__name__ = default
    assertion.__doc__ = f"An op checking x {words} elementwise (raises if it does not hold)."
    return assertion


# as TF1: x > 0 is checked as 0 < x
assert_positive = _sign(assert_less, True, "> 0", "assert_positive")
assert_negative = _sign(assert_less, False, "< 0", "assert_negative")
assert_non_negative = _sign(assert_less_equal, True, ">= 0", "assert_non_negative")
assert_non_positive = _sign(assert_less_equal, False, "<= 0", "assert_non_positive")


def assert_rank(x, rank, data=None, summarize=None, message=None, name=None):
    """An op checking that x has rank `rank`; ValueError at once when x's rank is known."""
    x = convert_to_tensor(x, name="x")
    if x.shape.ndims is not None:
        if x.shape.ndims != int(rank):
            raise ValueError(f"{message + '. ' if message else ''}Tensor {x.name} must have rank "
                             f"{int(rank)}.  Received rank {x.shape.ndims}, shape {x.shape}")
        return no_op(name=name)
    return assert_equal(array_ops.rank(x), int(rank), data=data, summarize=summarize,
                        message=message, name=name or "assert_rank")


def assert_type(tensor, tf_type, message=None, name=None):
    """TypeError unless `tensor` has dtype `tf_type` (a build-time check; returns a no_op)."""
    tensor = convert_to_tensor(tensor)
    if tensor.dtype != tf_type:
        raise TypeError(f"{message + ' ' if message else ''}{tensor.name} must be of type "
                        f"{tf_type!r}; got {tensor.dtype!r}")
    return no_op(name=name)


def verify_tensor_all_finite(t, msg, name=None):
    """`t`, checked for NaN and Inf when it runs (an InvalidArgumentError names `msg`)."""
    with name_scope(name, "VerifyFinite", [t]) as scope:
        return array_ops.identity(check_numerics(t, message=msg), name=scope)
