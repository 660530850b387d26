"""Array ops: constants, placeholders, shapes, reshaping, joining and splitting."""

from __future__ import annotations

from flowgrad import dtypes
from flowgrad.errors import InvalidArgumentError
from flowgrad.framework import values
from flowgrad.framework.graph import get_default_graph, name_scope
from flowgrad.framework.registry import NotDifferentiable, OpDef, Spec, convert_to_tensor, register_op
from flowgrad.framework.shapes import TensorShape, as_shape
from flowgrad.ops.rules import constant_value, normalize_axes


@register_op
class Const(NotDifferentiable):
    """A constant array, stored in the graph."""

    owns_result = True

    def infer(self, *, value, dtype):
        return Spec(value.shape, dtype)

    def compile(self, op, ctx):
        value = ctx.xp.asarray(op.attrs["value"])
        return lambda: value


def constant(value, dtype=None, shape=None, name="Const", verify_shape=False):
    """A constant tensor; Python values take TF1's dtypes, lossy conversions are refused."""
    dtype = values.infer_dtype(value) if dtype is None else dtypes.as_dtype(dtype)
    try:
        array = values.convert(value, dtype)
    except values.ConversionError as e:
        raise TypeError(f"Cannot make a {dtype.name} constant from {value!r}: {e}") from None
    if shape is not None:
        shape = tuple(as_shape(shape).as_list())
        if array.size == 1 and array.shape != shape and not verify_shape:
            import numpy as np

            array = np.full(shape, array.reshape(()), dtype=array.dtype)
        elif array.shape != shape:
            array = array.reshape(shape)
    array = array.copy()
    array.flags.writeable = False
    return Const.apply(value=array, dtype=dtype, name=name)


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
        return x

    def gradient(self, op, grad):
        return [grad]


def placeholder_with_default(input, shape, name=None):
    """A placeholder that takes `input` when it is not fed."""
    return PlaceholderWithDefault.apply(input, shape=as_shape(shape), name=name)


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
    """A 1-D int32 tensor for a shape given as a list, TensorShape or tensor."""
    if isinstance(shape, TensorShape):
        shape = shape.as_list()
    if isinstance(shape, (list, tuple)) and any(hasattr(d, "_as_graph_element") for d in shape):
        return stack([convert_to_tensor(d) for d in shape])
    return convert_to_tensor(shape, dtype=None if hasattr(shape, "dtype") else dtypes.int32)


def _static_shape_from(tensor) -> TensorShape:
    """What a shape tensor says statically: its value if constant, else its rank."""
    value = constant_value(tensor)
    if value is not None:
        return TensorShape([None if d < 0 else int(d) for d in value.reshape(-1)])
    n = tensor.shape[0].value if tensor.shape.ndims == 1 else None
    return TensorShape(None if n is None else [None] * n)


@register_op
class Reshape(OpDef):
    """The same elements in a new shape (one dim may be -1)."""

    forwards_input = True

    def infer(self, x, shape):
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

    def forward(self, xp, x, shape):
        return xp.reshape(x, tuple(int(d) for d in shape))

    def gradient(self, op, grad):
        return [reshape(grad, shape(op.inputs[0])), None]


def reshape(tensor, shape, name=None):
    """`tensor` with a new shape."""
    return Reshape.apply(tensor, _shape_input(shape), name=name)


@register_op
class Shape(NotDifferentiable):
    """The runtime shape of a tensor, as a 1-D int tensor."""

    def infer(self, x, *, out_type):
        return Spec([x.shape.ndims], out_type)

    def forward(self, xp, x, *, out_type):
        return xp.asarray(x.shape, dtype=out_type.as_numpy_dtype)


def shape(input, name=None, out_type=dtypes.int32):
    """The shape of `input` as a 1-D int32 tensor."""
    return Shape.apply(input, out_type=dtypes.as_dtype(out_type), name=name)


@register_op
class Size(NotDifferentiable):
    """The number of elements, as a scalar."""

    def infer(self, x, *, out_type):
        return Spec([], out_type)

    def forward(self, xp, x, *, out_type):
        return xp.asarray(x.size, dtype=out_type.as_numpy_dtype)


def size(input, name=None, out_type=dtypes.int32):
    """The number of elements of `input`."""
    return Size.apply(input, out_type=dtypes.as_dtype(out_type), name=name)


