"""Errors that teach: build-time errors name the op type, its scoped name, the shapes or dtypes
and the user's line; run-time failures become flowgrad errors naming the op, its run-time input
shapes and creation line; failed runs leave Variables as TF1-SEMANTICS.md says; the silent-bug
warnings (row/column broadcast mix-up, a graph growing in the loop) and their silencing."""

from __future__ import annotations

import sys
import warnings
from pathlib import Path

import numpy as np
import pytest

import flowgrad as tf
from flowgrad import errors
from flowgrad.errors import (
    BroadcastWarning,
    DTypeError,
    FlowgradWarning,
    GraphGrowthWarning,
    InvalidArgumentError,
    ResourceExhaustedError,
    ShapeError,
)


def site(fn) -> str:
    """'test_errors.py:N' for the line a lambda was written on."""
    return f"test_errors.py:{fn.__code__.co_firstlineno}"


def build_error(fn, where, error_type=(ShapeError, DTypeError)):
    """The message of the error `fn` raises while building; it must name the line of `where`
    (the innermost user code: the builder lambda)."""
    with pytest.raises(error_type) as info:
        fn()
    message = str(info.value)
    assert site(where) in message, message
    return message


@pytest.fixture
def tensors():
    with tf.name_scope("inputs"):
        return {"a": tf.placeholder(tf.float32, [32, 10], name="a"),
                "b": tf.placeholder(tf.float32, [12, 5], name="b"),
                "m": tf.placeholder(tf.float32, [2, 3], name="m"),
                "d": tf.placeholder(tf.float64, [2, 3], name="d"),
                "v": tf.placeholder(tf.float32, [3], name="v"),
                "i": tf.placeholder(tf.int32, [2, 3], name="i")}


BUILD_CASES = [
    # (scope, builder, op type, name, words)
    ("dense", lambda t: tf.matmul(t["a"], t["b"]), "MatMul", "dense/MatMul",
     ["inner dimensions differ: a has shape (32, 10), b has shape (12, 5)"]),
    ("", lambda t: tf.matmul(t["v"], t["v"]), "MatMul", "MatMul",
     ["a must be a matrix (rank 2), got shape (3,)"]),
    ("layer", lambda t: t["m"] + t["b"], "AddV2", "layer/add",
     ["shapes (2, 3) and (12, 5) cannot be broadcast together"]),
    ("layer", lambda t: t["m"] * t["d"], "Mul", "layer/mul",
     ["dtypes float32 and float64 differ", "tf.cast", "[inputs: float32(2, 3), float64(2, 3)]"]),
    ("loss", lambda t: tf.reduce_sum(t["m"], axis=5), "Sum", "loss/Sum",
     ["axis 5 is out of range for a tensor of rank 2", "float32(2, 3)"]),
    ("", lambda t: tf.argmax(t["m"], 2), "ArgMax", "ArgMax",
     ["dimension 2 is out of range for a tensor of rank 2"]),
    ("", lambda t: tf.reshape(t["m"], [4, 2]), "Reshape", "Reshape",
     ["6 elements", "(2, 3)", "[4, 2] (8 elements)"]),
    ("", lambda t: tf.concat([t["m"], t["v"]], 0), "ConcatV2", "concat",
     ["ranks differ: shapes (2, 3), (3,)"]),
    ("", lambda t: tf.concat([t["m"], t["b"]], 0), "ConcatV2", "concat",
     ["dimension 1 differs: shapes (2, 3), (12, 5)"]),
    ("", lambda t: tf.stack([t["m"], t["b"]]), "Pack", "stack",
     ["shapes (2, 3) and (12, 5) differ"]),
    ("", lambda t: tf.transpose(t["m"], [0, 0]), "Transpose", "transpose",
     ["perm [0, 0] is not a permutation of the 2 dims of shape (2, 3)"]),
    ("", lambda t: tf.squeeze(t["m"], [0]), "Squeeze", "Squeeze",
     ["cannot squeeze dim 0 of size 2 (shape (2, 3))"]),
    ("", lambda t: tf.expand_dims(t["m"], 5), "ExpandDims", "ExpandDims",
     ["axis 5 is out of range"]),
    ("", lambda t: tf.gather(t["m"], t["m"]), "GatherV2", "GatherV2",
     ["indices has dtype float32, but a int dtype is required"]),
    ("", lambda t: tf.cast(t["m"], tf.int32) * 2.5, "Mul", "mul",
     ["Expected int32 passed to parameter 'y'", "got 2.5"]),
    ("", lambda t: t["i"] + t["m"], "AddV2", "add", ["dtypes int32 and float32 differ"]),
    ("loss", lambda t: tf.nn.softmax_cross_entropy_with_logits(labels=t["m"], logits=t["b"]),
     "SoftmaxCrossEntropyWithLogits", "loss/softmax_cross_entropy_with_logits_sg",
     ["logits_size=(12, 5) labels_size=(2, 3)"]),
    ("loss", lambda t: tf.nn.sparse_softmax_cross_entropy_with_logits(
        labels=t["m"], logits=t["v"]), "SparseSoftmaxCrossEntropyWithLogits",
     "loss/SparseSoftmaxCrossEntropyWithLogits",
     ["Rank mismatch: Rank of labels (received 2) should equal rank of logits minus 1",
      "[inputs: float32(2, 3), float32(3,)]"]),
    ("", lambda t: tf.nn.softmax(t["m"], axis=-3), "Softmax", "Softmax",
     ["Dimension (-3) must be in the range [-2, 2)", "[inputs: float32(2, 3)]"]),
    ("", lambda t: t["m"][1.5], "strided_slice", "strided_slice",
     ["are valid indices, got 1.5", "[inputs: float32(2, 3)]"]),
    ("", lambda t: tf.constant(1.0, shape=[-2]), "Const", "Const",
     ["dimension -2 must be >= 0"]),
    ("", lambda t: tf.slice(t["m"], [0, 0], [3, 3]), "Slice", "Slice",
     ["Expected size[0] in [0, 2], but got 3"]),
    ("", lambda t: tf.tile(t["m"], [1]), "Tile", "Tile",
     ["multiples argument to be a vector of length 2 but got length 1"]),
]


