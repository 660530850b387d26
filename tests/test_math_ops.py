"""Math ops where TF1 differs from NumPy or from calculus: names, dtype rules, values at edge
cases, gradients exactly at kinks, and the book's chain-rule examples by value. The generic
suites (test_op_forward.py, test_op_gradients.py) cover every record away from kinks."""

import math
import warnings

import numpy as np
import pytest

import flowgrad as tf


def run(fetches, feed_dict=None):
    with tf.Session() as sess:
        return sess.run(fetches, feed_dict)


def grad(y, x, feed=None):
    (g,) = tf.gradients(y, x)
    return run(g, feed)


# names


@pytest.mark.parametrize("build, name, op_type", [
    (lambda x, y: x + y, "add", "AddV2"),
    (lambda x, y: x - y, "sub", "Sub"),
    (lambda x, y: x * y, "mul", "Mul"),
    (lambda x, y: x / y, "truediv", "RealDiv"),
    (lambda x, y: x // y, "floordiv", "FloorDiv"),
    (lambda x, y: x % y, "mod", "FloorMod"),
    (lambda x, y: x ** y, "pow", "Pow"),
    (lambda x, y: x < y, "Less", "Less"),
    (lambda x, y: x >= y, "GreaterEqual", "GreaterEqual"),
    (lambda x, y: tf.add(x, y), "AddV2", "AddV2"),
    (lambda x, y: tf.subtract(x, y), "Sub", "Sub"),
    (lambda x, y: tf.multiply(x, y), "Mul", "Mul"),
    (lambda x, y: tf.divide(x, y), "truediv", "RealDiv"),
    (lambda x, y: tf.truediv(x, y), "truediv", "RealDiv"),
    (lambda x, y: tf.div(x, y), "div", "RealDiv"),
    (lambda x, y: tf.realdiv(x, y), "RealDiv", "RealDiv"),
    (lambda x, y: tf.floordiv(x, y), "floordiv", "FloorDiv"),
    (lambda x, y: tf.maximum(x, y), "Maximum", "Maximum"),
    (lambda x, y: tf.pow(x, y), "Pow", "Pow"),
    (lambda x, y: tf.squared_difference(x, y), "SquaredDifference", "SquaredDifference"),
    (lambda x, y: tf.equal(x, y), "Equal", "Equal"),
    (lambda x, y: tf.matmul(x, y), "MatMul", "MatMul"),
    (lambda x, y: tf.where(x > y, x, y), "Select", "Select"),
    (lambda x, y: tf.add_n([x, y]), "AddN", "AddN"),
])
def test_binary_default_names(build, name, op_type):
    x, y = tf.constant([[1.0, 2.0], [3.0, 4.0]]), tf.constant([[2.0, 1.0], [1.0, 2.0]])
    out = build(x, y)
    assert (out.op.name, out.op.type) == (name, op_type)


@pytest.mark.parametrize("build, name, op_type", [
    (lambda x: -x, "Neg", "Neg"),
    (lambda x: abs(x), "Abs", "Abs"),
    (tf.reduce_sum, "Sum", "Sum"),
    (tf.reduce_mean, "Mean", "Mean"),
    (tf.reduce_max, "Max", "Max"),
    (tf.reduce_prod, "Prod", "Prod"),
    (tf.argmax, "ArgMax", "ArgMax"),
    (tf.argmin, "ArgMin", "ArgMin"),
    (tf.sigmoid, "Sigmoid", "Sigmoid"),
    (tf.tanh, "Tanh", "Tanh"),
    (tf.exp, "Exp", "Exp"),
    (tf.round, "Round", "Round"),
    (tf.to_int32, "ToInt32", "Cast"),
    (lambda x: tf.cast(x, tf.int64), "Cast", "Cast"),
    (tf.reduce_logsumexp, "ReduceLogSumExp", "AddV2"),
    (lambda x: tf.clip_by_value(x, 0.0, 1.0), "clip_by_value", "Maximum"),
    (lambda x: tf.clip_by_norm(x, 1.0), "clip_by_norm", "Identity"),
    (lambda x: tf.tensordot(x, x, 1), "Tensordot", "Reshape"),
    (lambda x: tf.matmul(tf.stack([x, x]), x), "MatMul", "BatchMatMulV2"),
    (lambda x: tf.scalar_mul(2.0, x), "scalar_mul", "Mul"),
    (tf.count_nonzero, "count_nonzero", "Sum"),
])
def test_unary_default_names(build, name, op_type):
    out = build(tf.constant([[1.0, -2.0], [3.0, 4.0]]))
    assert (out.op.name, out.op.type) == (name, op_type)


def test_python_operands_are_constants_inside_the_op_scope():
    x = tf.constant([1.0, 2.0], name="x")
    y = x + 1.0
    z = 2 * x
    w = tf.maximum(x, 0.0)
    assert (y.op.name, y.op.inputs[1].op.name) == ("add", "add/y")
    assert (z.op.name, z.op.inputs[0].op.name) == ("mul", "mul/x")
    assert (w.op.name, w.op.inputs[1].op.name) == ("Maximum", "Maximum/y")
    assert (x + 1.0).op.name == "add_1"


def test_integer_truediv_casts_inside_its_scope():
    i = tf.constant([3, 4])
    q = i / 2
    names = [op.name for op in tf.get_default_graph().get_operations()]
    assert q.op.name == "truediv" and q.dtype == tf.float64
    assert names[-4:] == ["truediv/y", "truediv/Cast", "truediv/Cast_1", "truediv"]


# dtypes


@pytest.mark.parametrize("dtype, expected", [
    (tf.int32, tf.float64), (tf.int64, tf.float64), (tf.int16, tf.float32),
    (tf.uint8, tf.float32), (tf.float32, tf.float32), (tf.float64, tf.float64),
])
def test_true_division_dtypes(dtype, expected):
    x = tf.constant(np.array([7, 9], dtype.as_numpy_dtype))
    q = x / tf.constant(np.array([2, 2], dtype.as_numpy_dtype))
    assert q.dtype == expected
    np.testing.assert_array_equal(run(q), [3.5, 4.5])


def test_integer_floor_division_and_mod_keep_int32():
    x, y = tf.constant([7, -7, 7, -7]), tf.constant([2, 2, -2, -2])
    fd, md, d = x // y, x % y, tf.div(x, y)
    assert fd.dtype == md.dtype == d.dtype == tf.int32
    assert d.op.type == "FloorDiv"
    np.testing.assert_array_equal(run(fd), [3, -4, -4, 3])
    np.testing.assert_array_equal(run(md), [1, 1, -1, -1])


def test_float_floor_division_is_floor_of_the_quotient():
    # TF1 computes floor(x / y); NumPy's 1.0 // 0.1 is 9.0
    assert run(tf.constant(1.0, tf.float64) // tf.constant(0.1, tf.float64)) == 10.0


def test_python_scalars_take_the_tensor_dtype():
    f32, f64, i32 = tf.constant([1.0]), tf.constant([1.0], tf.float64), tf.constant([1])
    assert (f32 + 1).dtype == tf.float32
    assert (2 * f64).dtype == tf.float64
    assert (i32 + 2.0).dtype == tf.int32  # an integral float is representable
    assert (f32 * np.float64(0.5)).dtype == tf.float32
    assert tf.maximum(f64, 0).dtype == tf.float64


def test_unrepresentable_python_scalar_raises_type_error():
    i = tf.constant([1, 2], name="counts")
    with pytest.raises(TypeError) as info:
        i * 2.5
    message = str(info.value)
    assert "int32" in message and "2.5" in message and "Mul" in message
    assert "'mul'" in message and "test_math_ops.py" in message
    with pytest.raises(TypeError, match="uint8"):
        tf.constant(np.array([1], np.uint8)) + 300
    with pytest.raises(TypeError, match="bool"):
        tf.constant([1.0]) + True


def test_no_implicit_promotion_between_tensors():
    with pytest.raises(TypeError) as info:
        tf.constant([1.0]) + tf.constant([1.0], tf.float64)
    assert "float32" in str(info.value) and "float64" in str(info.value)
    assert "AddV2 'add'" in str(info.value)
    with pytest.raises(TypeError, match="int32 and int64"):
        tf.constant([1]) / tf.constant([1], tf.int64)


def test_comparisons_and_logic():
    x = tf.constant([1, 2, 3])
    assert run(tf.equal(x, 2)).tolist() == [False, True, False]
    assert run(x > 1).tolist() == [False, True, True]
    a, b = tf.constant([True, True, False]), tf.constant([True, False, False])
    assert run(a ^ b).tolist() == [False, True, False]
    assert run(~a).tolist() == [False, False, True]
    with pytest.raises(TypeError, match="numeric"):
        tf.less(a, b)


# values where TF1 differs from NumPy


def test_round_is_half_to_even():
    x = tf.constant([0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 2.4])
    np.testing.assert_array_equal(run(tf.round(x)), [0.0, 2.0, 2.0, -0.0, -2.0, -2.0, 2.0])
    ints = tf.constant([1, 2])
    assert tf.round(ints) is ints


def test_integer_mean_truncates_toward_zero():
    assert run(tf.reduce_mean(tf.constant([1, 2]))) == 1
    assert run(tf.reduce_mean(tf.constant([-1, -2]))) == -1
    out = tf.reduce_mean(tf.constant([[1, 2], [4, 4]]), axis=1)
    assert out.dtype == tf.int32
    np.testing.assert_array_equal(run(out), [1, 4])


def test_integer_sum_and_prod_keep_their_dtype():
    x = tf.constant(np.array([2, 3], np.int8))
    for builder, expected in ((tf.reduce_sum, 5), (tf.reduce_prod, 6)):
        out = builder(x)
        value = run(out)
        assert out.dtype == tf.int8 and value.dtype == np.int8 and value == expected


def test_max_and_min_over_an_empty_axis():
    empty = tf.zeros([0, 3])
    np.testing.assert_array_equal(run(tf.reduce_max(empty, axis=0)), [-np.inf] * 3)
    np.testing.assert_array_equal(run(tf.reduce_min(empty, axis=0)), [np.inf] * 3)
    ints = tf.constant(np.zeros((2, 0), np.int32))
    np.testing.assert_array_equal(run(tf.reduce_max(ints, axis=1)), [np.iinfo(np.int32).min] * 2)
    assert run(tf.reduce_max(empty, axis=1)).shape == (0,)
    assert np.isnan(run(tf.reduce_mean(tf.zeros([0]))))


def test_reductions_accept_tf1_aliases():
    x = tf.constant([[1.0, 2.0], [3.0, 4.0]])
    out = tf.reduce_sum(x, reduction_indices=[1], keep_dims=True)
    assert out.shape.as_list() == [2, 1]
    np.testing.assert_array_equal(run(out), [[3.0], [7.0]])


def test_argmax_defaults_to_axis_0_and_int64():
    x = tf.constant([[1.0, 9.0, 3.0], [7.0, 2.0, 3.0]])
    out = tf.argmax(x)
    assert out.dtype == tf.int64 and out.shape.as_list() == [3]
    value = run(out)
    assert value.dtype == np.int64
    np.testing.assert_array_equal(value, [1, 0, 0])  # a tie takes the first index
    np.testing.assert_array_equal(run(tf.argmin(x, dimension=1)), [0, 1])
    as_int32 = tf.argmax(x, axis=-1, output_type=tf.int32)
    assert as_int32.dtype == tf.int32 and run(as_int32).tolist() == [1, 0]
    np.testing.assert_array_equal(run(tf.arg_max(x, 1)), [1, 0])
    with pytest.raises(ValueError, match="both 'axis' and 'dimension'"):
        tf.argmax(x, axis=0, dimension=0)
    with pytest.raises(ValueError, match="out of range"):
        tf.argmax(x, axis=2)


def test_argmax_over_an_empty_axis_fails_at_run_time():
    x = tf.placeholder(tf.float32, [None, 2])
    with pytest.raises(tf.errors.InvalidArgumentError, match="Reduction axis 0 is empty"):
        run(tf.argmax(x, axis=0), {x: np.zeros((0, 2))})


def test_sigmoid_never_overflows_and_keeps_its_tails():
    x = tf.constant([-1000.0, -40.0, 0.0, 40.0, 1000.0], tf.float64)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        value = run(tf.sigmoid(x))
    np.testing.assert_allclose(value, [0.0, 1 / (1 + math.exp(40)), 0.5, 1.0, 1.0], rtol=1e-12)
    assert run(tf.log_sigmoid(tf.constant(-1000.0))) == -1000.0


def test_reduce_logsumexp_is_stable():
    x = tf.constant([[1000.0, 1000.0], [-np.inf, 0.0]], tf.float64)
    np.testing.assert_allclose(run(tf.reduce_logsumexp(x, axis=1)), [1000 + math.log(2), 0.0])
    with np.errstate(divide="ignore"):  # log(0), as in TF1
        assert run(tf.reduce_logsumexp(tf.constant([-np.inf, -np.inf]))) == -np.inf


def test_count_nonzero_and_scalar_mul():
    x = tf.constant([[0.0, 1.0, 2.0], [0.0, 0.0, -1.0]])
    out = tf.count_nonzero(x, axis=1)
    assert out.dtype == tf.int64 and run(out).tolist() == [2, 1]
    assert run(tf.scalar_mul(3, tf.constant([1.0, 2.0]))).tolist() == [3.0, 6.0]
    with pytest.raises(ValueError, match="Only scalar multiply"):
        tf.scalar_mul([1.0, 2.0], tf.constant([1.0, 2.0]))


def test_cast_and_its_gradient():
    x = tf.constant([1.5, -2.7], tf.float32)
    assert tf.cast(x, tf.float32) is x
    as_int = tf.cast(x, tf.int32)
    assert run(as_int).tolist() == [1, -2]  # truncation toward zero
    as_double = tf.to_double(x)
    g = tf.gradients(tf.reduce_sum(as_double * 2.0), x)[0]
    assert g.dtype == tf.float32 and run(g).tolist() == [2.0, 2.0]
    assert tf.gradients(tf.cast(as_int, tf.float32), x) == [None]


def test_cast_between_strings_and_numbers_is_refused_at_run_time_as_in_tf1():
    text = tf.cast(tf.constant("1.5"), tf.float32)  # builds, as in TF1
    number = tf.cast(tf.constant([1.5]), tf.string)
    with tf.Session() as sess:
        with pytest.raises(tf.errors.UnimplementedError, match="Cast string to float32 is not "
                                                               "supported.*Cast 'Cast'"):
            sess.run(text)
        with pytest.raises(tf.errors.UnimplementedError, match="Cast float32 to string"):
            sess.run(number)


def test_add_n():
    x = tf.constant([1.0, 2.0])
    assert tf.add_n([x]) is x
    assert tf.add_n([x], name="total").op.type == "Identity"
    assert run(tf.add_n([x, x, x])).tolist() == [3.0, 6.0]
    with pytest.raises(ValueError, match="non-empty"):
        tf.add_n([])


def test_where_forms():
    c = tf.constant([True, False])
    x, y = tf.constant([[1, 2], [3, 4]]), tf.constant([[5, 6], [7, 8]])
    np.testing.assert_array_equal(run(tf.where(c, x, y)), [[1, 2], [7, 8]])  # rows, v1
    coords = tf.where(tf.constant([[True, False], [False, True]]))
    assert coords.dtype == tf.int64
    np.testing.assert_array_equal(run(coords), [[0, 0], [1, 1]])
    np.testing.assert_array_equal(run(tf.where_v2(c, x, 0)), [[1, 0], [3, 0]])
    with pytest.raises(ValueError, match="equal shapes"):
        tf.where(c, tf.constant([1, 2]), tf.constant([1, 2, 3]))


def test_matmul_checks_shapes_and_flags():
    a, b = tf.ones([2, 3]), tf.ones([4, 5])
    with pytest.raises(ValueError) as info:
        tf.matmul(a, b)
    assert "MatMul 'MatMul'" in str(info.value) and "(2, 3)" in str(info.value)
    assert "(4, 5)" in str(info.value) and "test_math_ops.py" in str(info.value)
    with pytest.raises(ValueError, match="rank"):
        tf.matmul(tf.ones([3]), tf.ones([3, 2]))
    with pytest.raises(ValueError, match="Only one of transpose_a and adjoint_a"):
        tf.matmul(a, a, transpose_a=True, adjoint_a=True)
    batched = tf.matmul(tf.ones([7, 1, 2, 3]), tf.ones([4, 3, 5]))
    assert batched.shape.as_list() == [7, 4, 2, 5]


def test_tensordot_matches_numpy():
    rng = np.random.default_rng(0)
    a, b = rng.standard_normal((2, 3, 4)), rng.standard_normal((4, 3, 5))
    out = tf.tensordot(tf.constant(a), tf.constant(b), axes=[[1, 2], [1, 0]])
    assert out.shape.as_list() == [2, 5]
    np.testing.assert_allclose(run(out), np.tensordot(a, b, [[1, 2], [1, 0]]))
    with pytest.raises(ValueError, match="differ"):
        tf.tensordot(tf.constant(a), tf.constant(b), axes=[[0], [0]])


# gradients at kinks: TF1's choices


def test_maximum_and_minimum_ties_go_to_x():
    x, y = tf.constant([1.0, 2.0, 3.0]), tf.constant([2.0, 2.0, 2.0])
    for builder in (tf.maximum, tf.minimum):
        dx, dy = run(tf.gradients(builder(x, y), [x, y]))
        assert dx[1] == 1.0 and dy[1] == 0.0
    dx, dy = run(tf.gradients(tf.maximum(x, y), [x, y]))
    assert dx.tolist() == [0.0, 1.0, 1.0] and dy.tolist() == [1.0, 0.0, 0.0]


def test_reduce_max_splits_ties_equally():
    x = tf.constant([[1.0, 3.0, 3.0], [2.0, 2.0, 2.0]])
    np.testing.assert_allclose(grad(tf.reduce_max(x, axis=1), x),
                               [[0.0, 0.5, 0.5], [1 / 3, 1 / 3, 1 / 3]])
    np.testing.assert_allclose(grad(tf.reduce_min(x, axis=0), x), [[1, 0, 0], [0, 1, 1]])


def test_abs_and_sign_at_zero():
    x = tf.constant([-2.0, 0.0, 3.0])
    assert grad(tf.abs(x), x).tolist() == [-1.0, 0.0, 1.0]
    g = tf.gradients(tf.sign(x), x)[0]
    assert g is not None and run(g).tolist() == [0.0, 0.0, 0.0]  # TF1: zeros, not None


def test_pow_exponent_gradient_is_zero_where_the_base_is_not_positive():
    x = tf.constant([-1.0, 0.0, 2.0], tf.float64)
    y = tf.constant([2.0, 2.0, 2.0], tf.float64)
    dx, dy = run(tf.gradients(tf.pow(x, y), [x, y]))
    np.testing.assert_allclose(dx, [-2.0, 0.0, 4.0])
    np.testing.assert_allclose(dy, [0.0, 0.0, 4 * math.log(2.0)])


def test_clip_by_value_passes_the_gradient_at_its_bounds():
    x = tf.constant([-2.0, -1.0, 0.0, 1.0, 3.0])
    clipped = tf.clip_by_value(x, -1.0, 1.0)
    assert run(clipped).tolist() == [-1.0, -1.0, 0.0, 1.0, 1.0]
    assert grad(clipped, x).tolist() == [0.0, 1.0, 1.0, 1.0, 0.0]
    lo, hi = tf.constant(-1.0), tf.constant(1.0)
    dlo, dhi = run(tf.gradients(tf.clip_by_value(x, lo, hi), [lo, hi]))
    assert (dlo, dhi) == (1.0, 1.0)  # only the strictly clipped values reach the bounds


def test_clip_by_value_refuses_to_broadcast_t():
    with pytest.raises(ValueError, match="shape"):
        tf.clip_by_value(tf.constant([1.0, 2.0]), tf.zeros([3, 1]), 1.0)


def test_reduce_prod_gradient_is_safe_with_zeros():
    x = tf.constant([[2.0, 0.0, 3.0], [0.0, 0.0, 5.0], [1.0, 2.0, 4.0]])
    np.testing.assert_allclose(grad(tf.reduce_prod(x, axis=1), x),
                               [[0.0, 6.0, 0.0], [0.0, 0.0, 0.0], [8.0, 4.0, 2.0]])


def test_gradients_at_poles_follow_tf1():
    x = tf.constant([0.0, 4.0])
    with np.errstate(divide="ignore"):
        assert grad(tf.sqrt(x), x).tolist() == [np.inf, 0.25]


# clipping by norms


def test_clip_by_norm_and_global_norm():
    t = tf.constant([3.0, 4.0])
    np.testing.assert_allclose(run(tf.clip_by_norm(t, 1.0)), [0.6, 0.8], rtol=1e-6)
    np.testing.assert_allclose(run(tf.clip_by_norm(t, 10.0)), [3.0, 4.0])
    rows = tf.clip_by_norm(tf.constant([[3.0, 4.0], [0.3, 0.4]]), 1.0, axes=[1])
    np.testing.assert_allclose(run(rows), [[0.6, 0.8], [0.3, 0.4]], rtol=1e-6)
    norm = tf.global_norm([t, None, tf.constant([[12.0]])])
    assert norm.op.name == "global_norm/global_norm"
    assert run(norm) == 13.0


def test_clip_by_norm_gradient_at_zero_is_finite():
    x = tf.zeros([3])
    assert grad(tf.clip_by_norm(x, 1.0), x).tolist() == [1.0, 1.0, 1.0]


def test_clip_by_global_norm():
    a, b = tf.constant([3.0, 4.0]), tf.constant([[12.0]])
    (ca, none, cb), norm = tf.clip_by_global_norm([a, None, b], 6.5)
    assert none is None
    assert ca.op.name == "clip_by_global_norm/clip_by_global_norm/_0"
    va, vb, vn = run([ca, cb, norm])
    np.testing.assert_allclose(va, [1.5, 2.0])
    np.testing.assert_allclose(vb, [[6.0]])
    assert vn == 13.0
    (kept,), _ = tf.clip_by_global_norm([a], 100.0)
    np.testing.assert_allclose(run(kept), [3.0, 4.0])
    (bad,), _ = tf.clip_by_global_norm([a], 1.0, use_norm=tf.constant(np.inf))
    with np.errstate(invalid="ignore"):
        assert np.isnan(run(bad)).all()
    with pytest.raises(TypeError, match="sequence"):
        tf.clip_by_global_norm(a, 1.0)


# the book's chain-rule examples, by value


def test_power_rule():
    x = tf.placeholder(tf.float64, [3])
    values = np.array([0.5, 2.0, 3.0])
    for n in (2.0, 3.0, 5.0):
        np.testing.assert_allclose(grad(x ** n, x, {x: values}), n * values ** (n - 1))


def test_exponential_is_its_own_derivative():
    x = tf.placeholder(tf.float64, [4])
    values = np.array([-1.0, 0.0, 1.0, 2.5])
    np.testing.assert_allclose(grad(tf.exp(x), x, {x: values}), np.exp(values))


def test_composed_functions():
    x = tf.placeholder(tf.float64, [3])
    values = np.array([0.3, 1.0, 2.0])
    y = tf.sin(tf.square(x))  # d/dx sin(x²) = 2x cos(x²)
    np.testing.assert_allclose(grad(y, x, {x: values}), 2 * values * np.cos(values ** 2))
    z = tf.log(tf.sigmoid(3.0 * x))  # d/dx log σ(3x) = 3 (1 - σ(3x))
    s = 1 / (1 + np.exp(-3 * values))
    np.testing.assert_allclose(grad(z, x, {x: values}), 3 * (1 - s))


def test_matrix_product_rule():
    rng = np.random.default_rng(0)
    a_value, b_value = rng.standard_normal((3, 4)), rng.standard_normal((4, 2))
    upstream = rng.standard_normal((3, 2))  # dL/dX for L = sum(X * upstream)
    a, b = tf.constant(a_value), tf.constant(b_value)
    loss = tf.reduce_sum(tf.matmul(a, b) * upstream)
    da, db = run(tf.gradients(loss, [a, b]))
    np.testing.assert_allclose(da, upstream @ b_value.T)  # dL/dA = dL/dX · Bᵀ
    np.testing.assert_allclose(db, a_value.T @ upstream)  # dL/dB = Aᵀ · dL/dX


def test_second_derivatives():
    x = tf.placeholder(tf.float64, [3])
    values = np.array([-1.0, 0.5, 2.0])
    (g,) = tf.gradients(x ** 3.0, x)
    np.testing.assert_allclose(grad(g, x, {x: values}), 6 * values)
    (g,) = tf.gradients(tf.tanh(x), x)
    t = np.tanh(values)
    np.testing.assert_allclose(grad(g, x, {x: values}), -2 * t * (1 - t ** 2))


def test_integer_division_by_zero_raises_as_tf1():
    x = tf.constant([7, 8])
    y = tf.placeholder(tf.int32, [2])
    with tf.Session() as sess:
        for op in (x // y, x % y):
            with pytest.raises(tf.errors.InvalidArgumentError, match="Integer division by zero"):
                sess.run(op, {y: [2, 0]})
        assert sess.run(x // y, {y: [2, 3]}).tolist() == [3, 2]


def test_is_nan_and_is_inf():
    x = tf.constant([np.nan, np.inf, -np.inf, 1.0])
    nan, inf = tf.is_nan(x), tf.math.is_inf(x)
    assert nan.name == "IsNan:0" and inf.op.type == "IsInf" and nan.dtype is tf.bool
    with tf.Session() as sess:
        got_nan, got_inf = sess.run([nan, inf])
    np.testing.assert_array_equal(got_nan, [True, False, False, False])
    np.testing.assert_array_equal(got_inf, [False, True, True, False])
    with pytest.raises(TypeError, match="a float dtype is required"):
        tf.is_nan(tf.constant([1, 2]))


def test_linspace_and_norm_names_and_values():
    points = tf.lin_space(0.0, 1.0, 5)
    assert points.name == "LinSpace:0" and points.shape == (5,) and tf.linspace is tf.lin_space
    x = tf.constant([[3.0, 4.0], [6.0, 8.0]])
    whole, rows = tf.norm(x), tf.norm(x, axis=1)
    assert whole.name == "norm/Squeeze:0" and whole.shape == () and rows.shape == (2,)
    assert tf.linalg.norm is tf.norm
    with tf.Session() as sess:
        np.testing.assert_allclose(sess.run(points), [0.0, 0.25, 0.5, 0.75, 1.0])
        assert sess.run(whole) == pytest.approx(np.sqrt(125.0))
        np.testing.assert_allclose(sess.run(rows), [5.0, 10.0])
    with pytest.raises(NotImplementedError, match="ord=2 over axis=\\[0, 1\\]"):
        tf.norm(x, ord=2, axis=[0, 1])
