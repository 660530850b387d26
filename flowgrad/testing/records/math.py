"""Records of the math family: math_ops.py, linalg_ops.py and clip_ops.py. References encode
TF1's behaviour (true division of ints in float64, floor(x / y) for float FloorDiv, truncating
integer means, -inf maxima over empty axes, int64 argmax, half-to-even rounding)."""

from __future__ import annotations

import numpy as np

import flowgrad as tf
from flowgrad.ops import clip_ops, linalg_ops, math_ops
from flowgrad.testing.op_info import REDUCTION_CASES, OpInfo, Sample, uniform

F = ("float32", "float64")
INTS = ("int32", "int64")


def in64(fn):
    """A reference computed in float64 and returned in the first argument's dtype."""

    def ref(*args, **kwargs):
        dtype = np.asarray(args[0]).dtype
        wide = [np.asarray(a, np.float64) if np.asarray(a).dtype.kind == "f" else a for a in args]
        return np.asarray(fn(*wide, **kwargs)).astype(dtype)

    return ref


def away_from_zero(rng, shape, dtype, info):
    """Values whose magnitude lies in the record's (positive) domain, with random signs."""
    sign = np.where(rng.random(shape) < 0.5, -1.0, 1.0)
    return (sign * uniform(rng, shape, "float64", info)).astype(dtype)


def cases(*specs):
    """A samples function from (shapes, kwargs) pairs; each shape is drawn with `uniform`,
    or with `away_from_zero` when the record's domain is positive and `signed` is set."""

    def make(rng, dtype, info):
        out = []
        for shapes, kwargs in specs:
            args = tuple(uniform(rng, s, dtype, info) for s in shapes)
            out.append(Sample(args, dict(kwargs), note=f"{shapes} {kwargs}"))
        return out

    return make


def signed_unary(rng, dtype, info):
    """Unary samples whose values stay away from 0 (abs, sign, reciprocal)."""
    shapes = [(), (3,), (2, 3), (0, 3), (2, 1, 4)]
    return [Sample((away_from_zero(rng, s, dtype, info),), note=str(s)) for s in shapes]


def np_axis(kwargs):
    """A reduction's kwargs as NumPy's axis/keepdims."""
    axis = kwargs.get("axis")
    axis = tuple(axis) if isinstance(axis, (list, tuple)) else axis
    return axis, bool(kwargs.get("keepdims", False))


def reduction_ref(fn):
    """A reference taking the builder's axis/keepdims kwargs."""

    def ref(x, **kwargs):
        axis, keep = np_axis(kwargs)
        return np.asarray(fn(x, axis=axis, keepdims=keep))

    return ref


def int_mean(x, axis=None, keepdims=False):
    """TF1's integer mean: the integer sum divided with C++'s truncation toward zero."""
    total = np.sum(x, axis=axis, keepdims=keepdims, dtype=np.int64)
    count = x.size // max(np.size(total), 1)
    return np.asarray(np.trunc(total / count)).astype(x.dtype)


def float_mean(x, axis=None, keepdims=False):
    """The mean in float64, NaN over an empty axis (0 / 0), in x's dtype."""
    total = np.sum(x.astype(np.float64), axis=axis, keepdims=keepdims)
    count = x.size // max(np.size(total), 1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.asarray(total / count).astype(x.dtype)


def tf_max(x, axis=None, keepdims=False):
    """TF1's max: -inf (the lowest int) over an empty axis."""
    low = -np.inf if x.dtype.kind == "f" else np.iinfo(x.dtype).min
    return np.max(x, axis=axis, keepdims=keepdims, initial=low)


def tf_min(x, axis=None, keepdims=False):
    """TF1's min: +inf (the largest int) over an empty axis."""
    high = np.inf if x.dtype.kind == "f" else np.iinfo(x.dtype).max
    return np.min(x, axis=axis, keepdims=keepdims, initial=high)


def logsumexp(x, axis=None, keepdims=False):
    """log(sum(exp(x))) in float64, shifted by the maximum."""
    peak = np.max(x, axis=axis, keepdims=True, initial=-np.inf)
    peak = np.where(np.isfinite(peak), peak, 0)
    out = np.log(np.sum(np.exp(x - peak), axis=axis, keepdims=True)) + peak
    return out if keepdims else np.squeeze(out, axis=axis)


EMPTY_REDUCTIONS = [((0, 3), {"axis": 0}), ((2, 0), {"axis": 1, "keepdims": True})]
REDUCTIONS = cases(*([((s,), kw) for s, kw in REDUCTION_CASES]
                     + [((s,), kw) for s, kw in EMPTY_REDUCTIONS]))
