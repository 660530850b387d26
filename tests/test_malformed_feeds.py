"""The malformed-input table: every bad feed, feed key, fetch or state is refused with a
flowgrad error whose message is asserted (it names the placeholder, its scope, the expected
dtype and shape, and what was given); lossless feeds are accepted; nothing raises a foreign
exception, and the Session still computes the right values afterwards."""

from __future__ import annotations

import numpy as np
import pytest

import flowgrad as tf
from flowgrad import errors
from flowgrad.session.fetches import FetchError


class BadArray:
    """A value whose conversion raises (and whose repr does too)."""

    def __array__(self, *args, **kwargs):
        raise RuntimeError("no array here")

    def __repr__(self):
        raise RuntimeError("no repr either")


def _masked():
    return np.ma.array([[1.0, 2.0]], mask=[[0, 1]])


# (placeholder, value, words the message must hold besides the placeholder's name)
BAD_FEEDS = [
    ("x", [[1.0, 2.0], [3.0]], "a ragged or malformed nested list"),
    ("x", {"a": 1.0}, "a dict is not an array value"),
    ("x", object(), "of Python objects is not an array value"),
    ("x", {1.0, 2.0}, "a set is not an array value"),
    ("x", "yes", "the string 'yes' is not a float32 value"),
    ("x", None, "a NoneType is not an array value"),
    ("x", [[None, 1.0]], "of Python objects is not an array value"),
    ("x", [[1e39, 0.0]], "has finite values that overflow float32"),
    ("x", [[1 + 2j, 0.0]], "would lose its imaginary part"),
    ("x", [[True, False]], "bool and numbers do not convert implicitly"),
    ("x", b"ab", "the string b'ab' is not a float32 value"),
    ("x", [["a", "b"]], "of strings is not numeric"),
    ("x", np.zeros((2, 3)), "shape (2, 3) does not fit (?, 2)"),
    ("x", np.zeros((2, 2, 2)), "shape (2, 2, 2) does not fit (?, 2)"),
    ("x", 3.0, "shape () does not fit (?, 2)"),
    ("x", [1.0, 2.0], "shape (2,) does not fit (?, 2)"),
    ("x", np.array([[1.0, None]], dtype=object), "of Python objects is not an array value"),
    ("x", np.array([["2020-01-01", "2020-01-02"]], "datetime64[D]"), "is not numeric"),
    ("x", np.array([[(1, 2.0), (3, 4.0)]], dtype=[("a", "i4"), ("b", "f4")]), "is not numeric"),
    ("x", _masked(), "a masked array with masked entries"),
    ("x", bytearray(b"ab"), "is not a float32 value"),
    ("x", BadArray(), "it cannot be converted to an array (RuntimeError: no array here)"),
    ("x", "placeholder x itself", "a graph element cannot be a feed value"),
    ("i", [1.5, 2.0, 3.0], "has non-integral or non-finite values"),
    ("i", [np.nan, 1.0, 2.0], "has non-integral or non-finite values"),
    ("i", [np.inf, 0.0, 0.0], "has non-integral or non-finite values"),
    ("i", [2**40, 1, 2], "outside int32's range"),
    ("i", [1e10, 0.0, 0.0], "outside int32's range"),
    ("i", np.array([2**63, 1, 2], np.uint64), "outside int32's range"),
    ("i", 10**30, "holds integers outside int64's range"),
    ("i", "abc", "the string 'abc' is not a int32 value"),
    ("i", [1, 2], "shape (2,) does not fit (3,)"),
    ("i", [True, False, True], "bool and numbers do not convert implicitly"),
    ("n", 2.5, "has non-integral or non-finite values"),
    ("n", np.uint64(2**64 - 1), "outside int64's range"),
    ("n", [1], "shape (1,) does not fit ()"),
    ("u", [-1, 2], "outside uint8's range"),
    ("u", [256, 1], "outside uint8's range"),
    ("u", np.array([1.5, 2.0]), "has non-integral or non-finite values"),
    ("s8", np.array([200, 1], np.uint8), "outside int8's range"),
    ("b", [1, 0], "bool and numbers do not convert implicitly"),
    ("b", [1.0, 0.0], "bool and numbers do not convert implicitly"),
    ("b", "yes", "the string 'yes' is not a bool value"),
    ("b", ["yes", "no"], "of strings is not numeric"),
    ("h", np.array([1e5, 0.0]), "has finite values that overflow float16"),
    ("h", [70000.0, 1.0], "has finite values that overflow float16"),
    ("d", [1j, 0.0, 0.0], "would lose its imaginary part"),
    ("d", np.array([1, 2, 3], np.complex64), "would lose its imaginary part"),
    ("str", 1.0, "is not a string value"),
    ("str", [1, 2], "is not a string value"),
]

