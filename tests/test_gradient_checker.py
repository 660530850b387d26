"""tf.test: TF1's compute_gradient / compute_gradient_error and flowgrad's check_gradients."""

import numpy as np
import pytest

import flowgrad as tf


def _wrong_square(x):
    """Value x**2 whose gradient is wrongly 1 (the x**2 - x part is hidden from gradients)."""
    return x + tf.stop_gradient(x * x - x)


def test_exported_as_tf_test():
    from flowgrad import test

    assert tf.test is test
    assert tf.test.compute_gradient is test.compute_gradient
    assert {"compute_gradient", "compute_gradient_error", "check_gradients"} <= set(dir(tf.test))


def test_compute_gradient_layout_is_x_size_by_y_size():
    x = tf.placeholder(tf.float64, (2, 3), name="x")
    y = tf.reduce_sum(x * x, axis=1)
    x0 = np.arange(6.0).reshape(2, 3)
    with tf.Session():
        theoretical, numerical = tf.test.compute_gradient(x, (2, 3), y, (2,), x_init_value=x0)
    expected = np.zeros((6, 2))
    for i in range(6):
        expected[i, i // 3] = 2 * x0.reshape(-1)[i]
    np.testing.assert_allclose(theoretical, expected)
    np.testing.assert_allclose(numerical, expected, atol=1e-9)
    assert theoretical.dtype == numerical.dtype == np.float64


def test_compute_gradient_random_init_and_dtype():
    x = tf.placeholder(tf.float32, (4,))
    y = tf.tanh(x)
    with tf.Session():
        theoretical, numerical = tf.test.compute_gradient(x, [4], y, [4])
    assert theoretical.shape == numerical.shape == (4, 4)
    assert theoretical.dtype == np.float32
    assert np.all(np.diag(theoretical) > 0) and np.all(theoretical == np.diag(np.diag(theoretical)))
    np.testing.assert_allclose(theoretical, numerical, atol=1e-3)


def test_compute_gradient_error_small_for_right_and_large_for_wrong_gradients():
    x = tf.placeholder(tf.float64, (3,))
    x0 = np.array([0.5, 1.0, 2.0])
    with tf.Session():
        right = tf.test.compute_gradient_error(x, (3,), tf.sigmoid(x) * x, (3,), x0)
        wrong = tf.test.compute_gradient_error(x, (3,), _wrong_square(x), (3,), x0)
    assert right < 1e-6
    np.testing.assert_allclose(wrong, np.max(np.abs(2 * x0 - 1)), rtol=1e-6)


def test_compute_gradient_list_of_xs_feeds_every_x():
    a = tf.placeholder(tf.float64, (2,), name="a")
    b = tf.placeholder(tf.float64, (2,), name="b")
    y = tf.reduce_sum(a * b)
    a0, b0 = np.array([1.0, 2.0]), np.array([3.0, 4.0])
    with tf.Session():
        (ta, na), (tb, nb) = tf.test.compute_gradient([a, b], [(2,), (2,)], y, (), [a0, b0])
        error = tf.test.compute_gradient_error([a, b], [(2,), (2,)], y, (), [a0, b0])
    np.testing.assert_allclose(ta[:, 0], b0)
    np.testing.assert_allclose(tb[:, 0], a0)
    np.testing.assert_allclose(na, ta, atol=1e-9)
    np.testing.assert_allclose(nb, tb, atol=1e-9)
    assert error < 1e-9


def test_compute_gradient_variable_init_targets_and_extra_feeds():
    w = tf.Variable(np.array([1.0, -1.0]), name="w")
    scale = tf.placeholder(tf.float64, (), name="scale")
    y = tf.reduce_sum(tf.exp(w)) * scale
    with tf.Session() as sess:
        theoretical, _ = tf.test.compute_gradient(
            w, (2,), y, (), x_init_value=np.zeros(2),
            init_targets=[tf.global_variables_initializer()], extra_feed_dict={scale: 3.0})
        np.testing.assert_allclose(theoretical[:, 0], [3.0, 3.0])
        np.testing.assert_allclose(sess.run(w), [1.0, -1.0])  # fed, never assigned


def test_compute_gradient_when_y_does_not_depend_on_x():
    x = tf.placeholder(tf.float64, (2,))
    z = tf.placeholder(tf.float64, (2,))
    with tf.Session():
        theoretical, numerical = tf.test.compute_gradient(
            x, (2,), z * 2.0, (2,), extra_feed_dict={z: np.ones(2)})
    assert not theoretical.any() and not numerical.any()


def test_compute_gradient_errors():
    x = tf.placeholder(tf.float64, (2,))
    y = x * 2.0
    with pytest.raises(ValueError, match="default session.*tf.Session"):
        tf.test.compute_gradient(x, (2,), y, (2,))
    with tf.Session():
        with pytest.raises(ValueError, match=r"x_shape = \[2\], init_data shape = \[3\]"):
            tf.test.compute_gradient(x, (2,), y, (2,), x_init_value=np.ones(3))
        i = tf.placeholder(tf.int32, (2,), name="ints")
        with pytest.raises(TypeError, match="'ints:0' has dtype int32"):
            tf.test.compute_gradient(i, (2,), tf.cast(i, tf.float64), (2,))


def test_check_gradients_chain_rule_of_matmul():
    a = tf.Variable(np.random.default_rng(0).normal(size=(2, 3)), name="A")
    b = tf.placeholder(tf.float64, (4, 3), name="B")
    x = tf.matmul(a, b, transpose_b=True)
    loss = tf.reduce_sum(tf.square(x))
    b0 = np.random.default_rng(1).normal(size=(4, 3))
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        a0 = sess.run(a)
        error = tf.test.check_gradients(loss, [a, b], feed_dict={b: b0}, session=sess)
        assert error < 1e-8
        np.testing.assert_array_equal(sess.run(a), a0)  # Variables are perturbed by feeds only


def test_check_gradients_default_session_several_ys_and_names_as_keys():
    x = tf.placeholder(tf.float64, (3,), name="x")
    ys = [tf.reduce_sum(tf.sin(x)), tf.exp(x)]
    with tf.Session():
        assert tf.test.check_gradients(ys, x, {"x:0": np.array([0.1, 0.2, 0.3])}) < 1e-6


def test_check_gradients_reports_a_wrong_gradient():
    x = tf.placeholder(tf.float64, (3,))
    x0 = np.array([1.0, 2.0, 3.0])
    with tf.Session() as sess:
        error = tf.test.check_gradients(tf.reduce_sum(_wrong_square(x)), x, {x: x0}, sess)
    # Jn = 2 x, Ja = 1: max|2x - 1| / max(1, 1)
    np.testing.assert_allclose(error, 5.0, rtol=1e-6)


def test_check_gradients_is_relative_to_large_gradients():
    x = tf.placeholder(tf.float64, (2,))
    with tf.Session() as sess:
        error = tf.test.check_gradients(tf.reduce_sum(100.0 * _wrong_square(x)), x,
                                        {x: np.array([1.0, 1.0])}, sess)
    # Jn = 200 x = 200, Ja = 100: |200 - 100| / 100
    np.testing.assert_allclose(error, 1.0, rtol=1e-6)


def test_check_gradients_float32_uses_the_step_actually_taken():
    x = tf.placeholder(tf.float32, (5,))
    x0 = np.linspace(-2.0, 2.0, 5).astype(np.float32)
    with tf.Session() as sess:
        error = tf.test.check_gradients(tf.reduce_sum(tf.sigmoid(x) * 3.0), x, {x: x0}, sess)
    assert error < 1e-3


def test_check_gradients_errors():
    x = tf.placeholder(tf.float64, (2,))
    with pytest.raises(ValueError, match="check_gradients runs in the default session"):
        tf.test.check_gradients(tf.reduce_sum(x), x, {x: np.ones(2)})
    i = tf.placeholder(tf.int32, (2,), name="i")
    with tf.Session() as sess, pytest.raises(TypeError, match="'i:0' has dtype int32"):
        tf.test.check_gradients(tf.reduce_sum(tf.cast(i, tf.float64)), i, {i: [1, 2]}, sess)
