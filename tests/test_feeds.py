"""Placeholders and feeds: unknown dims/rank, defaults, missing feeds, and the conversion table
of TF1-SEMANTICS.md (safer than TF1: lossy feeds are refused with a message that teaches)."""

import numpy as np
import pytest

import flowgrad as tf
from flowgrad.errors import InvalidArgumentError


@pytest.fixture
def sess():
    with tf.Session() as session:
        yield session


def test_placeholder_with_unknown_dims(sess):
    x = tf.placeholder(tf.float32, [None, 2], name="x")
    y = tf.reduce_sum(x)
    assert sess.run(y, {x: np.ones((3, 2))}) == 6.0
    assert sess.run(y, {x: np.ones((5, 2))}) == 10.0
    assert sess.run(y, {x: np.ones((0, 2))}) == 0.0


def test_placeholder_with_unknown_rank(sess):
    x = tf.placeholder(tf.float32, name="x")
    assert x.shape.ndims is None
    y = x * 2.0
    assert sess.run(y, {x: 1.5}) == 3.0
    assert sess.run(y, {x: np.ones((2, 3, 4))}).shape == (2, 3, 4)


def test_scalar_placeholder(sess):
    x = tf.placeholder(tf.int32, [], name="n")
    assert sess.run(x + 1, {x: 4}) == 5
    with pytest.raises(InvalidArgumentError, match=r"shape \(1,\) does not fit \(\)"):
        sess.run(x, {x: [4]})


def test_missing_feed_names_the_placeholder(sess):
    x = tf.placeholder(tf.float32, [None, 3], name="inputs")
    y = tf.reduce_sum(x * 2.0)
    with pytest.raises(InvalidArgumentError) as info:
        sess.run(y)
    message = str(info.value)
    assert "You must feed a value for placeholder tensor 'inputs'" in message
    assert "float32" in message and "(?, 3)" in message
    assert "test_feeds.py:" in message  # where the placeholder was created
    assert info.value.op is x.op


def test_missing_feed_in_a_scope(sess):
    with tf.name_scope("data"):
        x = tf.placeholder(tf.int32, [2])
    with pytest.raises(InvalidArgumentError, match="placeholder tensor 'data/Placeholder'"):
        sess.run(x + 1)


def test_unneeded_placeholder_need_not_be_fed(sess):
    tf.placeholder(tf.float32, name="unused")
    assert sess.run(tf.constant(3.0)) == 3.0


def test_feed_by_tensor_name(sess):
    x = tf.placeholder(tf.float32, [2], name="x")
    with tf.name_scope("in"):
        z = tf.placeholder(tf.float32, [2], name="z")
    np.testing.assert_allclose(sess.run(x + z, {"x:0": [1, 2], "in/z:0": [3, 4]}), [4, 6])


def test_feed_key_errors(sess):
    x = tf.placeholder(tf.float32, [2], name="x")
    with pytest.raises(TypeError, match="Cannot interpret feed_dict key 'x' as a Tensor"):
        sess.run(x, {"x": [1, 2]})
    with pytest.raises(TypeError, match="'nothing:0'"):
        sess.run(x, {"nothing:0": [1, 2]})
    with pytest.raises(TypeError, match="Cannot interpret feed_dict key"):
        sess.run(x, {x.op: [1, 2]})
    with tf.Graph().as_default():
        foreign = tf.placeholder(tf.float32)
    with pytest.raises(TypeError, match="not an element of this graph"):
        sess.run(x, {x: [1, 2], foreign: 1.0})


def test_unfeedable_tensor_is_refused(sess):
    c = tf.constant(1.0, name="c")
    tf.get_default_graph().prevent_feeding(c)
    with pytest.raises(InvalidArgumentError, match="'c:0' may not be fed"):
        sess.run(c + 1.0, {c: 2.0})


def test_feeding_an_intermediate_tensor_skips_its_producer(sess):
    x = tf.placeholder(tf.float32, [2], name="x")
    hidden = x * 10.0
    out = hidden + 1.0
    # x is not fed: hidden's value comes from the feed, so x is never needed
    np.testing.assert_allclose(sess.run(out, {hidden: [1.0, 2.0]}), [2.0, 3.0])


def test_placeholder_with_default(sess):
    x = tf.placeholder_with_default(tf.constant([1.0, 2.0]), [None], name="x")
    assert x.op.type == "PlaceholderWithDefault" and x.name == "x:0"
    assert x.shape.as_list() == [None]
    np.testing.assert_allclose(sess.run(x * 2.0), [2.0, 4.0])
    np.testing.assert_allclose(sess.run(x * 2.0, {x: [5.0, 6.0, 7.0]}), [10.0, 12.0, 14.0])
    with pytest.raises(InvalidArgumentError, match="shape"):
        sess.run(x, {x: [[1.0]]})
    with pytest.raises(ValueError, match="does not fit"):
        tf.placeholder_with_default(tf.constant([1.0, 2.0]), [3])