@register_op
class Rank(NotDifferentiable):
    """The rank, as an int32 scalar."""

    def infer(self, x):
        return Spec([], dtypes.int32)

    def forward(self, xp, x):
        return xp.asarray(x.ndim, dtype=xp.int32)


def rank(input, name=None):
    """The rank of `input`."""
    return Rank.apply(input, name=name)


@register_op
class Pack(OpDef):
    """Stacks N tensors of one shape along a new axis."""

    def infer(self, *xs, axis):
        if not xs:
            raise ValueError("stack needs at least one tensor")
        from flowgrad.ops.rules import same_dtype

        dtype = same_dtype(*xs)
        shape = xs[0].shape
        for x in xs[1:]:
            if not shape.is_compatible_with(x.shape):
                raise ValueError(f"shapes {xs[0].shape} and {x.shape} differ")
            shape = shape.merge_with(x.shape)
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
    """Stacks a list of tensors along a new axis."""
    return Pack.apply(*values, axis=axis, name=name)


@register_op
class Unpack(OpDef):
    """Splits a tensor along an axis into `num` tensors of one rank less."""

    def infer(self, x, *, num, axis):
        if x.shape.ndims is None:
            return [Spec(None, x.dtype)] * num
        rank = x.shape.ndims
        if not -rank <= axis < rank:
            raise ValueError(f"axis {axis} is out of range for rank {rank}")
        dims = list(x.shape.as_tuple())
        n = dims.pop(axis % rank)
        if n is not None and n != num:
            raise ValueError(f"cannot unstack dimension {axis} of size {n} into {num} tensors")
        return [Spec(dims, x.dtype)] * num

    def forward(self, xp, x, *, num, axis):
        return tuple(xp.moveaxis(x, axis, 0))

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
        if value.shape.ndims not in (None, 0):
            raise ValueError(f"value must be a scalar, got shape {value.shape}")
        return Spec(_static_shape_from(dims), value.dtype)

    def forward(self, xp, dims, value):
        return xp.full(tuple(int(d) for d in dims), value, dtype=value.dtype)

    def gradient(self, op, grad):
        return [None, reduce_sum_all(grad)]


def reduce_sum_all(t):
    from flowgrad.ops.math_ops import reduce_sum

    return reduce_sum(t)


def fill(dims, value, name=None):
    """A tensor of shape `dims` filled with `value`."""
    return Fill.apply(_shape_input(dims), value, name=name)


def zeros(shape, dtype=dtypes.float32, name=None):
    """A tensor of zeros."""
    return _filled(shape, dtype, 0, name or "zeros")


def ones(shape, dtype=dtypes.float32, name=None):
    """A tensor of ones."""
    return _filled(shape, dtype, 1, name or "ones")


def _filled(shape, dtype, scalar, name):
    dtype = dtypes.as_dtype(dtype)
    if isinstance(shape, (list, tuple, TensorShape, int)) and not any(
        hasattr(d, "_as_graph_element") for d in (shape if isinstance(shape, (list, tuple)) else [])
    ):
        import numpy as np

        dims = [shape] if isinstance(shape, int) else as_shape(shape).as_list()
        return constant(np.full(dims, scalar, dtype=dtype.as_numpy_dtype), dtype=dtype, name=name)
    with name_scope(name) as scope:
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
    """Zeros shaped like `tensor`."""
    tensor = convert_to_tensor(tensor)
    out = ZerosLike.apply(tensor, name=name)
    return out if dtype is None or dtypes.as_dtype(dtype) == tensor.dtype else _cast(out, dtype)


def ones_like(tensor, dtype=None, name=None, optimize=True):
    """Ones shaped like `tensor`."""
    tensor = convert_to_tensor(tensor)
    out = OnesLike.apply(tensor, name=name)
    return out if dtype is None or dtypes.as_dtype(dtype) == tensor.dtype else _cast(out, dtype)


def _cast(t, dtype):
    from flowgrad.ops.math_ops import cast

    return cast(t, dtype)


