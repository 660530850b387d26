"""tf.losses: TF1's loss functions, each reduced (default SUM_BY_NONZERO_WEIGHTS) and added to
the LOSSES collection, and the collection helpers (get_total_loss, ...).

Deliberate difference: TF1 computes these in float32 whatever the input dtype (`to_float`);
flowgrad keeps float64 inputs in float64 (labels are cast to the predictions' dtype)."""

from __future__ import annotations

import numbers

from flowgrad.framework.graph import GraphKeys, get_default_graph, name_scope
from flowgrad.framework.registry import convert_to_tensor
from flowgrad.ops import array_ops, loss_ops, math_ops, nn_ops
from flowgrad.ops.control_ops import stop_gradient


class Reduction:
    """How a loss's elements are reduced to the returned value."""

    NONE = "none"
    SUM = "weighted_sum"
    SUM_OVER_BATCH_SIZE = "weighted_sum_over_batch_size"
    MEAN = "weighted_mean"
    SUM_BY_NONZERO_WEIGHTS = "weighted_sum_by_nonzero_weights"
    SUM_OVER_NONZERO_WEIGHTS = SUM_BY_NONZERO_WEIGHTS

    @classmethod
    def all(cls):
        """Every valid reduction key."""
        return (cls.NONE, cls.SUM, cls.MEAN, cls.SUM_OVER_BATCH_SIZE,
                cls.SUM_OVER_NONZERO_WEIGHTS, cls.SUM_BY_NONZERO_WEIGHTS)

    @classmethod
    def validate(cls, key):
        """Raises ValueError unless `key` is a reduction."""
        if key not in cls.all():
            raise ValueError(f"Invalid Reduction Key {key}.")


def _safe_div(numerator, denominator, name="value"):
    """numerator / denominator, or 0 where the denominator is 0."""
    positive = math_ops.greater(denominator, 0)
    safe = math_ops.where(math_ops.equal(denominator, 0), array_ops.ones_like(denominator),
                          denominator)
    return math_ops.where(positive, math_ops.div(numerator, safe),
                          array_ops.zeros_like(numerator), name=name)


def _num_elements(losses):
    with name_scope(None, "num_elements", [losses]) as loss_scope:
        return math_ops.cast(array_ops.size(losses, name=loss_scope), losses.dtype)


def _num_present(losses, weights):
    """The number of loss elements whose (broadcast) weight is not 0."""
    if isinstance(weights, numbers.Real) and weights != 0:
        return _num_elements(losses)
    with name_scope(None, "num_present", [losses, weights]) as loss_scope:
        weights = _as_weights(weights, losses)
        present = math_ops.where(math_ops.equal(weights, 0.0), array_ops.zeros_like(weights),
                                 array_ops.ones_like(weights))
        present = present * array_ops.ones_like(losses)
        return math_ops.reduce_sum(present, name=loss_scope)


def _as_weights(weights, losses):
    """weights as a tensor of the losses' dtype, checked to broadcast to the losses' shape."""
    if hasattr(weights, "_as_graph_element"):
        weights = math_ops.cast(convert_to_tensor(weights), losses.dtype)
    else:
        weights = convert_to_tensor(weights, dtype=losses.dtype, name="weights")
    w, v = weights.shape, losses.shape
    if w.ndims not in (None, 0) and v.ndims is not None:
        bad = w.ndims != v.ndims or any(
            a is not None and b is not None and a not in (1, b)
            for a, b in zip(w.as_list(), v.as_list()))
        if bad:
            raise ValueError(f"weights can not be broadcast to values. values.rank={v.ndims}. "
                             f"weights.rank={w.ndims}. values.shape={v}. weights.shape={w}.")
    return weights


def compute_weighted_loss(losses, weights=1.0, scope=None, loss_collection=GraphKeys.LOSSES,
                          reduction=Reduction.SUM_BY_NONZERO_WEIGHTS):
    """losses * weights, reduced by `reduction`, added to `loss_collection`."""
    Reduction.validate(reduction)
    with name_scope(scope, "weighted_loss", [losses]):
        losses = convert_to_tensor(losses)
        weights_t = _as_weights(weights, losses)
        weighted = math_ops.multiply(losses, weights_t)
        if reduction == Reduction.NONE:
            loss = weighted
        else:
            loss = math_ops.reduce_sum(weighted)
            if reduction == Reduction.MEAN:
                total_weight = math_ops.reduce_sum(array_ops.ones_like(losses) * weights_t)
                loss = _safe_div(math_ops.reduce_sum(loss), total_weight)
            elif reduction == Reduction.SUM_BY_NONZERO_WEIGHTS:
                loss = _safe_div(math_ops.reduce_sum(loss), _num_present(losses, weights))
            elif reduction == Reduction.SUM_OVER_BATCH_SIZE:
                loss = _safe_div(math_ops.reduce_sum(loss), _num_elements(losses))
        add_loss(loss, loss_collection)
        return loss


