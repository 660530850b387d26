"""The public TF1 builders issue 2 lists that the op records reach only through operators or
internal modules: each builds TF1's op type under TF1's default name and computes TF1's value;
and TF1's argument aliases (reduction_indices, keep_dims, dimension, squeeze_dims, dim)."""

import numpy as np
import pytest

import flowgrad as tf

A = np.array([1.5, -2.0, 3.0], np.float32)
B = np.array([2.0, 0.5, -1.0], np.float32)
I = np.array([7, -3, 4], np.int32)
J = np.array([2, 2, 3], np.int32)
P = np.array([True, False, True])
Q = np.array([True, True, False])

# builder, its arguments, TF1 op type, default op name, NumPy reference
CASES = [
    ("mod", (I, J), "FloorMod", "FloorMod", np.mod(I, J)),
    ("floormod", (I, J), "FloorMod", "FloorMod", np.mod(I, J)),
    ("floordiv", (I, J), "FloorDiv", "floordiv", np.floor_divide(I, J)),
    ("truediv", (I, J), "RealDiv", "truediv", I / J),
    ("negative", (A,), "Neg", "Neg", -A),
    ("rsqrt", (np.abs(A),), "Rsqrt", "Rsqrt", 1 / np.sqrt(np.abs(A))),
    ("cos", (A,), "Cos", "Cos", np.cos(A)),
    ("minimum", (A, B), "Minimum", "Minimum", np.minimum(A, B)),
    ("squared_difference", (A, B), "SquaredDifference", "SquaredDifference", (A - B) ** 2),
    ("not_equal", (A, B), "NotEqual", "NotEqual", A != B),
    ("less_equal", (A, B), "LessEqual", "LessEqual", A <= B),
    ("greater", (A, B), "Greater", "Greater", A > B),
    ("greater_equal", (A, B), "GreaterEqual", "GreaterEqual", A >= B),
    ("logical_and", (P, Q), "LogicalAnd", "LogicalAnd", P & Q),
    ("logical_or", (P, Q), "LogicalOr", "LogicalOr", P | Q),
    ("logical_not", (P,), "LogicalNot", "LogicalNot", ~P),
    ("floor", (A,), "Floor", "Floor", np.floor(A)),
    ("ceil", (A,), "Ceil", "Ceil", np.ceil(A)),
    ("reduce_any", (P,), "Any", "Any", np.any(P)),
    ("reduce_all", (P,), "All", "All", np.all(P)),
    ("argmin", (A,), "ArgMin", "ArgMin", np.int64(1)),
    ("cumsum", (A,), "Cumsum", "Cumsum", np.cumsum(A)),
]


@pytest.mark.parametrize("name, args, op_type, op_name, expected", CASES,
                         ids=[c[0] for c in CASES])
def test_public_builder_types_names_and_values(name, args, op_type, op_name, expected):
    out = getattr(tf, name)(*[tf.constant(a) for a in args])
    assert out.op.type == op_type
    assert out.op.name == op_name
    with tf.Session() as sess:
        got = sess.run(out)
    assert np.asarray(got).dtype == np.asarray(expected).dtype
    np.testing.assert_allclose(got, expected, rtol=1e-6)


def test_like_builders_of_unknown_shapes_are_ops():
    x = tf.placeholder(tf.float32, (None, 2), name="x")
    ones, zeros = tf.ones_like(x), tf.zeros_like(x)
    assert (ones.op.type, ones.op.name) == ("OnesLike", "ones_like")
    assert (zeros.op.type, zeros.op.name) == ("ZerosLike", "zeros_like")
    with tf.Session() as sess:
        o, z = sess.run([ones, zeros], {x: np.full((3, 2), 5.0)})
    np.testing.assert_array_equal(o, np.ones((3, 2), np.float32))
    np.testing.assert_array_equal(z, np.zeros((3, 2), np.float32))


def test_broadcast_to_range_size_and_rank():
    x = tf.placeholder(tf.float32, None, name="x")
    out = {"broadcast_to": tf.broadcast_to(tf.constant(A), (2, 3)), "range": tf.range(1, 7, 2),
           "size": tf.size(x), "rank": tf.rank(x)}
    assert [t.op.type for t in out.values()] == ["BroadcastTo", "Range", "Size", "Rank"]
    with tf.Session() as sess:
        got = sess.run(out, {x: np.zeros((2, 5))})
    np.testing.assert_array_equal(got["broadcast_to"], np.broadcast_to(A, (2, 3)))
    np.testing.assert_array_equal(got["range"], [1, 3, 5])
    assert got["size"] == 10 and got["rank"] == 2


@pytest.mark.parametrize("name", ["reduce_sum", "reduce_mean", "reduce_max", "reduce_min",
                                  "reduce_prod", "reduce_logsumexp", "reduce_any", "reduce_all"])
def test_every_reduction_takes_the_tf1_aliases(name):
    x = np.array([[1.0, 2.0, 0.5], [3.0, 0.0, 4.0]])
    value = x != 0 if name in ("reduce_any", "reduce_all") else x
    builder = getattr(tf, name)
    old = builder(tf.constant(value), reduction_indices=[1], keep_dims=True)
    new = builder(tf.constant(value), axis=[1], keepdims=True)
    assert old.shape.as_list() == new.shape.as_list() == [2, 1]
    with tf.Session() as sess:
        np.testing.assert_array_equal(*sess.run([old, new]))


def test_the_other_tf1_argument_aliases():
    x = tf.constant(np.array([[1.0, 5.0, 2.0], [4.0, 0.0, 3.0]]))
    with tf.Session() as sess:
        got = sess.run({
            "argmax": tf.argmax(x, dimension=1),
            "squeeze": tf.squeeze(tf.zeros((1, 3, 1)), squeeze_dims=[0]),
            "expand_dims": tf.expand_dims(x, dim=0),
            "softmax": tf.nn.softmax(x, dim=0),
            "l2_normalize": tf.nn.l2_normalize(x, dim=1),
        })
    np.testing.assert_array_equal(got["argmax"], [1, 0])
    assert got["squeeze"].shape == (3, 1) and got["expand_dims"].shape == (1, 2, 3)
    np.testing.assert_allclose(got["softmax"].sum(0), np.ones(3))
    np.testing.assert_allclose(np.linalg.norm(got["l2_normalize"], axis=1), np.ones(2))