BINARY_POSITIVE = {"arity": "binary", "domain": (0.5, 2.0)}


def _binary(name, fn, ref, **kw):
    return OpInfo(name, lambda x, y: fn(x, y), ref, **kw)


def div_no_nan_ref(x, y):
    """x / y, and 0 where y is 0 (whatever x is, inf and NaN too)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(y == 0, np.zeros((), x.dtype), x / y)


def div_no_nan_zero_samples(rng, dtype, info):
    """Zero divisors under finite, infinite and NaN numerators, and broadcasting."""
    x = np.array([1.0, -2.0, 0.0, np.inf, np.nan, 3.0], dtype)
    y = np.array([0.0, 0.0, 0.0, 0.0, 0.0, 2.0], dtype)
    return [Sample((x, y), note="zeros"), Sample((x.reshape(2, 3), y[3:]), note="broadcast")]


def truediv_ints(x, y):
    """TF1's truediv of int32 (or int64): both cast to float64 first."""
    return np.true_divide(x.astype(np.float64), y.astype(np.float64))


def tf_floordiv(x, y):
    """TF1's FloorDiv: floor(x / y) for floats (NumPy's // differs: 1 // 0.1 is 9)."""
    return np.floor(x / y) if x.dtype.kind == "f" else np.floor_divide(x, y)


def tf_sigmoid(x):
    """The logistic function in float64 (exp(1000) overflows to inf, giving exactly 0)."""
    with np.errstate(over="ignore"):
        return 1 / (1 + np.exp(-x))


def v1_select(c, x, y):
    """TF1's Select: a 1-D condition picks whole rows."""
    if c.ndim == 1 and x.ndim > 1:
        c = c.reshape(c.shape + (1,) * (x.ndim - 1))
    return np.where(c, x, y)


def select_samples(rng, dtype, info):
    """v1 where: equal shapes, a scalar, and a 1-D condition selecting rows."""
    out = []
    for c_shape, x_shape in [((3,), (3,)), ((), ()), ((2, 3), (2, 3)), ((4,), (4, 2)),
                             ((0, 2), (0, 2))]:
        c = rng.random(c_shape) < 0.5
        x, y = uniform(rng, x_shape, dtype, info), uniform(rng, x_shape, dtype, info)
        out.append(Sample((c, x, y), note=f"{c_shape} {x_shape}"))
    return out


def select_v2_samples(rng, dtype, info):
    """where_v2: condition, x and y broadcast together."""
    out = []
    for shapes in [((3,), (3,), (3,)), ((2, 1), (1, 3), ()), ((), (2, 3), (2, 3)),
                   ((2, 3), (3,), (2, 1)), ((0, 3), (3,), (1, 3))]:
        c = rng.random(shapes[0]) < 0.5
        xs = [uniform(rng, s, dtype, info) for s in shapes[1:]]
        out.append(Sample((c, *xs), note=str(shapes)))
    return out


def where_samples(rng, dtype, info):
    """Coordinates of true elements over several ranks, numeric conditions included."""
    out = [Sample((rng.random(s) < 0.5,), note=str(s)) for s in [(5,), (2, 3), (0, 3), (2, 2, 2)]]
    out.append(Sample((rng.integers(0, 2, size=(3, 2)).astype(dtype),), note="numeric"))
    return out


def add_n_samples(rng, dtype, info):
    """Two, three and four tensors of one shape."""
    return [Sample(tuple(uniform(rng, s, dtype, info) for _ in range(n)), note=f"{n} x {s}")
            for n, s in [(2, ()), (3, (2, 3)), (4, (0, 2)), (3, (4,))]]


def round_samples(rng, dtype, info):
    """Random values and exact halves (half to even: 0.5 → 0, 1.5 → 2, -2.5 → -2)."""
    halves = np.array([-2.5, -1.5, -0.5, 0.5, 1.5, 2.5, 3.5], dtype)
    return [Sample((uniform(rng, (2, 3), dtype, info),), note="random"),
            Sample((halves,), note="halves"), Sample((np.zeros((0,), dtype),), note="empty")]


def is_finite_samples(rng, dtype, info):
    """Finite values, infinities and NaN."""
    special = np.array([0.0, 1.5, np.inf, -np.inf, np.nan, -3.0], dtype)
    return [Sample((special,), note="special"), Sample((uniform(rng, (2, 3), dtype, info),))]


def cast_samples(rng, dtype, info):
    """Float values (the cast target is the record's kwarg)."""
    shapes = [(), (3,), (2, 3), (0, 2)]
    return [Sample((uniform(rng, s, dtype, info),), note=str(s)) for s in shapes]


