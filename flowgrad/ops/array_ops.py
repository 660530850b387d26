"""Array ops: constants, placeholders, shapes, reshaping, joining, tiling, padding, reversing
and scans. Slicing and splitting live in slicing.py, gathering and one-hot in gather_ops.py."""

from __future__ import annotations

import functools

from flowgrad import dtypes
from flowgrad.errors import InvalidArgumentError
from flowgrad.framework import values
from flowgrad.framework.graph import located, name_scope
from flowgrad.framework.registry import (
    NotDifferentiable,
    OpDef,
    Spec,
    convert_to_tensor,
    holds_graph_value,
    is_graph_value,
    register_op,
)
from flowgrad.framework.shapes import Dimension, TensorShape, as_shape
from flowgrad.ops.rules import (
    constant_value,
    merged_shape,
    normalize_axes,
    require,
    same_dtype,
)


def _index_dtype(value, what="index"):
    """int32 for Python ints and lists (int64 when they need it or a NumPy int64 array)."""
    if isinstance(value, (list, tuple)) and not value:
        return dtypes.int32
    try:
        dtype = values.infer_dtype(value)
    except values.ConversionError as e:
        raise TypeError(f"{what} {value!r} is not a list of integers: {e}") from None
    if not dtype.is_integer:
        raise TypeError(f"{what} must hold integers, got {value!r} ({dtype.name})")
    return dtype


def op_input(value, name, dtype=None):
    """`value` as a Tensor; a Python value becomes a Const called `name`, a list holding tensors
    a Pack (TF1's op library names an op's converted inputs after their argument)."""
    if is_graph_value(value):
        return convert_to_tensor(value)
    if holds_graph_value(value):
        return stack(value, name=name)
    if dtype == "index":
        dtype = _index_dtype(value, name)
    return constant(value, dtype=dtype, name=name)


def apply_named(opdef_cls, name, default, inputs, **attrs):
    """Adds an op as TF1 does: inside the op's name scope, Python values in `inputs`
    ((argument, value, dtype) triples) become Consts named `Op/argument`."""
    graph_values = [v for _, v, _ in inputs if is_graph_value(v)]
    with name_scope(name, default, graph_values) as scope:
        # "index" inputs share one type attr: Python values take a given tensor's int type
        shared = next((convert_to_tensor(v).dtype for _, v, d in inputs
                       if d == "index" and is_graph_value(v)), "index")
        tensors = [op_input(value, arg, shared if dtype == "index" else dtype)
                   for arg, value, dtype in inputs]
        return opdef_cls.apply(*tensors, name=scope, **attrs)


@register_op
class Const(NotDifferentiable):
    """A constant array, stored in the graph."""

    owns_result = True

    def infer(self, *, value, dtype):
        return Spec(value.shape, dtype)

    def compile(self, op, ctx):
        value = op.attrs["value"]
        if value.dtype.kind != "O":  # strings (summary tags) stay host arrays on every backend
            value = ctx.xp.asarray(value)
        return lambda: value


def constant(value, dtype=None, shape=None, name="Const", verify_shape=False):
    """A constant tensor; Python values take TF1's dtypes, lossy conversions are refused.

    With `shape`, a scalar is broadcast and a shorter list is padded with its last element,
    as TF1 does; more values than the shape holds is an error.
    """
    dtype = values.infer_dtype(value) if dtype is None else dtypes.as_dtype(dtype)
    try:
        array = values.convert(value, dtype)
    except values.ConversionError as e:
        raise TypeError(f"Cannot make a {dtype.name} constant from {value!r}: {e}") from None
    if shape is not None:
        with located("Const", scope=name):
            array = _fit_to_shape(array, tuple(as_shape(shape).as_list()), verify_shape)
    array = array.copy()
    array.flags.writeable = False
    return Const.apply(value=array, dtype=dtype, name=name)


def _fit_to_shape(array, shape, verify_shape):
    import numpy as np  # build time only: a constant's value is a NumPy array

    if None in shape:
        raise ValueError(f"constant needs a fully defined shape, got {list(shape)}")
    if verify_shape and array.shape != shape:
        raise TypeError(f"Expected Tensor's shape: {shape}, got {array.shape}.")
    n = int(np.prod(shape))
    if n == 0:
        return np.empty(shape, array.dtype)  # TF1 ignores the value for an empty shape
    if array.size == n:
        return array.reshape(shape)
    if array.size > n:
        raise ValueError(f"Too many elements provided. Needed at most {n}, but received "
                         f"{array.size} (value of shape {array.shape} for shape {list(shape)})")
    if array.size == 0:
        raise ValueError(f"cannot fill shape {list(shape)} from an empty value")
    flat = array.reshape(-1)
    return np.concatenate([flat, np.repeat(flat[-1:], n - flat.size)]).reshape(shape)


@register_op
class Placeholder(NotDifferentiable):
    """A value the user feeds at run time."""

    kind = "io"

    def infer(self, *, dtype, shape):
        return Spec(shape, dtype)

    def compile(self, op, ctx):
        raise InvalidArgumentError(None, op, missing_feed_message(op.outputs[0]))


