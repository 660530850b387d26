"""tf.losses: TF1's names, every Reduction against NumPy, the LOSSES collection and
get_total_loss, label smoothing, and argument errors."""

import numpy as np
import pytest

import flowgrad as tf

R = tf.losses.Reduction
LABELS = np.array([[1.0, 0.0, 2.0], [0.5, -1.0, 3.0]], np.float32)
PREDICTIONS = np.array([[0.5, 0.5, 2.5], [1.0, -2.0, 1.0]], np.float32)
WEIGHTS = np.array([[1.0, 0.0, 2.0], [0.5, 0.0, 1.0]], np.float32)


def run(fetches, feed=None):
    with tf.Session() as sess:
        return sess.run(fetches, feed)


def reduce(losses, weights, reduction):
    weights = np.broadcast_to(weights, losses.shape)
    weighted = losses * weights
    return {
        R.NONE: weighted,
        R.SUM: weighted.sum(),
        R.MEAN: weighted.sum() / weights.sum(),
        R.SUM_OVER_BATCH_SIZE: weighted.sum() / losses.size,
        R.SUM_BY_NONZERO_WEIGHTS: weighted.sum() / np.count_nonzero(weights),
    }[reduction]


@pytest.mark.parametrize("reduction", [R.NONE, R.SUM, R.MEAN, R.SUM_OVER_BATCH_SIZE,
                                       R.SUM_BY_NONZERO_WEIGHTS])
@pytest.mark.parametrize("weights", [1.0, WEIGHTS, np.array([[2.0], [0.0]], np.float32)])
def test_mean_squared_error_reductions_match_numpy(reduction, weights):
    loss = tf.losses.mean_squared_error(LABELS, tf.constant(PREDICTIONS), weights=weights,
                                        reduction=reduction)
    expected = reduce((PREDICTIONS - LABELS) ** 2, weights, reduction)
    np.testing.assert_allclose(run(loss), expected, rtol=1e-6)


def test_sum_over_nonzero_weights_is_the_same_key():
    assert R.SUM_OVER_NONZERO_WEIGHTS == R.SUM_BY_NONZERO_WEIGHTS
    assert set(R.all()) == {R.NONE, R.SUM, R.MEAN, R.SUM_OVER_BATCH_SIZE,
                            R.SUM_BY_NONZERO_WEIGHTS}


def test_all_zero_weights_give_zero_not_nan():
    loss = tf.losses.mean_squared_error(LABELS, tf.constant(PREDICTIONS), weights=0.0)
    assert run(loss) == 0.0


def test_names_and_the_losses_collection():
    labels, predictions = tf.constant(LABELS), tf.constant(PREDICTIONS)
    mse = tf.losses.mean_squared_error(labels, predictions)
    absolute = tf.losses.absolute_difference(labels, predictions)
    summed = tf.losses.mean_squared_error(labels, predictions, reduction=R.SUM)
    assert mse.name == "mean_squared_error/value:0"
    assert absolute.name == "absolute_difference/value:0"
    assert summed.name == "mean_squared_error_1/Sum:0"
    assert mse.dtype == tf.float32 and mse.shape == tf.TensorShape([])
    assert tf.get_collection(tf.GraphKeys.LOSSES) == [mse, absolute, summed]
    assert tf.losses.get_losses() == [mse, absolute, summed]
    assert tf.losses.get_losses(scope="absolute") == [absolute]
    off = tf.losses.mean_squared_error(labels, predictions, loss_collection=None)
    assert off not in tf.losses.get_losses()


def test_get_total_loss_adds_regularization_losses():
    mse = tf.losses.mean_squared_error(LABELS, tf.constant(PREDICTIONS))
    tf.get_variable("w", [2], initializer=tf.ones_initializer(),
                    regularizer=lambda w: tf.reduce_sum(w) * 0.5)
    tf.losses.add_loss(tf.constant(10.0))
    total = tf.losses.get_total_loss()
    without = tf.losses.get_total_loss(add_regularization_losses=False, name="data_loss")
    regularization = tf.losses.get_regularization_loss()
    assert total.name == "total_loss:0"
    assert len(tf.losses.get_regularization_losses()) == 1
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        t, w, r, m = sess.run([total, without, regularization, mse])
    assert r == pytest.approx(1.0)
    assert w == pytest.approx(m + 10.0)
    assert t == pytest.approx(m + 11.0)


def test_get_total_loss_without_losses_explains():
    with pytest.raises(ValueError, match="LOSSES collection is empty"):
        tf.losses.get_total_loss()
    assert run(tf.losses.get_regularization_loss()) == 0.0