@pytest.mark.parametrize("scope, builder, op_type, name, words", BUILD_CASES,
                         ids=[f"{c[2]}-{i}" for i, c in enumerate(BUILD_CASES)])
def test_build_errors_name_op_scope_shapes_and_line(tensors, scope, builder, op_type, name, words):
    with tf.name_scope(scope or None):
        message = build_error(lambda: builder(tensors), builder)
    assert f"{op_type} '{name}' (created at " in message, message
    for w in words:
        assert w in message, f"{w!r} not in {message}"


def test_build_error_lines_are_the_users():
    x = tf.placeholder(tf.float32, [2, 3])
    line = sys._getframe().f_lineno + 2
    with pytest.raises(ShapeError) as info:
        tf.matmul(x, x)
    assert f"test_errors.py:{line}" in str(info.value)
    assert isinstance(info.value, ValueError)
    with pytest.raises(DTypeError) as info:
        x + tf.zeros([2, 3], tf.float64)
    assert isinstance(info.value, TypeError)


def test_run_time_kernel_failures_name_op_scope_shapes_and_line():
    x = tf.placeholder(tf.float32, [None, None], name="x")
    n = tf.placeholder(tf.int32, [2], name="n")
    with tf.name_scope("dense"):
        line = sys._getframe().f_lineno + 1
        product = tf.matmul(x, x)
        reshaped = tf.reshape(x, n)
    with tf.Session() as sess:
        with pytest.raises(InvalidArgumentError) as info:
            sess.run(product, {x: np.ones((2, 3))})
        message = str(info.value)
        assert message.startswith(f"MatMul 'dense/MatMul' (created at test_errors.py:{line}) "
                                  "failed at run time: ValueError:")
        assert "Run-time input shapes: [(2, 3), (2, 3)]" in message
        assert info.value.op is product.op
        with pytest.raises(InvalidArgumentError, match=r"Reshape 'dense/Reshape' .*cannot reshape "
                           r"array of size 6 into shape \(4,2\).*\[\(2, 3\), \(2,\)\]"):
            sess.run(reshaped, {x: np.ones((2, 3)), n: [4, 2]})
        assert sess.run(product, {x: np.ones((2, 2))}).tolist() == [[2.0, 2.0], [2.0, 2.0]]


def test_a_memory_error_becomes_resource_exhausted():
    dims = tf.placeholder(tf.int32, [2], name="dims")
    with tf.name_scope("big"):
        huge = tf.zeros(dims)
        folded = tf.ones([10**9, 10**9])  # too big to fold at plan time: fails at run time
    with tf.Session() as sess:
        with pytest.raises(ResourceExhaustedError) as info:
            sess.run(huge, {dims: [10**9, 10**9]})
        assert "Fill 'big/zeros'" in str(info.value) and "MemoryError" in str(info.value)
        with pytest.raises(ResourceExhaustedError, match="Fill 'big/ones'"):
            sess.run(folded)
        assert sess.run(huge, {dims: [1, 2]}).shape == (1, 2)  # the session still works