def arg_samples(rng, dtype, info):
    """argmax/argmin: the default axis 0, other axes, negative axes, int32 output, a tie."""
    specs = [((4,), {}), ((3, 4), {}), ((3, 4), {"axis": 1}), ((2, 3, 4), {"axis": -1}),
             ((3, 4), {"dimension": 1}), ((3, 4), {"axis": 0, "output_type": tf.int32}),
             ((0, 4), {"axis": 1})]
    out = [Sample((uniform(rng, s, dtype, info),), kw, note=f"{s} {kw}") for s, kw in specs]
    out.append(Sample((np.array([1, 3, 3, 0], dtype),), note="first of a tie"))
    return out


def arg_ref(fn):
    def ref(x, axis=None, dimension=None, output_type=tf.int64):
        axis = dimension if axis is None else axis
        axis = 0 if axis is None else axis
        return fn(x, axis=axis).astype(output_type.as_numpy_dtype)

    return ref


def matmul_samples(rng, dtype, info):
    """Rank-2 products in every transpose combination, and an empty inner dimension."""
    out = []
    for ta in (False, True):
        for tb in (False, True):
            a = uniform(rng, (4, 3) if ta else (3, 4), dtype, info)
            b = uniform(rng, (5, 4) if tb else (4, 5), dtype, info)
            out.append(Sample((a, b), {"transpose_a": ta, "transpose_b": tb}, note=f"{ta} {tb}"))
    out.append(Sample((uniform(rng, (2, 0), dtype, info), uniform(rng, (0, 3), dtype, info)),
                      note="empty inner dim"))
    out.append(Sample((uniform(rng, (1, 3), dtype, info), uniform(rng, (3, 1), dtype, info)),
                      {"adjoint_a": False, "adjoint_b": False}, note="1x1 result"))
    return out


def np_matmul(a, b, transpose_a=False, transpose_b=False, adjoint_a=False, adjoint_b=False):
    """a @ b with transposes over the last two axes."""
    if transpose_a or adjoint_a:
        a = np.swapaxes(a, -1, -2)
    if transpose_b or adjoint_b:
        b = np.swapaxes(b, -1, -2)
    return np.matmul(a, b)


def batch_matmul_samples(rng, dtype, info):
    """Batched products: equal batches, broadcasting batch dims, rank 3 with rank 2, adjoints."""
    specs = [((2, 3, 4), (2, 4, 5), {}), ((2, 1, 3, 4), (5, 4, 2), {}), ((3, 2, 4), (4, 3), {}),
             ((2, 4, 3), (2, 5, 4), {"adjoint_a": True, "adjoint_b": True}),
             ((2, 3, 4), (1, 5, 4), {"transpose_b": True}), ((0, 2, 3), (3, 2), {})]
    return [Sample((uniform(rng, a, dtype, info), uniform(rng, b, dtype, info)), kw,
                   note=f"{a} {b} {kw}") for a, b, kw in specs]


def tensordot_samples(rng, dtype, info):
    """Integer axes, paired axis lists (reordered and negative), and an outer product."""
    specs = [((2, 3, 4), (4, 5), {"axes": 1}), ((2, 3, 4), (4, 3, 5), {"axes": [[1, 2], [1, 0]]}),
             ((3, 4), (4, 3), {"axes": [[0, -1], [1, 0]]}), ((2, 3), (4,), {"axes": 0}),
             ((3, 4), (3, 4), {"axes": 2}), ((2, 3), (3, 2), {"axes": [1, 0]})]
    return [Sample((uniform(rng, a, dtype, info), uniform(rng, b, dtype, info)), kw,
                   note=f"{a} {b} {kw}") for a, b, kw in specs]


def clip_samples(rng, dtype, info):
    """Values on both sides of the bounds (never on them), scalar and tensor bounds."""
    out = []
    for s in [(), (5,), (2, 3), (0, 2)]:
        x = away_from_zero(rng, s, dtype, info) * 1.5
        x = np.where(np.abs(np.abs(x) - 1.0) < 0.05, x * 1.3, x).astype(dtype)
        out.append(Sample((x,), {"clip_value_min": -1.0, "clip_value_max": 1.0}, note=str(s)))
    return out


def clip_by_norm_samples(rng, dtype, info):
    """Norms above and below clip_norm, over all axes and along one."""
    return [Sample((uniform(rng, (3, 4), dtype, info),), {"clip_norm": 1.0}, note="clipped"),
            Sample((uniform(rng, (3, 4), dtype, info) * 0.05,), {"clip_norm": 1.0}, note="kept"),
            Sample((uniform(rng, (3, 4), dtype, info),), {"clip_norm": 1.5, "axes": [1]},
                   note="per row"),
            Sample((uniform(rng, (), dtype, info),), {"clip_norm": 0.5}, note="scalar")]


