"""tf.metrics: TF1's streaming metrics, their local variables, names and running values."""

import numpy as np
import pytest

import flowgrad as tf


def test_accuracy_streams_over_batches_and_resets_with_local_initializer():
    labels = tf.placeholder(tf.int64, [None], name="labels")
    predictions = tf.placeholder(tf.int64, [None], name="predictions")
    acc, update = tf.metrics.accuracy(labels=labels, predictions=predictions)
    assert acc.name == "accuracy/value:0" and update.name == "accuracy/update_op:0"
    assert [v.name for v in tf.local_variables()] == ["accuracy/total:0", "accuracy/count:0"]
    assert tf.get_collection(tf.GraphKeys.METRIC_VARIABLES) == tf.local_variables()
    assert tf.global_variables() == [] and tf.trainable_variables() == []
    with tf.Session() as sess:
        sess.run(tf.local_variables_initializer())
        assert sess.run(update, {labels: [1, 0, 1, 1], predictions: [1, 0, 0, 1]}) == 0.75
        assert sess.run(update, {labels: [0, 0], predictions: [1, 0]}) == pytest.approx(4 / 6)
        assert sess.run(acc) == pytest.approx(4 / 6)
        sess.run(tf.local_variables_initializer())
        assert sess.run(acc) == 0.0  # no batch yet: 0, not NaN


def test_weighted_mean_and_errors():
    values = tf.placeholder(tf.float32, [None])
    weights = tf.placeholder(tf.float32, [None])
    mean, mean_update = tf.metrics.mean(values, weights)
    mse, mse_update = tf.metrics.mean_squared_error(values, tf.zeros_like(values))
    rmse, rmse_update = tf.metrics.root_mean_squared_error(values, tf.zeros_like(values))
    mae, mae_update = tf.metrics.mean_absolute_error(values, tf.ones_like(values))
    with tf.Session() as sess:
        sess.run(tf.local_variables_initializer())
        for batch, w in [([1.0, 3.0], [1.0, 0.0]), ([4.0], [2.0])]:
            sess.run([mean_update, mse_update, rmse_update, mae_update],
                     {values: batch, weights: w})
        got = sess.run([mean, mse, rmse, mae])
    np.testing.assert_allclose(got, [9 / 3, 26 / 3, np.sqrt(26 / 3), 5 / 3], rtol=1e-6)


def test_precision_recall_and_counts():
    labels = tf.constant([True, True, False, False, True])
    predictions = tf.constant([1, 0, 1, 0, 1])
    precision, precision_update = tf.metrics.precision(labels, predictions)
    recall, recall_update = tf.metrics.recall(labels, predictions)
    tp, tp_update = tf.metrics.true_positives(labels, predictions)
    assert precision.name == "precision/value:0"
    assert "precision/true_positives/count:0" in [v.name for v in tf.local_variables()]
    with tf.Session() as sess:
        sess.run(tf.local_variables_initializer())
        assert sess.run([precision, recall]) == [0.0, 0.0]
        sess.run([precision_update, recall_update, tp_update])
        assert sess.run([precision, recall, tp]) == [pytest.approx(2 / 3), pytest.approx(2 / 3), 2.0]


def test_mismatched_shapes_are_refused():
    with pytest.raises(ValueError, match="incompatible"):
        tf.metrics.accuracy(tf.ones([3]), tf.ones([4]))
