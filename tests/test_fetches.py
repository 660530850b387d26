"""Session.run fetches: any nested structure of tensors, operations, variables and names, given
back in the same structure; NumPy scalars for 0-d values; results never alias Session state."""

import collections

import numpy as np
import pytest

import flowgrad as tf

Pair = collections.namedtuple("Pair", "first second")


@pytest.fixture
def graph():
    """x (fed), y = 2x summed, a variable w and its initializer."""
    x = tf.placeholder(tf.float32, [None, 2], name="x")
    y = tf.reduce_sum(x * 2.0, name="y")
    w = tf.Variable([1.0, 2.0], name="w")
    return x, y, w


def test_single_tensor_and_operation(graph):
    x, y, w = graph
    with tf.Session() as sess:
        assert sess.run(w.initializer) is None
        assert sess.run(tf.no_op()) is None
        out = sess.run(y, {x: np.ones((2, 2))})
        assert out == 8.0 and type(out) is np.float32


@pytest.mark.parametrize("value, kind", [
    (tf.float32, np.float32), (tf.float64, np.float64), (tf.int32, np.int32),
    (tf.int64, np.int64), (tf.bool, np.bool_), (tf.uint8, np.uint8),
])
def test_zero_d_fetch_is_a_numpy_scalar(value, kind):
    c = tf.constant(np.ones((), value.as_numpy_dtype))
    p = tf.placeholder(value, [])
    unknown = tf.placeholder(value)
    with tf.Session() as sess:
        for out in sess.run([c, tf.identity(c), p, unknown], {p: True if value is tf.bool else 1,
                                                            unknown: np.ones((), kind)}):
            assert type(out) is kind
        assert isinstance(sess.run(unknown, {unknown: np.ones(2, kind)}), np.ndarray)


def test_nested_structures(graph):
    x, y, w = graph
    feed = {x: np.ones((1, 2))}
    with tf.Session() as sess:
        sess.run(w.initializer)
        out = sess.run({"loss": y, "pair": Pair(w, [y, (w.initializer, y)])}, feed)
        assert set(out) == {"loss", "pair"}
        assert out["loss"] == 4.0
        assert isinstance(out["pair"], Pair)
        np.testing.assert_array_equal(out["pair"].first, [1.0, 2.0])
        assert isinstance(out["pair"].second, list)
        assert out["pair"].second[0] == 4.0
        assert out["pair"].second[1] == (None, 4.0)
        ordered = sess.run(collections.OrderedDict([("b", y), ("a", w)]), feed)
        assert isinstance(ordered, collections.OrderedDict) and list(ordered) == ["b", "a"]
        assert sess.run([], feed) == [] and sess.run((), feed) == () and sess.run({}) == {}
        assert sess.run([[[]]]) == [[[]]]


@pytest.mark.usefixtures("graph")
def test_names_as_fetches():
    with tf.Session() as sess:
        assert sess.run("w/Assign") is None  # an op name runs the op
        np.testing.assert_array_equal(sess.run("w:0"), [1.0, 2.0])
        np.testing.assert_array_equal(sess.run("w/read:0"), [1.0, 2.0])
        assert sess.run(["y:0", "w/Assign"], {"x:0": np.ones((1, 2))}) == [4.0, None]


def test_variable_as_a_fetch(graph):
    _, _, w = graph
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        np.testing.assert_array_equal(sess.run(w), [1.0, 2.0])
        np.testing.assert_array_equal(sess.run([w, w.value()])[1], [1.0, 2.0])


def test_duplicate_fetches(graph):
    x, y, _ = graph
    with tf.Session() as sess:
        out = sess.run([y, y, {"again": y}], {x: np.ones((1, 2))})
        assert out == [4.0, 4.0, {"again": 4.0}]


def test_fetching_a_fed_tensor_returns_the_fed_value(graph):
    x, y, _ = graph
    fed = np.array([[1.0, 2.0]], np.float32)
    with tf.Session() as sess:
        got_x, got_y = sess.run([x, y], {x: fed})
        np.testing.assert_array_equal(got_x, fed)
        assert got_y == 6.0
        hidden = x * 3.0
        assert sess.run(tf.reduce_sum(hidden), {hidden: [[5.0, 5.0]]}) == 10.0
        np.testing.assert_array_equal(sess.run(hidden, {hidden: [[7.0, 8.0]]}), [[7.0, 8.0]])


@pytest.mark.parametrize("bad", [None, 3, 2.5, object(), {"a": 1}, [tf.float32]])
def test_invalid_fetch_types(bad):
    with tf.Session() as sess, pytest.raises(TypeError) as info:
        sess.run(bad)
    assert "Fetch argument" in str(info.value) and "has invalid type" in str(info.value)


def test_unknown_fetch_names():
    tf.constant(1.0, name="c")
    with tf.Session() as sess:
        with pytest.raises(TypeError, match="Fetch argument 'nothing:0' cannot be interpreted"):
            sess.run("nothing:0")
        with pytest.raises(TypeError, match="'c:5'"):
            sess.run("c:5")


def test_fetch_from_another_graph_is_refused():
    with tf.Graph().as_default():
        foreign = tf.constant(1.0)
    with tf.Session() as sess, pytest.raises(TypeError, match="another graph"):
        sess.run(foreign)


def test_fetched_arrays_never_alias_session_state(graph):
    _, _, w = graph
    const = tf.constant([5.0, 6.0])
    with tf.Session() as sess:
        sess.run(w.initializer)
        for fetch in (w, w.value(), tf.identity(w), w.initializer.outputs[0]):
            value = sess.run(fetch)
            value[:] = -1.0
            np.testing.assert_array_equal(sess.run(w), [1.0, 2.0])
        value = sess.run(const)
        value[0] = 0.0
        np.testing.assert_array_equal(sess.run(const), [5.0, 6.0])


def test_fetched_value_is_not_changed_by_later_runs(graph):
    _, _, w = graph
    bump = w.assign_add([10.0, 10.0])
    with tf.Session() as sess:
        sess.run(w.initializer)
        before = sess.run(w)
        after = sess.run(bump)
        sess.run(bump)
        np.testing.assert_array_equal(before, [1.0, 2.0])
        np.testing.assert_array_equal(after, [11.0, 12.0])
