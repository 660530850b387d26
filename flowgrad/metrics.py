"""tf.metrics: TF1's streaming metrics. Each returns (value, update_op): running update_op adds
a batch to local variables (`accuracy/total`, `accuracy/count`, in LOCAL_VARIABLES and
METRIC_VARIABLES, so tf.local_variables_initializer() resets them) and gives the metric so far;
`value` reads it without updating. For whole-array scores in NumPy see flowgrad.evaluation."""

from __future__ import annotations

from flowgrad import dtypes
from flowgrad.framework.graph import GraphKeys, add_to_collections, control_dependencies
from flowgrad.framework.registry import convert_to_tensor
from flowgrad.ops import array_ops, math_ops, state_ops
from flowgrad.ops.variable_scope import variable_scope
from flowgrad.ops.variables import Variable


def _metric_variable(name):
    """A float32 scalar local variable starting at 0, outside every training collection."""
    return Variable(lambda: array_ops.zeros([], dtypes.float32), trainable=False, name=name,
                    collections=[GraphKeys.LOCAL_VARIABLES, GraphKeys.METRIC_VARIABLES])


def _squeezed(labels, predictions):
    """TF1's _remove_squeezable_dimensions: drops a trailing size-1 dim that one has and the
    other lacks, then checks that the shapes agree."""
    labels, predictions = convert_to_tensor(labels), convert_to_tensor(predictions)
    rank_l, rank_p = labels.shape.ndims, predictions.shape.ndims
    if rank_l is not None and rank_p is not None:
        if rank_p == rank_l + 1 and predictions.shape.as_tuple()[-1] == 1:
            predictions = array_ops.squeeze(predictions, [-1])
        elif rank_l == rank_p + 1 and labels.shape.as_tuple()[-1] == 1:
            labels = array_ops.squeeze(labels, [-1])
    if not labels.shape.is_compatible_with(predictions.shape):
        raise ValueError(f"Shapes {predictions.shape} and {labels.shape} are incompatible")
    return labels, predictions


def _weighted(values, weights):
    """(values times weights, their total weight), both float32."""
    values = math_ops.cast(values, dtypes.float32)
    if weights is None:
        return values, math_ops.cast(array_ops.size(values), dtypes.float32)
    weights = math_ops.cast(weights, dtypes.float32) * array_ops.ones_like(values)
    return values * weights, math_ops.reduce_sum(weights)


def _collect(value, update_op, metrics_collections, updates_collections):
    if metrics_collections:
        add_to_collections(metrics_collections, value)
    if updates_collections:
        add_to_collections(updates_collections, update_op)
    return value, update_op


def mean(values, weights=None, metrics_collections=None, updates_collections=None, name=None):
    """The (weighted) mean of every value seen so far."""
    with variable_scope(name, "mean", [values, weights]):
        total, count = _metric_variable("total"), _metric_variable("count")
        values, num_values = _weighted(values, weights)
        update_total = state_ops.assign_add(total, math_ops.reduce_sum(values))
        with control_dependencies([values]):
            update_count = state_ops.assign_add(count, num_values)
        value = math_ops.div_no_nan(total, math_ops.maximum(count, 0.0), name="value")
        update_op = math_ops.div_no_nan(update_total, math_ops.maximum(update_count, 0.0),
                                        name="update_op")
    return _collect(value, update_op, metrics_collections, updates_collections)


def accuracy(labels, predictions, weights=None, metrics_collections=None,
             updates_collections=None, name=None):
    """The fraction of predictions equal to labels, over every batch so far."""
    labels, predictions = _squeezed(labels, predictions)
    if labels.dtype != predictions.dtype:
        predictions = math_ops.cast(predictions, labels.dtype)
    is_correct = math_ops.cast(math_ops.equal(predictions, labels), dtypes.float32)
    return mean(is_correct, weights, metrics_collections, updates_collections,
                name or "accuracy")