def missing_feed_message(tensor) -> str:
    """The error for a placeholder needed by a run but not fed."""
    op = tensor.op
    return (f"You must feed a value for placeholder tensor '{op.name}' with dtype "
            f"{tensor.dtype.name} and shape {tensor.shape} ({op.describe()}): add it to "
            "feed_dict.")


def placeholder(dtype, shape=None, name=None):
    """A tensor fed through feed_dict; shape dims (or the whole shape) may be None."""
    return Placeholder.apply(dtype=dtypes.as_dtype(dtype), shape=as_shape(shape), name=name)


@register_op
class PlaceholderWithDefault(OpDef):
    """Its input, unless a value is fed."""

    forwards_input = True

    def infer(self, x, *, shape):
        if not as_shape(shape).is_compatible_with(x.shape):
            raise ValueError(f"default of shape {x.shape} does not fit shape {shape}")
        return Spec(shape, x.dtype)

    def forward(self, xp, x, *, shape):
        if not shape.is_compatible_with(x.shape):  # a default of unknown rank, seen at last
            raise ValueError(f"default of shape {x.shape} does not fit shape {shape}")
        return x

    def gradient(self, op, grad):
        return [grad]


def placeholder_with_default(input, shape, name=None):
    """A placeholder that takes `input` when it is not fed."""
    with name_scope(name, "PlaceholderWithDefault", [input]) as scope:
        input = op_input(input, "input")
        return PlaceholderWithDefault.apply(input, shape=as_shape(shape), name=scope)


@register_op
class Identity(OpDef):
    """Its input, unchanged."""

    forwards_input = True

    def infer(self, x):
        return Spec(x.shape, x.dtype)

    def forward(self, xp, x):
        return x

    def gradient(self, op, grad):
        return [grad]


def identity(input, name=None):
    """The input, as a new tensor."""
    return Identity.apply(input, name=name)


def _shape_input(shape, name="shape"):
    """A 1-D int tensor for a shape given as a list, TensorShape or tensor."""
    if isinstance(shape, TensorShape):
        shape = shape.as_list()
    if isinstance(shape, (list, tuple)):  # TF1 takes x.shape[i] (a Dimension) in shape lists
        shape = [d.value if isinstance(d, Dimension) else d for d in shape]
    if is_graph_value(shape):
        return convert_to_tensor(shape)
    if holds_graph_value(shape):
        return stack(list(shape), name=name)
    return op_input(shape, name, "index")


def _static_shape_from(tensor) -> TensorShape:
    """What a shape tensor says statically: its value if constant, the known entries of a
    stacked list ([tf.shape(x)[0], 6]), else its rank."""
    value = constant_value(tensor)
    if value is not None:
        return TensorShape([None if d < 0 else int(d) for d in value.reshape(-1)])
    if tensor.op.type == "Pack" and tensor.op.attrs["axis"] == 0:
        dims = [_static_dim(t) for t in tensor.op.inputs]
        return TensorShape([None if d is None or d < 0 else d for d in dims])
    if tensor.op.type == "Shape":  # tf.shape(x) of a partly known x: its known dims (as TF1)
        return tensor.op.inputs[0].shape
    n = tensor.shape[0].value if tensor.shape.ndims == 1 else None
    return TensorShape(None if n is None else [None] * n)


def _static_dim(t):
    """A scalar int known at build time: a constant, or shape(x)[i] with x's dim i known."""
    value = constant_value(t)
    if value is not None:
        return int(value) if value.size == 1 else None
    op = t.op
    if op.type == "StridedSlice" and op.inputs[0].op.type == "Shape" and \
            op.attrs["shrink_axis_mask"] == 1 and constant_value(op.inputs[1]) is not None:
        dims = op.inputs[0].op.inputs[0].shape.as_tuple()
        i = int(constant_value(op.inputs[1]).reshape(-1)[0])
        if dims is not None and -len(dims) <= i < len(dims):
            return dims[i]
    return None


def _require_vector(t, what):
    if t.shape.ndims not in (None, 1):
        raise ValueError(f"{what} must be a 1-D tensor, got shape {t.shape}")
    require(t.dtype, "int", what)


@register_op
class Reshape(OpDef):
    """The same elements in a new shape (one dim may be -1)."""

    forwards_input = True

    def infer(self, x, shape):
        _require_vector(shape, "shape")
        value = constant_value(shape)
        if value is None:
            return Spec(_static_shape_from(shape), x.dtype)
        dims = [int(d) for d in value.reshape(-1)]
        if sum(d == -1 for d in dims) > 1:
            raise ValueError(f"shape {dims} has more than one -1")
        if any(d < -1 for d in dims):
            raise ValueError(f"shape {dims} has a negative size")
        known = 1
        for d in dims:
            known *= d if d >= 0 else 1
        total = x.shape.num_elements()
        if -1 in dims:
            if total is not None:
                if known == 0 or total % known:
                    raise ValueError(f"cannot reshape a tensor of {total} elements "
                                     f"(shape {x.shape}) into shape {dims}")
                dims[dims.index(-1)] = total // known
            else:
                dims[dims.index(-1)] = None
        elif total is not None and total != known:
            raise ValueError(f"cannot reshape a tensor of {total} elements (shape {x.shape}) "
                             f"into shape {dims} ({known} elements)")
        return Spec(dims, x.dtype)

    def compile(self, op, ctx):
        static = constant_value(op.inputs[1])
        if static is None:
            return functools.partial(self.forward, ctx.xp)
        dims = tuple(int(d) for d in static.reshape(-1))
        return lambda x, _: x.reshape(dims)  # the method: np.reshape's wrapper costs 0.6 us

    def forward(self, xp, x, shape):
        return xp.reshape(x, tuple(int(d) for d in shape))

    def gradient(self, op, grad):
        return [reshape(grad, shape(op.inputs[0])), None]


