"""Slicing: `t[...]` and strided_slice (StridedSlice, with TF1's mask encoding), slice (Slice)
and split (Split, SplitV), each with its gradient."""

from __future__ import annotations

import builtins
import numbers

from flowgrad import dtypes
from flowgrad.framework.graph import located, name_scope
from flowgrad.framework.registry import (
    OpDef,
    Spec,
    convert_to_tensor,
    is_graph_value,
    register_op,
)
from flowgrad.framework.shapes import Dimension, TensorShape
from flowgrad.ops import array_ops
from flowgrad.ops.array_ops import (
    apply_named,
    concat,
    constant,
    one_or_tuple,
    op_input,
    pad,
    rank,
    reshape,
    shape,
    stack,
)
from flowgrad.ops.gather_ops import boolean_mask
from flowgrad.ops.math_ops import cast
from flowgrad.ops.rules import constant_value, require, same_dtype

MASKS = ("begin_mask", "end_mask", "ellipsis_mask", "new_axis_mask", "shrink_axis_mask")
_SLICE_TYPE_ERROR = ("Only integers, slices (`:`), ellipsis (`...`), tf.newaxis (`None`) and "
                     "scalar tf.int32/tf.int64 tensors are valid indices")


def numpy_index(begin, end, strides, masks) -> tuple:
    """The NumPy basic index equal to a sparse StridedSlice spec: TF clamps and wraps bounds
    exactly as Python slices do, so the kernel is one indexing (a view)."""
    index = []
    for i, stride in enumerate(strides):
        bit = 1 << i
        if masks["ellipsis_mask"] & bit:
            index.append(Ellipsis)
        elif masks["new_axis_mask"] & bit:
            index.append(None)
        elif masks["shrink_axis_mask"] & bit:
            index.append(int(begin[i]))
        else:
            start = None if masks["begin_mask"] & bit else int(begin[i])
            stop = None if masks["end_mask"] & bit else int(end[i])
            index.append(builtins.slice(start, stop, int(stride)))
    if not any(item is Ellipsis for item in index):
        index.append(Ellipsis)  # keeps a 0-d result an array rather than a NumPy scalar
    return tuple(index)


def _dense_spec(rank, n, begin, end, strides, masks):
    """TF's BuildDenseSpec: one (begin, end, stride, begin_masked, end_masked, shrink) per input
    dim, and for each output dim the input dim it comes from ('new' for a new axis)."""
    ellipsis, new_axis = masks["ellipsis_mask"], masks["new_axis_mask"]
    if ellipsis & (ellipsis - 1):
        raise ValueError("Multiple ellipses in slice spec not allowed")
    seen, new_after = False, 0
    for i in range(n):
        if seen and new_axis & (1 << i):
            new_after += 1
        seen = seen or bool(ellipsis & (1 << i))
    if not seen:
        ellipsis |= 1 << n
        n += 1
    dense, gather = [], []
    for i in range(n):
        bit = 1 << i
        if ellipsis & bit:
            stop = min(rank - (n - i) + 1 + new_after, rank)
            while len(dense) < stop:
                gather.append(len(dense))
                dense.append((0, 0, 1, True, True, False))
        elif new_axis & bit:
            gather.append("new")
        else:
            if len(dense) == rank:
                raise ValueError(f"Index out of range using input dim {rank}; input has only "
                                 f"{rank} dims")
            shrink = bool(masks["shrink_axis_mask"] & bit)
            gather.append(None if shrink else len(dense))
            dense.append((None if begin is None else int(begin[i]),
                          None if end is None else int(end[i]), int(strides[i]),
                          bool(masks["begin_mask"] & bit), bool(masks["end_mask"] & bit), shrink))
    return dense, gather


def _dim_size(i, d, spec, known):
    """TF's processing size of one input dim (None when unknown); validates the bounds."""
    b, e, s, b_masked, e_masked, shrink = spec
    if s == 0:
        raise ValueError(f"strides[{i}] must be non-zero")
    if shrink and s <= 0:
        raise ValueError("only stride 1 allowed on non-range indexing")
    if d is None:
        return 1 if shrink else None
    if known and shrink:
        if not -d <= b < d:
            raise ValueError(f"slice index {b} of dimension {i} out of bounds")
        return 1
    if known:
        low, high = (0, d) if s > 0 else (-1, d - 1)

        def canonical(x, masked, is_end):
            if masked:
                return (high if is_end else low) if s > 0 else (low if is_end else high)
            x = x + d if x < 0 else x
            return min(max(x, low), high)

        length = canonical(e, e_masked, True) - canonical(b, b_masked, False)
    elif shrink:
        return 1
    elif b_masked and e_masked:
        length = -d if s < 0 else d
    else:
        return None
    if length == 0 or (length < 0) != (s < 0):
        return 0
    return (abs(length) + abs(s) - 1) // abs(s)


