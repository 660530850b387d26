"""Neural-network ops (`tf.nn`): activations, softmax and log_softmax (stable: shifted by the
max), bias_add, l2_loss, dropout, moments. The cross-entropies are in loss_ops.py."""

from __future__ import annotations

import numbers

from flowgrad import dtypes
from flowgrad.framework.graph import located, name_scope
from flowgrad.framework.registry import OpDef, Spec, convert_to_tensor, register_op
from flowgrad.ops import array_ops, math_ops
from flowgrad.ops.control_ops import stop_gradient
from flowgrad.ops.linalg_ops import matmul
from flowgrad.ops.random_ops import random_uniform
from flowgrad.ops.rules import constant_value, require, same_dtype, unary

SELU_ALPHA = 1.6732632423543772848170429916717
SELU_SCALE = 1.0507009873554804934193349852946


@register_op
class Relu(OpDef):
    """max(x, 0); relu'(0) = 0."""

    def infer(self, x):
        return unary(x)

    def forward(self, xp, x):
        return xp.maximum(x, xp.zeros((), x.dtype))

    def gradient(self, op, grad):
        return [ReluGrad.apply(grad, op.outputs[0])]


@register_op
class ReluGrad(OpDef):
    """The gradient `grad` where the Relu's output is positive, else 0."""

    def infer(self, grad, out):
        return Spec(grad.shape.merge_with(out.shape), same_dtype(grad, out))

    def forward(self, xp, grad, out):
        return xp.multiply(grad, out > 0)  # TF1's kernel; xp.where is 3x slower here

    def gradient(self, op, ggrad):
        return [ReluGrad.apply(ggrad, op.inputs[1]), None]


@register_op
class Relu6(OpDef):
    """min(max(x, 0), 6); the gradient is 0 at both kinks."""

    def infer(self, x):
        return unary(x)

    def forward(self, xp, x):
        return xp.clip(x, xp.zeros((), x.dtype), xp.full((), 6, x.dtype))

    def gradient(self, op, grad):
        (x,) = op.inputs
        inside = math_ops.logical_and(math_ops.greater(x, 0), math_ops.less(x, 6))
        return [math_ops.where_v2(inside, grad, array_ops.zeros_like(grad))]


@register_op
class Elu(OpDef):
    """x for x > 0, exp(x) - 1 otherwise."""

    def infer(self, x):
        return unary(x, "float")

    def forward(self, xp, x):
        return xp.where(x > 0, x, xp.expm1(xp.minimum(x, 0)))

    def gradient(self, op, grad):
        y = op.outputs[0]
        # for x <= 0: d/dx (exp(x) - 1) = y + 1
        return [math_ops.where_v2(math_ops.greater(y, 0), grad, grad * (y + 1))]


@register_op
class Selu(OpDef):
    """scale * elu(x) with alpha, the self-normalizing constants."""

    def infer(self, x):
        return unary(x, "float")

    def forward(self, xp, x):
        negative = (SELU_SCALE * SELU_ALPHA) * xp.expm1(xp.minimum(x, 0))
        return xp.where(x > 0, SELU_SCALE * x, negative).astype(x.dtype, copy=False)

    def gradient(self, op, grad):
        y = op.outputs[0]
        return [math_ops.where_v2(math_ops.greater(y, 0), grad * SELU_SCALE,
                                  grad * (y + SELU_SCALE * SELU_ALPHA))]


@register_op
class LeakyRelu(OpDef):
    """x for x > 0, alpha * x otherwise."""

    def infer(self, x, *, alpha):
        return unary(x, "float")

    def forward(self, xp, x, *, alpha):
        return xp.where(x > 0, x, alpha * x)

    def gradient(self, op, grad):
        (x,) = op.inputs
        return [math_ops.where_v2(math_ops.greater(x, 0), grad, grad * op.attrs["alpha"])]


@register_op
class Softplus(OpDef):
    """log(1 + exp(x)), without overflow."""

    def infer(self, x):
        return unary(x, "float")

    def forward(self, xp, x):
        return xp.logaddexp(x, xp.zeros((), x.dtype))

    def gradient(self, op, grad):
        return [grad * math_ops.sigmoid(op.inputs[0])]


def relu(features, name=None):
    """max(features, 0)."""
    return Relu.apply(features, name=name)