def reshape(tensor, shape, name=None):
    """`tensor` with a new shape."""
    with name_scope(name, "Reshape", [tensor]) as scope:
        return Reshape.apply(op_input(tensor, "tensor"), _shape_input(shape), name=scope)


@register_op
class Shape(NotDifferentiable):
    """The runtime shape of a tensor, as a 1-D int tensor."""

    def infer(self, x, *, out_type):
        return Spec([x.shape.ndims], out_type)

    def forward(self, xp, x, *, out_type):
        return xp.asarray(x.shape, dtype=out_type.as_numpy_dtype)


def shape(input, name=None, out_type=dtypes.int32):
    """The shape of `input` as a 1-D int32 tensor (a Const when statically known, as TF1)."""
    out_type = dtypes.as_dtype(out_type)
    with name_scope(name, "Shape", [input]) as scope:
        input = convert_to_tensor(input)
        if input.shape.is_fully_defined():
            return constant(input.shape.as_list(), dtype=out_type, name=scope)
        return Shape.apply(input, out_type=out_type, name=scope)


@register_op
class Size(NotDifferentiable):
    """The number of elements, as a scalar."""

    def infer(self, x, *, out_type):
        return Spec([], out_type)

    def forward(self, xp, x, *, out_type):
        return xp.asarray(x.size, dtype=out_type.as_numpy_dtype)


def size(input, name=None, out_type=dtypes.int32):
    """The number of elements of `input` (a Const when statically known, as TF1)."""
    out_type = dtypes.as_dtype(out_type)
    with name_scope(name, "Size", [input]) as scope:
        input = convert_to_tensor(input)
        dims = input.shape.as_tuple()
        if input.shape.is_fully_defined() or (dims and 0 in dims):
            n = 0 if 0 in (dims or ()) else input.shape.num_elements()
            return constant(n, dtype=out_type, name=scope)
        return Size.apply(input, out_type=out_type, name=scope)


@register_op
class Rank(NotDifferentiable):
    """The rank, as an int32 scalar."""

    def infer(self, x):
        return Spec([], dtypes.int32)

    def forward(self, xp, x):
        return xp.asarray(x.ndim, dtype=xp.int32)


def rank(input, name=None):
    """The rank of `input` (a Const when statically known, as TF1)."""
    with name_scope(name, "Rank", [input]) as scope:
        input = convert_to_tensor(input)
        if input.shape.ndims is not None:
            return constant(input.shape.ndims, dtype=dtypes.int32, name=scope)
        return Rank.apply(input, name=scope)


@register_op
class Pack(OpDef):
    """Stacks N tensors of one shape along a new axis."""

    def infer(self, *xs, axis):
        if not xs:
            raise ValueError("stack needs at least one tensor")
        dtype = same_dtype(*xs)
        shape = merged_shape(xs)
        if shape.ndims is None:
            return Spec(None, dtype)
        rank = shape.ndims + 1
        if not -rank <= axis < rank:
            raise ValueError(f"axis {axis} is out of range for a result of rank {rank}")
        dims = list(shape.as_tuple())
        dims.insert(axis % rank, len(xs))
        return Spec(dims, dtype)

    def forward(self, xp, *xs, axis):
        return xp.stack(xs, axis=axis)

    def gradient(self, op, grad):
        return unstack(grad, num=len(op.inputs), axis=op.attrs["axis"])


def stack(values, axis=0, name="stack"):
    """Stacks a list of tensors along a new axis (a Const when every value is a Python value)."""
    values = list(values)
    if axis == 0 and values and not holds_graph_value(values):
        try:
            return constant(values, name=name)
        except (TypeError, ValueError):
            pass  # ragged or mixed values: Pack reports the shapes
    with name_scope(name, "stack", [v for v in values if is_graph_value(v)]) as scope:
        first = next((convert_to_tensor(v) for v in values if is_graph_value(v)), None)
        dtype = None if first is None else first.dtype
        tensors = [v if is_graph_value(v) else op_input(v, f"values_{i}", dtype)
                   for i, v in enumerate(values)]
        return Pack.apply(*tensors, axis=axis, name=scope)


@register_op
class Unpack(OpDef):
    """Splits a tensor along an axis into `num` tensors of one rank less."""

    forwards_input = True

    def infer(self, x, *, num, axis):
        if x.shape.ndims is None:
            return [Spec(None, x.dtype)] * num
        rank = x.shape.ndims
        if not -rank <= axis < rank:
            raise ValueError(f"axis {axis} is out of range for shape {x.shape}")
        dims = list(x.shape.as_tuple())
        n = dims.pop(axis % rank)
        if n is not None and n != num:
            raise ValueError(f"cannot unstack dimension {axis} of size {n} (shape {x.shape}) "
                             f"into {num} tensors")
        return [Spec(dims, x.dtype)] * num

    def forward(self, xp, x, *, num, axis):
        return one_or_tuple(tuple(xp.moveaxis(x, axis, 0)))

    def gradient(self, op, *grads):
        grads = [g if g is not None else zeros_like(t) for g, t in zip(grads, op.outputs)]
        return [stack(grads, axis=op.attrs["axis"])]


