"""Diagonal ops as the book's chapter 2 uses them (tf.eye, tf.diag), with TF1's names."""

import numpy as np
import pytest

import flowgrad as tf


def test_eye_and_diag_as_in_chapter_2():
    sess = tf.InteractiveSession()
    try:
        a = tf.eye(4)
        assert a.name == "eye/MatrixDiag:0" and a.dtype is tf.float32 and a.shape == (4, 4)
        np.testing.assert_array_equal(a.eval(), np.eye(4))
        r = tf.range(1, 5, 1)
        d = tf.diag(r)
        assert d.op.type == "Diag" and d.name == "Diag:0" and d.dtype is tf.int32
        np.testing.assert_array_equal(d.eval(), np.diag([1, 2, 3, 4]))
        np.testing.assert_array_equal(tf.diag_part(d).eval(), [1, 2, 3, 4])
    finally:
        sess.close()


def test_eye_rectangular_batched_and_fed_sizes():
    n = tf.placeholder(tf.int32, [], name="n")
    rect = tf.eye(2, 3, dtype=tf.int32)
    assert rect.op.type == "MatrixSetDiag" and rect.shape == (2, 3)
    batch = tf.eye(2, batch_shape=[3])
    fed = tf.eye(n)
    assert fed.shape.as_list() == [None, None]
    with tf.Session() as sess:
        np.testing.assert_array_equal(sess.run(rect), np.eye(2, 3, dtype=np.int32))
        assert sess.run(batch).shape == (3, 2, 2)
        np.testing.assert_array_equal(sess.run(fed, {n: 3}), np.eye(3))
    with pytest.raises(TypeError, match="num_rows and num_columns must be positive integer"):
        tf.eye(2.5)


def test_trace_and_linalg_names():
    x = tf.constant(np.arange(9.0, dtype=np.float32).reshape(3, 3))
    t = tf.trace(x)
    assert t.name == "Trace:0" and t.shape == ()
    assert tf.linalg.diag is tf.matrix_diag and tf.linalg.eye is tf.eye
    with tf.Session() as sess:
        assert sess.run(t) == 12.0
        (grad,) = sess.run(tf.gradients(t, [x]))
    np.testing.assert_array_equal(grad, np.eye(3))


def test_diag_part_refuses_shapes_not_of_the_form_s_plus_s():
    with pytest.raises(ValueError, match=r"DiagPart 'DiagPart'.*not of the form s \+ s"):
        tf.diag_part(tf.ones((2, 3)))