def relu6(features, name=None):
    """min(max(features, 0), 6)."""
    return Relu6.apply(features, name=name)


def elu(features, name=None):
    """Exponential linear unit: x, or exp(x) - 1 for x < 0."""
    return Elu.apply(features, name=name)


def selu(features, name=None):
    """Scaled exponential linear unit."""
    return Selu.apply(features, name=name)


def leaky_relu(features, alpha=0.2, name=None):
    """x, or alpha * x for x < 0 (integers are cast to float32 as in TF1)."""
    with name_scope(name, "LeakyRelu", [features]) as scope:
        features = convert_to_tensor(features, name="features")
        if features.dtype.is_integer:
            features = math_ops.to_float(features)
        return LeakyRelu.apply(features, alpha=float(alpha), name=scope)


def softplus(features, name=None):
    """log(exp(features) + 1), stable for large |features|."""
    return Softplus.apply(features, name=name)


def softsign(features, name=None):
    """features / (|features| + 1)."""
    with name_scope(name, "Softsign", [features]) as scope:
        features = convert_to_tensor(features)
        return math_ops.truediv(features, math_ops.abs(features) + 1, name=scope)


def _softmax_parts(xp, x):
    """(softmax, log_softmax) over the last axis, shifted by the max so exp never overflows."""
    if x.shape[-1] == 0:
        return x.copy(), x.copy()
    shifted = x - xp.max(x, axis=-1, keepdims=True)
    e = xp.exp(shifted)
    total = xp.sum(e, axis=-1, keepdims=True)
    return e / total, shifted - xp.log(total)


def _last_axis_spec(x):
    require(x.dtype, "float", "logits")
    if x.shape.ndims == 0:
        raise ValueError("logits must have at least one dimension (a class axis)")
    return Spec(x.shape, x.dtype)


@register_op
class Softmax(OpDef):
    """exp(x) / sum(exp(x)) over the last axis."""

    def infer(self, logits):
        return _last_axis_spec(logits)

    def forward(self, xp, logits):
        return _softmax_parts(xp, logits)[0]

    def gradient(self, op, grad):
        s = op.outputs[0]
        # softmax: ds = s * (g - sum(g * s))
        return [(grad - math_ops.reduce_sum(grad * s, -1, keepdims=True)) * s]


@register_op
class LogSoftmax(OpDef):
    """x - log(sum(exp(x))) over the last axis."""

    def infer(self, logits):
        return _last_axis_spec(logits)

    def forward(self, xp, logits):
        return _softmax_parts(xp, logits)[1]

    def gradient(self, op, grad):
        # d log_softmax: g - sum(g) * softmax
        softmax_ = math_ops.exp(op.outputs[0])
        return [grad - math_ops.reduce_sum(grad, -1, keepdims=True) * softmax_]


def _axis_perm(logits, axis, move_to_end):
    """The static permutation bringing `axis` last (swapped, or moved as TF1's xent does)."""
    rank = logits.shape.ndims
    if rank is None:
        raise ValueError(f"axis {axis} needs a known rank, but '{logits.name}' has unknown shape")
    if not -rank <= axis < rank:
        raise ValueError(f"Dimension ({axis}) must be in the range [{-rank}, {rank}) where "
                         f"{rank} is the number of dimensions in the input.")
    axis %= rank
    if move_to_end:
        return [i for i in range(rank) if i != axis] + [axis]
    perm = list(range(rank))
    perm[axis], perm[-1] = perm[-1], perm[axis]
    return perm


def _softmax_along(op_cls, logits, axis, name, default_name):
    logits = convert_to_tensor(logits)
    axis = -1 if axis is None else int(axis)
    if axis == -1 or axis == (logits.shape.ndims or 0) - 1:
        return op_cls.apply(logits, name=name or default_name)
    with located(default_name, [logits], name):
        perm = _axis_perm(logits, axis, move_to_end=False)
    out = op_cls.apply(array_ops.transpose(logits, perm))
    return array_ops.transpose(out, perm, name=name or default_name)


def softmax(logits, axis=None, name=None, dim=None):
    """Softmax over `axis` (default the last; TF1 alias `dim`)."""
    return _softmax_along(Softmax, logits, dim if axis is None else axis, name, "Softmax")


def log_softmax(logits, axis=None, name=None, dim=None):
    """log(softmax(logits)), computed stably (TF1 alias `dim`)."""
    return _softmax_along(LogSoftmax, logits, dim if axis is None else axis, name, "LogSoftmax")


