"""Records of the nn ops (activations, softmax, bias_add, l2_loss) and the cross-entropies.

References are TF1's formulas in NumPy. Samples keep away from the kinks of relu, relu6, elu,
selu and leaky_relu; integer labels are not differentiated. Dropout is kind 'random': its
statistics are tested by topic (tests/test_nn_ops.py)."""

from __future__ import annotations

import numpy as np

from flowgrad.ops import loss_ops, nn_ops
from flowgrad.ops.loss_ops import SoftmaxCrossEntropyWithLogits, SparseSoftmaxCrossEntropyWithLogits
from flowgrad.ops.nn_ops import BiasAddGrad, ReluGrad
from flowgrad.testing.op_info import UNARY_SHAPES, OpInfo, Sample, uniform


def _away(x, kinks, gap=0.1):
    """x with values within `gap` of a kink pushed 2 * gap away from it."""
    x = np.array(x)
    for k in kinks:
        near = np.abs(x - k) < gap
        x[near] = (k + np.where(x[near] >= k, 2, -2) * gap).astype(x.dtype)
    return x


def kinked_samples(*kinks, kwargs=({},)):
    """Unary samples (every shape, each kwargs variant) kept away from `kinks`."""
    def samples(rng, dtype, info):
        return [Sample((_away(uniform(rng, s, dtype, info), kinks),), dict(kw), f"{s} {kw}")
                for s in UNARY_SHAPES for kw in kwargs]
    return samples


def relu_grad_samples(rng, dtype, info):
    """(grad, relu output) pairs of one shape; outputs away from 0."""
    return [Sample((uniform(rng, s, dtype, info), _away(uniform(rng, s, dtype, info), [0])),
                   note=str(s)) for s in [(), (3,), (2, 3), (0, 3)]]


AXIS_CASES = [((3,), {}), ((2, 3), {}), ((2, 3), {"axis": 0}), ((2, 1, 4), {"axis": -1}),
              ((2, 3, 4), {"axis": 1}), ((0, 3), {}), ((2, 3), {"dim": 0})]


def axis_samples(rng, dtype, info):
    """Logits with class axes last and elsewhere (and TF1's `dim` alias)."""
    return [Sample((uniform(rng, s, dtype, info),), dict(kw), f"{s} {kw}") for s, kw in AXIS_CASES]


def _softmax(x, axis=-1):
    e = np.exp(x - x.max(axis=axis, keepdims=True)) if x.size else x
    return e / e.sum(axis=axis, keepdims=True) if x.size else x


def softmax_ref(x, axis=None, dim=None):
    """Softmax along axis (default last)."""
    return _softmax(x, -1 if axis is None and dim is None else (dim if axis is None else axis))


def log_softmax_ref(x, axis=None, dim=None):
    """log softmax along axis (default last)."""
    axis = -1 if axis is None and dim is None else (dim if axis is None else axis)
    if not x.size:
        return x
    shifted = x - x.max(axis=axis, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=axis, keepdims=True))


def bias_samples(rng, dtype, info):
    """value with bias of its last dim."""
    shapes = [((2, 3), (3,)), ((2, 4, 3), (3,)), ((0, 3), (3,)), ((1, 1), (1,))]
    return [Sample((uniform(rng, a, dtype, info), uniform(rng, b, dtype, info)), note=f"{a} {b}")
            for a, b in shapes]


def xent_samples(rng, dtype, info):
    """Logits with positive labels: one-hot, distributions, and unnormalized weights."""
    out = []
    for shape in [(3,), (2, 3), (2, 2, 4), (0, 3)]:
        logits = rng.uniform(-3, 3, shape).astype(dtype)
        hot = np.eye(shape[-1], dtype=dtype)[rng.integers(0, shape[-1], shape[:-1])]
        p = rng.uniform(0.1, 1.0, shape).astype(dtype)
        out.append(Sample((logits, hot), note=f"{shape} one-hot"))
        out.append(Sample((logits, (p / p.sum(-1, keepdims=True)).astype(dtype)),
                          note=f"{shape} distribution"))
        out.append(Sample((logits, p), note=f"{shape} unnormalized"))
    return out


def xent_axis_samples(rng, dtype, info):
    """xent samples plus class axes not last."""
    out = xent_samples(rng, dtype, info)[:6]
    logits = rng.uniform(-3, 3, (3, 2)).astype(dtype)
    labels = np.eye(3, dtype=dtype)[:, [0, 2]]
    out.append(Sample((logits, labels), {"axis": 0}, "class axis 0"))
    out.append(Sample((logits, labels), {"dim": 0}, "class axis 0 (dim)"))
    return out


