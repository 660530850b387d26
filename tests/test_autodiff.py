"""tf.gradients by topic: TF1's names and keywords, several ys, grad_ys, unconnected xs,
stop_gradient and stop_gradients, non-differentiable ops, run-time broadcasting, hessians and
gradients of gradients, and the errors for a non-float y or an x of another graph."""

import numpy as np
import pytest

import flowgrad as tf


def run(fetches, feed=None):
    with tf.Session() as sess:
        return sess.run(fetches, feed)


def test_gradient_ops_sit_in_a_uniquified_gradients_scope_inside_the_current_one():
    x = tf.placeholder(tf.float32, (3,), name="x")
    with tf.name_scope("optim"):
        loss = tf.reduce_sum(tf.exp(x))
        (first,) = tf.gradients(loss, x)
        (second,) = tf.gradients(loss, x)
    assert first.name.startswith("optim/gradients/")
    assert second.name.startswith("optim/gradients_1/")
    names = [op.name for op in tf.get_default_graph().get_operations()]
    assert "optim/gradients/optim/Exp_grad/mul" in names
    assert any(n.startswith("optim/gradients/optim/Sum_grad/") for n in names)


def test_fan_in_is_summed_with_add_n_in_the_gradients_scope():
    # TF1 aggregates in _AggregatedGrads, outside any '<op>_grad' scope: gradients/AddN
    x = tf.placeholder(tf.float64, (3,), name="x")
    (g,) = tf.gradients(tf.reduce_sum(tf.exp(x) * x), x)
    assert (g.op.type, g.op.name) == ("AddN", "gradients/AddN")
    x_np = np.array([0.5, 1.0, 2.0])
    np.testing.assert_allclose(run(g, {x: x_np}), np.exp(x_np) * (1 + x_np))


def test_an_x_inside_the_graph_is_summed_once():
    p = tf.placeholder(tf.float64, (2,), name="p")
    e = tf.exp(p, name="e")
    gp, ge = tf.gradients(tf.reduce_sum(e * e), [p, e])
    sums = [op.name for op in tf.get_default_graph().get_operations() if op.type == "AddN"]
    assert sums == ["gradients/AddN"] and ge.op.name == "gradients/AddN"
    p_np = np.array([0.0, 1.0])
    got_p, got_e = run([gp, ge], {p: p_np})
    np.testing.assert_allclose(got_e, 2 * np.exp(p_np))
    np.testing.assert_allclose(got_p, 2 * np.exp(2 * p_np))


def test_a_list_of_ys_is_summed_and_the_result_aligns_with_xs():
    x = tf.placeholder(tf.float64, (2,), name="x")
    y = tf.placeholder(tf.float64, (2,), name="y")
    unused = tf.placeholder(tf.float64, (2,), name="unused")
    grads = tf.gradients([tf.reduce_sum(x * x), tf.reduce_sum(3.0 * x * y)], [x, unused, y])
    assert grads[1] is None
    gx, gy = run([grads[0], grads[2]], {x: [1.0, 2.0], y: [5.0, 7.0]})
    np.testing.assert_allclose(gx, [2 + 15, 4 + 21])
    np.testing.assert_allclose(gy, [3.0, 6.0])


def test_grad_ys_seed_non_scalar_ys():
    x = tf.placeholder(tf.float64, (3,), name="x")
    (g,) = tf.gradients(x * x, x, grad_ys=tf.constant([1.0, 10.0, 100.0], tf.float64))
    np.testing.assert_allclose(run(g, {x: [1.0, 2.0, 3.0]}), [2.0, 40.0, 600.0])
    (default,) = tf.gradients(x * x, x)  # ones by default: the gradient of the sum
    np.testing.assert_allclose(run(default, {x: [1.0, 2.0, 3.0]}), [2.0, 4.0, 6.0])
    with pytest.raises(ValueError, match="2 grad_ys for 1 ys"):
        tf.gradients(x * x, x, grad_ys=[x, x])


def test_stop_gradient_blocks_the_flow():
    x = tf.placeholder(tf.float64, (), name="x")
    (g,) = tf.gradients(x * tf.stop_gradient(x * x), x)
    assert run(g, {x: 3.0}) == 9.0  # d/dx of x * c with c = x^2 held constant
    assert tf.gradients(tf.stop_gradient(x) * 2.0, x) == [None]


def test_stop_gradients_keyword_follows_tf1s_documented_example():
    # TF1's docstring: the partial derivatives are [1.0, 1.0], not the total ones [3.0, 1.0]
    a = tf.constant(0.0)
    b = 2 * a
    partial = tf.gradients(a + b, [a, b], stop_gradients=[a, b])
    total = tf.gradients(a + b, [a, b])
    assert run(partial) == [1.0, 1.0]
    assert run(total) == [3.0, 1.0]
    assert run(tf.gradients(a + b, a, stop_gradients=[b])) == [1.0]
    x = tf.placeholder(tf.float64, (3,), name="x")
    (g,) = tf.gradients(x * x + x, x, stop_gradients=[x])  # an x that is a stop keeps its grad
    np.testing.assert_allclose(run(g, {x: [1.0, 2.0, 3.0]}), [3.0, 5.0, 7.0])


