"""TF1's smaller namespaces and TF2-era graph-mode switches: programs using them run."""

import subprocess
import sys

import numpy as np
import pytest

import flowgrad as tf


def test_math_random_linalg_namespaces_build_the_same_ops():
    x = tf.placeholder(tf.float32, [None, 2], name="x")
    w = tf.Variable(tf.random.normal([2, 1], seed=1), name="w")
    loss = tf.math.reduce_sum(tf.math.square(tf.linalg.matmul(x, w)))
    assert loss.op.type == "Sum"
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        value = sess.run(loss, {x: np.ones((3, 2))})
        w_value = sess.run(w)
    assert np.isclose(value, 3 * float(np.sum(w_value)) ** 2, rtol=1e-5)


def test_compat_v1_is_flowgrad_itself_and_graph_mode_switches_are_accepted():
    assert tf.compat.v1 is tf
    tf.compat.v1.disable_eager_execution()
    tf.disable_v2_behavior()
    assert tf.executing_eagerly() is False
    out = subprocess.run([sys.executable, "-c", (
        "import flowgrad.compat.v1 as tf; tf.disable_v2_behavior(); "
        "print(tf.Session().run(tf.constant(2) * 3))")], capture_output=True, text=True,
        check=True)
    assert out.stdout.strip() == "6"


def test_logging_calls_of_tf1_programs_run():
    tf.logging.set_verbosity(tf.logging.ERROR)
    tf.logging.info("not shown")
    assert tf.logging.get_verbosity() == tf.logging.ERROR
    tf.logging.set_verbosity(tf.logging.WARN)


def test_summary_protobufs_at_top_level_like_tf1():
    summary = tf.Summary(value=[tf.Summary.Value(tag="loss", simple_value=0.5)])
    assert summary.value[0].tag == "loss"


def test_matrix_transpose_swaps_the_last_two_dims():
    a = tf.reshape(tf.range(24), (2, 3, 4))
    t = tf.matrix_transpose(a)
    assert t.name == "matrix_transpose:0" and t.shape.as_list() == [2, 4, 3]
    with tf.Session() as sess:
        np.testing.assert_array_equal(sess.run(t), np.arange(24).reshape(2, 3, 4).transpose(0, 2, 1))
    assert tf.linalg.transpose is tf.matrix_transpose


def test_tf_nn_names_of_later_chapters_raise_naming_the_feature():
    with pytest.raises(tf.errors.UnsupportedFeatureError, match="tf.nn.conv2d .*chapter 5"):
        _ = tf.nn.conv2d
    assert not hasattr(tf.nn, "dynamic_rnn")
    with pytest.raises(AttributeError, match="flowgrad.nn' has no attribute 'no_such_op'"):
        _ = tf.nn.no_such_op


def test_meta_graph_functions_raise_naming_the_feature():
    with pytest.raises(tf.errors.UnsupportedFeatureError, match="tf.train.import_meta_graph .*"
                                                                "Saver\\(\\).restore"):
        tf.train.import_meta_graph("model.ckpt.meta")
    assert not hasattr(tf.train, "export_meta_graph")
    with pytest.raises(AttributeError, match="flowgrad.train' has no attribute 'no_such_name'"):
        _ = tf.train.no_such_name


def test_tf_layers_names_of_later_chapters_raise_naming_the_feature():
    with pytest.raises(tf.errors.UnsupportedFeatureError, match="tf.layers.conv2d .*chapter 5"):
        _ = tf.layers.conv2d
    with pytest.raises(tf.errors.UnsupportedFeatureError, match="batch normalization"):
        tf.layers.batch_normalization(tf.ones([2, 3]))
    assert not hasattr(tf.layers, "max_pooling2d") and hasattr(tf.layers, "dense")
    with pytest.raises(AttributeError, match="flowgrad.layers' has no attribute 'nothing'"):
        _ = tf.layers.nothing
