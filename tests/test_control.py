"""Control ops: tf.Print, tf.print, group, no_op, identity, stop_gradient, check_numerics."""

import sys

import numpy as np
import pytest

import flowgrad as tf
from flowgrad.errors import InvalidArgumentError


def test_tf1_print_is_an_identity_that_prints(capsys):
    x = tf.constant([1.0, 2.5, 3.0, 4.0])
    printed = tf.Print(x, [x, tf.constant(7), tf.constant([True, False])], message="x is ")
    assert printed.op.type == "Print" and printed.name == "Print:0"
    assert printed.shape == x.shape and printed.dtype is tf.float32
    with tf.Session() as sess:
        np.testing.assert_array_equal(sess.run(printed * 2.0), [2.0, 5.0, 6.0, 8.0])
    assert capsys.readouterr().err == "x is [1 2.5 3...][7][1 0]\n"


def test_tf1_print_first_n_and_summarize(capsys):
    x = tf.range(10)
    printed = tf.Print(x, [x], message="> ", first_n=2, summarize=5)
    with tf.Session() as sess:
        for _ in range(4):
            sess.run(printed)
    assert capsys.readouterr().err == "> [0 1 2 3 4...]\n" * 2


def test_tf1_print_nests_brackets_by_dimension(capsys):
    # TF1's SummarizeValue: one bracket pair per dimension, '...' where `summarize` stops
    m = tf.constant([[3.0], [6.0]])
    cube = tf.reshape(tf.range(12), [2, 3, 2])
    printed = tf.Print(m, [m, tf.shape(m), tf.reshape(tf.range(4), [2, 2]), cube],
                       message="m: ", summarize=5)
    third = tf.Print(m, [tf.constant([0.1, 1 / 3]), tf.constant([1 / 3], tf.float64)])
    with tf.Session() as sess:
        sess.run([printed, third])
    lines = sorted(capsys.readouterr().err.splitlines())
    assert lines == ["[0.1 0.333333343][0.33333333333333331]",
                     "m: [[3][6]][2 1][[0 1][2 3]][[[0 1][2 3][4...]]...]"]


def test_tf1_print_passes_gradients_to_its_input():
    x = tf.constant([1.0, 2.0])
    y = tf.reduce_sum(tf.Print(x, [x], message="") * 3.0)
    (grad,) = tf.gradients(y, [x])
    with tf.Session() as sess:
        np.testing.assert_array_equal(sess.run(grad), [3.0, 3.0])


def test_tf_print_is_an_op_printing_tf_text(capsys):
    x = tf.constant([1.0, 2.5])
    op = tf.print("value:", x, tf.constant(3), tf.range(10), tf.reshape(tf.range(4), [2, 2]))
    assert isinstance(op, tf.Operation) and op.type == "PrintV2" and op.name == "PrintV2"
    with tf.Session() as sess:
        assert sess.run(op) is None
    assert capsys.readouterr().err == "value: [1 2.5] 3 [0 1 2 ... 7 8 9] [[0 1]\n [2 3]]\n"


def test_tf_print_options(capsys):
    x = tf.range(8)
    to_stdout = tf.print("a", x, output_stream=sys.stdout, summarize=2, sep="|", end="!\n")
    everything = tf.print(x, summarize=-1)
    with tf.Session() as sess:
        sess.run([to_stdout, everything])
    out = capsys.readouterr()
    assert out.out == "a|[0 1 ... 6 7]!\n"
    assert out.err == "[0 1 2 3 4 5 6 7]\n"
    with pytest.raises(ValueError, match="Unsupported output stream"):
        tf.print(x, output_stream="file:///tmp/x")


def test_tf_print_as_a_control_dependency(capsys):
    x = tf.placeholder(tf.float32, [2], name="x")
    with tf.control_dependencies([tf.print("x =", x)]):
        y = x * 2.0
    with tf.Session() as sess:
        np.testing.assert_array_equal(sess.run(y, {x: [1.0, 2.0]}), [2.0, 4.0])
    assert capsys.readouterr().err == "x = [1 2]\n"


def test_no_op():
    op = tf.no_op()
    assert op.type == "NoOp" and op.name == "NoOp" and op.outputs == ()
    assert tf.no_op(name="nothing").name == "nothing"
    with tf.Session() as sess:
        assert sess.run(op) is None


def test_group_runs_everything_once():
    a = tf.Variable(0, name="a")
    b = tf.Variable(0, name="b")
    inc_a, inc_b = a.assign_add(1), b.assign_add(10)
    both = tf.group(inc_a, [inc_b.op])
    assert both.type == "NoOp" and both.name == "group_deps"
    assert both.control_inputs == [inc_a.op, inc_b.op]
    assert tf.group(inc_a, name="step").name == "step"
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        assert sess.run(both) is None
        assert sess.run([a, b]) == [1, 10]
    assert tf.group().control_inputs == []


def test_identity():
    w = tf.Variable([1.0, 2.0], name="w")
    out = tf.identity(w, name="copy")
    assert out.op.type == "Identity" and out.name == "copy:0"
    assert out.shape == w.shape and out.dtype is tf.float32
    with tf.Session() as sess:
        sess.run(w.initializer)
        value = sess.run(out)
        value[0] = 50.0
        np.testing.assert_array_equal(sess.run(w), [1.0, 2.0])


def test_stop_gradient():
    x = tf.constant([1.0, 2.0])
    frozen = tf.stop_gradient(x)
    assert frozen.op.type == "StopGradient" and frozen.name == "StopGradient:0"
    assert tf.gradients(tf.reduce_sum(frozen), [x]) == [None]
    (grad,) = tf.gradients(tf.reduce_sum(frozen * x), [x])  # only the unfrozen path counts
    with tf.Session() as sess:
        np.testing.assert_array_equal(sess.run(frozen), [1.0, 2.0])
        np.testing.assert_array_equal(sess.run(grad), [1.0, 2.0])


def test_check_numerics():
    x = tf.placeholder(tf.float32, [3], name="x")
    checked = tf.check_numerics(x, "bad input")
    assert checked.op.type == "CheckNumerics" and checked.name == "CheckNumerics:0"
    with tf.Session() as sess:
        np.testing.assert_array_equal(sess.run(checked, {x: [1.0, 2.0, 3.0]}), [1.0, 2.0, 3.0])
        with pytest.raises(InvalidArgumentError) as info:
            sess.run(checked, {x: [1.0, np.nan, 3.0]})
        assert str(info.value).startswith("bad input : Tensor had NaN values")
        assert "CheckNumerics 'CheckNumerics'" in str(info.value)
        assert info.value.op is checked.op
        with pytest.raises(InvalidArgumentError, match="bad input : Tensor had Inf values"):
            sess.run(checked, {x: [1.0, np.inf, 3.0]})
    with pytest.raises(TypeError, match="float"):
        tf.check_numerics(tf.constant([1, 2]), "ints")


def test_check_numerics_gradient_is_checked_too():
    x = tf.placeholder(tf.float32, [2], name="x")
    y = tf.reduce_sum(tf.sqrt(tf.check_numerics(x, "x")))
    (grad,) = tf.gradients(y, [x])
    with (tf.Session() as sess, np.errstate(divide="ignore"),
          pytest.raises(InvalidArgumentError, match="in gradient")):
        sess.run(grad, {x: [0.0, 1.0]})  # sqrt'(0) is inf
