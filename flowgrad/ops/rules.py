"""Shared static shape/dtype rules used by many ops' `infer`."""

from __future__ import annotations

from flowgrad import dtypes
from flowgrad.framework.registry import Spec
from flowgrad.framework.shapes import TensorShape, broadcast_dims
from flowgrad.framework.warnings import note_broadcast


def constant_value(tensor):
    """The value of `tensor` when it is known at build time (a Const, a known Shape), else None."""
    op = tensor.op
    if op.type == "Const":
        return op.attrs["value"]
    if op.type == "Shape" and op.inputs[0].shape.is_fully_defined():
        import numpy as np  # build-time helper, not a kernel

        return np.array(op.inputs[0].shape.as_list(), dtype=op.outputs[0].dtype.as_numpy_dtype)
    return None


def same_dtype(*tensors) -> dtypes.DType:
    """The common dtype of `tensors`; TypeError if they differ (no implicit promotion)."""
    first = tensors[0].dtype
    for t in tensors[1:]:
        if t.dtype != first:
            names = " and ".join(x.dtype.name for x in tensors)
            raise TypeError(f"dtypes {names} differ: flowgrad never promotes implicitly, "
                            "use tf.cast on one side")
    return first


def require(dtype, allowed: str, what: str = "input"):
    """Raises TypeError unless dtype's kind is in `allowed` ('float', 'int', 'bool', 'numeric')."""
    ok = {
        "float": dtype.is_floating,
        "int": dtype.is_integer,
        "bool": dtype.is_bool,
        "numeric": dtype.is_numeric,
    }[allowed]
    if not ok:
        raise TypeError(f"{what} has dtype {dtype.name}, but a {allowed} dtype is required")
    return dtype


def merged_shape(xs) -> TensorShape:
    """The one static shape all of `xs` share, each filling in the others' unknown dims;
    ValueError naming the first two that differ."""
    shape = xs[0].shape
    for x in xs[1:]:
        if not shape.is_compatible_with(x.shape):
            raise ValueError(f"shapes {xs[0].shape} and {x.shape} differ")
        shape = shape.merge_with(x.shape)
    return shape


def unary(x, allowed="numeric") -> Spec:
    """Same shape and dtype as x."""
    require(x.dtype, allowed, "x")
    return Spec(x.shape, x.dtype)


def broadcast_shape(x_shape: TensorShape, y_shape: TensorShape) -> TensorShape:
    """The NumPy broadcast of two static shapes; ValueError if incompatible."""
    if x_shape.ndims is None or y_shape.ndims is None:
        if (x_shape.ndims or 0) <= 2 and (y_shape.ndims or 0) <= 2:
            note_broadcast(None, None)  # only a run can tell
        return TensorShape(None)
    x_dims, y_dims = x_shape.as_tuple(), y_shape.as_tuple()
    dims = broadcast_dims(x_dims, y_dims)
    if len(x_dims) + len(y_dims) == 3:  # (N,) with (N, 1)? checked by the op's registry hook
        note_broadcast(x_dims, y_dims)
    if dims is None:
        raise ValueError(f"shapes {x_shape} and {y_shape} cannot be broadcast together")
    return TensorShape(dims)


def binary(x, y, allowed="numeric", out_dtype=None) -> Spec:
    """Broadcast shape; both inputs of one dtype."""
    dtype = same_dtype(x, y)
    require(dtype, allowed, "inputs")
    return Spec(broadcast_shape(x.shape, y.shape), out_dtype or dtype)


def normalize_axes(axis, ndims, what="axis"):
    """Axis values (int or sequence, may be negative) as a sorted tuple of non-negative ints."""
    if isinstance(axis, int) or getattr(axis, "ndim", 1) == 0:
        axis = [int(axis)]
    out = []
    for a in axis:
        a = int(a)
        if ndims is not None:
            if not -ndims <= a < ndims:
                raise ValueError(f"{what} {a} is out of range for a tensor of rank {ndims}")
            a %= ndims
        out.append(a)
    if len(set(out)) != len(out):
        raise ValueError(f"{what} {list(axis)} repeats an axis")
    return tuple(sorted(out))