def unstack(value, num=None, axis=0, name="unstack"):
    """Splits `value` along `axis` into a list of tensors."""
    value = convert_to_tensor(value)
    if num is None:
        if value.shape.ndims is None or value.shape[axis].value is None:
            raise ValueError(f"Cannot infer num from shape {value.shape}: pass num=")
        num = value.shape[axis].value
    out = Unpack.apply(value, num=num, axis=axis, name=name)
    return list(out) if isinstance(out, tuple) else [out]


@register_op
class Fill(OpDef):
    """A tensor of a given shape filled with a scalar."""

    def infer(self, dims, value):
        _require_vector(dims, "dims")
        if value.shape.ndims not in (None, 0):
            raise ValueError(f"value must be a scalar, got shape {value.shape}")
        static = constant_value(dims)
        if static is not None and (static < 0).any():
            raise ValueError(f"dims {static.tolist()} has a negative size")
        return Spec(_static_shape_from(dims), value.dtype)

    def forward(self, xp, dims, value):
        return xp.full(tuple(int(d) for d in dims), value, dtype=value.dtype)

    def gradient(self, op, grad):
        return [None, _reduce_sum(grad)]


def _reduce_sum(t, axis=None):
    from flowgrad.ops.math_ops import reduce_sum

    return reduce_sum(t, axis)


def fill(dims, value, name=None):
    """A tensor of shape `dims` filled with `value`."""
    with name_scope(name, "Fill", [dims, value]) as scope:
        return Fill.apply(_shape_input(dims, "dims"), op_input(value, "value"), name=scope)


def zeros(shape, dtype=dtypes.float32, name=None):
    """A tensor of zeros (a Const when small, else a Fill, as TF1)."""
    return _filled(shape, dtype, 0, name, "zeros")


def ones(shape, dtype=dtypes.float32, name=None):
    """A tensor of ones (a Const when small, else a Fill, as TF1)."""
    return _filled(shape, dtype, 1, name, "ones")


_SMALL_CONSTANT = 1000  # TF1 stores a filled constant up to this many elements, else Fills


def _filled(shape, dtype, scalar, name, default):
    dtype = dtypes.as_dtype(dtype)
    scalar = (scalar != 0) if dtype.is_bool else "" if dtype == dtypes.string else scalar
    with name_scope(name, default, [shape] if is_graph_value(shape) else []) as scope:
        if not holds_graph_value(shape):
            dims = as_shape([shape] if isinstance(shape, int) else shape).as_list()
            if None in dims:
                raise ValueError(f"{default} needs a fully defined shape, got {dims}")
            if as_shape(dims).num_elements() < _SMALL_CONSTANT:
                return constant(scalar, dtype=dtype, shape=dims, name=scope)
            shape = constant(dims, dtype=dtypes.int32, name="shape_as_tensor")
        return fill(shape, constant(scalar, dtype=dtype), name=scope)


@register_op
class ZerosLike(NotDifferentiable):
    """Zeros with the shape and dtype of the input."""

    def infer(self, x):
        return Spec(x.shape, x.dtype)

    def forward(self, xp, x):
        return xp.zeros_like(x)


@register_op
class OnesLike(NotDifferentiable):
    """Ones with the shape and dtype of the input."""

    def infer(self, x):
        return Spec(x.shape, x.dtype)

    def forward(self, xp, x):
        return xp.ones_like(x)


def zeros_like(tensor, dtype=None, name=None, optimize=True):
    """Zeros shaped like `tensor` (zeros(shape) when the shape is static, as TF1)."""
    return _filled_like(tensor, dtype, name, optimize, zeros, ZerosLike, "zeros_like")


def ones_like(tensor, dtype=None, name=None, optimize=True):
    """Ones shaped like `tensor` (ones(shape) when the shape is static, as TF1)."""
    return _filled_like(tensor, dtype, name, optimize, ones, OnesLike, "ones_like")


def _filled_like(tensor, dtype, name, optimize, filled, like_cls, default):
    with name_scope(name, default, [tensor]) as scope:
        tensor = convert_to_tensor(tensor)
        dtype = tensor.dtype if dtype is None else dtypes.as_dtype(dtype)
        if optimize and tensor.shape.is_fully_defined():
            return filled(tensor.shape, dtype=dtype, name=scope)
        if dtype != tensor.dtype:
            return filled(shape(tensor), dtype=dtype, name=scope)
        return like_cls.apply(tensor, name=scope)


