"""Clipping: clip_by_value, clip_by_norm, global_norm, clip_by_global_norm. All composites of
math ops, as in TF1, so their gradients (1 at the clip bounds: Minimum/Maximum ties go to x)
come from the ops they are made of."""

from __future__ import annotations

from collections.abc import Sequence

from flowgrad.framework.graph import name_scope
from flowgrad.framework.registry import convert_to_tensor
from flowgrad.ops.array_ops import constant, identity, ones_like, stack
from flowgrad.ops.math_ops import maximum, minimum, reduce_sum, sqrt, where
from flowgrad.ops.nn_ops import l2_loss


def _same_shape(values, result, what):
    """TF1 refuses bounds that would broadcast t to a larger shape."""
    if not values.shape.is_compatible_with(result.shape):
        raise ValueError(f"{what}: the result's shape {result.shape} differs from t's shape "
                         f"{values.shape}: the bounds must not broadcast t to a larger shape")


def clip_by_value(t, clip_value_min, clip_value_max, name=None):
    """t with values below clip_value_min raised to it and values above clip_value_max lowered
    to it; the gradient is 1 inside [min, max], bounds included, and 0 outside."""
    with name_scope(name, "clip_by_value", [t, clip_value_min, clip_value_max]) as scope:
        values = convert_to_tensor(t, name="t")
        t_min = minimum(values, clip_value_max)
        _same_shape(values, t_min, "clip_by_value")
        t_max = maximum(t_min, clip_value_min, name=scope)
        _same_shape(values, t_max, "clip_by_value")
        return t_max


def clip_by_norm(t, clip_norm, axes=None, name=None):
    """t scaled so that its L2 norm (over `axes`, all when None) is at most clip_norm."""
    with name_scope(name, "clip_by_norm", [t, clip_norm]) as scope:
        values = convert_to_tensor(t, name="t")
        l2sum = reduce_sum(values * values, axes, keepdims=True)
        pred = l2sum > 0
        # two wheres: the gradient of sqrt at 0 never meets the selected branch (no NaN)
        l2sum_safe = where(pred, l2sum, ones_like(l2sum))
        l2norm = where(pred, sqrt(l2sum_safe), l2sum)
        intermediate = values * clip_norm
        _same_shape(values, intermediate, "clip_by_norm")
        return identity(intermediate / maximum(l2norm, clip_norm), name=scope)


def _as_list(t_list, what):
    if not isinstance(t_list, Sequence) or isinstance(t_list, str):
        raise TypeError(f"{what}: t_list should be a sequence of tensors, got {type(t_list)}")
    return [None if t is None else convert_to_tensor(t, name=f"t_{i}")
            for i, t in enumerate(t_list)]


def global_norm(t_list, name=None):
    """sqrt(sum of squares of every element of every tensor in t_list); None entries skipped."""
    with name_scope(name, "global_norm", [t for t in t_list if t is not None]):
        values = _as_list(t_list, "global_norm")
        half_squared_norm = reduce_sum(stack([l2_loss(v) for v in values if v is not None]))
        two = constant(2.0, dtype=half_squared_norm.dtype)
        return sqrt(half_squared_norm * two, name="global_norm")


def clip_by_global_norm(t_list, clip_norm, use_norm=None, name=None):
    """(t_list scaled by clip_norm / max(global_norm, clip_norm), the global norm). A non-finite
    norm makes every result NaN, as in TF1."""
    values = _as_list(t_list, "clip_by_global_norm")
    if use_norm is None:
        use_norm = global_norm(values, name)
    with name_scope(name, "clip_by_global_norm", [v for v in values if v is not None]) as scope:
        use_norm = convert_to_tensor(use_norm)
        one = constant(1.0, dtype=use_norm.dtype)
        scale_for_finite = clip_norm * minimum(1.0 / use_norm, one / clip_norm)
        # use_norm - use_norm is 0 for finite norms and NaN for inf/NaN ones
        scale = scale_for_finite + (use_norm - use_norm)
        clipped = [None if v is None else identity(v * scale, name=f"{scope}_{i}")
                   for i, v in enumerate(values)]
        return clipped, use_norm
