"""tf.layers: TF1's variable and op names, reuse, regularizers, values, dropout and flatten."""

import numpy as np
import pytest

import flowgrad as tf


def op_names():
    return [op.name for op in tf.get_default_graph().get_operations()]


def test_dense_names_like_tf1():
    x = tf.placeholder(tf.float32, [None, 4])
    h = tf.layers.dense(x, 3, activation=tf.nn.relu)
    y = tf.layers.dense(h, 2)
    assert [v.name for v in tf.global_variables()] == [
        "dense/kernel:0", "dense/bias:0", "dense_1/kernel:0", "dense_1/bias:0"]
    assert [v.name for v in tf.trainable_variables()] == [
        v.name for v in tf.global_variables()]
    assert h.name == "dense/Relu:0"
    assert y.name == "dense_1/BiasAdd:0"
    names = op_names()
    for name in ["dense/kernel/Initializer/random_uniform", "dense/bias/Initializer/zeros",
                 "dense/kernel/read", "dense/MatMul", "dense/BiasAdd", "dense_1/MatMul"]:
        assert name in names
    assert y.shape.as_list() == [None, 2]


def test_dense_computes_activation_of_affine_map():
    x = tf.placeholder(tf.float32, [None, 4])
    layer = tf.layers.Dense(3, activation=tf.nn.relu,
                            bias_initializer=tf.constant_initializer(0.5))
    y = layer(x)
    assert layer.name == "dense"
    assert layer.variables == [layer.kernel, layer.bias]
    value = np.random.default_rng(0).normal(size=(5, 4)).astype(np.float32)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        kernel, out = sess.run([layer.kernel, y], {x: value})
    assert np.all(np.abs(kernel) <= np.sqrt(6 / 7))
    np.testing.assert_allclose(out, np.maximum(value @ kernel + 0.5, 0), rtol=1e-5)


def test_named_dense_twice_needs_reuse():
    x = tf.zeros([2, 4])
    tf.layers.dense(x, 3, name="fc")
    with pytest.raises(ValueError, match="Variable fc/kernel already exists, disallowed"):
        tf.layers.dense(x, 3, name="fc")


def test_named_dense_with_reuse_shares_variables():
    x = tf.zeros([2, 4])
    a = tf.layers.dense(x, 3, name="fc")
    b = tf.layers.dense(x, 3, name="fc", reuse=True)
    assert len(tf.global_variables()) == 2
    assert a.name == "fc/BiasAdd:0"
    assert b.name == "fc_1/BiasAdd:0"
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        np.testing.assert_array_equal(*sess.run([a, b]))


def test_calling_a_layer_object_twice_shares_its_variables():
    layer = tf.layers.Dense(2)
    a = layer(tf.ones([1, 3]))
    b = layer(tf.zeros([1, 3]))
    assert len(tf.global_variables()) == 2
    assert (a.name, b.name) == ("dense/BiasAdd:0", "dense/BiasAdd_1:0")


def test_dense_inside_variable_scope_and_auto_reuse():
    def model(x):
        with tf.variable_scope("model", reuse=tf.AUTO_REUSE):
            return tf.layers.dense(x, 2, name="out")

    model(tf.ones([1, 3]))
    model(tf.ones([1, 3]))
    assert [v.name for v in tf.global_variables()] == ["model/out/kernel:0", "model/out/bias:0"]


def test_unnamed_layers_reuse_inside_a_reentered_scope():
    def net(x, reuse):
        with tf.variable_scope("net", reuse=reuse):
            return tf.layers.dense(tf.layers.dense(x, 3, tf.nn.relu), 1)

    first = net(tf.ones([2, 4]), None)
    second = net(tf.zeros([2, 4]), True)
    assert [v.name for v in tf.global_variables()] == [
        "net/dense/kernel:0", "net/dense/bias:0", "net/dense_1/kernel:0", "net/dense_1/bias:0"]
    assert (first.name, second.name) == ("net/dense_1/BiasAdd:0", "net_1/dense_1/BiasAdd:0")


def test_dense_options_regularizer_trainable_no_bias_dtype():
    x64 = tf.placeholder(tf.float64, [None, 3])
    y = tf.layers.dense(x64, 2, use_bias=False, trainable=False,
                        kernel_initializer=tf.ones_initializer(),
                        kernel_regularizer=lambda w: 0.1 * tf.reduce_sum(w))
    assert y.dtype == tf.float64
    assert [v.name for v in tf.global_variables()] == ["dense/kernel:0"]
    assert tf.trainable_variables() == []
    (reg,) = tf.losses.get_regularization_losses()
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        assert sess.run(reg) == pytest.approx(0.6)
        np.testing.assert_allclose(sess.run(y, {x64: np.ones((1, 3))}), [[3.0, 3.0]])


def test_dense_on_rank_3_inputs_and_unknown_last_dim():
    y = tf.layers.dense(tf.ones([2, 5, 3]), 4, kernel_initializer=tf.ones_initializer())
    assert y.shape.as_list() == [2, 5, 4]
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        np.testing.assert_allclose(sess.run(y), np.full((2, 5, 4), 3.0))
    with pytest.raises(ValueError, match="last dimension of the inputs to `Dense` should be "
                                         "defined"):
        tf.layers.dense(tf.placeholder(tf.float32, [None, None]), 2)


def test_dropout_layer_training_switch():
    x = tf.ones([200, 200])
    off = tf.layers.dropout(x, rate=0.3)
    on = tf.layers.dropout(x, rate=0.3, training=True)
    training = tf.placeholder(tf.bool, [])
    switch = tf.layers.dropout(x, rate=0.5, training=training)
    assert off.name == "dropout/Identity:0"
    assert on.name.startswith("dropout_1/dropout/")
    with tf.Session() as sess:
        o, n, s_on, s_off = sess.run([off, on, switch, switch], {training: True})
        s_off = sess.run(switch, {training: False})
    np.testing.assert_array_equal(o, np.ones((200, 200)))
    assert abs(np.mean(n == 0) - 0.3) < 0.02
    np.testing.assert_allclose(np.unique(n), [0.0, 1 / 0.7], rtol=1e-6)
    assert abs(np.mean(s_on == 0) - 0.5) < 0.02
    np.testing.assert_array_equal(s_off, np.ones((200, 200)))


def test_flatten():
    y = tf.layers.flatten(tf.placeholder(tf.float32, [None, 2, 3]))
    assert y.shape.as_list() == [None, 6]
    assert y.name == "flatten/Reshape:0"