def strided_shape(x_shape, begin, end, strides, masks) -> TensorShape:
    """The static result shape of a strided slice (TF's ValidateStridedSliceOp); begin/end
    may be None (unknown), strides must be known for anything but an unknown shape."""
    if x_shape.ndims is None or strides is None:
        return TensorShape(None)
    dims = x_shape.as_list()
    dense, gather = _dense_spec(len(dims), len(strides), begin, end, strides, masks)
    known = begin is not None and end is not None
    sizes = [_dim_size(i, d, spec, known) for i, (d, spec) in enumerate(zip(dims, dense))]
    return TensorShape([1 if g == "new" else sizes[g] for g in gather if g is not None])


def _check_spec(begin, end, strides):
    for t, what in ((begin, "begin"), (end, "end"), (strides, "strides")):
        require(t.dtype, "int", what)
        if t.shape.ndims not in (None, 1):
            raise ValueError(f"{what} must be a 1-D tensor, got shape {t.shape}")
    same_dtype(begin, end, strides)
    lengths = {t.shape[0].value for t in (begin, end, strides) if t.shape.ndims == 1} - {None}
    if len(lengths) > 1:
        raise ValueError(f"Expected begin, end, and strides to be 1D equal size tensors, but got "
                         f"shapes {begin.shape}, {end.shape}, and {strides.shape} instead.")


def _static_index(op):
    """The NumPy index of a strided slice op when begin, end and strides are constants."""
    spec = [constant_value(t) for t in op.inputs[1:4]]  # begin, end, strides in both ops
    if any(v is None for v in spec):
        return None
    masks = {k: op.attrs[k] for k in MASKS}
    return numpy_index(*spec, masks)


@register_op
class StridedSlice(OpDef):
    """x[begin:end:strides] with TF1's begin/end/ellipsis/new-axis/shrink-axis bit masks."""

    forwards_input = True

    def infer(self, x, begin, end, strides, **masks):
        _check_spec(begin, end, strides)
        values = [constant_value(t) for t in (begin, end, strides)]
        return Spec(strided_shape(x.shape, *values, masks), x.dtype)

    def compile(self, op, ctx):
        index = _static_index(op)
        if index is not None:
            return lambda x, b, e, s: x[index]
        masks = {k: op.attrs[k] for k in MASKS}
        return lambda x, b, e, s: x[numpy_index(b, e, s, masks)]

    def forward(self, xp, x, begin, end, strides, **masks):
        return x[numpy_index(begin, end, strides, masks)]

    def gradient(self, op, grad):
        x, begin, end, strides = op.inputs
        masks = {k: op.attrs[k] for k in MASKS}
        x_shape = shape(x, out_type=begin.dtype)
        return [StridedSliceGrad.apply(x_shape, begin, end, strides, grad, **masks),
                None, None, None]


@register_op
class StridedSliceGrad(OpDef):
    """StridedSlice's gradient: dy scattered into zeros of the input's shape."""

    def infer(self, x_shape, begin, end, strides, dy, **masks):
        _check_spec(begin, end, strides)
        require(x_shape.dtype, "int", "shape")
        return Spec(array_ops._static_shape_from(x_shape), dy.dtype)

    def compile(self, op, ctx):
        xp, index = ctx.xp, _static_index(op)
        masks = {k: op.attrs[k] for k in MASKS}

        def scatter(x_shape, b, e, s, dy):
            out = xp.zeros(tuple(int(d) for d in x_shape), dtype=dy.dtype)
            out[index if index is not None else numpy_index(b, e, s, masks)] = dy
            return out

        return scatter

    def forward(self, xp, x_shape, begin, end, strides, dy, **masks):
        out = xp.zeros(tuple(int(d) for d in x_shape), dtype=dy.dtype)
        out[numpy_index(begin, end, strides, masks)] = dy
        return out

    def gradient(self, op, grad):
        _, begin, end, strides, _ = op.inputs
        masks = {k: op.attrs[k] for k in MASKS}
        return [None, None, None, None,
                StridedSlice.apply(grad, begin, end, strides, **masks)]