def _pair(labels, predictions, what="predictions"):
    """(labels, predictions) as float tensors of one dtype and compatible shapes."""
    if labels is None:
        raise ValueError("labels must not be None.")
    if predictions is None:
        raise ValueError(f"{what} must not be None.")
    predictions = convert_to_tensor(predictions)
    if not predictions.dtype.is_floating:
        predictions = math_ops.to_float(predictions)
    labels = loss_ops._labels_like(labels, predictions)
    predictions.shape.assert_is_compatible_with(labels.shape)
    return labels, predictions


def absolute_difference(labels, predictions, weights=1.0, scope=None,
                        loss_collection=GraphKeys.LOSSES,
                        reduction=Reduction.SUM_BY_NONZERO_WEIGHTS):
    """|predictions - labels|, weighted and reduced."""
    with name_scope(scope, "absolute_difference", [predictions, labels]) as loss_scope:
        labels, predictions = _pair(labels, predictions)
        losses = math_ops.abs(math_ops.subtract(predictions, labels))
        return compute_weighted_loss(losses, weights, loss_scope, loss_collection, reduction)


def mean_squared_error(labels, predictions, weights=1.0, scope=None,
                       loss_collection=GraphKeys.LOSSES,
                       reduction=Reduction.SUM_BY_NONZERO_WEIGHTS):
    """(predictions - labels)², weighted and reduced."""
    with name_scope(scope, "mean_squared_error", [predictions, labels]) as loss_scope:
        labels, predictions = _pair(labels, predictions)
        losses = math_ops.squared_difference(predictions, labels)
        return compute_weighted_loss(losses, weights, loss_scope, loss_collection, reduction)


def log_loss(labels, predictions, weights=1.0, epsilon=1e-7, scope=None,
             loss_collection=GraphKeys.LOSSES, reduction=Reduction.SUM_BY_NONZERO_WEIGHTS):
    """Binary cross-entropy of probabilities: -z log(p + ε) - (1 - z) log(1 - p + ε)."""
    with name_scope(scope, "log_loss", [predictions, labels]) as loss_scope:
        labels, predictions = _pair(labels, predictions)
        losses = (-math_ops.multiply(labels, math_ops.log(predictions + epsilon))
                  - math_ops.multiply(1 - labels, math_ops.log(1 - predictions + epsilon)))
        return compute_weighted_loss(losses, weights, loss_scope, loss_collection, reduction)


def hinge_loss(labels, logits, weights=1.0, scope=None, loss_collection=GraphKeys.LOSSES,
               reduction=Reduction.SUM_BY_NONZERO_WEIGHTS):
    """max(0, 1 - y * logits) with 0/1 labels mapped to y = -1/+1."""
    with name_scope(scope, "hinge_loss", [logits, labels]) as loss_scope:
        labels, logits = _pair(labels, logits, "logits")
        all_ones = array_ops.ones_like(labels)
        labels = math_ops.subtract(2 * labels, all_ones)
        losses = nn_ops.relu(math_ops.subtract(all_ones, math_ops.multiply(labels, logits)))
        return compute_weighted_loss(losses, weights, loss_scope, loss_collection, reduction)


def huber_loss(labels, predictions, weights=1.0, delta=1.0, scope=None,
               loss_collection=GraphKeys.LOSSES, reduction=Reduction.SUM_BY_NONZERO_WEIGHTS):
    """Quadratic within `delta` of the labels, linear beyond."""
    with name_scope(scope, "huber_loss", [predictions, labels]) as loss_scope:
        labels, predictions = _pair(labels, predictions)
        abs_error = math_ops.abs(math_ops.subtract(predictions, labels))
        quadratic = math_ops.minimum(abs_error, delta)
        linear = math_ops.subtract(abs_error, quadratic)
        losses = math_ops.add(0.5 * math_ops.multiply(quadratic, quadratic),
                              math_ops.multiply(delta, linear))
        return compute_weighted_loss(losses, weights, loss_scope, loss_collection, reduction)


def cosine_distance(labels, predictions, axis=None, weights=1.0, scope=None,
                    loss_collection=GraphKeys.LOSSES,
                    reduction=Reduction.SUM_BY_NONZERO_WEIGHTS, dim=None):
    """1 - sum(labels * predictions, axis), for unit-normalized inputs."""
    axis = dim if axis is None else axis
    if axis is None:
        raise ValueError("You must specify 'axis'.")
    with name_scope(scope, "cosine_distance_loss", [predictions, labels]) as loss_scope:
        labels, predictions = _pair(labels, predictions)
        radial = math_ops.multiply(predictions, labels)
        losses = 1 - math_ops.reduce_sum(radial, axis, keepdims=True)
        return compute_weighted_loss(losses, weights, loss_scope, loss_collection, reduction)