@register_op
class ExpandDims(OpDef):
    """Inserts a size-1 dim at `axis`."""

    forwards_input = True

    def infer(self, x, dim):
        require(dim.dtype, "int", "axis")
        if dim.shape.num_elements() not in (None, 1):
            raise ValueError(f"axis must be a scalar, got shape {dim.shape}")
        axis = constant_value(dim)
        if x.shape.ndims is None or axis is None:
            return Spec(None if x.shape.ndims is None else [None] * (x.shape.ndims + 1), x.dtype)
        rank = x.shape.ndims + 1
        axis = int(axis.reshape(-1)[0])
        if not -rank <= axis < rank:
            raise ValueError(f"axis {axis} is out of range for a result of rank {rank} "
                             f"(input shape {x.shape})")
        dims = list(x.shape.as_tuple())
        dims.insert(axis % rank, 1)
        return Spec(dims, x.dtype)

    def forward(self, xp, x, dim):
        return xp.expand_dims(x, int(dim.reshape(-1)[0]))

    def gradient(self, op, grad):
        return [reshape(grad, shape(op.inputs[0])), None]


def expand_dims(input, axis=None, name=None, dim=None):
    """Inserts a dimension of size 1 at `axis` (TF1 alias: dim)."""
    axis = dim if axis is None else axis
    if axis is None:
        raise ValueError("expand_dims needs axis")
    return apply_named(ExpandDims, name, "ExpandDims", [("input", input, None),
                                                        ("dim", axis, "index")])


@register_op
class Squeeze(OpDef):
    """Removes size-1 dims (all, or those in squeeze_dims)."""

    forwards_input = True

    def infer(self, x, *, squeeze_dims):
        if x.shape.ndims is None:
            return Spec(None, x.dtype)
        dims = x.shape.as_tuple()
        if squeeze_dims:
            axes = normalize_axes(squeeze_dims, len(dims))
            for a in axes:
                if dims[a] not in (1, None):
                    raise ValueError(f"cannot squeeze dim {a} of size {dims[a]} (shape {x.shape})")
            return Spec([d for i, d in enumerate(dims) if i not in axes], x.dtype)
        if None in dims:
            return Spec(None, x.dtype)
        return Spec([d for d in dims if d != 1], x.dtype)

    def forward(self, xp, x, *, squeeze_dims):
        return xp.squeeze(x, axis=tuple(squeeze_dims) if squeeze_dims else None)

    def gradient(self, op, grad):
        return [reshape(grad, shape(op.inputs[0]))]


def squeeze(input, axis=None, name=None, squeeze_dims=None):
    """Removes dims of size 1 (TF1 alias: squeeze_dims)."""
    axis = squeeze_dims if axis is None else axis
    axis = [axis] if isinstance(axis, int) else list(axis or [])
    return Squeeze.apply(input, squeeze_dims=tuple(int(a) for a in axis), name=name)


@register_op
class Transpose(OpDef):
    """Permutes dims (reversed when perm is None)."""

    forwards_input = True

    def infer(self, x, perm):
        _require_vector(perm, "perm")
        p = constant_value(perm)
        if x.shape.ndims is None:
            return Spec(None if p is None else [None] * p.size, x.dtype)
        if p is None:
            return Spec([None] * x.shape.ndims, x.dtype)
        p = [int(i) for i in p]
        if sorted(p) != list(range(x.shape.ndims)):
            raise ValueError(f"perm {p} is not a permutation of the {x.shape.ndims} dims of "
                             f"shape {x.shape}")
        dims = x.shape.as_tuple()
        return Spec([dims[i] for i in p], x.dtype)

    def forward(self, xp, x, perm):
        return xp.transpose(x, tuple(int(i) for i in perm))

    def gradient(self, op, grad):
        from flowgrad.ops.math_ops import invert_permutation

        return [transpose(grad, invert_permutation(op.inputs[1])), None]


def transpose(a, perm=None, name="transpose", conjugate=False):
    """Permutes the dims of `a` (reverses them when perm is None)."""
    with name_scope(name, "transpose", [a]) as scope:
        a = convert_to_tensor(a)
        if perm is None:
            if a.shape.ndims is None:
                from flowgrad.ops.math_ops import range_

                perm = range_(rank(a) - 1, -1, -1)
            else:
                perm = list(range(a.shape.ndims))[::-1]
        return Transpose.apply(a, op_input(perm, "perm", "index"), name=scope)


@register_op
class ConcatV2(OpDef):
    """Joins tensors along an existing axis."""

    def infer(self, *xs_and_axis):
        *xs, axis_t = xs_and_axis
        dtype = same_dtype(*xs)
        require(axis_t.dtype, "int", "axis")
        axis = constant_value(axis_t)
        ranks = {x.shape.ndims for x in xs if x.shape.ndims is not None}
        shapes = [str(x.shape) for x in xs]
        if len(ranks) > 1:
            raise ValueError(f"ranks differ: shapes {', '.join(shapes)}")
        if ranks == {0}:
            raise ValueError("Can't concatenate scalars (use tf.stack instead)")
        if not ranks or axis is None:
            return Spec(None if not ranks else [None] * ranks.pop(), dtype)
        rank = ranks.pop()
        axis = int(axis)
        if not -rank <= axis < rank:
            raise ValueError(f"axis {axis} is out of range for shapes {', '.join(shapes)}")
        axis %= rank
        dims = [None] * rank
        for x in xs:
            for i, b in enumerate(x.shape.as_tuple() or [None] * rank):
                a = dims[i]
                if i != axis and a is not None and b is not None and a != b:
                    raise ValueError(f"dimension {i} differs: shapes {', '.join(shapes)}")
                if i != axis and a is None:
                    dims[i] = b
        sizes = [x.shape[axis].value for x in xs]
        dims[axis] = None if None in sizes else sum(sizes)
        return Spec(dims, dtype)

    def forward(self, xp, *xs_and_axis):
        *xs, axis = xs_and_axis
        return xp.concatenate(xs, axis=int(axis))

    def gradient(self, op, grad):
        # grad split along the axis by the inputs' sizes (at run time where they are unknown)
        from flowgrad.ops.math_ops import floormod
        from flowgrad.ops.slicing import split

        *xs, axis = op.inputs
        static_axis = constant_value(axis)
        ndims = next((x.shape.ndims for x in xs if x.shape.ndims is not None), None)
        if static_axis is not None and ndims is not None:
            axis = int(static_axis) % ndims
        else:
            axis = floormod(axis, rank(xs[0]))
        sizes = [_size_along(x, axis) for x in xs]
        if not all(isinstance(s, int) for s in sizes):
            sizes = stack(sizes)
        grads = split(grad, sizes, axis=axis, num=len(xs))
        for g, x in zip(grads, xs):
            g.set_shape(x.shape)
        return grads + [None]