def test_wrong_shape_names_both_shapes(sess):
    x = tf.placeholder(tf.float32, [None, 3], name="x")
    with pytest.raises(InvalidArgumentError) as info:
        sess.run(x, {x: np.ones((2, 4))})
    message = str(info.value)
    assert "'x:0'" in message and "Placeholder 'x'" in message
    assert "(2, 4)" in message and "(?, 3)" in message
    with pytest.raises(InvalidArgumentError, match=r"shape \(3,\) does not fit \(\?, 3\)"):
        sess.run(x, {x: np.ones(3)})


def test_refused_feeds_are_the_python_errors_tf1_raised(sess):
    # TF1 checks feeds in Python: a wrong shape or value is a ValueError, a Tensor a TypeError
    x = tf.placeholder(tf.float32, [None, 3], name="x")
    frozen = tf.identity(x, name="frozen")
    tf.get_default_graph().prevent_feeding(frozen)
    for value in (np.ones((2, 4)), "text", [[1.0, 2.0], [3.0]]):
        with pytest.raises(ValueError, match="'x:0'"):
            sess.run(x, {x: value})
    with pytest.raises(ValueError, match="may not be fed"):
        sess.run(frozen, {frozen: np.ones((1, 3))})
    with pytest.raises(TypeError, match="a graph element cannot be a feed value") as info:
        sess.run(x, {x: tf.ones((1, 3))})
    assert isinstance(info.value, InvalidArgumentError)


@pytest.mark.parametrize("dtype, value, expected", [
    (tf.float32, np.array([0.1, 2.5]), np.array([0.1, 2.5], np.float32)),  # float64 → float32
    (tf.float32, [1, 2], np.array([1.0, 2.0], np.float32)),  # int list → float
    (tf.float32, np.array([3, 4], np.int64), np.array([3.0, 4.0], np.float32)),
    (tf.float64, np.array([0.5], np.float32), np.array([0.5])),
    (tf.float32, [np.inf, -np.inf], np.array([np.inf, -np.inf], np.float32)),  # inf stays inf
    (tf.float32, [np.nan, 1.0], np.array([np.nan, 1.0], np.float32)),
    (tf.float16, [1.0, 2.0], np.array([1.0, 2.0], np.float16)),
    (tf.int32, [1.0, -2.0], np.array([1, -2], np.int32)),  # integral floats are fine
    (tf.int32, np.array([7, 8], np.int64), np.array([7, 8], np.int32)),
    (tf.int64, np.array([7], np.int32), np.array([7], np.int64)),
    (tf.uint8, [0, 255], np.array([0, 255], np.uint8)),
    (tf.int8, np.array([100], np.uint8), np.array([100], np.int8)),
    (tf.bool, [True, False], np.array([True, False])),
    (tf.bool, [], np.zeros(0, bool)),  # an empty list fits every dtype, as in TF1
    (tf.string, [[]], np.zeros((1, 0), object)),
])
def test_accepted_feed_conversions(sess, dtype, value, expected):
    x = tf.placeholder(dtype, name="x")
    out = sess.run(tf.identity(x), {x: value})
    assert out.dtype == expected.dtype
    np.testing.assert_array_equal(out, expected)


def test_python_scalars_follow_the_same_table(sess):
    f = tf.placeholder(tf.float32, [])
    i = tf.placeholder(tf.int32, [])
    assert sess.run(f * 2.0, {f: 2}) == 4.0
    assert sess.run(i * 2, {i: 3.0}) == 6
    for bad in (2.7, True, 2**31, "3"):
        with pytest.raises(InvalidArgumentError):
            sess.run(i, {i: bad})