def test_absolute_difference_log_loss_hinge_huber_match_numpy():
    p = np.array([[0.1, 0.8], [0.6, 0.3]], np.float32)
    z = np.array([[0.0, 1.0], [1.0, 0.0]], np.float32)
    logits = np.array([[-2.0, 0.3], [1.5, 0.2]], np.float32)
    got = run([
        tf.losses.absolute_difference(LABELS, PREDICTIONS, weights=WEIGHTS),
        tf.losses.log_loss(z, p),
        tf.losses.hinge_loss(z, logits),
        tf.losses.huber_loss(LABELS, PREDICTIONS, delta=1.0, reduction=R.NONE),
    ])
    np.testing.assert_allclose(got[0], reduce(np.abs(PREDICTIONS - LABELS), WEIGHTS,
                                              R.SUM_BY_NONZERO_WEIGHTS), rtol=1e-6)
    eps = 1e-7
    log_loss = -z * np.log(p + eps) - (1 - z) * np.log(1 - p + eps)
    np.testing.assert_allclose(got[1], log_loss.mean(), rtol=1e-6)
    np.testing.assert_allclose(got[2], np.maximum(0, 1 - (2 * z - 1) * logits).mean(), rtol=1e-6)
    err = np.abs(PREDICTIONS - LABELS)
    huber = np.where(err <= 1.0, 0.5 * err ** 2, err - 0.5)
    np.testing.assert_allclose(got[3], huber, rtol=1e-6)


def test_cross_entropy_losses_match_numpy_with_label_smoothing():
    logits = np.array([[2.0, -1.0, 0.5], [0.0, 3.0, -2.0]], np.float32)
    onehot = np.array([[1.0, 0.0, 0.0], [0.0, 0.0, 1.0]], np.float32)
    multi = np.array([[1.0, 0.0, 1.0], [0.0, 1.0, 0.0]], np.float32)
    logits_t = tf.constant(logits)
    softmax = tf.losses.softmax_cross_entropy(onehot, logits_t, label_smoothing=0.1)
    sigmoid = tf.losses.sigmoid_cross_entropy(multi, logits_t, label_smoothing=0.2)
    sparse = tf.losses.sparse_softmax_cross_entropy(np.array([[0], [2]]), logits_t,
                                                    weights=[[1.0], [3.0]])
    assert softmax.name == "softmax_cross_entropy_loss/value:0"
    assert sigmoid.name == "sigmoid_cross_entropy_loss/value:0"
    assert sparse.name == "sparse_softmax_cross_entropy_loss/value:0"
    got = run([softmax, sigmoid, sparse])
    log_p = logits - np.log(np.exp(logits).sum(1, keepdims=True))
    smoothed = onehot * 0.9 + 0.1 / 3
    np.testing.assert_allclose(got[0], -(smoothed * log_p).sum(1).mean(), rtol=1e-6)
    z = multi * 0.8 + 0.1
    logistic = np.maximum(logits, 0) - logits * z + np.log1p(np.exp(-np.abs(logits)))
    np.testing.assert_allclose(got[1], logistic.mean(), rtol=1e-6)
    picked = -log_p[[0, 1], [0, 2]]
    np.testing.assert_allclose(got[2], (picked * [1.0, 3.0]).sum() / 2, rtol=1e-6)


def test_softmax_cross_entropy_loss_has_no_label_gradient():
    labels = tf.constant([[0.0, 1.0]])
    logits = tf.constant([[1.0, 2.0]])
    loss = tf.losses.softmax_cross_entropy(labels, logits)
    assert tf.gradients(loss, labels) == [None]
    assert tf.gradients(loss, logits)[0] is not None


def test_float64_losses_stay_float64():
    loss = tf.losses.mean_squared_error(LABELS.astype(np.float64),
                                        tf.constant(PREDICTIONS.astype(np.float64)))
    assert loss.dtype == tf.float64


def test_argument_errors():
    with pytest.raises(ValueError, match="Invalid Reduction Key bogus"):
        tf.losses.mean_squared_error(LABELS, PREDICTIONS, reduction="bogus")
    with pytest.raises(ValueError, match=r"Shapes \(2, 3\) and \(3,\) are incompatible"):
        tf.losses.mean_squared_error(tf.zeros([3]), tf.zeros([2, 3]))
    with pytest.raises(ValueError, match="weights can not be broadcast to values"):
        tf.losses.mean_squared_error(LABELS, PREDICTIONS, weights=np.ones((3, 2), np.float32))
    with pytest.raises(ValueError, match="labels must not be None"):
        tf.losses.mean_squared_error(None, PREDICTIONS)