def mean_squared_error(labels, predictions, weights=None, metrics_collections=None,
                       updates_collections=None, name=None):
    """The mean of (labels - predictions)² over every batch so far."""
    labels, predictions = _squeezed(labels, predictions)
    return mean(math_ops.squared_difference(labels, predictions), weights, metrics_collections,
                updates_collections, name or "mean_squared_error")


def mean_absolute_error(labels, predictions, weights=None, metrics_collections=None,
                        updates_collections=None, name=None):
    """The mean of |labels - predictions| over every batch so far."""
    labels, predictions = _squeezed(labels, predictions)
    return mean(math_ops.abs(predictions - labels), weights, metrics_collections,
                updates_collections, name or "mean_absolute_error")


def root_mean_squared_error(labels, predictions, weights=None, metrics_collections=None,
                            updates_collections=None, name=None):
    """The square root of the streaming mean squared error."""
    labels, predictions = _squeezed(labels, predictions)
    mse, update_mse = mean(math_ops.squared_difference(labels, predictions), weights, None, None,
                           name or "root_mean_squared_error")
    return _collect(math_ops.sqrt(mse), math_ops.sqrt(update_mse), metrics_collections,
                    updates_collections)


def _count(condition, default_name, labels, predictions, weights, metrics_collections,
           updates_collections, name):
    """A streaming count of the (weighted) elements where condition(labels, predictions)."""
    with variable_scope(name, default_name, [predictions, labels, weights]):
        labels, predictions = _squeezed(math_ops.cast(labels, dtypes.bool),
                                        math_ops.cast(predictions, dtypes.bool))
        count = _metric_variable("count")
        values, _ = _weighted(condition(labels, predictions), weights)
        value = array_ops.identity(count)
        update_op = state_ops.assign_add(count, math_ops.reduce_sum(values))
    return _collect(value, update_op, metrics_collections, updates_collections)


def _counter(condition, default_name, doc):
    def metric(labels, predictions, weights=None, metrics_collections=None,
               updates_collections=None, name=None):
        return _count(condition, default_name, labels, predictions, weights,
                      metrics_collections, updates_collections, name)

    metric.__name__, metric.__doc__ = default_name, doc
    return metric


_not = math_ops.logical_not
true_positives = _counter(lambda lab, pred: math_ops.logical_and(lab, pred), "true_positives",
                          "The streaming count of true positives (labels and predictions true).")
false_positives = _counter(lambda lab, pred: math_ops.logical_and(_not(lab), pred),
                           "false_positives", "The streaming count of false positives.")
false_negatives = _counter(lambda lab, pred: math_ops.logical_and(lab, _not(pred)),
                           "false_negatives", "The streaming count of false negatives.")
true_negatives = _counter(lambda lab, pred: math_ops.logical_and(_not(lab), _not(pred)),
                          "true_negatives", "The streaming count of true negatives.")


def _ratio(hits, misses, name):
    """hits / (hits + misses), 0 while both are 0 (TF1's precision and recall)."""
    return math_ops.div_no_nan(hits, hits + misses, name=name)


def _rate(missed, default_name, labels, predictions, weights, metrics_collections,
          updates_collections, name):
    with variable_scope(name, default_name, [predictions, labels, weights]):
        hits, hits_update = true_positives(labels, predictions, weights)
        misses, misses_update = missed(labels, predictions, weights)
        value = _ratio(hits, misses, "value")
        update_op = _ratio(hits_update, misses_update, "update_op")
    return _collect(value, update_op, metrics_collections, updates_collections)


def precision(labels, predictions, weights=None, metrics_collections=None,
              updates_collections=None, name=None):
    """Streaming true positives / (true positives + false positives)."""
    return _rate(false_positives, "precision", labels, predictions, weights,
                 metrics_collections, updates_collections, name)


def recall(labels, predictions, weights=None, metrics_collections=None,
           updates_collections=None, name=None):
    """Streaming true positives / (true positives + false negatives)."""
    return _rate(false_negatives, "recall", labels, predictions, weights,
                 metrics_collections, updates_collections, name)