def test_a_failure_before_the_first_stateful_kernel_leaves_variables_unchanged():
    a = tf.Variable([1.0, 2.0], name="a")
    x = tf.placeholder(tf.float32, name="x")  # unknown shape: only the run can check it
    with tf.name_scope("update"):
        delta = tf.reshape(x, [2]) * 2.0
        train = a.assign_add(delta)
    with tf.Session() as sess:
        sess.run(a.initializer)
        with pytest.raises(InvalidArgumentError) as info:
            sess.run(train, {x: np.ones(3, np.float32)})
        assert "Reshape 'update/Reshape'" in str(info.value)
        assert "already updated" not in str(info.value)
        np.testing.assert_array_equal(sess.run(a), [1.0, 2.0])
        sess.run(train, {x: np.ones(2, np.float32)})
        np.testing.assert_array_equal(sess.run(a), [3.0, 4.0])


def test_a_failure_inside_a_stateful_kernel_names_the_variables_already_updated():
    a = tf.Variable([1.0, 2.0], name="a")
    b = tf.Variable([3.0, 4.0], name="b")
    c = tf.Variable([5.0, 6.0], name="c")
    x = tf.placeholder(tf.float32, name="x")
    with tf.name_scope("train"):
        step = tf.group(a.assign_add([1.0, 1.0]), b.assign_sub([1.0, 1.0]), c.assign_add(x))
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        with pytest.raises(InvalidArgumentError) as info:
            sess.run(step, {x: np.ones(3, np.float32)})
        message = str(info.value)
        assert "AssignAdd 'train/AssignAdd_1'" in message
        assert message.endswith("Variables already updated in this run: a, b.")
        np.testing.assert_array_equal(sess.run(a), [2.0, 3.0])
        np.testing.assert_array_equal(sess.run(c), [5.0, 6.0])


def test_closed_session_is_a_runtime_error():
    sess = tf.Session()
    sess.close()
    with pytest.raises(errors.ClosedSessionError, match="closed Session") as info:
        sess.run(tf.constant(1.0))
    assert isinstance(info.value, RuntimeError)


def test_unsupported_tf1_features_say_so():
    with pytest.raises(NotImplementedError, match="tf.while_loop is not supported by flowgrad"):
        tf.while_loop(lambda i: i < 3, lambda i: i + 1, [0])
    with pytest.raises(NotImplementedError, match="tf.data is not supported.*feed NumPy"):
        tf.data.Dataset.from_tensor_slices([1, 2])
    assert not hasattr(tf, "cond") and getattr(tf, "py_func", None) is None
    with pytest.raises(AttributeError, match="has no attribute 'no_such_thing'"):
        _ = tf.no_such_thing


# Warnings for silent bugs

def caught(fn):
    """The flowgrad warnings `fn` gives."""
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        fn()
    return [w for w in record if issubclass(w.category, FlowgradWarning)]


def test_the_row_column_mix_up_warns_at_build_time():
    y = tf.placeholder(tf.float32, (100,), name="y")
    y_pred = tf.placeholder(tf.float32, (100, 1), name="y_pred")
    with tf.name_scope("loss"):
        got = caught(lambda: tf.reduce_sum((y - y_pred) ** 2))
        line = sys._getframe().f_lineno - 1
    assert len(got) == 1 and got[0].category is BroadcastWarning
    assert Path(got[0].filename).name == "test_errors.py" and got[0].lineno == line
    message = str(got[0].message)
    assert message.startswith(f"Sub 'loss/sub' (created at test_errors.py:{line}) broadcasts an "
                              "operand of shape (100,) against one of shape (100, 1) into a "
                              "(100, 100) matrix")
    assert "tf.squeeze" in message and "tf.reshape" in message
    assert len(caught(lambda: y_pred * y)) == 1  # either order


@pytest.mark.parametrize("a, b", [((3, 1), (1, 4)), ((5,), (5,)), ((1,), (1, 1)),
                                  ((3,), (4, 1)), ((4, 1), (4, 1)), ((0,), (0, 1)),
                                  ((2, 3), (3,)), ((5,), (1, 5))])
def test_legitimate_broadcasts_do_not_warn(a, b):
    x, y = tf.zeros(a), tf.ones(b)
    assert caught(lambda: [x + y, x * y, tf.maximum(x, y)]) == []


