"""The cross-entropies with logits (`tf.nn.*_cross_entropy_with_logits`), stable for logits
up to ±1e30 in float32 and float64 (`tf.losses` builds on them, in flowgrad/losses.py).

Softmax cross-entropies are primitives with two outputs (loss, backprop), as in TF1; the sigmoid
one is a primitive too (one kernel where TF1 composes ~10 ops) that keeps TF1's name
`logistic_loss`, and the weighted one is a composite."""

from __future__ import annotations

from flowgrad.errors import InvalidArgumentError
from flowgrad.framework.graph import name_scope
from flowgrad.framework.registry import (
    OpDef,
    Spec,
    convert_to_tensor,
    is_graph_value,
    register_op,
)
from flowgrad.ops import array_ops, math_ops
from flowgrad.ops.control_ops import stop_gradient
from flowgrad.ops.nn_ops import (
    _axis_perm,
    _last_axis_spec,
    _softmax_parts,
    log_softmax,
    relu,
    softmax,
)
from flowgrad.ops.rules import binary, constant_value, require, same_dtype


def _zeros_grad(grad) -> bool:
    """Whether `grad` is the zeros autodiff supplies for an output nobody differentiated."""
    if grad is None or grad.op.type == "ZerosLike":
        return True
    if grad.op.type == "Fill":
        grad = grad.op.inputs[1]
    value = constant_value(grad)
    return value is not None and not value.any()


def _xent_args(name, sentinel, labels, logits):
    """TF1 takes the cross-entropies' arguments by keyword only."""
    if sentinel is not None:
        raise ValueError(f"Only call `{name}` with named arguments (labels=..., logits=..., ...)")
    if labels is None or logits is None:
        raise ValueError("Both labels and logits must be provided.")


def _labels_like(labels, logits, name="labels", cast=True):
    """labels as a tensor of the logits' dtype: Python values converted; tensors cast where TF1
    casts them (softmax v2, tf.losses), else left for the ops to refuse a dtype mismatch."""
    if is_graph_value(labels):
        labels = convert_to_tensor(labels)
        return math_ops.cast(labels, logits.dtype) if cast else labels
    return convert_to_tensor(labels, dtype=logits.dtype, name=name)


def sigmoid_cross_entropy_with_logits(_sentinel=None, labels=None, logits=None, name=None):
    """max(x, 0) - x * z + log(1 + exp(-|x|)) for logits x and labels z, stable everywhere."""
    _xent_args("sigmoid_cross_entropy_with_logits", _sentinel, labels, logits)
    with name_scope(name, "logistic_loss", [logits, labels]) as scope:
        logits, labels = _same_shape_pair(logits, labels, "labels")
        return SigmoidCrossEntropyWithLogits.apply(labels, logits, name=scope)


def _same_shape_pair(logits, labels, what):
    """(logits, labels) as tensors, labels of the logits' dtype (not cast), shapes checked."""
    logits = convert_to_tensor(logits, name="logits")
    labels = _labels_like(labels, logits, cast=False)
    if not labels.shape.is_compatible_with(logits.shape):
        raise ValueError(f"logits and {what} must have the same shape ({logits.shape} vs "
                         f"{labels.shape})")
    return logits, labels


@register_op
class SigmoidCrossEntropyWithLogits(OpDef):
    """max(x, 0) - x * z + log1p(exp(-|x|)) for labels z and logits x, as one kernel.

    TF1 composes it from ~10 ops (Select, Exp, Log1p, ...); a training step then runs ~20
    kernels for it where this runs 4, which `make bench` shows on the book's logistic
    regression. The op keeps TF1's name, `logistic_loss`; values and gradients are TF1's."""

    def infer(self, labels, logits):
        require(logits.dtype, "float", "logits")
        return Spec(binary(logits, labels).shape, logits.dtype)

    def forward(self, xp, z, x):
        return xp.maximum(x, 0) - x * z + xp.log1p(xp.exp(-xp.abs(x)))

    def gradient(self, op, grad):
        z, x = op.inputs
        # d/dx = sigmoid(x) - z, d/dz = -x
        return [-grad * x, grad * (math_ops.sigmoid(x) - z)]