def sigmoid_cross_entropy(multi_class_labels, logits, weights=1.0, label_smoothing=0, scope=None,
                          loss_collection=GraphKeys.LOSSES,
                          reduction=Reduction.SUM_BY_NONZERO_WEIGHTS):
    """Sigmoid cross-entropy of logits; labels smoothed toward 1/2 by label_smoothing."""
    if multi_class_labels is None:
        raise ValueError("multi_class_labels must not be None.")
    if logits is None:
        raise ValueError("logits must not be None.")
    with name_scope(scope, "sigmoid_cross_entropy_loss",
                    [logits, multi_class_labels]) as loss_scope:
        logits = convert_to_tensor(logits)
        labels = loss_ops._labels_like(multi_class_labels, logits)
        logits.shape.assert_is_compatible_with(labels.shape)
        if label_smoothing > 0:
            labels = labels * (1 - label_smoothing) + 0.5 * label_smoothing
        losses = loss_ops.sigmoid_cross_entropy_with_logits(labels=labels, logits=logits,
                                                            name="xentropy")
        return compute_weighted_loss(losses, weights, loss_scope, loss_collection, reduction)


def softmax_cross_entropy(onehot_labels, logits, weights=1.0, label_smoothing=0, scope=None,
                          loss_collection=GraphKeys.LOSSES,
                          reduction=Reduction.SUM_BY_NONZERO_WEIGHTS):
    """Softmax cross-entropy of logits against one-hot labels (no gradient into labels)."""
    if onehot_labels is None:
        raise ValueError("onehot_labels must not be None.")
    if logits is None:
        raise ValueError("logits must not be None.")
    with name_scope(scope, "softmax_cross_entropy_loss", [logits, onehot_labels]) as loss_scope:
        logits = convert_to_tensor(logits)
        labels = loss_ops._labels_like(onehot_labels, logits)
        logits.shape.assert_is_compatible_with(labels.shape)
        if label_smoothing > 0:
            classes = labels.shape[-1].value if labels.shape.ndims else None
            if classes is None:
                classes = math_ops.reduce_sum(array_ops.ones_like(labels), -1, keepdims=True)
            labels = labels * (1.0 - label_smoothing) + label_smoothing / classes
        labels = stop_gradient(labels, name="labels_stop_gradient")
        losses = loss_ops.softmax_cross_entropy_with_logits_v2(labels=labels, logits=logits,
                                                               name="xentropy")
        return compute_weighted_loss(losses, weights, loss_scope, loss_collection, reduction)


def sparse_softmax_cross_entropy(labels, logits, weights=1.0, scope=None,
                                 loss_collection=GraphKeys.LOSSES,
                                 reduction=Reduction.SUM_BY_NONZERO_WEIGHTS):
    """Softmax cross-entropy of logits against integer class labels."""
    if labels is None:
        raise ValueError("labels must not be None.")
    if logits is None:
        raise ValueError("logits must not be None.")
    with name_scope(scope, "sparse_softmax_cross_entropy_loss", [logits, labels]) as loss_scope:
        labels, logits = convert_to_tensor(labels), convert_to_tensor(logits)
        # TF1 squeezes a trailing size-1 dim of labels ([N, 1] labels for [N, C] logits)
        lr, gr = labels.shape.ndims, logits.shape.ndims
        if lr is not None and gr is not None and lr == gr and labels.shape[-1].value in (1, None):
            labels = array_ops.squeeze(labels, [-1])
        if hasattr(weights, "_as_graph_element") or not isinstance(weights, numbers.Real):
            weights = convert_to_tensor(weights)
            if weights.shape.ndims is not None and weights.shape.ndims == gr:
                weights = array_ops.squeeze(weights, [-1])
        losses = loss_ops.sparse_softmax_cross_entropy_with_logits(labels=labels, logits=logits,
                                                                   name="xentropy")
        return compute_weighted_loss(losses, weights, loss_scope, loss_collection, reduction)


def add_loss(loss, loss_collection=GraphKeys.LOSSES) -> None:
    """Adds `loss` to `loss_collection` (nothing when the collection is None or empty)."""
    if loss_collection:
        get_default_graph().add_to_collection(loss_collection, loss)


def get_losses(scope=None, loss_collection=GraphKeys.LOSSES) -> list:
    """The losses in `loss_collection` (names matching `scope` when given)."""
    return get_default_graph().get_collection(loss_collection, scope)


def get_regularization_losses(scope=None) -> list:
    """The REGULARIZATION_LOSSES collection (names matching `scope` when given)."""
    return get_default_graph().get_collection(GraphKeys.REGULARIZATION_LOSSES, scope)


def get_regularization_loss(scope=None, name="total_regularization_loss"):
    """The sum of the regularization losses (0.0 when there are none)."""
    losses = get_regularization_losses(scope)
    if losses:
        return math_ops.add_n(losses, name=name)
    return array_ops.constant(0.0)


def get_total_loss(add_regularization_losses=True, name="total_loss", scope=None):
    """The sum of the LOSSES collection, plus the regularization losses by default."""
    losses = get_losses(scope)
    if add_regularization_losses:
        losses += get_regularization_losses(scope)
    if not losses:
        raise ValueError("get_total_loss: the LOSSES collection is empty: build a tf.losses "
                         "loss (or tf.losses.add_loss one) first.")
    return math_ops.add_n(losses, name=name)