def _size_along(x, axis):
    """The size of x along a non-negative axis: an int when static, else a scalar tensor."""
    if isinstance(axis, int) and x.shape.ndims is not None and x.shape[axis].value is not None:
        return x.shape[axis].value
    from flowgrad.ops.gather_ops import gather

    return gather(shape(x), axis)


def concat(values, axis, name="concat"):
    """Joins a list of tensors along `axis`."""
    values = list(values) if isinstance(values, (list, tuple)) else [values]
    if len(values) == 1:
        return identity(values[0], name=name)
    with name_scope(name, "concat", [v for v in values if is_graph_value(v)]) as scope:
        tensors = [op_input(v, f"values_{i}") for i, v in enumerate(values)]
        return ConcatV2.apply(*tensors, op_input(axis, "axis", "index"), name=scope)


@register_op
class Tile(OpDef):
    """`input` repeated `multiples[i]` times along each axis i."""

    def infer(self, x, multiples):
        _require_vector(multiples, "multiples")
        n, rank = multiples.shape[0].value, x.shape.ndims
        if n is not None and rank is not None and n != rank:
            raise ValueError(f"Expected multiples argument to be a vector of length {rank} "
                             f"but got length {n} (input shape {x.shape})")
        rank = rank if rank is not None else n
        m = constant_value(multiples)
        if rank is None or m is None:
            return Spec(None if rank is None else [None] * rank, x.dtype)
        if (m < 0).any():
            raise ValueError(f"multiples {m.tolist()} must be non-negative")
        dims = x.shape.as_tuple() or [None] * rank
        return Spec([None if d is None else d * int(k) for d, k in zip(dims, m)], x.dtype)

    def forward(self, xp, x, multiples):
        if len(multiples) != x.ndim:  # np.tile would pad the shorter of the two with ones
            raise ValueError(f"Expected multiples argument to be a vector of length {x.ndim} "
                             f"but got length {len(multiples)} (input shape {x.shape})")
        return xp.tile(x, tuple(int(m) for m in multiples))

    def gradient(self, op, grad):
        # reshape grad to (m0, d0, m1, d1, ...) and sum over the m axes
        x, multiples = op.inputs
        m = constant_value(multiples)
        if m is not None and x.shape.is_fully_defined():
            split_shape = [int(v) for pair in zip(m, x.shape.as_list()) for v in pair]
            axes = list(range(0, len(split_shape), 2))
        else:
            from flowgrad.ops.math_ops import range_

            pairs = stack([multiples, shape(x, out_type=multiples.dtype)])
            split_shape = reshape(transpose(pairs), [-1])
            axes = range_(0, size(split_shape), 2)
        dx = _reduce_sum(reshape(grad, split_shape), axes)
        dx.set_shape(x.shape)
        return [dx, None]


def tile(input, multiples, name=None):
    """Repeats `input` `multiples[i]` times along axis i."""
    return apply_named(Tile, name, "Tile", [("input", input, None),
                                            ("multiples", multiples, "index")])


def _padded_dims(x, paddings, limit=None):
    """The static shape of x padded by an [rank, 2] paddings tensor; `limit` bounds mirror pads."""
    require(paddings.dtype, "int", "paddings")
    p_shape = paddings.shape
    if p_shape.ndims not in (None, 2) or (p_shape.ndims == 2 and p_shape[1].value not in (None, 2)):
        raise ValueError(f"paddings must be a matrix with 2 columns, got shape {p_shape}")
    rank, n = x.shape.ndims, p_shape[0].value if p_shape.ndims == 2 else None
    if rank is not None and n is not None and rank != n:
        raise ValueError(f"The first dimension of paddings must be the rank of inputs: "
                         f"paddings has shape {p_shape}, input has shape {x.shape}")
    rank = rank if rank is not None else n
    p = constant_value(paddings)
    if rank is None or p is None:
        return None if rank is None else [None] * rank
    p = p.reshape(rank, 2)
    if (p < 0).any():
        raise ValueError(f"paddings must be non-negative, got {p.tolist()}")
    dims = x.shape.as_tuple() or [None] * rank
    if limit is not None:
        for d, (a, b) in zip(dims, p.tolist()):
            if d is not None and max(a, b) > d - limit:
                word = "less than" if limit else "no greater than"
                raise ValueError(f"paddings must be {word} the dimension size: {a}, {b} not "
                                 f"{word} {d} (input shape {x.shape})")
    return [None if d is None else d + int(a) + int(b) for d, (a, b) in zip(dims, p)]