def weighted_cross_entropy_with_logits(labels=None, logits=None, pos_weight=None, name=None,
                                       targets=None):
    """Sigmoid cross-entropy with positive examples weighted by pos_weight (`targets` is TF1's
    older name for labels)."""
    if (labels is None) == (targets is None):
        raise ValueError("Give exactly one of labels= and targets= (the same argument).")
    labels = targets if labels is None else labels
    if logits is None or pos_weight is None:
        raise ValueError("weighted_cross_entropy_with_logits needs logits and pos_weight")
    with name_scope(name, "logistic_loss", [logits, labels]) as scope:
        logits, labels = _same_shape_pair(logits, labels, "targets")
        log_weight = 1 + (pos_weight - 1) * labels
        softplus_neg = math_ops.log1p(math_ops.exp(-math_ops.abs(logits))) + relu(-logits)
        return math_ops.add((1 - labels) * logits, log_weight * softplus_neg, name=scope)


@register_op
class SoftmaxCrossEntropyWithLogits(OpDef):
    """(loss, backprop): -sum(labels * log_softmax(logits)) over the last axis, and its
    gradient with respect to the logits (softmax * sum(labels) - labels)."""

    def infer(self, logits, labels):
        dtype = same_dtype(logits, labels)
        _last_axis_spec(logits)
        if not logits.shape.is_compatible_with(labels.shape):
            raise ValueError(f"logits and labels must be same size: logits_size={logits.shape} "
                             f"labels_size={labels.shape}")
        shape = logits.shape.merge_with(labels.shape)
        return [Spec(shape[:-1] if shape.ndims is not None else None, dtype), Spec(shape, dtype)]

    def forward(self, xp, logits, labels):
        p, log_p = _softmax_parts(xp, logits)
        loss = -xp.sum(labels * log_p, axis=-1)
        # the exact derivative, also for labels that do not sum to 1
        backprop = p * xp.sum(labels, axis=-1, keepdims=True) - labels
        return loss, backprop

    def gradient(self, op, grad_loss, grad_grad):
        logits, labels = op.inputs
        g = array_ops.expand_dims(grad_loss, -1)
        dlogits = g * op.outputs[1]
        dlabels = g * -log_softmax(logits)
        if not _zeros_grad(grad_grad):
            s = softmax(logits)
            gs = math_ops.reduce_sum(grad_grad * s, -1, keepdims=True)
            dlogits += math_ops.reduce_sum(labels, -1, keepdims=True) * (grad_grad - gs) * s
            dlabels += gs - grad_grad
        return [dlogits, dlabels]


def _sparse_xent(xp, logits, labels, op=None):
    n = logits.shape[-1]
    if labels.size and (labels.min() < 0 or labels.max() >= n):
        bad = labels[(labels < 0) | (labels >= n)].reshape(-1)[0]
        where = f" ({op.describe()})" if op is not None else ""
        raise InvalidArgumentError(None, op, f"Received a label value of {bad} which is outside "
                                   f"the valid range of [0, {n}).{where}")
    p, log_p = _softmax_parts(xp, logits)
    index = labels[..., None].astype(xp.int64)
    loss = -xp.take_along_axis(log_p, index, axis=-1)[..., 0]
    hot = (index == xp.arange(n)).astype(logits.dtype)
    return loss, p - hot