@pytest.mark.parametrize("dtype, value, words", [
    (tf.int32, 2.7, "non-integral"),
    (tf.int32, [2.0, 2.7], "non-integral"),
    (tf.int32, [np.nan], "non-finite"),
    (tf.int64, [np.inf], "non-finite"),
    (tf.int32, [2**40], "outside int32's range"),
    (tf.uint8, [300], "outside uint8's range"),
    (tf.uint8, [-1], "outside uint8's range"),
    (tf.int8, np.array([200], np.uint8), "outside int8's range"),
    (tf.uint8, np.array([-3], np.int8), "outside uint8's range"),
    (tf.float32, [1e39], "overflow float32"),
    (tf.float16, np.array([1e5]), "overflow float16"),
    (tf.float32, [True, False], "bool and numbers do not convert implicitly"),
    (tf.int32, np.array([True]), "bool and numbers do not convert implicitly"),
    (tf.bool, [1, 0], "bool and numbers do not convert implicitly"),
    (tf.bool, [1.0], "bool and numbers do not convert implicitly"),
    (tf.float32, [1 + 2j], "imaginary"),
    (tf.float64, 1j, "imaginary"),
    (tf.float32, None, "NoneType is not an array value"),
    (tf.float32, {"a": 1.0}, "dict is not an array value"),
    (tf.float32, {1.0}, "set is not an array value"),
    (tf.float32, [[1.0, 2.0], [3.0]], "ragged"),
    (tf.float32, "1.5", "string '1.5' is not a float32 value"),
    (tf.float32, ["1.5"], "strings is not numeric"),
    (tf.float32, [object()], "Python objects"),
    (tf.string, [1.0], "is not a string value"),
])
def test_refused_feed_conversions(sess, dtype, value, words):
    x = tf.placeholder(dtype, name="inp")
    with pytest.raises(InvalidArgumentError) as info:
        sess.run(tf.identity(x), {x: value})
    message = str(info.value)
    assert words in message
    assert "to 'inp:0'" in message  # the placeholder
    assert f"expects {dtype.name} of shape <unknown>" in message  # what it wants
    assert info.value.op is x.op


def test_refused_feed_message_says_what_was_given(sess):
    x = tf.placeholder(tf.int32, [None], name="labels")
    with pytest.raises(InvalidArgumentError) as info:
        sess.run(x, {x: np.array([0.5, 1.0])})
    message = str(info.value)
    assert message.startswith("Cannot feed a float64 array of shape (2,) to 'labels:0'")
    assert "expects int32 of shape (?,)" in message
    with pytest.raises(InvalidArgumentError, match=r"Cannot feed list \[2\.7\] to 'labels:0'"):
        sess.run(x, {x: [2.7]})


def test_string_feeds(sess):
    s = tf.placeholder(tf.string, [2])
    out = sess.run(s, {s: ["a", "bc"]})
    assert list(out) == [b"a", b"bc"]  # TF1 holds strings as bytes (str is UTF-8 encoded)
    fed = np.array(["é", b"x"], object)
    assert list(sess.run(tf.identity(s), {s: fed})) == ["é".encode(), b"x"]
    assert list(fed) == ["é", b"x"]
    assert sess.run(tf.constant("Hello, TensorFlow!")) == b"Hello, TensorFlow!"


def test_fed_arrays_are_never_written(sess):
    x = tf.placeholder(tf.float32, [3], name="x")
    v = tf.Variable(np.zeros(3, np.float32), name="v")
    fed = np.array([1.0, 2.0, 3.0], np.float32)
    snapshot = fed.copy()
    sess.run(v.initializer)
    ops = [x * 2.0 + 1.0, tf.exp(x), -x, tf.identity(x), v.assign_add(x)]
    for _ in range(3):
        sess.run(ops, {x: fed})
        sess.run(v.assign_sub(x), {x: fed})
    np.testing.assert_array_equal(fed, snapshot)


def test_variable_assigned_from_a_feed_does_not_alias_it(sess):
    x = tf.placeholder(tf.float32, [2], name="x")
    v = tf.Variable(np.zeros(2, np.float32), name="v")
    fed = np.array([1.0, 2.0], np.float32)
    sess.run(v.assign(x), {x: fed})
    fed[0] = 100.0
    np.testing.assert_array_equal(sess.run(v), [1.0, 2.0])
    sess.run(v.assign_add([1.0, 1.0]))
    np.testing.assert_array_equal(fed, [100.0, 2.0])
    np.testing.assert_array_equal(sess.run(v), [2.0, 3.0])


def test_read_only_feed_is_accepted(sess):
    x = tf.placeholder(tf.float32, [2])
    fed = np.array([1.0, 2.0], np.float32)
    fed.flags.writeable = False
    np.testing.assert_array_equal(sess.run(x + 1.0, {x: fed}), [2.0, 3.0])


def test_control_dependency_on_a_fed_placeholder_is_satisfied(sess):
    x = tf.placeholder(tf.float32, [2], name="x")
    with tf.control_dependencies([x]):
        y = tf.constant(1.0)
    together = tf.tuple([x * 2.0])[0]
    assert sess.run(y, {x: [1.0, 2.0]}) == 1.0
    np.testing.assert_array_equal(sess.run(together, {x: [1.0, 2.0]}), [2.0, 4.0])
    with pytest.raises(InvalidArgumentError, match="placeholder tensor 'x'"):
        sess.run(y)