@register_op
class BiasAdd(OpDef):
    """value + bias, bias a vector added along the last (channel) axis."""

    def infer(self, value, bias, *, data_format="NHWC"):
        dtype = same_dtype(value, bias)
        if value.shape.ndims is not None and value.shape.ndims < 2:
            raise ValueError(f"Shape must be at least rank 2 but is rank {value.shape.ndims} "
                             f"(value shape {value.shape})")
        if bias.shape.ndims not in (None, 1):
            raise ValueError(f"Shape must be rank 1 but is rank {bias.shape.ndims} "
                             f"(bias shape {bias.shape})")
        shape = value.shape
        if shape.ndims is not None and bias.shape.ndims is not None:
            channels, size = shape[-1].value, bias.shape[0].value
            if channels is not None and size is not None and channels != size:
                raise ValueError(f"Dimensions must be equal, but are {channels} and {size}: "
                                 f"value {value.shape}, bias {bias.shape}")
            shape = shape[:-1].concatenate([channels if channels is not None else size])
        return Spec(shape, dtype)

    def forward(self, xp, value, bias, *, data_format="NHWC"):
        return xp.add(value, bias)

    def gradient(self, op, grad):
        return [grad, BiasAddGrad.apply(grad, data_format=op.attrs["data_format"])]


@register_op
class BiasAddGrad(OpDef):
    """The sum of `grad` over every axis but the last: BiasAdd's gradient for the bias."""

    def infer(self, grad, *, data_format="NHWC"):
        require(grad.dtype, "numeric", "grad")
        if grad.shape.ndims is None:
            return Spec([None], grad.dtype)
        if grad.shape.ndims < 2:
            raise ValueError(f"Shape must be at least rank 2 but is rank {grad.shape.ndims}")
        return Spec([grad.shape[-1].value], grad.dtype)

    def forward(self, xp, grad, *, data_format="NHWC"):
        if grad.ndim < 2:  # a rank known only now
            raise ValueError(f"Shape must be at least rank 2 but is rank {grad.ndim}")
        return xp.sum(grad, axis=tuple(range(grad.ndim - 1)), dtype=grad.dtype)

    def gradient(self, op, ggrad):
        return [math_ops.broadcast_to(ggrad, array_ops.shape(op.inputs[0]))]


def bias_add(value, bias, data_format=None, name=None):
    """value + bias along the last axis (data_format NHWC; NCHW is not supported)."""
    if data_format not in (None, "NHWC", "N..C"):
        raise NotImplementedError(f"bias_add with data_format={data_format!r} is not supported "
                                  "by flowgrad: use NHWC (channels last).")
    with name_scope(name, "BiasAdd", [value, bias]) as scope:
        value = convert_to_tensor(value, name="input")
        bias = convert_to_tensor(bias, dtype=value.dtype, name="bias")
        return BiasAdd.apply(value, bias, data_format="NHWC", name=scope)


def xw_plus_b(x, weights, biases, name=None):
    """matmul(x, weights) + biases."""
    with name_scope(name, "xw_plus_b", [x, weights, biases]) as scope:
        return bias_add(matmul(x, weights), biases, name=scope)


@register_op
class L2Loss(OpDef):
    """sum(x²) / 2, a scalar."""

    def infer(self, x):
        require(x.dtype, "float", "t")
        return Spec([], x.dtype)

    def forward(self, xp, x):
        return xp.asarray(xp.sum(xp.square(x)) / 2, dtype=x.dtype)

    def gradient(self, op, grad):
        return [grad * op.inputs[0]]


def l2_loss(t, name=None):
    """sum(t ** 2) / 2."""
    return L2Loss.apply(t, name=name)


def l2_normalize(x, axis=None, epsilon=1e-12, name=None, dim=None):
    """x / sqrt(max(sum(x ** 2, axis), epsilon))."""
    axis = dim if axis is None else axis
    with name_scope(name, "l2_normalize", [x]) as scope:
        x = convert_to_tensor(x, name="x")
        square_sum = math_ops.reduce_sum(math_ops.square(x), axis, keepdims=True)
        inv_norm = math_ops.rsqrt(math_ops.maximum(square_sum, epsilon))
        return math_ops.multiply(x, inv_norm, name=scope)


