"""Every tf.losses loss, weighted and not, passes a float64 gradient check with respect to its
predictions or logits (the tf.nn cross-entropies are checked by their OpInfo records)."""

import numpy as np
import pytest

import flowgrad as tf

RNG = np.random.default_rng(0)
SHAPE = (4, 3)
# away from the kinks of absolute_difference, hinge and huber (|residual| = 0, margin = 1, delta)
LABELS = RNG.uniform(-1.0, 1.0, SHAPE)
OFFSETS = RNG.choice([-1.0, 1.0], SHAPE) * RNG.uniform(0.2, 0.4, SHAPE)
PROBABILITIES = RNG.uniform(0.1, 0.9, SHAPE)
BINARY = (RNG.random(SHAPE) < 0.5).astype(np.float64)
ONEHOT = np.eye(3)[[0, 2, 1, 2]]
CLASSES = np.array([0, 2, 1, 2])
WEIGHTS = np.array([[1.0], [0.0], [2.0], [0.5]])
LOGITS = RNG.uniform(-2.0, 2.0, SHAPE)


def _hinge_point():
    """Logits whose margin 1 - y' * logit stays 0.2 or more away from 0 (y' = 2y - 1)."""
    signs = 2 * BINARY - 1
    return signs * (1.0 + OFFSETS)


LOSSES = {
    "mean_squared_error": (lambda p, w: tf.losses.mean_squared_error(LABELS, p, w),
                           LABELS + OFFSETS),
    "absolute_difference": (lambda p, w: tf.losses.absolute_difference(LABELS, p, w),
                            LABELS + OFFSETS),
    "huber_loss": (lambda p, w: tf.losses.huber_loss(LABELS, p, w, delta=0.45),
                   LABELS + OFFSETS * 1.6),
    "log_loss": (lambda p, w: tf.losses.log_loss(BINARY, p, w), PROBABILITIES),
    "hinge_loss": (lambda p, w: tf.losses.hinge_loss(BINARY, p, w), _hinge_point()),
    "sigmoid_cross_entropy": (
        lambda p, w: tf.losses.sigmoid_cross_entropy(BINARY, p, w, label_smoothing=0.1), LOGITS),
    "softmax_cross_entropy": (
        lambda p, w: tf.losses.softmax_cross_entropy(ONEHOT, p, w[:, 0], label_smoothing=0.1),
        LOGITS),
    "sparse_softmax_cross_entropy": (
        lambda p, w: tf.losses.sparse_softmax_cross_entropy(CLASSES, p, w[:, 0]), LOGITS),
}


@pytest.mark.parametrize("weighted", [False, True], ids=["unweighted", "weighted"])
@pytest.mark.parametrize("name", sorted(LOSSES))
def test_loss_gradient_matches_central_differences(name, weighted):
    build, point = LOSSES[name]
    x = tf.placeholder(tf.float64, SHAPE, name="x")
    weights = WEIGHTS if weighted else np.ones((SHAPE[0], 1))
    loss = build(x, weights)
    assert loss.dtype == tf.float64 and loss.shape.ndims == 0
    with tf.Session() as sess:
        error = tf.test.check_gradients(loss, [x], feed_dict={x: point}, session=sess,
                                        delta=1e-6)
        (grad,) = sess.run(tf.gradients(loss, x), {x: point})
    assert error <= 1e-6, f"{name}: gradient error {error:.3g}"
    assert np.all(np.isfinite(grad)) and np.any(grad != 0)
    if weighted:  # a row of weight 0 gets no gradient
        np.testing.assert_array_equal(grad[1], 0.0)