@register_op
class SparseSoftmaxCrossEntropyWithLogits(OpDef):
    """(loss, backprop) for integer class labels: -log_softmax(logits)[label]."""

    def infer(self, logits, labels):
        _last_axis_spec(logits)
        require(labels.dtype, "int", "labels")
        if logits.shape.ndims is None:
            return [Spec(labels.shape, logits.dtype), Spec(None, logits.dtype)]
        batch = logits.shape[:-1]
        if not batch.is_compatible_with(labels.shape):
            raise ValueError(f"labels of shape {labels.shape} must have the shape of logits "
                             f"{logits.shape} without its last dimension")
        return [Spec(batch.merge_with(labels.shape), logits.dtype),
                Spec(logits.shape, logits.dtype)]

    def forward(self, xp, logits, labels):
        return _sparse_xent(xp, logits, labels)

    def compile(self, op, ctx):
        xp = ctx.xp
        return lambda logits, labels: _sparse_xent(xp, logits, labels, op)

    def gradient(self, op, grad_loss, grad_grad):
        logits = op.inputs[0]
        dlogits = array_ops.expand_dims(grad_loss, -1) * op.outputs[1]
        if not _zeros_grad(grad_grad):
            s = softmax(logits)
            dlogits += (grad_grad - math_ops.reduce_sum(grad_grad * s, -1, keepdims=True)) * s
        return [dlogits, None]


def softmax_cross_entropy_with_logits_v2(_sentinel=None, labels=None, logits=None, dim=-1,
                                         name=None, axis=None):
    """-sum(labels * log_softmax(logits)) over `axis`; gradients flow into labels too."""
    _xent_args("softmax_cross_entropy_with_logits_v2", _sentinel, labels, logits)
    axis = dim if axis is None else axis
    with name_scope(name, "softmax_cross_entropy_with_logits", [logits, labels]) as scope:
        logits = convert_to_tensor(logits, name="logits")
        labels = _labels_like(labels, logits)
        if axis != -1 and axis != (logits.shape.ndims or 0) - 1:
            perm = _axis_perm(logits, axis, move_to_end=True)
            logits, labels = array_ops.transpose(logits, perm), array_ops.transpose(labels, perm)
        loss, _ = SoftmaxCrossEntropyWithLogits.apply(logits, labels, name=scope)
        return loss


def softmax_cross_entropy_with_logits(_sentinel=None, labels=None, logits=None, dim=-1,
                                      name=None, axis=None):
    """TF1's v1 softmax cross-entropy: like _v2, but no gradient flows into labels."""
    _xent_args("softmax_cross_entropy_with_logits", _sentinel, labels, logits)
    with name_scope(name, "softmax_cross_entropy_with_logits_sg", [logits, labels]) as scope:
        labels = stop_gradient(labels, name="labels_stop_gradient")
    return softmax_cross_entropy_with_logits_v2(labels=labels, logits=logits, dim=dim,
                                                axis=axis, name=scope)


def sparse_softmax_cross_entropy_with_logits(_sentinel=None, labels=None, logits=None,
                                             name=None):
    """-log(softmax(logits)[labels]) for int class labels of the logits' rank minus one."""
    _xent_args("sparse_softmax_cross_entropy_with_logits", _sentinel, labels, logits)
    with name_scope(name, "SparseSoftmaxCrossEntropyWithLogits", [labels, logits]):
        labels = convert_to_tensor(labels)
        logits = convert_to_tensor(logits)
        lr, gr = labels.shape.ndims, logits.shape.ndims
        if lr is not None and gr is not None:
            if gr == 0:
                raise ValueError(f"Logits cannot be scalars - received shape {logits.shape}.")
            if lr != gr - 1:
                raise ValueError(f"Rank mismatch: Rank of labels (received {lr}) should equal "
                                 f"rank of logits minus 1 (received {gr}).")
            if not labels.shape.is_compatible_with(logits.shape[:-1]):
                raise ValueError(f"Shape mismatch: The shape of labels (received "
                                 f"{labels.shape}) should equal the shape of logits except for "
                                 f"the last dimension (received {logits.shape}).")
        loss, _ = SparseSoftmaxCrossEntropyWithLogits.apply(logits, labels, name=name)
        return loss