def zero_fraction(value, name=None):
    """The fraction of zeros in `value`, a float32 scalar (TF1's activation-sparsity summary)."""
    with name_scope(name, "zero_fraction", [value]):
        value = convert_to_tensor(value, name="value")
        size = array_ops.size(value, out_type=dtypes.int64)
        nonzero = math_ops.count_nonzero(value, dtype=dtypes.int64)
        with name_scope("counts_to_fraction"):
            zeros = math_ops.cast(size - nonzero, dtypes.float32)
            fraction = zeros / math_ops.cast(size, dtypes.float32)
        return array_ops.identity(fraction, name="fraction")


def moments(x, axes, shift=None, name=None, keep_dims=None, keepdims=None):
    """(mean, variance) of x over `axes`."""
    keep = bool(keepdims if keepdims is not None else keep_dims)
    with name_scope(name, "moments", [x, axes]):
        x = convert_to_tensor(x)
        mean = math_ops.reduce_mean(x, axes, keepdims=True, name="mean")
        variance = math_ops.reduce_mean(
            math_ops.squared_difference(x, stop_gradient(mean)), axes, keepdims=True,
            name="variance")
        if not keep:
            axes = [axes] if isinstance(axes, int) else list(axes)
            mean = array_ops.squeeze(mean, axes)
            variance = array_ops.squeeze(variance, axes)
        return mean, variance


def _noise_shape(x, noise_shape):
    """The dropout noise shape: x's shape, with None entries of `noise_shape` taken from x."""
    if noise_shape is None:
        return x.shape.as_list() if x.shape.is_fully_defined() else array_ops.shape(x)
    if isinstance(noise_shape, (list, tuple)) and None in noise_shape:
        if x.shape.ndims != len(noise_shape):
            raise ValueError(f"noise_shape {noise_shape} does not match the rank of x {x.shape}")
        dims = x.shape.as_list()
        noise_shape = [dims[i] if d is None else d for i, d in enumerate(noise_shape)]
        if None in noise_shape:
            raise ValueError(f"noise_shape {noise_shape} has dims unknown in x {x.shape}")
    return noise_shape


def dropout(x, keep_prob=None, noise_shape=None, seed=None, name=None, rate=None):
    """Keeps each element with probability keep_prob, scaled by 1/keep_prob (TF1's dropout).

    `rate` (TF2) is 1 - keep_prob; give one of the two. keep_prob may be a tensor, e.g. a
    placeholder fed 0.5 while training and 1.0 while testing."""
    if keep_prob is not None and rate is not None:
        raise ValueError("Cannot specify both 'keep_prob' and 'rate'")
    if rate is not None:
        if isinstance(rate, numbers.Real) and not 0 <= rate < 1:
            raise ValueError(f"rate must be a scalar tensor or a float in the range [0, 1), "
                             f"got {rate:g}")
        keep_prob = 1.0 - rate if isinstance(rate, numbers.Real) else math_ops.subtract(1.0, rate)
    if keep_prob is None:
        raise ValueError("You must provide a rate to dropout.")
    with name_scope(name, "dropout", [x]):
        x = convert_to_tensor(x, name="x")
        if not x.dtype.is_floating:
            raise ValueError("x has to be a floating point tensor since it's going to be scaled. "
                             f"Got a {x.dtype.name} tensor instead.")
        if isinstance(keep_prob, numbers.Real) and not 0 < keep_prob <= 1:
            raise ValueError("keep_prob must be a scalar tensor or a float in the range (0, 1], "
                             f"got {keep_prob:g}")
        if isinstance(keep_prob, float) and keep_prob == 1:
            return x
        keep_prob = convert_to_tensor(keep_prob, dtype=x.dtype, name="keep_prob")
        if not keep_prob.shape.is_compatible_with([]):
            raise ValueError(f"keep_prob must be a scalar, got shape {keep_prob.shape}")
        known = constant_value(keep_prob)
        if known is not None and known == 1:
            return x
        # uniform in [keep_prob, 1 + keep_prob): its floor is 1 with probability keep_prob
        random_tensor = keep_prob + random_uniform(_noise_shape(x, noise_shape), seed=seed,
                                                   dtype=x.dtype)
        binary_tensor = math_ops.floor(random_tensor)
        ret = math_ops.div(x, keep_prob) * binary_tensor
        ret.set_shape(x.shape)
        return ret