def np_clip_by_norm(t, clip_norm, axes=None):
    axes = tuple(axes) if axes is not None else None
    norm = np.sqrt(np.sum(t.astype(np.float64) ** 2, axis=axes, keepdims=True))
    return (t * clip_norm / np.maximum(norm, clip_norm)).astype(t.dtype)


def global_norm_samples(rng, dtype, info):
    """Lists of tensors of different shapes, clipped or not."""
    return [Sample((uniform(rng, (3,), dtype, info), uniform(rng, (2, 2), dtype, info)),
                   {"clip_norm": 1.0}, note="clipped"),
            Sample((uniform(rng, (3,), dtype, info) * 0.1, uniform(rng, (), dtype, info) * 0.1),
                   {"clip_norm": 5.0}, note="kept")]


def flat_clip_by_global_norm(ts, clip_norm):
    """The clipped tensors followed by the norm, as one flat tuple."""
    clipped, norm = clip_ops.clip_by_global_norm(ts, clip_norm)
    return (*clipped, norm)


def np_global_norm(*ts):
    return np.sqrt(sum(np.sum(np.asarray(t, np.float64) ** 2) for t in ts))


def np_clip_by_global_norm(*ts, clip_norm):
    norm = np_global_norm(*ts)
    scale = clip_norm / max(norm, clip_norm)
    return (*[(t * scale).astype(t.dtype) for t in ts], np.asarray(norm, ts[0].dtype))


def broadcast_to_samples(rng, dtype, info):
    """Scalars, size-1 dims and new leading dims broadcast to a target shape."""
    specs = [((), [2, 3]), ((3,), [2, 3]), ((2, 1), [2, 4]), ((1, 3), [0, 3]), ((2, 3), [2, 3])]
    return [Sample((uniform(rng, s, dtype, info),), {"shape": t}, note=f"{s} -> {t}")
            for s, t in specs]


def shape_pairs(rng, dtype, info):
    """Pairs of shape vectors for BroadcastGradientArgs."""
    pairs = [([2, 3], [2, 3]), ([], [2, 3]), ([3, 1], [1, 4]), ([2, 1, 4], [3, 1]), ([5], [1]),
             ([1], [1])]
    return [Sample((np.array(a, dtype), np.array(b, dtype)), note=f"{a} {b}") for a, b in pairs]


def np_broadcast_gradient_args(s0, s1):
    """The axes along which each shape was broadcast against the other (leading ones too)."""
    n = max(len(s0), len(s1))
    p0 = [1] * (n - len(s0)) + list(s0)
    p1 = [1] * (n - len(s1)) + list(s1)
    r0 = [i for i in range(n) if i < n - len(s0) or (p0[i] == 1 and p1[i] != 1)]
    r1 = [i for i in range(n) if i < n - len(s1) or (p1[i] == 1 and p0[i] != 1)]
    return np.array(r0, np.int32), np.array(r1, np.int32)


def reduced_shape_samples(rng, dtype, info):
    """A shape vector and the axes to set to 1 (negative axes included)."""
    pairs = [([2, 3, 4], [1]), ([2, 3, 4], [0, 2]), ([5], [-1]), ([2, 3], []), ([0, 3], [0])]
    return [Sample((np.array(s, np.int32), np.array(a, np.int32)), note=f"{s} {a}")
            for s, a in pairs]


def np_reduced_shape(s, axes):
    out = s.copy()
    for a in axes:
        out[a % len(s)] = 1
    return out.astype(np.int32)


def permutation_samples(rng, dtype, info):
    """Permutations of several lengths."""
    return [Sample((rng.permutation(n).astype(dtype),), note=str(n)) for n in (0, 1, 3, 6)]


def range_samples(rng, dtype, info):
    """(start, limit, delta) scalars: up, down, empty, fractional."""
    specs = ([(0, 5, 1), (2, 11, 3), (5, 0, -2), (3, 3, 1), (4, 1, 1)] if dtype.startswith("int")
             else [(0, 1, 0.25), (1.5, -1, -0.5), (0, 0.9, 0.3)])
    return [Sample(tuple(np.array(v, dtype) for v in spec), note=str(spec)) for spec in specs]


def count_nonzero_samples(rng, dtype, info):
    """Values with zeros, over axis variants, and the int32 output dtype."""
    x = rng.integers(-1, 2, size=(3, 4)).astype(dtype)
    return [Sample((x,), {}, note="all"), Sample((x,), {"axis": 1}, note="axis 1"),
            Sample((x,), {"axis": 0, "keepdims": True, "dtype": tf.int32}, note="int32"),
            Sample((np.zeros((0, 2), dtype),), {"axis": 0}, note="empty")]