# (placeholder, value, what the placeholder holds afterwards)
LOSSLESS_FEEDS = [
    ("x", np.array([[0.1, 2.5]]), np.array([[0.1, 2.5]], np.float32)),  # the book's float64
    ("x", [[1, 2], [3, 4]], np.array([[1.0, 2.0], [3.0, 4.0]], np.float32)),
    ("x", np.array([[3, 4]], np.int64), np.array([[3.0, 4.0]], np.float32)),
    ("x", np.array([[1.5, -2.0]], np.float16), np.array([[1.5, -2.0]], np.float32)),
    ("x", [[np.inf, np.nan]], np.array([[np.inf, np.nan]], np.float32)),
    ("x", ((1.0, 2.0),), np.array([[1.0, 2.0]], np.float32)),
    ("x", np.zeros((0, 2)), np.zeros((0, 2), np.float32)),
    ("x", np.array([[1.0, 2.0]], dtype=object), np.array([[1.0, 2.0]], np.float32)),
    ("d", np.array([0.5, 1.0, 2.0], np.float32), np.array([0.5, 1.0, 2.0])),
    ("i", [1.0, -2.0, 3.0], np.array([1, -2, 3], np.int32)),
    ("i", np.array([7, 8, 9], np.int64), np.array([7, 8, 9], np.int32)),
    ("n", 7, np.array(7, np.int64)),
    ("u", [0, 255], np.array([0, 255], np.uint8)),
    ("s8", np.array([100, 0], np.uint8), np.array([100, 0], np.int8)),
    ("b", np.array([True, False]), np.array([True, False])),
    ("h", [1.0, 2.0], np.array([1.0, 2.0], np.float16)),
]


class Table:
    """The session under test, its placeholders, and the tally."""

    def __init__(self):
        with tf.name_scope("inputs"):
            self.phs = {
                "x": tf.placeholder(tf.float32, [None, 2], name="x"),
                "d": tf.placeholder(tf.float64, [3], name="d"),
                "i": tf.placeholder(tf.int32, [3], name="i"),
                "n": tf.placeholder(tf.int64, [], name="n"),
                "u": tf.placeholder(tf.uint8, [2], name="u"),
                "s8": tf.placeholder(tf.int8, [2], name="s8"),
                "b": tf.placeholder(tf.bool, [2], name="b"),
                "h": tf.placeholder(tf.float16, [2], name="h"),
                "str": tf.placeholder(tf.string, [], name="str"),
            }
        self.outs = {k: tf.identity(p) for k, p in self.phs.items()}
        self.counter = tf.Variable(0, name="counter")
        self.tick = self.counter.assign_add(1)
        self.loss = tf.reduce_sum(self.phs["x"] * 2.0)
        self.sess = tf.Session()
        self.sess.run(self.counter.initializer)
        self.rejected = self.accepted = self.foreign = 0

    def refuse(self, error_type, words, run):
        """Runs `run`; it must raise `error_type` with every one of `words` in its message."""
        try:
            run()
        except error_type as e:
            message = str(e)
            missing = [w for w in words if w not in message]
            assert not missing, f"{missing} not in: {message}"
            self.rejected += 1
            return e
        except Exception:  # a foreign exception: counted, then shown by pytest
            self.foreign += 1
            raise
        pytest.fail(f"accepted: {words}")


@pytest.fixture
def table():
    t = Table()
    yield t
    t.sess.close()