def _pairs(paddings):
    return [(int(a), int(b)) for a, b in paddings.reshape(-1, 2)]


def _pad(xp, x, paddings, **how):
    if paddings.shape != (x.ndim, 2):  # np.pad would broadcast one row to every axis
        raise ValueError(f"paddings must have shape ({x.ndim}, 2) for an input of shape "
                         f"{x.shape}, got {paddings.shape}")
    # np.pad refuses the empty pad list of a scalar
    return xp.pad(x, _pairs(paddings), **how) if x.ndim else x.copy()


def one_or_tuple(pieces):
    """A kernel's outputs: the array itself for a one-output op (Plans bind it directly)."""
    return pieces[0] if len(pieces) == 1 else tuple(pieces)


def _unpad_grad(op, grad):
    """Pad's gradient: the slice of grad where the input sits."""
    from flowgrad.ops.slicing import slice_

    x, paddings = op.inputs[:2]
    p = constant_value(paddings)
    if p is not None and x.shape.is_fully_defined():
        begin, size_ = p.reshape(-1, 2)[:, 0].tolist(), x.shape.as_list()
    else:
        column = slice_(paddings, [0, 0], stack([rank(x), 1]))
        begin, size_ = reshape(column, [-1]), shape(x, out_type=paddings.dtype)
    return slice_(grad, begin, size_)


@register_op
class Pad(OpDef):
    """Pads with zeros: paddings[i] = [before, after] for axis i."""

    def infer(self, x, paddings):
        return Spec(_padded_dims(x, paddings), x.dtype)

    def forward(self, xp, x, paddings):
        return _pad(xp, x, paddings)

    def gradient(self, op, grad):
        return [_unpad_grad(op, grad), None]


@register_op
class PadV2(OpDef):
    """Pads with a given constant value."""

    def infer(self, x, paddings, constant_values):
        same_dtype(x, constant_values)
        if constant_values.shape.ndims not in (None, 0):
            raise ValueError(f"constant_values must be a scalar, got shape {constant_values.shape}")
        return Spec(_padded_dims(x, paddings), x.dtype)

    def forward(self, xp, x, paddings, constant_values):
        return _pad(xp, x, paddings, constant_values=constant_values.item())

    def gradient(self, op, grad):
        return [_unpad_grad(op, grad), None, None]


_MIRROR_MODES = {"REFLECT": ("reflect", 1), "SYMMETRIC": ("symmetric", 0)}


@register_op
class MirrorPad(OpDef):
    """Pads by mirroring the input: REFLECT leaves out the edge, SYMMETRIC repeats it."""

    def infer(self, x, paddings, *, mode):
        return Spec(_padded_dims(x, paddings, _MIRROR_MODES[mode][1]), x.dtype)

    def forward(self, xp, x, paddings, *, mode):
        return _pad(xp, x, paddings, mode=_MIRROR_MODES[mode][0])

    def gradient(self, op, grad):
        return [MirrorPadGrad.apply(grad, op.inputs[1], mode=op.attrs["mode"]), None]


@register_op
class MirrorPadGrad(OpDef):
    """MirrorPad's gradient: the padded borders folded back onto the input they mirror."""

    def infer(self, g, paddings, *, mode):
        dims = _padded_dims(g, paddings)
        p = constant_value(paddings)
        if dims is None or p is None:
            return Spec(dims, g.dtype)
        rows = p.reshape(-1, 2).tolist()
        out = [None if d is None else d - a - b for d, (a, b) in zip(g.shape.as_tuple(), rows)]
        if any(d is not None and d < 0 for d in out):
            raise ValueError(f"paddings {rows} exceed the gradient shape {g.shape}")
        return Spec(out, g.dtype)

    def forward(self, xp, g, paddings, *, mode):
        edge = _MIRROR_MODES[mode][1]
        for axis, (a, b) in enumerate(_pairs(paddings)):
            g = xp.moveaxis(g, axis, 0)
            n = g.shape[0] - a - b
            out = g[a:a + n].copy()
            out[edge:edge + a] += g[:a][::-1]
            out[n - edge - b:n - edge] += g[a + n:][::-1]
            g = xp.moveaxis(out, 0, axis)
        return g

    def gradient(self, op, grad):
        return [MirrorPad.apply(grad, op.inputs[1], mode=op.attrs["mode"]), None]


def pad(tensor, paddings, mode="CONSTANT", name=None, constant_values=0):
    """Pads `tensor`: CONSTANT (Pad, or PadV2 for a non-zero value), REFLECT or SYMMETRIC."""
    mode = mode.upper()
    inputs = [("input", tensor, None), ("paddings", paddings, "index")]
    if mode == "CONSTANT":
        if not is_graph_value(constant_values) and constant_values == 0:
            return apply_named(Pad, name, "Pad", inputs)
        dtype = convert_to_tensor(tensor).dtype if is_graph_value(tensor) else None
        inputs.append(("constant_values", constant_values, dtype))
        return apply_named(PadV2, name, "PadV2", inputs)
    if mode not in _MIRROR_MODES:
        raise ValueError(f"Unknown padding mode: {mode}")
    return apply_named(MirrorPad, name, "MirrorPad", inputs, mode=mode)