def strided_slice(input_, begin, end, strides=None, begin_mask=0, end_mask=0, ellipsis_mask=0,
                  new_axis_mask=0, shrink_axis_mask=0, var=None, name=None):
    """input_[begin:end:strides] with TF1's bit masks (bit i refers to spec entry i)."""
    if strides is None:
        strides = array_ops.ones_like(begin) if is_graph_value(begin) \
            else [1] * len(begin)
    masks = {"begin_mask": begin_mask, "end_mask": end_mask, "ellipsis_mask": ellipsis_mask,
             "new_axis_mask": new_axis_mask, "shrink_axis_mask": shrink_axis_mask}
    return apply_named(StridedSlice, name, "StridedSlice",
                       [("input", input_, None), ("begin", begin, "index"),
                        ("end", end, "index"), ("strides", strides, "index")], **masks)


def _check_index(index):
    """A valid index bound: a Python/NumPy int or a scalar int32/int64 tensor."""
    if isinstance(index, (Dimension, numbers.Integral)):
        return int(index)
    if is_graph_value(index):
        t = convert_to_tensor(index)
        if t.dtype in (dtypes.int32, dtypes.int64) and t.shape.ndims in (None, 0):
            return t
    raise TypeError(f"{_SLICE_TYPE_ERROR}, got {index!r}")


def _is_bool_mask(key) -> bool:
    if isinstance(key, bool):
        return True
    dtype = getattr(key, "dtype", None)
    try:
        return dtype is not None and dtypes.as_dtype(dtype).is_bool
    except TypeError:
        return False


def _pack(items, dtype):
    """A 1-D index tensor: a Const named 'stack' for Python ints, else a Pack of them."""
    if all(isinstance(v, int) for v in items):
        return constant(items, dtype=dtype, name="stack")
    return stack([cast(v, dtype) if not isinstance(v, int) and v.dtype != dtype else v
                  for v in items])


def getitem(tensor, key):
    """`tensor[key]` as TF1 builds it: ints, slices (any step), `...`, tf.newaxis and scalar int
    tensors become one StridedSlice op named 'strided_slice'; a bool mask is boolean_mask."""
    with located("strided_slice", [tensor]):  # a bad index says where it was written
        return _getitem(tensor, key)


def _getitem(tensor, key):
    if _is_bool_mask(key):
        return boolean_mask(tensor, key)
    tensor = convert_to_tensor(tensor)
    key = list(key) if isinstance(key, (list, tuple)) else [key]
    begin, end, strides = [], [], []
    masks = dict.fromkeys(MASKS, 0)
    for i, item in enumerate(key):
        bit = 1 << i
        if isinstance(item, builtins.slice):
            for value, bounds, mask in ((item.start, begin, "begin_mask"),
                                        (item.stop, end, "end_mask")):
                if value is None or (isinstance(value, Dimension) and value.value is None):
                    bounds.append(0)
                    masks[mask] |= bit
                else:
                    bounds.append(_check_index(value))
            strides.append(1 if item.step is None else _check_index(item.step))
        elif item is Ellipsis or item is None:
            begin.append(0)
            end.append(0)
            strides.append(1)
            masks["ellipsis_mask" if item is Ellipsis else "new_axis_mask"] |= bit
        else:
            index = _check_index(item)
            begin.append(index)
            end.append(index + 1)  # a tensor index adds an 'add' op, outside the scope (TF1)
            strides.append(1)
            masks["shrink_axis_mask"] |= bit
    with name_scope(None, "strided_slice", [tensor]) as scope:
        items = begin + end + strides
        wide = any(not isinstance(v, int) and v.dtype == dtypes.int64 for v in items)
        dtype = dtypes.int64 if wide else dtypes.int32
        if begin:
            packed = [_pack(v, dtype) for v in (begin, end, strides)]
        else:
            packed = [constant([], dtype=dtypes.int32)] * 3
        return StridedSlice.apply(tensor, *packed, name=scope, **masks)


def _check_slice_bounds(i, b, s, d):
    """TF's Slice bounds: 0 <= begin <= dim, and size -1 or in [0, dim - begin]."""
    if not 0 <= b <= d:
        raise ValueError(f"Expected begin[{i}] in [0, {d}], but got {b}")
    if s != -1 and not 0 <= s <= d - b:
        raise ValueError(f"Expected size[{i}] in [0, {d - b}], but got {s}")
    return d - b if s == -1 else s