def test_the_malformed_input_table(table, capsys):
    sess, phs = table.sess, table.phs
    for key, value, words in BAD_FEEDS:
        ph = phs[key]
        value = ph if isinstance(value, str) and value == "placeholder x itself" else value
        error = table.refuse(errors.InvalidArgumentError, [
            words, f"to 'inputs/{key}:0' (Placeholder 'inputs/{key}'",
            f"expects {ph.dtype.name} of shape {ph.shape}", "test_malformed_feeds.py:"],
            lambda k=key, p=ph, v=value: sess.run([table.outs[k], table.tick], {p: v}))
        assert error.op is ph.op
    feed_rows = table.rejected

    other = tf.Graph()
    with other.as_default():
        stranger = tf.placeholder(tf.float32, [], name="stranger")
    x, loss, good = phs["x"], table.loss, {phs["x"]: [[1.0, 2.0]]}
    w = tf.Variable(1.0, name="w")
    frozen = tf.identity(x, name="frozen")
    tf.get_default_graph().prevent_feeding(frozen)
    rows = [
        (FetchError, ["feed_dict key", "stranger:0", "not an element of this graph"],
         lambda: sess.run(loss, {stranger: 1.0, **good})),
        (FetchError, ["Fetch argument", "stranger:0", "belongs to another graph"],
         lambda: sess.run(stranger)),
        (FetchError, ["Fetch argument 1 has invalid type <class 'int'>"], lambda: sess.run(1)),
        (FetchError, ["Fetch argument None has invalid type"], lambda: sess.run(None)),
        (FetchError, ["Fetch argument None has invalid type"], lambda: sess.run([loss, None])),
        (FetchError, ["Fetch argument 2.5 has invalid type <class 'float'>"],
         lambda: sess.run({"a": 2.5})),
        (FetchError, ["'nope:0'", "does not exist"], lambda: sess.run("nope:0")),
        (FetchError, ["feed_dict key 'inputs/x'", "did you mean 'inputs/x:0'"],
         lambda: sess.run(loss, {"inputs/x": [[1.0, 2.0]]})),
        (FetchError, ["feed_dict key 3", "Can not convert a int into a Tensor"],
         lambda: sess.run(loss, {3: [[1.0, 2.0]]})),
        (errors.InvalidArgumentError, ["Tensor 'frozen:0' may not be fed"],
         lambda: sess.run(frozen, {frozen: [[1.0, 2.0]]})),
        (errors.InvalidArgumentError, ["You must feed a value for placeholder tensor 'inputs/x'",
                                       "dtype float32 and shape (?, 2)",
                                       "test_malformed_feeds.py:"],
         lambda: sess.run([loss, table.tick])),
        (errors.FailedPreconditionError, ["Attempting to use uninitialized value w",
                                          "global_variables_initializer"],
         lambda: sess.run([w * 2.0, table.tick])),
    ]
    for error_type, words, run in rows:
        table.refuse(error_type, words, run)
    assert issubclass(FetchError, TypeError)  # as TF1's fetch errors are

    for key, value, expected in LOSSLESS_FEEDS:
        got = sess.run(table.outs[key], {phs[key]: value})
        assert np.asarray(got).dtype == expected.dtype, key
        np.testing.assert_array_equal(got, expected)
        table.accepted += 1
    assert sess.run(table.outs["str"], {phs["str"]: "hello"}) in ("hello", b"hello")
    table.accepted += 1

    # the session is intact: nothing ran in any refused run, and it still computes
    assert sess.run(table.counter) == 0
    assert sess.run(loss, {x: [[1.0, 2.0], [3.0, 4.0]]}) == 20.0
    assert sess.run(table.tick) == 1

    closed = tf.Session()
    closed.close()
    error = table.refuse(errors.ClosedSessionError, ["Attempted to use a closed Session"],
                         lambda: closed.run(loss, good))
    assert isinstance(error, RuntimeError)  # TF1 raises RuntimeError

    with capsys.disabled():
        print(f"\nmalformed inputs: {table.rejected} rows rejected with their messages asserted "
              f"({feed_rows} feed values, {table.rejected - feed_rows} keys, fetches and "
              f"states), {table.accepted} lossless feeds accepted, {table.foreign} foreign "
              "exceptions; the session still computes correctly afterwards")
    assert feed_rows >= 40 and table.rejected >= 50 and table.accepted >= 10
    assert table.foreign == 0
