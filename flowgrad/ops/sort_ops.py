"""The k largest entries: TopKV2 (tf.nn.top_k) and InTopKV2 (tf.nn.in_top_k, the MNIST
tutorial's evaluation), with TF1's tie rule: of equal values the lower index comes first."""

from __future__ import annotations

import collections

from flowgrad import dtypes
from flowgrad.framework.graph import name_scope
from flowgrad.framework.registry import NotDifferentiable, OpDef, Spec, register_op
from flowgrad.ops.array_ops import expand_dims, op_input, shape
from flowgrad.ops.gather_ops import one_hot
from flowgrad.ops.math_ops import reduce_sum
from flowgrad.ops.rules import constant_value, require

TopKV2Result = collections.namedtuple("TopKV2", ["values", "indices"])


def _static_k(k, what: str = "k") -> int | None:
    """k's value when known at build time; ValueError unless a non-negative int32 scalar."""
    if k.dtype != dtypes.int32 or k.shape.ndims not in (None, 0):
        raise ValueError(f"{what} must be an int32 scalar, got {k.dtype.name} of shape {k.shape}")
    value = constant_value(k)
    if value is not None and int(value) < 0:
        raise ValueError(f"Need {what} >= 0, got {int(value)}")
    return None if value is None else int(value)


@register_op
class TopKV2(OpDef):
    """The k largest entries of the last dimension (values, int32 indices), largest first."""

    def infer(self, input, k, *, sorted):
        require(input.dtype, "numeric", "input")
        kv = _static_k(k)
        dims = input.shape.as_tuple()
        if dims is None:
            return [Spec(None, input.dtype), Spec(None, dtypes.int32)]
        if not dims:
            raise ValueError("input must have rank >= 1, got a scalar")
        if kv is not None and dims[-1] is not None and dims[-1] < kv:
            raise ValueError(f"input must have at least k={kv} columns, got shape {input.shape}")
        out = dims[:-1] + (kv,)
        return [Spec(out, input.dtype), Spec(out, dtypes.int32)]

    def forward(self, xp, input, k, *, sorted):
        k = int(k)
        if input.shape[-1] < k:
            raise ValueError(f"input must have at least k={k} columns, got shape {input.shape}")
        key = -input if input.dtype.kind in "fi" else -input.astype(xp.int64)
        indices = xp.argsort(key, axis=-1, kind="stable")[..., :k]
        return xp.take_along_axis(input, indices, axis=-1), indices.astype(xp.int32)

    def gradient(self, op, grad, _):
        # the values' gradient goes back to where they were taken from: sum over the k picks
        input, _ = op.inputs
        picked = one_hot(op.outputs[1], shape(input)[-1], dtype=grad.dtype)
        return [reduce_sum(picked * expand_dims(grad, -1), axis=-2), None]


@register_op
class InTopKV2(NotDifferentiable):
    """Whether each target's prediction is among its row's k largest (fewer than k larger)."""

    def infer(self, predictions, targets, k):
        require(predictions.dtype, "float", "predictions")
        if targets.dtype not in (dtypes.int32, dtypes.int64) or k.dtype != targets.dtype:
            raise TypeError(f"targets and k must both be int32 or int64, got "
                            f"{targets.dtype.name} and {k.dtype.name}")
        if predictions.shape.ndims not in (None, 2) or targets.shape.ndims not in (None, 1):
            raise ValueError(f"predictions must be a matrix and targets a vector, got shapes "
                             f"{predictions.shape} and {targets.shape}")
        batch = predictions.shape.as_tuple()[0] if predictions.shape.ndims else None
        batch = batch if batch is not None else (targets.shape.as_tuple() or (None,))[0]
        return Spec([batch], dtypes.bool)

    def forward(self, xp, predictions, targets, k):
        n = predictions.shape[-1]
        valid = (targets >= 0) & (targets < n)
        own = xp.take_along_axis(predictions, xp.clip(targets, 0, max(n - 1, 0))[:, None], -1)
        larger = (predictions > own).sum(axis=-1)
        return valid & xp.isfinite(own[:, 0]) & (larger < int(k))


def top_k(input, k=1, sorted=True, name=None):
    """(values, indices) of the k largest entries of input's last dimension (tf.nn.top_k)."""
    with name_scope(name, "TopKV2", [input]) as scope:
        k = op_input(k, "k", dtypes.int32)
        _static_k(k)
        values, indices = TopKV2.apply(op_input(input, "input"), k, sorted=bool(sorted),
                                       name=scope)
    return TopKV2Result(values, indices)


def in_top_k(predictions, targets, k, name=None):
    """Whether targets[i] is among the k largest of predictions[i] (tf.nn.in_top_k); ties
    count for the target, and a non-finite prediction or an out-of-range target is False."""
    with name_scope(name, "InTopKV2", [predictions, targets]) as scope:
        targets = op_input(targets, "targets", "index")
        k = op_input(k, "k", targets.dtype)
        return InTopKV2.apply(op_input(predictions, "predictions"), targets, k, name=scope)