def np_count_nonzero(x, axis=None, keepdims=False, dtype=tf.int64):
    return np.asarray(np.count_nonzero(x, axis=axis, keepdims=keepdims)).astype(
        dtype.as_numpy_dtype)


def _reduce(builder):
    return lambda x, **kw: builder(x, **kw)


def linspace_samples(rng, dtype, info):
    """Scalar ends (increasing, decreasing) and a single point."""
    return [Sample((np.array(a, dtype), np.array(b, dtype)), {"num": n}, note=f"{a}..{b} {n}")
            for a, b, n in [(0.0, 1.0, 5), (2.0, -1.0, 4), (3.0, 7.0, 1)]]


def norm_samples(rng, dtype, info):
    """Vector norms over all, one axis and kept dims; the Frobenius norm over two axes."""
    cases = [{}, {"axis": 1}, {"axis": 0, "keepdims": True}, {"ord": 1, "axis": -1},
             {"ord": np.inf}, {"ord": "fro", "axis": [0, 1]}]
    return [Sample((uniform(rng, (3, 4), dtype, info),), kw, note=str(kw)) for kw in cases]


def np_norm(x, ord="euclidean", axis=None, keepdims=False):
    """TF1's tf.norm for vector norms and 'fro', by definition."""
    axis = tuple(axis) if isinstance(axis, list) else axis
    if ord == 1:
        return np.sum(np.abs(x), axis=axis, keepdims=keepdims)
    if ord == np.inf:
        return np.max(np.abs(x), axis=axis, keepdims=keepdims)
    return np.sqrt(np.sum(x * x, axis=axis, keepdims=keepdims))