def test_non_differentiable_ops_give_none_without_error():
    x = tf.placeholder(tf.float64, (3,), name="x")
    y = (tf.cast(tf.argmax(x), tf.float64) + tf.reduce_sum(tf.round(x))
         + tf.cast(tf.shape(x)[0], tf.float64) + tf.reduce_sum(tf.cast(x > 0.0, tf.float64)))
    assert tf.gradients(y, x) == [None]


def test_unconnected_gradients_zero():
    x = tf.placeholder(tf.float64, (2,), name="x")
    y = tf.placeholder(tf.float64, (2,), name="y")
    g = tf.gradients(tf.reduce_sum(x), [x, y], unconnected_gradients="zero")
    np.testing.assert_array_equal(run(g[1], {y: [1.0, 2.0]}), [0.0, 0.0])


def test_tf1_keywords_are_accepted_and_name_sets_the_scope():
    x = tf.placeholder(tf.float32, (2,), name="x")
    (g,) = tf.gradients(tf.reduce_sum(tf.exp(x)), x, gate_gradients=True,
                        aggregation_method=None, colocate_gradients_with_ops=True,
                        name="mygrads")
    assert g.name.startswith("mygrads/")


def test_broadcasting_is_undone_with_runtime_shapes():
    u = tf.placeholder(tf.float64, (None, None), name="u")
    v = tf.placeholder(tf.float64, (None,), name="v")
    gu, gv = tf.gradients(tf.reduce_sum(u * v), [u, v])
    u_np, v_np = np.arange(6.0).reshape(2, 3), np.array([1.0, 2.0, 3.0])
    got_u, got_v = run([gu, gv], {u: u_np, v: v_np})
    np.testing.assert_allclose(got_u, np.broadcast_to(v_np, (2, 3)))
    np.testing.assert_allclose(got_v, u_np.sum(0))


def test_gradients_of_gradients_and_hessians():
    x = tf.placeholder(tf.float64, (3,), name="x")
    y = tf.reduce_sum(x ** 3)
    (g,) = tf.gradients(y, x)
    (gg,) = tf.gradients(g, x)  # an ordinary graph: differentiate it again
    (h,) = tf.hessians(y, x)
    x_np = np.array([1.0, 2.0, 3.0])
    got_gg, got_h = run([gg, h], {x: x_np})
    np.testing.assert_allclose(got_gg, 6 * x_np)
    np.testing.assert_allclose(got_h, np.diag(6 * x_np))
    assert h.shape.as_list() == [3, 3] and h.name.startswith("hessians/")


def test_hessian_vector_product():
    x = tf.placeholder(tf.float64, (2,), name="x")
    v = tf.constant([1.0, -1.0], tf.float64)
    y = x[0] ** 2 * x[1] + tf.exp(x[1])
    (g,) = tf.gradients(y, x)
    (hv,) = tf.gradients(tf.reduce_sum(g * v), x)
    a, b = 1.5, 0.5
    hessian = np.array([[2 * b, 2 * a], [2 * a, np.exp(b)]])
    np.testing.assert_allclose(run(hv, {x: [a, b]}), hessian @ [1.0, -1.0])


def test_a_non_float_y_and_an_x_of_another_graph_are_named():
    x = tf.placeholder(tf.float32, (3,), name="x")
    with pytest.raises(TypeError, match=r"y 'count:0' has dtype int32; only floating"):
        tf.gradients(tf.constant(1, name="count"), x)
    other = tf.Graph()
    with other.as_default():
        stranger = tf.placeholder(tf.float32, (3,), name="stranger")
    with pytest.raises(ValueError, match=r"x 'stranger:0' is from another graph than y 'Sum:0'"):
        tf.gradients(tf.reduce_sum(x), stranger)


def test_aggregation_methods_of_tf1_are_accepted():
    x = tf.placeholder(tf.float64, (2,), name="x")
    y = tf.reduce_sum(tf.exp(x) * x)
    methods = [tf.AggregationMethod.ADD_N, tf.AggregationMethod.DEFAULT,
               tf.AggregationMethod.EXPERIMENTAL_TREE,
               tf.AggregationMethod.EXPERIMENTAL_ACCUMULATE_N]
    grads = [tf.gradients(y, x, aggregation_method=m)[0] for m in methods]
    w = tf.Variable([1.0, 2.0], dtype=tf.float64, name="w")
    train = tf.train.GradientDescentOptimizer(0.1).minimize(
        tf.reduce_sum(w * w), aggregation_method=tf.AggregationMethod.EXPERIMENTAL_TREE)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        values = sess.run(grads, {x: [0.0, 1.0]})
        sess.run(train)
        np.testing.assert_allclose(sess.run(w), [0.8, 1.6])
    for value in values:
        np.testing.assert_allclose(value, [1.0, 2 * np.e])