@register_op
class ExpandDims(OpDef):
    """Inserts a size-1 dim at `axis`."""

    forwards_input = True

    def infer(self, x, dim):
        axis = constant_value(dim)
        if x.shape.ndims is None or axis is None:
            return Spec(None if x.shape.ndims is None else [None] * (x.shape.ndims + 1), x.dtype)
        rank = x.shape.ndims + 1
        axis = int(axis)
        if not -rank <= axis < rank:
            raise ValueError(f"axis {axis} is out of range for a result of rank {rank}")
        dims = list(x.shape.as_tuple())
        dims.insert(axis % rank, 1)
        return Spec(dims, x.dtype)

    def forward(self, xp, x, dim):
        return xp.expand_dims(x, int(dim))

    def gradient(self, op, grad):
        return [reshape(grad, shape(op.inputs[0])), None]


def expand_dims(input, axis=None, name=None, dim=None):
    """Inserts a dimension of size 1 at `axis` (TF1 alias: dim)."""
    axis = dim if axis is None else axis
    if axis is None:
        raise ValueError("expand_dims needs axis")
    return ExpandDims.apply(input, convert_to_tensor(axis, dtype=dtypes.int32), name=name)


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
    return Squeeze.apply(input, squeeze_dims=tuple(axis), name=name)


@register_op
class Transpose(OpDef):
    """Permutes dims (reversed when perm is None)."""

    forwards_input = True

    def infer(self, x, perm):
        p = constant_value(perm)
        if x.shape.ndims is None:
            return Spec(None, x.dtype)
        if p is None:
            return Spec([None] * x.shape.ndims, x.dtype)
        p = [int(i) for i in p]
        if sorted(p) != list(range(x.shape.ndims)):
            raise ValueError(f"perm {p} is not a permutation of the {x.shape.ndims} dims of {x.shape}")
        dims = x.shape.as_tuple()
        return Spec([dims[i] for i in p], x.dtype)

    def forward(self, xp, x, perm):
        return xp.transpose(x, tuple(int(i) for i in perm))

    def gradient(self, op, grad):
        from flowgrad.ops.math_ops import invert_permutation

        return [transpose(grad, invert_permutation(op.inputs[1])), None]


def transpose(a, perm=None, name="transpose", conjugate=False):
    """Permutes the dims of `a` (reverses them when perm is None)."""
    a = convert_to_tensor(a)
    if perm is None:
        if a.shape.ndims is None:
            from flowgrad.ops.math_ops import _reverse_range

            perm = _reverse_range(a)
        else:
            perm = list(range(a.shape.ndims))[::-1]
    return Transpose.apply(a, convert_to_tensor(perm, dtype=None if hasattr(perm, "dtype") else dtypes.int32), name=name)


@register_op
class ConcatV2(OpDef):
    """Joins tensors along an existing axis."""

    def infer(self, *xs_and_axis):
        *xs, axis_t = xs_and_axis
        from flowgrad.ops.rules import same_dtype

        dtype = same_dtype(*xs)
        axis = constant_value(axis_t)
        ranks = {x.shape.ndims for x in xs if x.shape.ndims is not None}
        if len(ranks) > 1:
            raise ValueError(f"ranks differ: {[str(x.shape) for x in xs]}")
        if not ranks or axis is None:
            return Spec(None if not ranks else [None] * ranks.pop(), dtype)
        rank = ranks.pop()
        axis = int(axis)
        if not -rank <= axis < rank:
            raise ValueError(f"axis {axis} is out of range for rank {rank}")
        axis %= rank
        dims = list(xs[0].shape.as_tuple())
        for x in xs[1:]:
            for i, (a, b) in enumerate(zip(dims, x.shape.as_tuple())):
                if i != axis and a is not None and b is not None and a != b:
                    raise ValueError(f"dimension {i} differs: {[str(x.shape) for x in xs]}")
                if i != axis and a is None:
                    dims[i] = b
        sizes = [x.shape.as_tuple()[axis] for x in xs]
        dims[axis] = None if None in sizes else sum(sizes)
        return Spec(dims, dtype)

    def forward(self, xp, *xs_and_axis):
        *xs, axis = xs_and_axis
        return xp.concatenate(xs, axis=int(axis))

    def gradient(self, op, grad):
        from flowgrad.ops.math_ops import concat_grad

        return concat_grad(op, grad)


def concat(values, axis, name="concat"):
    """Joins a list of tensors along `axis`."""
    values = [convert_to_tensor(v) for v in values]
    if len(values) == 1:
        return identity(values[0], name=name)
    return ConcatV2.apply(*values, convert_to_tensor(axis, dtype=dtypes.int32), name=name)
