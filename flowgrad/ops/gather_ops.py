"""Index-driven ops: gather (GatherV2), unsorted_segment_sum (its gradient and adjoint),
one_hot (OneHot) and boolean_mask."""

from __future__ import annotations

import math

from flowgrad import dtypes
from flowgrad.framework import values
from flowgrad.framework.graph import control_dependencies, name_scope
from flowgrad.framework.registry import (
    NotDifferentiable,
    OpDef,
    Spec,
    convert_to_tensor,
    register_op,
)
from flowgrad.framework.shapes import TensorShape
from flowgrad.ops import math_ops
from flowgrad.ops.array_ops import (
    apply_named,
    concat,
    constant,
    expand_dims,
    fill,
    op_input,
    rank,
    reshape,
    shape,
    squeeze,
    transpose,
    zeros_like,
)
from flowgrad.ops.check_ops import assert_equal
from flowgrad.ops.rules import constant_value, require, same_dtype


def _scalar(t, what):
    require(t.dtype, "int", what)
    if t.shape.ndims not in (None, 0):
        raise ValueError(f"{what} must be a scalar, got shape {t.shape}")
    value = constant_value(t)
    return None if value is None else int(value)


def _position(xp, bad) -> str:
    return ",".join(str(int(i)) for i in xp.argwhere(bad)[0])


@register_op
class GatherV2(OpDef):
    """Slices of params along axis at the given indices: params.shape[:axis] + indices.shape
    + params.shape[axis + 1:]."""

    def infer(self, params, indices, axis, *, batch_dims=0):
        require(indices.dtype, "int", "indices")
        a = _scalar(axis, "axis")
        if batch_dims:
            raise ValueError(f"batch_dims={batch_dims} is not supported (only 0)")
        rank = params.shape.ndims
        if rank == 0:
            raise ValueError("params must be at least rank 1, got a scalar")
        if rank is None or indices.shape.ndims is None:
            return Spec(None, params.dtype)
        if a is None:
            return Spec([None] * (rank - 1 + indices.shape.ndims), params.dtype)
        if not -rank <= a < rank:
            raise ValueError(f"axis {a} is out of range [-{rank}, {rank}) for params of shape "
                             f"{params.shape}")
        dims = params.shape.as_tuple()
        a %= rank
        return Spec(dims[:a] + indices.shape.as_tuple() + dims[a + 1:], params.dtype)

    def forward(self, xp, params, indices, axis, *, batch_dims=0):
        a = int(axis) % params.ndim
        n = params.shape[a]
        if indices.size and (indices.min() < 0 or indices.max() >= n):
            bad = (indices < 0) | (indices >= n)
            first = _position(xp, bad) if indices.ndim else ""
            value = indices[bad][0]
            raise ValueError(f"indices[{first}] = {int(value)} is not in [0, {n}) "
                             f"(axis {a} of params of shape {params.shape})")
        return xp.take(params, indices, axis=a)

    def gradient(self, op, grad):
        # slices of grad summed into the rows they were gathered from (TF1's rule)
        params, indices, axis = op.inputs
        a, rank = constant_value(axis), params.shape.ndims
        if a is None or (rank is None and int(a) != 0):
            raise NotImplementedError(
                f"the gradient of {op.describe()} needs a constant axis and a known rank")
        a = int(a) % rank if rank else 0
        n = indices.shape.num_elements()
        if params.shape.is_fully_defined():
            dims = params.shape.as_list()
            values_shape = dims[:a] + [-1 if n is None else n] + dims[a + 1:]
            num_segments = dims[a]
        else:
            p_shape = shape(params)
            values_shape = concat([p_shape[:a], [-1], p_shape[a + 1:]], 0)
            num_segments = p_shape[a]
        values = reshape(grad, values_shape)
        ids = reshape(indices, [-1])
        if a == 0:
            dx = unsorted_segment_sum(values, ids, num_segments)
        else:
            perm = [a] + list(range(a)) + list(range(a + 1, rank))
            front = unsorted_segment_sum(transpose(values, perm), ids, num_segments)
            dx = transpose(front, list(range(1, a + 1)) + [0] + list(range(a + 1, rank)))
        dx.set_shape(params.shape)
        return [dx, None, None]


def gather(params, indices, validate_indices=None, name=None, axis=None, batch_dims=0):
    """params sliced along `axis` (default 0) at `indices`; out-of-range indices are an error
    (validate_indices is accepted and ignored, as in TF1)."""
    axis = 0 if axis is None else axis
    return apply_named(GatherV2, name, "GatherV2",
                       [("params", params, None), ("indices", indices, "index"),
                        ("axis", axis, dtypes.int32)], batch_dims=int(batch_dims))