RECORDS = [
    # elementwise binary
    _binary("add", math_ops.add, np.add, types=("AddV2",), arity="binary"),
    _binary("subtract", math_ops.subtract, np.subtract, types=("Sub",), arity="binary"),
    _binary("multiply", math_ops.multiply, np.multiply, types=("Mul",), arity="binary", grad=2),
    OpInfo("add_ints", lambda x, y: x + y, np.add, types=("AddV2",), arity="binary",
           dtypes=INTS, grad=0),
    OpInfo("scalar_mul", lambda x: math_ops.scalar_mul(2.5, x), lambda x: (2.5 * x).astype(x.dtype),
           types=("Mul",)),
    _binary("realdiv", math_ops.realdiv, np.true_divide, types=("RealDiv",), **BINARY_POSITIVE),
    OpInfo("linspace", lambda start, stop, num: math_ops.linspace(start, stop, num),
           lambda start, stop, num: np.linspace(start, stop, num, dtype=start.dtype),
           types=("LinSpace",), samples=linspace_samples, grad=0),
    OpInfo("norm", math_ops.norm, np_norm, types=("Sqrt", "Sum", "Abs", "Max", "Squeeze"),
           samples=norm_samples, domain=(0.5, 2.0), rtol=1e-5),
    _binary("div_no_nan", math_ops.div_no_nan, np.true_divide, types=("DivNoNan",),
            **BINARY_POSITIVE),
    _binary("div_no_nan_zeros", math_ops.div_no_nan, div_no_nan_ref, types=("DivNoNan",),
            samples=div_no_nan_zero_samples, grad=0),
    _binary("truediv", math_ops.truediv, np.true_divide, types=("RealDiv",), **BINARY_POSITIVE),
    OpInfo("truediv_ints", lambda x, y: x / y, truediv_ints, types=("Cast", "RealDiv"),
           arity="binary", domain=(1, 7), dtypes=INTS, grad=0),
    OpInfo("truediv_int16", lambda x, y: x / y,
           lambda x, y: np.true_divide(x.astype(np.float32), y.astype(np.float32)),
           types=("Cast", "RealDiv"), arity="binary", domain=(1, 7), dtypes=("int16",), grad=0),
    OpInfo("div_ints", math_ops.div, np.floor_divide, types=("FloorDiv",), arity="binary",
           dtypes=INTS, grad=0, samples=lambda rng, dtype, info: [Sample(
               (np.array([7, -7, 7, -7, 0], dtype), np.array([2, 2, -2, -2, 3], dtype)))]),
    _binary("div", math_ops.div, np.true_divide, types=("RealDiv",), **BINARY_POSITIVE),
    _binary("floordiv", math_ops.floordiv, tf_floordiv, types=("FloorDiv",), grad=0,
            arity="binary", domain=(0.3, 4.0)),
    OpInfo("floordiv_ints", lambda x, y: x // y, np.floor_divide, types=("FloorDiv",),
           samples=lambda rng, dtype, info: [Sample((np.array([7, -7, 7, -7, 0], dtype),
                                                     np.array([2, 2, -2, -2, 3], dtype)))],
           dtypes=INTS, grad=0),
    _binary("floormod", math_ops.floormod, np.mod, types=("FloorMod",), arity="binary",
            domain=(0.5, 2.0)),
    OpInfo("floormod_ints", lambda x, y: x % y, np.mod, types=("FloorMod",),
           samples=lambda rng, dtype, info: [Sample((np.array([7, -7, 7, -7, 0], dtype),
                                                     np.array([3, 3, -3, -3, 3], dtype)))],
           dtypes=INTS, grad=0),
    _binary("pow", math_ops.pow, np.power, types=("Pow",), rtol=2e-5, **BINARY_POSITIVE),
    _binary("maximum", math_ops.maximum, np.maximum, types=("Maximum",), arity="binary"),
    _binary("minimum", math_ops.minimum, np.minimum, types=("Minimum",), arity="binary"),
    _binary("squared_difference", math_ops.squared_difference, lambda x, y: np.square(x - y),
            types=("SquaredDifference",), arity="binary"),
    # comparisons and logic
    *[OpInfo(name, fn, ref, types=(t,), arity="binary", dtypes=("float32", "int32", "int64"),
             domain=(-2, 2), grad=0)
      for name, fn, ref, t in [
          ("equal", math_ops.equal, np.equal, "Equal"),
          ("not_equal", math_ops.not_equal, np.not_equal, "NotEqual"),
          ("less", lambda x, y: x < y, np.less, "Less"),
          ("less_equal", lambda x, y: x <= y, np.less_equal, "LessEqual"),
          ("greater", lambda x, y: x > y, np.greater, "Greater"),
          ("greater_equal", lambda x, y: x >= y, np.greater_equal, "GreaterEqual")]],
    OpInfo("equal_bool", math_ops.equal, np.equal, types=("Equal",), arity="binary",
           dtypes=("bool",), grad=0),
    OpInfo("logical_and", lambda x, y: x & y, np.logical_and, types=("LogicalAnd",),
           arity="binary", dtypes=("bool",), grad=0),
    OpInfo("logical_or", lambda x, y: x | y, np.logical_or, types=("LogicalOr",),
           arity="binary", dtypes=("bool",), grad=0),
    OpInfo("logical_xor", lambda x, y: x ^ y, np.logical_xor,
           types=("LogicalAnd", "LogicalOr", "LogicalNot"), arity="binary", dtypes=("bool",),
           grad=0),
    OpInfo("logical_not", lambda x: ~x, np.logical_not, types=("LogicalNot",), dtypes=("bool",),
           grad=0),
    # elementwise unary
    OpInfo("negative", lambda x: -x, np.negative, types=("Neg",)),
    OpInfo("abs", math_ops.abs, np.abs, types=("Abs",), samples=signed_unary, domain=(0.2, 2.0)),
    OpInfo("abs_ints", math_ops.abs, np.abs, types=("Abs",), dtypes=INTS, grad=0),
    OpInfo("sign", math_ops.sign, np.sign, types=("Sign",), samples=signed_unary,
           domain=(0.2, 2.0), dtypes=F + ("int32",)),
    OpInfo("square", math_ops.square, np.square, types=("Square",), grad=2),
    OpInfo("sqrt", math_ops.sqrt, in64(np.sqrt), types=("Sqrt",), domain=(0.2, 4.0), grad=2),
    OpInfo("rsqrt", math_ops.rsqrt, in64(lambda x: 1 / np.sqrt(x)), types=("Rsqrt",),
           domain=(0.2, 4.0)),
    OpInfo("exp", math_ops.exp, in64(np.exp), types=("Exp",), grad=2),
    OpInfo("log", math_ops.log, in64(np.log), types=("Log",), domain=(0.2, 4.0), grad=2),
    OpInfo("log1p", math_ops.log1p, in64(np.log1p), types=("Log1p",), domain=(-0.5, 3.0)),
    OpInfo("sin", math_ops.sin, in64(np.sin), types=("Sin",)),
    OpInfo("cos", math_ops.cos, in64(np.cos), types=("Cos",)),
    OpInfo("tanh", math_ops.tanh, in64(np.tanh), types=("Tanh",), grad=2),
    OpInfo("sigmoid", math_ops.sigmoid, in64(tf_sigmoid), types=("Sigmoid",), grad=2,
           domain=(-6.0, 6.0)),
    OpInfo("sigmoid_tails", math_ops.sigmoid, in64(tf_sigmoid), types=("Sigmoid",),
           samples=lambda rng, dtype, info: [Sample((np.array(
               [-1000.0, -100.0, -40.0, -15.0, 0.0, 15.0, 40.0, 1000.0], dtype),))],
           rtol=1e-6, atol=1e-40, grad=0),
    OpInfo("log_sigmoid", math_ops.log_sigmoid, in64(lambda x: -np.logaddexp(0, -x)),
           types=("Neg", "Softplus"), domain=(-30.0, 30.0)),
    OpInfo("reciprocal", math_ops.reciprocal, in64(lambda x: 1 / x), types=("Reciprocal",),
           samples=signed_unary, domain=(0.3, 3.0)),
    OpInfo("floor", math_ops.floor, np.floor, types=("Floor",), domain=(-4.0, 4.0), grad=0),
    OpInfo("ceil", math_ops.ceil, np.ceil, types=("Ceil",), domain=(-4.0, 4.0), grad=0),
    OpInfo("round", math_ops.round, np.round, types=("Round",), samples=round_samples,
           domain=(-4.0, 4.0), grad=0),
    OpInfo("is_finite", math_ops.is_finite, np.isfinite, types=("IsFinite",),
           samples=is_finite_samples, grad=0),
    OpInfo("is_nan", math_ops.is_nan, np.isnan, types=("IsNan",), samples=is_finite_samples,
           grad=0),
    OpInfo("is_inf", math_ops.is_inf, np.isinf, types=("IsInf",), samples=is_finite_samples,
           grad=0),
    # casts, selection, n-ary
    OpInfo("cast_to_float32", lambda x: math_ops.cast(x, tf.float32),
           lambda x: x.astype(np.float32), types=("Cast",), samples=cast_samples,
           dtypes=("float64", "float16"), grad=0),  # gradients of casts: tests/test_math_ops.py
    OpInfo("cast_to_float64", lambda x: math_ops.cast(x, tf.float64),
           lambda x: x.astype(np.float64), types=("Cast",), samples=cast_samples,
           dtypes=("float32",), grad=0),
    OpInfo("cast_to_int32", math_ops.to_int32, lambda x: x.astype(np.int32), types=("Cast",),
           samples=cast_samples, domain=(-5.0, 5.0), grad=0),
    OpInfo("cast_ints_to_float", math_ops.to_float, lambda x: x.astype(np.float32),
           types=("Cast",), dtypes=INTS + ("bool",), grad=0),
    OpInfo("where", math_ops.where, v1_select, types=("Select",), samples=select_samples),
    OpInfo("where_v2", math_ops.where_v2, np.where, types=("SelectV2",),
           samples=select_v2_samples),
    OpInfo("where_coordinates", math_ops.where, lambda c: np.argwhere(c).astype(np.int64),
           types=("Where",), samples=where_samples, dtypes=("float32",), grad=0),
    OpInfo("add_n", lambda *xs: math_ops.add_n(list(xs)), lambda *xs: sum(xs[1:], xs[0]),
           types=("AddN",), samples=add_n_samples),
    OpInfo("broadcast_to", math_ops.broadcast_to, lambda x, shape: np.broadcast_to(x, shape),
           types=("BroadcastTo",), samples=broadcast_to_samples),
    # reductions
    OpInfo("reduce_sum", _reduce(math_ops.reduce_sum), reduction_ref(np.sum), types=("Sum",),
           samples=REDUCTIONS, rtol=1e-4),
    OpInfo("reduce_sum_ints", _reduce(math_ops.reduce_sum),
           lambda x, **kw: np.asarray(np.sum(x, axis=np_axis(kw)[0], keepdims=np_axis(kw)[1],
                                             dtype=x.dtype)),
           types=("Sum",), samples=REDUCTIONS, dtypes=("int32", "int64", "uint8"),
           domain=(0, 9), grad=0),
    OpInfo("reduce_mean", _reduce(math_ops.reduce_mean), reduction_ref(float_mean),
           types=("Mean",), samples=cases(*([((s,), kw) for s, kw in REDUCTION_CASES]
                                            + [(((0, 3),), {"axis": 0})])),
           rtol=1e-4),
    OpInfo("reduce_mean_ints", _reduce(math_ops.reduce_mean), reduction_ref(int_mean),
           types=("Mean",), samples=cases(*[((s,), kw) for s, kw in REDUCTION_CASES]),
           dtypes=INTS, domain=(-9, 9), grad=0),
    OpInfo("reduce_prod", _reduce(math_ops.reduce_prod), reduction_ref(np.prod),
           types=("Prod",), samples=REDUCTIONS, domain=(0.5, 1.5), rtol=1e-4),
    OpInfo("reduce_max", _reduce(math_ops.reduce_max), reduction_ref(tf_max), types=("Max",),
           samples=REDUCTIONS),
    OpInfo("reduce_min", _reduce(math_ops.reduce_min), reduction_ref(tf_min), types=("Min",),
           samples=REDUCTIONS),
    OpInfo("reduce_max_ints", _reduce(math_ops.reduce_max), reduction_ref(tf_max),
           types=("Max",), samples=REDUCTIONS, dtypes=INTS, domain=(-9, 9), grad=0),
    OpInfo("reduce_any", _reduce(math_ops.reduce_any), reduction_ref(np.any), types=("Any",),
           samples=REDUCTIONS, dtypes=("bool",), grad=0),
    OpInfo("reduce_all", _reduce(math_ops.reduce_all), reduction_ref(np.all), types=("All",),
           samples=REDUCTIONS, dtypes=("bool",), grad=0),
    OpInfo("reduce_logsumexp", _reduce(math_ops.reduce_logsumexp), in64(reduction_ref(logsumexp)),
           types=("Max", "Sum", "Exp", "Log", "IsFinite", "SelectV2"),
           samples=cases(*[((s,), kw) for s, kw in REDUCTION_CASES]), rtol=1e-4),
    OpInfo("argmax", math_ops.argmax, arg_ref(np.argmax), types=("ArgMax",),
           samples=arg_samples, dtypes=("float32", "int32"), grad=0),
    OpInfo("argmin", math_ops.argmin, arg_ref(np.argmin), types=("ArgMin",),
           samples=arg_samples, dtypes=("float64", "int64"), grad=0),
    OpInfo("count_nonzero", math_ops.count_nonzero, np_count_nonzero,
           types=("NotEqual", "Cast", "Sum"), samples=count_nonzero_samples,
           dtypes=("float32", "int32"), grad=0),
    # shape helpers of gradient rules
    OpInfo("reduced_shape", math_ops.reduced_shape, np_reduced_shape, types=("ReducedShape",),
           samples=reduced_shape_samples, dtypes=("int32",), grad=0),
    OpInfo("broadcast_gradient_args",
           lambda s0, s1: math_ops.BroadcastGradientArgs.apply(s0, s1),
           np_broadcast_gradient_args, types=("BroadcastGradientArgs",), samples=shape_pairs,
           dtypes=("int32",), grad=0),
    OpInfo("invert_permutation", math_ops.invert_permutation,
           lambda p: np.argsort(p).astype(p.dtype), types=("InvertPermutation",),
           samples=permutation_samples, dtypes=("int32",), grad=0),
    OpInfo("range", math_ops.range_, lambda s, l, d: np.arange(s, l, d, dtype=s.dtype),
           types=("Range",), samples=range_samples, dtypes=("int32", "int64", "float32"),
           grad=0),
    # linear algebra
    OpInfo("matmul", linalg_ops.matmul, np_matmul, types=("MatMul",), samples=matmul_samples,
           rtol=1e-4, grad=2),
    OpInfo("matmul_ints", linalg_ops.matmul, np_matmul, types=("MatMul",),
           samples=matmul_samples, dtypes=("int32",), domain=(-3, 3), grad=0),
    OpInfo("batch_matmul", linalg_ops.matmul, np_matmul, types=("BatchMatMulV2",),
           samples=batch_matmul_samples, rtol=1e-4, grad=2),
    OpInfo("tensordot", linalg_ops.tensordot, lambda a, b, axes: np.tensordot(a, b, axes),
           types=("MatMul", "Reshape", "Transpose"), samples=tensordot_samples, rtol=1e-4),
    # clipping
    OpInfo("clip_by_value", clip_ops.clip_by_value, lambda t, clip_value_min, clip_value_max:
           np.clip(t, clip_value_min, clip_value_max), types=("Minimum", "Maximum"),
           samples=clip_samples, domain=(0.1, 2.0)),
    OpInfo("clip_by_norm", clip_ops.clip_by_norm, np_clip_by_norm,
           types=("Sum", "Sqrt", "Select", "Maximum", "RealDiv"), samples=clip_by_norm_samples,
           rtol=1e-4),
    OpInfo("global_norm", lambda *ts, clip_norm: clip_ops.global_norm(list(ts)),
           lambda *ts, clip_norm: np.asarray(np_global_norm(*ts), ts[0].dtype),
           types=("L2Loss", "Pack", "Sum", "Sqrt"), samples=global_norm_samples, rtol=1e-4),
    OpInfo("clip_by_global_norm",
           lambda *ts, clip_norm: flat_clip_by_global_norm(list(ts), clip_norm),
           np_clip_by_global_norm, types=("Minimum", "Mul", "Identity"),
           samples=global_norm_samples, rtol=1e-4),
]