def test_the_books_linear_regression_triggers_the_warning(tmp_path):
    sys.path.insert(0, str(Path(__file__).parents[1] / "examples"))
    try:
        import linear_regression
    finally:
        sys.path.pop(0)
    run = {"n_steps": 2, "out": str(tmp_path), "verbose": False, "plots": False}
    got = caught(lambda: linear_regression.train(squeeze=False, **run))
    assert [w.category for w in got] == [BroadcastWarning]
    assert Path(got[0].filename).name == "linear_regression.py"
    assert "Sub 'loss/sub' (created at linear_regression.py:" in str(got[0].message)
    assert caught(lambda: linear_regression.train(squeeze=True, out=str(tmp_path / "b"),
                                                  n_steps=2, verbose=False, plots=False)) == []


def test_unknown_dims_are_checked_once_at_the_first_run():
    y = tf.placeholder(tf.float32, [None], name="y")
    y_pred = tf.placeholder(tf.float32, [None, 1], name="y_pred")
    with tf.name_scope("loss"):
        assert caught(lambda: y - y_pred) == []  # undecided at build time
        diff = y - y_pred
    sess = tf.Session()
    first = caught(lambda: sess.run(diff, {y: np.ones(5), y_pred: np.ones((5, 1))}))
    assert len(first) == 1 and first[0].category is BroadcastWarning
    message = str(first[0].message)
    assert message.startswith("Sub 'loss/sub_1' (created at test_errors.py:")
    assert "at run time (static input shapes (?,), (?, 1))" in message
    assert "(5,) against one of shape (5, 1) into a (5, 5) matrix" in message
    assert caught(lambda: sess.run(diff, {y: np.ones(5), y_pred: np.ones((5, 1))})) == []
    ok = tf.placeholder(tf.float32, None, name="any")
    row = ok + y  # unknown rank: only a run can tell; a (3, 3) + (3,) is a legitimate row add
    assert caught(lambda: sess.run(row, {ok: np.ones((3, 3)), y: np.ones(3)})) == []


def test_warnings_are_silenced_per_op_and_globally():
    col, row = tf.zeros([4, 1]), tf.zeros([4])
    with tf.allow_broadcast():
        assert caught(lambda: col * row) == []  # an intended outer product
    assert len(caught(lambda: col * row)) == 1  # later ops still warn
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        warnings.filterwarnings("ignore", category=FlowgradWarning)
        col - row
    assert record == []
    with warnings.catch_warnings():
        warnings.simplefilter("error", BroadcastWarning)
        with pytest.raises(BroadcastWarning):
            col + row


def test_a_graph_growing_in_the_loop_warns_after_ten_runs():
    w = tf.Variable(1.0, name="w")
    sess = tf.Session()
    sess.run(w.initializer)
    got = []
    for i in range(12):
        got += caught(lambda: sess.run(w.assign_add(1.0)))  # the leak: new ops every run
    assert [g.category for g in got] == [GraphGrowthWarning]  # once, at the 10th growing run
    message = str(got[0].message)
    assert "AssignAdd x1, Const x1" in message and "last 10 growing runs" in message
    assert "(created at test_errors.py:" in message and "finalize()" in message
    assert Path(got[0].filename).name == "test_errors.py"


def test_nine_growing_runs_or_differing_ops_do_not_warn():
    w = tf.Variable(1.0, name="w")
    sess = tf.Session()
    sess.run(w.initializer)
    growth = [lambda: w + 1.0, lambda: w * 2.0, lambda: tf.square(w)]
    assert caught(lambda: [sess.run(w.assign_add(1.0)) for _ in range(9)]) == []
    assert caught(lambda: [sess.run(growth[i % 3]()) for i in range(12)]) == []
    with tf.allow_graph_growth():  # deliberate: e.g. an evaluation op added each epoch
        assert caught(lambda: [sess.run(w.assign_add(1.0)) for _ in range(12)]) == []


def test_a_finalized_graph_turns_growth_into_an_error():
    w = tf.Variable(1.0, name="w")
    update = w.assign_add(1.0)
    sess = tf.Session()
    sess.run(w.initializer)
    tf.get_default_graph().finalize()
    for _ in range(3):
        sess.run(update)
    with pytest.raises(RuntimeError, match="Graph is finalized.*test_errors.py"):
        sess.run(w.assign_add(1.0))
    assert sess.run(w) == 4.0