def xent_ref(logits, labels):
    """(loss, backprop) of SoftmaxCrossEntropyWithLogits."""
    log_p = log_softmax_ref(logits)
    backprop = np.exp(log_p) * labels.sum(-1, keepdims=True) - labels
    return -(labels * log_p).sum(-1), backprop


def xent_v2_ref(logits, labels, axis=None, dim=None):
    """softmax_cross_entropy_with_logits_v2 along axis."""
    axis = -1 if axis is None and dim is None else (dim if axis is None else axis)
    return -(labels * log_softmax_ref(logits, axis)).sum(axis)


def sparse_samples(rng, dtype, info):
    """Logits with int32 and int64 class labels of the logits' rank minus one."""
    out = []
    for shape, label_dtype in [((3, 4), np.int32), ((2, 3, 4), np.int64), ((4,), np.int32),
                               ((0, 3), np.int32), ((2, 1), np.int64)]:
        logits = rng.uniform(-3, 3, shape).astype(dtype)
        labels = rng.integers(0, shape[-1], shape[:-1]).astype(label_dtype)
        out.append(Sample((logits, labels), note=f"{shape} {label_dtype.__name__}"))
    return out


def sparse_ref(logits, labels):
    """(loss, backprop) of SparseSoftmaxCrossEntropyWithLogits."""
    log_p = log_softmax_ref(logits)
    hot = np.eye(logits.shape[-1], dtype=logits.dtype)[labels]
    loss = -(log_p * hot).sum(-1)
    return loss.astype(logits.dtype), (np.exp(log_p) - hot).astype(logits.dtype)


def sigmoid_xent_ref(logits, labels):
    """TF1's logistic loss."""
    return np.maximum(logits, 0) - logits * labels + np.log1p(np.exp(-np.abs(logits)))


def pair_samples(rng, dtype, info):
    """(logits, labels in [0, 1]) of one shape, logits away from 0 (|x|'s kink)."""
    out = []
    for shape in [(), (3,), (2, 3), (0, 2)]:
        logits = _away(uniform(rng, shape, dtype, info), [0])
        out.append(Sample((logits, rng.uniform(0, 1, shape).astype(dtype)), note=str(shape)))
    return out


def weighted_xent_ref(logits, labels, pos_weight):
    """TF1's weighted logistic loss."""
    log_weight = 1 + (pos_weight - 1) * labels
    return (1 - labels) * logits + log_weight * (np.log1p(np.exp(-np.abs(logits)))
                                                 + np.maximum(-logits, 0))


def moments_samples(rng, dtype, info):
    """Inputs with axes lists and keep_dims."""
    cases = [((4, 3), {"axes": [0]}), ((2, 3, 4), {"axes": [0, 1]}),
             ((2, 3), {"axes": [1], "keep_dims": True}), ((5,), {"axes": [0]})]
    return [Sample((uniform(rng, s, dtype, info),), kw, f"{s} {kw}") for s, kw in cases]


def moments_ref(x, axes, keep_dims=False):
    """(mean, variance) over axes."""
    return x.mean(tuple(axes), keepdims=keep_dims), x.var(tuple(axes), keepdims=keep_dims)


def l2_normalize_samples(rng, dtype, info):
    """Inputs normalized along an axis."""
    return [Sample((uniform(rng, s, dtype, info),), kw, f"{s} {kw}")
            for s, kw in [((3,), {"axis": 0}), ((2, 3), {"axis": 1}), ((2, 3), {"dim": 0})]]


def l2_normalize_ref(x, axis=None, dim=None):
    """x / sqrt(max(sum(x²), 1e-12))."""
    axis = dim if axis is None else axis
    return x / np.sqrt(np.maximum((x * x).sum(axis, keepdims=True), 1e-12))


def _elu(x):
    return np.where(x > 0, x, np.expm1(np.minimum(x, 0)))


def _selu(x):
    return (nn_ops.SELU_SCALE * np.where(x > 0, x, nn_ops.SELU_ALPHA * np.expm1(np.minimum(x, 0)))
            ).astype(x.dtype)


