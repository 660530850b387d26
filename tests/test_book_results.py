"""The results issue 5 asks of the book's chapter-3 programs (examples/), each against an
independent reference: a float64 NumPy Adam written from TF1's formula, numpy.polyfit, and
scikit-learn's LogisticRegression."""

import warnings

import numpy as np
import pytest

import flowgrad as tf
from flowgrad import datasets
from flowgrad.demo import load_example
from flowgrad.errors import BroadcastWarning

linear = load_example("linear_regression")
logistic = load_example("logistic_regression")


def numpy_adam(grad_fn, params, steps, lr, beta1=0.9, beta2=0.999, epsilon=1e-8):
    """TF1's Adam in float64: lr_t = lr sqrt(1 - beta2^t) / (1 - beta1^t), epsilon-hat."""
    params = np.array(params, dtype=np.float64)
    m, v = np.zeros_like(params), np.zeros_like(params)
    for t in range(1, steps + 1):
        g = grad_fn(params)
        lr_t = lr * np.sqrt(1 - beta2**t) / (1 - beta1**t)
        m = beta1 * m + (1 - beta1) * g
        v = beta2 * v + (1 - beta2) * g * g
        params = params - lr_t * m / (np.sqrt(v) + epsilon)
    return params


def linear_gradient(x, y, squeeze=True):
    """The gradient of the book's loss in (w, b); without squeeze every target meets every
    prediction: sum over i, j of (y_j - (w x_i + b))^2."""
    x = x.ravel()

    def grad(params):
        w, b = params
        if squeeze:
            r = y - (w * x + b)
            return np.array([-2 * np.sum(r * x), -2 * np.sum(r)])
        # sum_j (y_j - p_i) = S_y - N p_i
        r = np.sum(y) - len(y) * (w * x + b)
        return np.array([-2 * np.sum(r * x), -2 * np.sum(r)])

    return grad


@pytest.mark.parametrize("seed", [456, 7])
def test_linear_regression_matches_numpy_adam(tmp_path, seed):
    with warnings.catch_warnings():
        warnings.simplefilter("error", BroadcastWarning)  # the fixed program does not broadcast
        res = linear.train(8000, str(tmp_path), seed=seed, verbose=False, plots=False)
    x, y = datasets.linear_regression_data(100, 5.0, 2.0, 0.1, seed=seed)
    want = numpy_adam(linear_gradient(x, y), [res["w_init"], res["b_init"]], 8000, 0.001)
    np.testing.assert_allclose([res["w"], res["b"]], want, rtol=2e-3)
    assert res["losses"][-1] < res["losses"][0]


def test_linear_regression_converges_to_least_squares(tmp_path):
    res = linear.train(20000, str(tmp_path), verbose=False, plots=False)
    x, y = datasets.linear_regression_data(100, 5.0, 2.0, 0.1, seed=linear.SEED)
    w_ls, b_ls = np.polyfit(x.ravel(), y, 1)
    assert abs(res["w"] - w_ls) < 0.02 and abs(res["b"] - b_ls) < 0.02, (res["w"], res["b"],
                                                                          w_ls, b_ls)


def test_book_program_without_squeeze_trains_as_tf1(tmp_path):
    steps = 3000
    # the (N,) target minus the (N, 1) prediction broadcasts to (N, N): TF1 trains on that
    # silently; flowgrad trains the same way and says what happened
    with pytest.warns(BroadcastWarning, match=r"\(100,\) .*\(100, 1\).*\(100, 100\)"):
        res = linear.train(steps, str(tmp_path), squeeze=False, verbose=False, plots=False)
    x, y = datasets.linear_regression_data(100, 5.0, 2.0, 0.1, seed=linear.SEED)
    want = numpy_adam(linear_gradient(x, y, squeeze=False), [res["w_init"], res["b_init"]],
                      steps, 0.001)
    np.testing.assert_allclose([res["w"], res["b"]], want, rtol=2e-3)


def test_logistic_regression_separates_the_blobs(tmp_path):
    res = logistic.train(1000, str(tmp_path), verbose=False, plots=False)
    assert res["accuracy"] == 1.0
    assert res["losses"][-1] < 0.1 * res["losses"][0]


def test_breast_cancer_within_two_points_of_sklearn():
    from sklearn.linear_model import LogisticRegression

    data = datasets.load_breast_cancer(valid_size=0.25, seed=0)
    d = data.x_train.shape[1]
    with tf.Graph().as_default():
        tf.set_random_seed(0)
        with tf.name_scope("placeholders"):
            x = tf.placeholder(tf.float32, (None, d))
            y = tf.placeholder(tf.float32, (None,))
        with tf.name_scope("weights"):
            W = tf.Variable(tf.random_normal((d, 1)))
            b = tf.Variable(tf.random_normal((1,)))
        with tf.name_scope("prediction"):
            y_logit = tf.squeeze(tf.matmul(x, W) + b, axis=1)
            y_pred = tf.round(tf.sigmoid(y_logit))
        with tf.name_scope("loss"):
            entropy = tf.nn.sigmoid_cross_entropy_with_logits(logits=y_logit, labels=y)
            loss = tf.reduce_mean(entropy) + 1e-3 * tf.nn.l2_loss(W)
        with tf.name_scope("optim"):
            train_op = tf.train.AdamOptimizer(0.01).minimize(loss)
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            feed = {x: data.x_train, y: data.y_train}
            for _ in range(1500):
                sess.run(train_op, feed)
            predicted = sess.run(y_pred, {x: data.x_valid})
    ours = np.mean(predicted == data.y_valid)
    reference = LogisticRegression().fit(data.x_train, data.y_train).score(data.x_valid,
                                                                           data.y_valid)
    assert abs(ours - reference) <= 0.02, (ours, reference)