@register_op
class Slice(OpDef):
    """input[begin[i] : begin[i] + size[i]] along each axis; size -1 means to the end."""

    forwards_input = True

    def infer(self, x, begin, size):
        for t, what in ((begin, "begin"), (size, "size")):
            require(t.dtype, "int", what)
            if t.shape.ndims not in (None, 1):
                raise ValueError(f"{what} must be a 1-D tensor, got shape {t.shape}")
        same_dtype(begin, size)
        lengths = {t.shape[0].value for t in (begin, size) if t.shape.ndims == 1} - {None}
        rank = x.shape.ndims
        if len(lengths) > 1 or (rank is not None and lengths and lengths != {rank}):
            raise ValueError(f"Expected begin and size arguments to be 1-D tensors of size "
                             f"{rank}, but got shapes {begin.shape} and {size.shape} instead "
                             f"(input shape {x.shape})")
        rank = rank if rank is not None else (lengths.pop() if lengths else None)
        b, s = constant_value(begin), constant_value(size)
        if rank is None or s is None:
            return Spec(None if rank is None else [None] * rank, x.dtype)
        dims = x.shape.as_tuple() or [None] * rank
        out = []
        for i, (d, sz) in enumerate(zip(dims, s.tolist())):
            bi = None if b is None else int(b[i])
            if sz < -1:
                raise ValueError(f"Expected size[{i}] >= -1, but got {sz} (input shape {x.shape})")
            if d is None or bi is None:
                out.append(None if sz == -1 else sz)
                continue
            try:
                out.append(_check_slice_bounds(i, bi, sz, d))
            except ValueError as e:
                raise ValueError(f"{e} (input shape {x.shape})") from None
        return Spec(out, x.dtype)

    def forward(self, xp, x, begin, size):
        if len(begin) != x.ndim or len(size) != x.ndim:
            raise ValueError(f"begin and size must have {x.ndim} entries, the rank of the input "
                             f"of shape {x.shape}, got {len(begin)} and {len(size)}")
        index = []
        for i, (b, s, d) in enumerate(zip(begin.tolist(), size.tolist(), x.shape)):
            s = _check_slice_bounds(i, b, s, d)
            index.append(builtins.slice(b, b + s))
        return x[tuple(index) + (Ellipsis,)]

    def gradient(self, op, grad):
        # zeros around grad: pad before by begin, after by the rest of the input
        x, begin, _ = op.inputs
        b, out = constant_value(begin), op.outputs[0]
        if b is not None and x.shape.is_fully_defined() and out.shape.is_fully_defined():
            rows = [[int(lo), d - int(lo) - s] for lo, d, s in
                    zip(b, x.shape.as_list(), out.shape.as_list())]
            paddings = constant(rows, dtypes.int32, shape=[len(rows), 2], name="paddings")
        else:
            column = stack([rank(x), 1])
            before = reshape(begin, column)
            rest = shape(x, out_type=begin.dtype) - shape(out, out_type=begin.dtype) - begin
            paddings = concat([before, reshape(rest, column)], 1)
        dx = pad(grad, paddings)
        dx.set_shape(x.shape)
        return [dx, None, None]


def slice_(input_, begin, size, name=None):
    """The part of `input_` starting at `begin` of shape `size` (-1: to the end); tf.slice."""
    return apply_named(Slice, name, "Slice", [("input", input_, None), ("begin", begin, "index"),
                                              ("size", size, "index")])


def _split_axis(value, split_dim):
    """(rank, non-negative axis or None) of a split, validating the axis."""
    require(split_dim.dtype, "int", "axis")
    if split_dim.shape.ndims not in (None, 0):
        raise ValueError(f"axis must be a scalar, got shape {split_dim.shape}")
    rank, axis = value.shape.ndims, constant_value(split_dim)
    if rank is None or axis is None:
        return rank, None
    axis = int(axis)
    if not -rank <= axis < rank:
        raise ValueError(f"axis {axis} is out of range [-{rank}, {rank}) for shape {value.shape}")
    return rank, axis % rank


def _pieces(value, axis, sizes):
    dims = list(value.shape.as_tuple())
    return [Spec(dims[:axis] + [s] + dims[axis + 1:], value.dtype) for s in sizes]


