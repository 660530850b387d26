"""Assertions (tf.Assert, tf.assert_equal, ...): decided at build time when the inputs are
known, else by an Assert op when it runs; TF1's names and messages."""

import numpy as np
import pytest

import flowgrad as tf
from flowgrad.errors import InvalidArgumentError


def test_assert_in_control_dependencies_checks_each_run():
    x = tf.placeholder(tf.float32, [None], name="x")
    check = tf.assert_positive(x, message="x must be positive")
    assert check.type == "Assert" and check.name == "assert_positive/assert_less/Assert/Assert"
    with tf.control_dependencies([check]):
        y = tf.identity(x)
    with tf.Session() as sess:
        np.testing.assert_array_equal(sess.run(y, {x: [1.0, 2.0]}), [1.0, 2.0])
        with pytest.raises(InvalidArgumentError) as info:
            sess.run(y, {x: [1.0, -2.0]})
    assert str(info.value).startswith(
        "assertion failed: [x must be positive] [Condition x > 0 did not hold element-wise:] "
        "[x (x:0) = ] [1 -2] (Assert 'assert_positive/assert_less/Assert/Assert' (created at "
        "test_check_ops.py:")


def test_known_inputs_are_checked_at_build_time():
    assert tf.assert_equal(tf.constant([1, 2]), [1, 2]).type == "NoOp"
    with pytest.raises(InvalidArgumentError) as info:
        tf.assert_less(tf.constant([1, 5]), tf.constant([3, 3]), message="too big")
    assert str(info.value) == ("too big\nCondition x < y did not hold element-wise:\n"
                               "x (Const_1:0) = \n[1 5]\ny (Const_2:0) = \n[3 3]")
    with pytest.raises(ValueError, match="must have rank 1.  Received rank 2"):
        tf.assert_rank(tf.ones((2, 3)), 1)
    with pytest.raises(TypeError, match="must be of type tf.int32"):
        tf.assert_type(tf.ones(2), tf.int32)


def test_assert_op_with_data_and_summarize():
    x = tf.placeholder(tf.float32, [None])
    check = tf.Assert(tf.reduce_all(x < 10.0), ["x:", x], summarize=2, name="small")
    assert check.name == "small/Assert" and tf.debugging.Assert is tf.Assert
    unknown = tf.placeholder(tf.float32)
    rank_check = tf.debugging.assert_rank(unknown, 2)
    with tf.Session() as sess:
        sess.run(check, {x: [1.0]})
        with pytest.raises(InvalidArgumentError, match=r"assertion failed: \[x:\] \[11 12...\]"):
            sess.run(check, {x: [11.0, 12.0, 13.0]})
        sess.run(rank_check, {unknown: np.ones((2, 2))})
        with pytest.raises(InvalidArgumentError, match="Condition x == y"):
            sess.run(rank_check, {unknown: np.ones(3)})


def test_verify_tensor_all_finite():
    x = tf.placeholder(tf.float32, [2])
    checked = tf.verify_tensor_all_finite(x, "x went bad")
    assert checked.name == "VerifyFinite:0"
    with tf.Session() as sess, pytest.raises(InvalidArgumentError, match="x went bad : Tensor "
                                                                       "had NaN values"):
        sess.run(checked, {x: [1.0, np.nan]})