@register_op
class UnsortedSegmentSum(OpDef):
    """out[i] = sum of data[j] over j with segment_ids[j] == i; negative ids are dropped."""

    def infer(self, data, segment_ids, num_segments):
        require(segment_ids.dtype, "int", "segment_ids")
        n = _scalar(num_segments, "num_segments")
        if n is not None and n < 0:
            raise ValueError(f"num_segments must be >= 0, got {n}")
        if data.shape.ndims is None or segment_ids.shape.ndims is None:
            return Spec(None, data.dtype)
        d, s = data.shape.as_tuple(), segment_ids.shape.as_tuple()
        if len(s) > len(d) or not TensorShape(d[:len(s)]).is_compatible_with(s):
            raise ValueError(f"data.shape = {data.shape} does not start with segment_ids.shape "
                             f"= {segment_ids.shape}")
        return Spec((n,) + d[len(s):], data.dtype)

    def forward(self, xp, data, segment_ids, num_segments):
        n = int(num_segments)
        if data.shape[:segment_ids.ndim] != segment_ids.shape:
            raise ValueError(f"data.shape = {data.shape} does not start with segment_ids.shape "
                             f"= {segment_ids.shape}")
        out = xp.zeros((n,) + data.shape[segment_ids.ndim:], dtype=data.dtype)
        ids = segment_ids.reshape(-1)
        if ids.size and ids.max() >= n:
            bad = segment_ids >= n
            raise ValueError(f"segment_ids[{_position(xp, bad)}] = {int(segment_ids[bad][0])} "
                             f"is out of range [0, {n})")
        keep = ids >= 0
        rows = data.reshape((ids.size,) + out.shape[1:])
        xp.add.at(out, ids[keep], rows[keep])
        return out

    def gradient(self, op, grad):
        return [_gather_drop_negatives(grad, op.inputs[1]), None, None]


def _gather_drop_negatives(params, ids):
    """gather(params, ids) with zero rows where an id is negative (dropped by the sum)."""
    gathered = gather(params, math_ops.maximum(ids, zeros_like(ids)))
    keep = math_ops.greater_equal(ids, zeros_like(ids))
    extra = None
    if gathered.shape.ndims is not None and ids.shape.ndims is not None:
        extra = gathered.shape.ndims - ids.shape.ndims
    if extra is not None and ids.shape.is_fully_defined():
        keep = reshape(keep, ids.shape.as_list() + [1] * extra)
    else:
        ones = fill(expand_dims(math_ops.subtract(rank(gathered), rank(ids)), 0), 1)
        keep = reshape(keep, concat([shape(keep), ones], 0))
    return math_ops.where_v2(keep, gathered, zeros_like(gathered))


def unsorted_segment_sum(data, segment_ids, num_segments, name=None):
    """Sums the slices of data that share a segment id; rows of no id are 0."""
    return apply_named(UnsortedSegmentSum, name, "UnsortedSegmentSum",
                       [("data", data, None), ("segment_ids", segment_ids, "index"),
                        ("num_segments", num_segments, dtypes.int32)])


@register_op
class OneHot(NotDifferentiable):
    """on_value where indices equals the position along the new axis, else off_value;
    an index outside [0, depth) gives a row of off_value."""

    def infer(self, indices, depth, on_value, off_value, *, axis):
        if indices.dtype not in (dtypes.uint8, dtypes.int32, dtypes.int64):
            raise TypeError(f"indices must be uint8, int32 or int64, got {indices.dtype.name}")
        if depth.dtype != dtypes.int32:
            raise TypeError(f"depth must be int32, got {depth.dtype.name}")
        d = _scalar(depth, "depth")
        if d is not None and d < 0:
            raise ValueError(f"depth must be non-negative, got {d}")
        dtype = same_dtype(on_value, off_value)
        for t, what in ((on_value, "on_value"), (off_value, "off_value")):
            if t.shape.ndims not in (None, 0):
                raise ValueError(f"{what} must be a scalar, got shape {t.shape}")
        if indices.shape.ndims is None:
            return Spec(None, dtype)
        rank = indices.shape.ndims
        if not -1 <= axis <= rank:
            raise ValueError(f"Expected axis to be -1 or between [0, {rank + 1}). But received: "
                             f"{axis} (indices shape {indices.shape})")
        dims = list(indices.shape.as_tuple())
        dims.insert(rank if axis == -1 else axis, d)
        return Spec(dims, dtype)

    def forward(self, xp, indices, depth, on_value, off_value, *, axis):
        d = int(depth)
        if d < 0:
            raise ValueError(f"depth must be non-negative, got {d}")
        hot = indices[..., None] == xp.arange(d)
        out = xp.where(hot, on_value, off_value)
        return out if axis == -1 else xp.moveaxis(out, -1, axis)