RECORDS = [
    OpInfo("relu", nn_ops.relu, lambda x: np.maximum(x, 0), types=("Relu",),
           samples=kinked_samples(0)),
    OpInfo("relu_grad", lambda g, y: ReluGrad.apply(g, y), lambda g, y: np.where(y > 0, g, 0),
           types=("ReluGrad",), samples=relu_grad_samples),
    OpInfo("relu6", nn_ops.relu6, lambda x: np.clip(x, 0, 6), types=("Relu6",),
           samples=kinked_samples(0, 6), domain=(-2.0, 8.0)),
    OpInfo("elu", nn_ops.elu, _elu, types=("Elu",), samples=kinked_samples(0), grad=2),
    OpInfo("selu", nn_ops.selu, _selu, types=("Selu",), samples=kinked_samples(0), grad=2),
    OpInfo("leaky_relu", nn_ops.leaky_relu,
           lambda x, alpha=0.2: np.where(x > 0, x, alpha * x).astype(x.dtype),
           types=("LeakyRelu",), samples=kinked_samples(0, kwargs=({}, {"alpha": 0.1}))),
    OpInfo("softplus", nn_ops.softplus, lambda x: np.logaddexp(x, 0), types=("Softplus",),
           domain=(-6.0, 6.0), grad=2),
    OpInfo("softsign", nn_ops.softsign, lambda x: x / (np.abs(x) + 1), types=("Abs", "RealDiv"),
           samples=kinked_samples(0)),
    OpInfo("softmax", nn_ops.softmax, softmax_ref, types=("Softmax",), samples=axis_samples,
           domain=(-4.0, 4.0), grad=2),
    OpInfo("log_softmax", nn_ops.log_softmax, log_softmax_ref, types=("LogSoftmax",),
           samples=axis_samples, domain=(-4.0, 4.0), grad=2),
    OpInfo("bias_add", nn_ops.bias_add, lambda v, b: v + b, types=("BiasAdd",),
           samples=bias_samples, grad=2),
    OpInfo("bias_add_grad", lambda g: BiasAddGrad.apply(g),
           lambda g: g.sum(axis=tuple(range(g.ndim - 1))), types=("BiasAddGrad",),
           samples=lambda rng, dtype, info: [Sample(s.args[:1], note=s.note)
                                             for s in bias_samples(rng, dtype, info)]),
    OpInfo("l2_loss", nn_ops.l2_loss, lambda x: np.asarray((x * x).sum() / 2, x.dtype),
           types=("L2Loss",), grad=2),
    OpInfo("l2_normalize", nn_ops.l2_normalize, l2_normalize_ref, types=("Rsqrt",),
           samples=l2_normalize_samples),
    OpInfo("moments", nn_ops.moments, moments_ref, types=("Mean", "SquaredDifference"),
           samples=moments_samples),
    OpInfo("dropout", lambda x: nn_ops.dropout(x, 0.5), types=("RandomUniform",),
           kind="random", grad=0),
    OpInfo("softmax_cross_entropy_with_logits_op",
           lambda logits, labels: SoftmaxCrossEntropyWithLogits.apply(logits, labels), xent_ref,
           types=("SoftmaxCrossEntropyWithLogits",), samples=xent_samples, grad=2, rtol=1e-5,
           atol=1e-5),
    OpInfo("softmax_cross_entropy_with_logits_v2",
           lambda logits, labels, **kw: loss_ops.softmax_cross_entropy_with_logits_v2(
               labels=labels, logits=logits, **kw),
           xent_v2_ref, types=("SoftmaxCrossEntropyWithLogits",), samples=xent_axis_samples,
           grad=2, atol=1e-5),
    OpInfo("sparse_softmax_cross_entropy_with_logits_op",
           lambda logits, labels: SparseSoftmaxCrossEntropyWithLogits.apply(logits, labels),
           sparse_ref, types=("SparseSoftmaxCrossEntropyWithLogits",), samples=sparse_samples,
           grad=2, grad_inputs=(0,), atol=1e-5),
    OpInfo("sparse_softmax_cross_entropy_with_logits",
           lambda logits, labels: loss_ops.sparse_softmax_cross_entropy_with_logits(
               labels=labels, logits=logits),
           lambda logits, labels: sparse_ref(logits, labels)[0],
           types=("SparseSoftmaxCrossEntropyWithLogits",), samples=sparse_samples, grad=2,
           grad_inputs=(0,), atol=1e-5),
    OpInfo("sigmoid_cross_entropy_with_logits",
           lambda logits, labels: loss_ops.sigmoid_cross_entropy_with_logits(
               labels=labels, logits=logits),
           sigmoid_xent_ref, types=("SigmoidCrossEntropyWithLogits",), samples=pair_samples,
           domain=(-5.0, 5.0),
           grad=2),
    OpInfo("weighted_cross_entropy_with_logits",
           lambda logits, labels: loss_ops.weighted_cross_entropy_with_logits(
               labels=labels, logits=logits, pos_weight=3.0),
           lambda logits, labels: weighted_xent_ref(logits, labels, 3.0),
           types=("Log1p", "Relu"), samples=pair_samples, domain=(-5.0, 5.0), grad=2),
]