@register_op
class ReverseV2(OpDef):
    """Reverses the order of elements along the given axes."""

    forwards_input = True

    def infer(self, x, axis):
        _require_vector(axis, "axis")
        a = constant_value(axis)
        if a is not None and x.shape.ndims is not None:
            normalize_axes(a.tolist(), x.shape.ndims)
        return Spec(x.shape, x.dtype)

    def forward(self, xp, x, axis):
        return xp.flip(x, axis=tuple(int(a) for a in axis))

    def gradient(self, op, grad):
        return [reverse_v2(grad, op.inputs[1]), None]


def reverse_v2(tensor, axis, name=None):
    """`tensor` with the order of its elements reversed along each axis in `axis`."""
    return apply_named(ReverseV2, name, "ReverseV2", [("tensor", tensor, None),
                                                      ("axis", axis, "index")])


reverse = reverse_v2


class _Scan(OpDef):
    """A cumulative sum or product along one axis; exclusive and reverse as TF1's attrs."""

    kernel = ""
    identity = 0

    def infer(self, x, axis, *, exclusive, reverse):
        require(x.dtype, "numeric", "x")
        require(axis.dtype, "int", "axis")
        if axis.shape.ndims not in (None, 0):
            raise ValueError(f"axis must be a scalar, got shape {axis.shape}")
        a = constant_value(axis)
        if x.shape.ndims is not None and (a is not None or x.shape.ndims == 0):
            rank = x.shape.ndims
            if a is None or not -rank <= int(a) < rank:
                raise ValueError(f"axis {None if a is None else int(a)} is out of range "
                                 f"[-{rank}, {rank}) for shape {x.shape}")
        return Spec(x.shape, x.dtype)

    def forward(self, xp, x, axis, *, exclusive, reverse):
        y = xp.moveaxis(x, int(axis), 0)
        if reverse:
            y = y[::-1]
        out = getattr(xp, self.kernel)(y, axis=0, dtype=x.dtype)
        if exclusive and len(out):
            head = xp.full((1,) + out.shape[1:], self.identity, dtype=x.dtype)
            out = xp.concatenate([head, out[:-1]])
        if reverse:
            out = out[::-1]
        return xp.ascontiguousarray(xp.moveaxis(out, 0, int(axis)))


@register_op
class Cumsum(_Scan):
    """Cumulative sum along an axis."""

    kernel = "cumsum"

    def gradient(self, op, grad):
        attrs = op.attrs
        return [cumsum(grad, op.inputs[1], attrs["exclusive"], not attrs["reverse"]), None]


@register_op
class Cumprod(_Scan):
    """Cumulative product along an axis."""

    kernel = "cumprod"
    identity = 1

    def gradient(self, op, grad):
        # TF1's rule: divides by x, so it is undefined where x is 0
        x, axis = op.inputs
        exclusive, reverse_ = op.attrs["exclusive"], op.attrs["reverse"]
        prod = cumprod(x, axis, exclusive=exclusive, reverse=reverse_)
        out = cumsum(prod * grad, axis, exclusive=exclusive, reverse=not reverse_)
        return [out / x, None]


def cumsum(x, axis=0, exclusive=False, reverse=False, name=None):
    """Cumulative sum of `x` along `axis`; exclusive leaves out each element itself."""
    return apply_named(Cumsum, name, "Cumsum", [("x", x, None), ("axis", axis, "index")],
                       exclusive=bool(exclusive), reverse=bool(reverse))


def cumprod(x, axis=0, exclusive=False, reverse=False, name=None):
    """Cumulative product of `x` along `axis`; exclusive leaves out each element itself."""
    return apply_named(Cumprod, name, "Cumprod", [("x", x, None), ("axis", axis, "index")],
                       exclusive=bool(exclusive), reverse=bool(reverse))


@register_op
class ListDiff(NotDifferentiable):
    """The values of x not in y, in order, and their positions in x."""

    def infer(self, x, y, *, out_idx):
        same_dtype(x, y)
        for t, what in ((x, "x"), (y, "y")):
            if t.shape.ndims not in (None, 1):
                raise ValueError(f"{what} must be 1-D, got shape {t.shape}")
        return [Spec([None], x.dtype), Spec([None], out_idx)]

    def forward(self, xp, x, y, *, out_idx):
        keep = ~xp.isin(x, y)
        return x[keep], xp.nonzero(keep)[0].astype(out_idx.as_numpy_dtype)


def setdiff1d(x, y, index_dtype=dtypes.int32, name=None):
    """(values of x not in y, their indices in x)."""
    with name_scope(name, "ListDiff", [v for v in (x, y) if is_graph_value(v)]) as scope:
        x = op_input(x, "x")
        y = op_input(y, "y", x.dtype)
        return ListDiff.apply(x, y, out_idx=dtypes.as_dtype(index_dtype), name=scope)