def one_hot(indices, depth, on_value=None, off_value=None, axis=None, dtype=None, name=None):
    """A one-hot encoding of indices along a new axis (last by default); dtype float32 unless
    given or implied by on_value/off_value. Out-of-range indices give all-off rows."""
    with name_scope(name, "one_hot", [indices]) as scope:
        given = {k: convert_to_tensor(v) for k, v in (("on_value", on_value),
                                                       ("off_value", off_value))
                 if v is not None and hasattr(v, "_as_graph_element")}
        python = {k: v for k, v in (("on_value", on_value), ("off_value", off_value))
                  if v is not None and k not in given}
        if dtype is not None:
            dtype = dtypes.as_dtype(dtype)
            for k, t in given.items():
                if t.dtype != dtype:
                    raise TypeError(f"dtype {t.dtype.name} of {k} does not match dtype "
                                    f"parameter {dtype.name}")
        elif given:
            dtype = next(iter(given.values())).dtype
        elif python:
            dtype = values.infer_dtype(next(iter(python.values())))
        else:
            dtype = dtypes.float32
        on, off = given.get("on_value"), given.get("off_value")
        if on is None:
            on = constant(python.get("on_value", 1), dtype, name="on_value")
        if off is None:
            off = constant(python.get("off_value", 0), dtype, name="off_value")
        if on.dtype != off.dtype:
            raise TypeError(f"dtype {on.dtype.name} of on_value does not match dtype "
                            f"{off.dtype.name} of off_value")
        indices = op_input(indices, "indices", "index")
        depth = op_input(depth, "depth", dtypes.int32)
        return OneHot.apply(indices, depth, on, off, axis=-1 if axis is None else int(axis),
                            name=scope)


def boolean_mask(tensor, mask, name="boolean_mask", axis=None):
    """The elements (or slices from `axis` on) of tensor where the bool mask is True."""
    with name_scope(name, "boolean_mask", [tensor, mask]):
        tensor = convert_to_tensor(tensor)
        mask = convert_to_tensor(mask)
        require(mask.dtype, "bool", "mask")
        k = mask.shape.ndims
        if k is None:
            raise ValueError("Number of mask dimensions must be specified, even if some "
                             "dimensions are None. E.g. shape=[None] is ok, but shape=None is not.")
        if k == 0:
            raise ValueError("mask cannot be scalar.")
        axis = 0 if axis is None else int(axis)
        if tensor.shape.ndims is not None:
            covered = TensorShape(tensor.shape.as_tuple()[axis:axis + k])
            if not covered.is_compatible_with(mask.shape):
                raise ValueError(f"Shapes {tensor.shape} and mask {mask.shape} are incompatible: "
                                 f"the mask must match dims {axis}..{axis + k - 1} of the tensor")
        if tensor.shape.is_fully_defined():
            dims = tensor.shape.as_list()
            flat_shape = dims[:axis] + [math.prod(dims[axis:axis + k])] + dims[axis + k:]
        else:
            t_shape = shape(tensor)
            lead = math_ops.reduce_prod(t_shape[axis:axis + k], [0])
            flat_shape = concat([t_shape[:axis], reshape(lead, [1]), t_shape[axis + k:]], 0)
        checks = []
        covered = TensorShape(None if tensor.shape.ndims is None else
                              tensor.shape.as_tuple()[axis:axis + k])
        if not (mask.shape.is_fully_defined() and covered.is_fully_defined()):
            # a mask of another shape but as many elements would pick the wrong ones (TF1 lets
            # it; NumPy refuses): compare the shapes when the run knows them
            checks = [assert_equal(shape(mask), shape(tensor)[axis:axis + k],
                                   message="the mask's shape must be the masked dims' shape")]
        tensor = reshape(tensor, flat_shape)
        with control_dependencies(checks):
            indices = squeeze(math_ops.where(reshape(mask, [-1])), axis=[1])
        return gather(tensor, indices, axis=axis)