@register_op
class Split(OpDef):
    """num_split equal pieces of value along split_dim (inputs in TF1's order)."""

    forwards_input = True

    def infer(self, split_dim, value, *, num_split):
        if num_split < 1:
            raise ValueError(f"num_split must be at least 1, got {num_split}")
        rank, axis = _split_axis(value, split_dim)
        if rank is None or axis is None:
            return [Spec(None if rank is None else [None] * rank, value.dtype)] * num_split
        d = value.shape[axis].value
        if d is not None and d % num_split:
            raise ValueError(f"Dimension size must be evenly divisible by {num_split} but is {d} "
                             f"(axis {axis} of shape {value.shape})")
        return _pieces(value, axis, [None if d is None else d // num_split] * num_split)

    def forward(self, xp, split_dim, value, *, num_split):
        return one_or_tuple(xp.split(value, num_split, axis=int(split_dim)))

    def gradient(self, op, *grads):
        return [None, concat(list(grads), op.inputs[0])]


def _split_sizes(sizes, d, value, axis):
    """size_splits with its one -1 filled in; ValueError unless they cover dim d exactly."""
    sizes = [int(s) for s in sizes]
    if sum(s == -1 for s in sizes) > 1 or any(s < -1 for s in sizes):
        raise ValueError(f"size_splits {sizes} may hold one -1 and otherwise sizes >= 0")
    if d is None:
        return [None if s == -1 else s for s in sizes]
    rest = d - sum(s for s in sizes if s != -1)
    if (-1 in sizes and rest < 0) or (-1 not in sizes and rest != 0):
        raise ValueError(f"size_splits {sizes} do not add up to {d}, the size of axis {axis} "
                         f"of the value of shape {value.shape}")
    return [rest if s == -1 else s for s in sizes]


@register_op
class SplitV(OpDef):
    """Pieces of value along split_dim with the sizes in size_splits (one may be -1)."""

    forwards_input = True

    def infer(self, value, size_splits, split_dim, *, num_split):
        require(size_splits.dtype, "int", "size_splits")
        if size_splits.shape.ndims not in (None, 1):
            raise ValueError(f"size_splits must be 1-D, got shape {size_splits.shape}")
        if size_splits.shape.ndims == 1 and size_splits.shape[0].value not in (None, num_split):
            raise ValueError(f"size_splits of shape {size_splits.shape} for {num_split} pieces")
        rank, axis = _split_axis(value, split_dim)
        sizes = constant_value(size_splits)
        if rank is None or axis is None:
            return [Spec(None if rank is None else [None] * rank, value.dtype)] * num_split
        if sizes is None:
            return _pieces(value, axis, [None] * num_split)
        return _pieces(value, axis, _split_sizes(sizes, value.shape[axis].value, value, axis))

    def forward(self, xp, value, size_splits, split_dim, *, num_split):
        axis = int(split_dim) % value.ndim
        sizes = _split_sizes(size_splits, value.shape[axis], value, axis)
        offsets, total = [], 0
        for s in sizes[:-1]:
            total += s
            offsets.append(total)
        return one_or_tuple(xp.split(value, offsets, axis=axis))

    def gradient(self, op, *grads):
        return [concat(list(grads), op.inputs[2]), None, None]


def split(value, num_or_size_splits, axis=0, num=None, name="split"):
    """Splits `value` along `axis` into that many equal pieces (Split) or pieces of the given
    sizes (SplitV); always a list."""
    if isinstance(num_or_size_splits, (numbers.Integral, Dimension)) and \
            not isinstance(num_or_size_splits, bool):
        out = apply_named(Split, name, "split", [("split_dim", axis, "index"),
                                                 ("value", value, None)],
                          num_split=int(num_or_size_splits))
        return list(out) if isinstance(out, tuple) else [out]
    sizes = op_input(num_or_size_splits, "Const", "index")  # TF1 converts it outside the scope
    if sizes.shape.ndims == 0:
        raise ValueError(f"Rank-0 tensors are not supported as the num_or_size_splits argument "
                         f"to split. Argument provided: {num_or_size_splits!r}")
    if num is None:
        num = sizes.shape[0].value if sizes.shape.ndims == 1 else None
        if num is None:
            raise ValueError(f"Cannot infer num from shape {sizes.shape}: pass num=")
    out = apply_named(SplitV, name, "split", [("value", value, None), ("size_splits", sizes, None),
                                              ("split_dim", axis, "index")], num_split=int(num))
    return list(out) if isinstance(out, tuple) else [out]
