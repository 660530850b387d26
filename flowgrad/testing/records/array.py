"""Records of the array family: constants, shapes, reshaping, joining, slicing, splitting,
gathering, tiling, padding, reversing, scans and one-hot. References follow TF1 and are
written independently of the kernels (masks, scans and mirror pads by their definitions)."""

from __future__ import annotations

import numpy as np

from flowgrad import dtypes
from flowgrad.ops import array_ops, gather_ops, slicing
from flowgrad.testing.op_info import OpInfo, Sample

F = ("float32", "float64")


def _u(rng, shape, dtype, low=-2.0, high=2.0):
    return rng.uniform(low, high, size=shape).astype(dtype)


def _samples(cases):
    """samples(rng, dtype, info) for cases of (arg shapes or arrays, kwargs): a shape gives a
    random float array of the run's dtype; an array is used as it is (indices)."""

    def make(rng, dtype, info):
        out = []
        for args, kwargs in cases:
            arrays = tuple(_u(rng, a, dtype, *info.domain) if isinstance(a, tuple)
                           else np.asarray(a) for a in args)
            note = f"{[np.shape(a) for a in arrays]} {kwargs}"
            out.append(Sample(arrays, dict(kwargs), note=note))
        return out

    return make


def _const_samples(rng, dtype, info):
    return [Sample((), {"value": _u(rng, s, dtype)}, note=str(s)) for s in [(), (3,), (2, 0)]] + [
        Sample((), {"value": 2.5, "dtype": dtype, "shape": [2, 3]}, note="scalar to shape"),
        Sample((), {"value": [1.0, 2.0], "dtype": dtype, "shape": [4]}, note="last repeated"),
    ]


def _const_ref(value, dtype=None, shape=None):
    array = np.asarray(value, dtype=dtype or np.asarray(value).dtype)
    if shape is None:
        return array
    flat = array.reshape(-1)
    n = int(np.prod(shape))
    return np.concatenate([flat, np.repeat(flat[-1:], n - flat.size)]).reshape(shape)


UNARY = [(), (3,), (2, 3), (0, 3), (2, 1, 4)]
STATIC_OPS = [
    ("shape", array_ops.Shape, lambda x: np.array(x.shape, np.int32), {"out_type": dtypes.int32}),
    ("shape_int64", array_ops.Shape, lambda x: np.array(x.shape, np.int64),
     {"out_type": dtypes.int64}),
    ("size", array_ops.Size, lambda x: np.array(x.size, np.int32), {"out_type": dtypes.int32}),
    ("rank", array_ops.Rank, lambda x: np.array(x.ndim, np.int32), {}),
]


def _static_record(name, cls, ref, attrs):
    # the op itself: the public builders fold a statically known shape into a Const (TF1)
    return OpInfo(name, lambda x: cls.apply(x, **attrs), ref, types=(cls.type,), grad=0,
                  dtypes=("float32", "int32"), samples=_samples([((s,), {}) for s in UNARY]))


GETITEM = [
    ((3, 4), 0), ((3, 4), -1), ((3, 4), (slice(1, None),)), ((5,), slice(None, None, -1)),
    ((3, 4), (slice(None, None, -2), 1)), ((2, 3, 4), (Ellipsis, 0)), ((2, 3), (None, Ellipsis)),
    ((2, 3, 4), (slice(1, 3), None, slice(None), -2)), ((3, 4), (1, 2)), ((5,), slice(5, 10)),
    ((2, 3, 4), (Ellipsis, None, slice(-2, None))), ((), ()), ((), None),
    ((0, 3), (slice(None), 1)),
    ((6,), slice(-100, 100, 4)), ((6,), slice(4, -7, -2)), ((3, 4), [1, 2]),
    ((2, 3, 4), (0, Ellipsis, slice(None, None, -1))),
]

def _getitem_ref(x, key):
    return x[tuple(key) if isinstance(key, list) else key]  # TF1 reads a list as a tuple


# (shape, strided_slice kwargs, the equivalent NumPy key)
STRIDED = [
    ((3, 4), {"begin": [1, 0], "end": [0, 2], "strides": [1, 1], "shrink_axis_mask": 1},
     (1, slice(0, 2))),
    ((3, 4), {"begin": [0, 1], "end": [0, 0], "begin_mask": 1, "end_mask": 3},
     (slice(None), slice(1, None))),
    ((5,), {"begin": [-1], "end": [0], "strides": [-1], "end_mask": 1}, slice(-1, None, -1)),
    ((2, 3, 4), {"begin": [0, 1], "end": [0, 2], "ellipsis_mask": 1, "shrink_axis_mask": 2},
     (Ellipsis, 1)),
    ((2, 3), {"begin": [0, 0, 1], "end": [0, 0, 3], "new_axis_mask": 1, "begin_mask": 2,
              "end_mask": 2}, (None, slice(None), slice(1, 3))),
    ((4,), {"begin": [2], "end": [3], "begin_mask": 1, "shrink_axis_mask": 1}, 2),
    ((4, 2), {"begin": [3], "end": [0], "strides": [-2]}, slice(3, 0, -2)),
    ((3,), {"begin": [], "end": [], "strides": []}, Ellipsis),
]


def _strided_slice_grad(dy, shape, begin, end, strides, key, **masks):
    def const(v):
        return array_ops.constant(v, dtype=dtypes.int32)

    masks = {k: masks.get(k, 0) for k in slicing.MASKS}
    return slicing.StridedSliceGrad.apply(const(shape), const(begin), const(end), const(strides),
                                          dy, **masks)


def _strided_slice_grad_ref(dy, shape, begin, end, strides, key, **masks):
    out = np.zeros(shape, dy.dtype)
    out[key] = dy
    return out


def _grad_samples(rng, dtype, info):
    out = []
    for shape, spec, key in STRIDED:
        sliced = np.zeros(shape)[key]
        kwargs = dict(spec, shape=list(shape), key=key)
        kwargs.setdefault("strides", [1] * len(spec["begin"]))
        out.append(Sample((_u(rng, np.shape(sliced), dtype),), kwargs, note=str(key)))
    return out


def _slice_ref(x, begin, size):
    index = tuple(slice(b, d if s == -1 else b + s) for b, s, d in zip(begin, size, x.shape))
    return x[index]


SLICES = [((3, 4), [1, 0], [2, -1]), ((5,), [0], [0]), ((), [], []),
          ((2, 3, 4), [0, 1, 1], [-1, 2, 3]), ((0, 3), [0, 1], [0, -1]), ((4,), [4], [-1])]


def _split_ref(x, n, axis=0, num=None):
    if isinstance(n, int):
        return np.split(x, n, axis=axis)
    sizes = list(n)
    if -1 in sizes:
        sizes[sizes.index(-1)] = x.shape[axis] - (sum(sizes) + 1)
    return np.split(x, np.cumsum(sizes)[:-1], axis=axis)


SPLITS = [((4, 3), 2, 0), ((2, 6), [1, -1, 2], 1), ((3, 0), 1, 0), ((6,), [6, 0], 0),
          ((2, 4), [1, 3], -1), ((2, 6), 3, -1)]


def _segment_sum_ref(data, ids, num_segments):
    out = np.zeros((num_segments,) + data.shape[ids.ndim:], data.dtype)
    for i, s in np.ndenumerate(ids):
        if s >= 0:
            out[s] += data[i]
    return out


def _one_hot_ref(indices, depth, axis=-1, on_value=None, off_value=None, dtype=None):
    on = 1 if on_value is None else on_value
    off = 0 if off_value is None else off_value
    out = np.full(indices.shape + (depth,), off, dtype=dtype or np.float32)
    for i, v in np.ndenumerate(indices):
        if 0 <= v < depth:
            out[i + (int(v),)] = on
    return out if axis == -1 else np.moveaxis(out, -1, axis)


def _one_hot_samples(rng, dtype, info):
    cases = [
        (np.array([0, 2, -1, 3], np.int32), {"depth": 3}),
        (np.array([[1, 0], [5, 2]], np.int64), {"depth": 3, "axis": 0}),
        (np.array([[1, 0], [2, 2]], np.int32), {"depth": 4, "axis": 1}),
        (np.array(1, np.int32), {"depth": 2}),
        (np.array([0, 255, 7], np.uint8), {"depth": 8, "on_value": 5.0, "off_value": -1.0}),
        (np.array([0, 1], np.int32), {"depth": 0}),
        (np.zeros((0, 2), np.int32), {"depth": 3}),
    ]
    return [Sample((i,), dict(kw, dtype=dtype), note=f"{i.shape} {kw}") for i, kw in cases]


def _pad_ref(x, paddings, **how):
    return np.pad(x, paddings, **how) if x.ndim else x.copy()


def _mirror_grad_ref(g, paddings, mode):
    """The adjoint of np.pad(mode) applied to g, by its definition: <pad(e_i), g>."""
    shape = tuple(d - a - b for d, (a, b) in zip(g.shape, paddings))
    out = np.zeros(shape, g.dtype)
    for i in np.ndindex(*shape):
        e = np.zeros(shape)
        e[i] = 1.0
        out[i] = np.sum(np.pad(e, paddings, mode=mode.lower()) * g)
    return out


def _mirror_grad_samples(rng, dtype, info):
    cases = [((5,), [[2, 1]], "REFLECT"), ((4, 3), [[1, 1], [0, 2]], "SYMMETRIC"),
             ((3,), [[0, 0]], "REFLECT"), ((3, 2), [[3, 0], [1, 1]], "SYMMETRIC")]
    out = []
    for shape, p, mode in cases:
        padded = tuple(d + a + b for d, (a, b) in zip(shape, p))
        out.append(Sample((_u(rng, padded, dtype),), {"paddings": p, "mode": mode},
                          note=f"{shape} {p} {mode}"))
    return out


def _scan_ref(reduce):
    """cumsum/cumprod by their definition: out[i] = reduce of x[j] over the included j."""

    def ref(x, axis=0, exclusive=False, reverse=False):
        y = np.moveaxis(x, axis, 0)
        out = np.empty_like(y)
        n = y.shape[0]
        for i in range(n):
            js = [j for j in range(n)
                  if (j > i if reverse else j < i) or (j == i and not exclusive)]
            out[i] = reduce(y[js], axis=0) if js else reduce(y[:0], axis=0)
        return np.moveaxis(out, 0, axis)

    return ref


SCANS = [((5,), {}), ((2, 3), {"axis": 1, "exclusive": True}),
         ((2, 3), {"axis": -1, "reverse": True}),
         ((3, 4), {"axis": 0, "exclusive": True, "reverse": True}), ((0, 3), {"axis": 0}),
         ((2, 1, 3), {"axis": 2, "exclusive": True})]


def _setdiff_ref(x, y):
    keep = ~np.isin(x, y)
    return x[keep], np.nonzero(keep)[0].astype(np.int32)


def _int_samples(cases):
    def make(rng, dtype, info):
        return [Sample(tuple(np.asarray(a, dtype) for a in args), note=str(args)) for args in cases]

    return make


RECORDS = [
    OpInfo("constant", lambda **kw: array_ops.constant(**kw), _const_ref, types=("Const",),
           samples=_const_samples, grad=0, dynamic=False),
    OpInfo("placeholder", lambda x: x, lambda x: x, types=("Placeholder",), kind="io", grad=0),
    OpInfo("placeholder_with_default",
           lambda x, shape: array_ops.placeholder_with_default(x, shape), lambda x, shape: x,
           types=("PlaceholderWithDefault",), grad=2,
           samples=_samples([(((2, 3),), {"shape": [2, 3]}), (((),), {"shape": []}),
                             (((0, 2),), {"shape": [0, 2]})])),
    OpInfo("identity", array_ops.identity, lambda x: x, types=("Identity",), grad=2),
    OpInfo("reshape", lambda x, shape: array_ops.reshape(x, shape),
           lambda x, shape: np.reshape(x, shape), types=("Reshape",), grad=2,
           samples=_samples([(((2, 3),), {"shape": [3, 2]}), (((2, 3),), {"shape": [-1]}),
                             (((0, 3),), {"shape": [-1, 3]}), (((),), {"shape": [1, 1]}),
                             (((2, 3, 4),), {"shape": [4, -1]}), (((1,),), {"shape": []})])),
    *[_static_record(*spec) for spec in STATIC_OPS],
    OpInfo("shape_folded", array_ops.shape, lambda x: np.array(x.shape, np.int32),
           types=("Const", "Shape"), grad=0),
    OpInfo("size_folded", array_ops.size, lambda x: np.array(x.size, np.int32),
           types=("Const", "Size"), grad=0),
    OpInfo("rank_folded", array_ops.rank, lambda x: np.array(x.ndim, np.int32),
           types=("Const",), grad=0),
    OpInfo("stack", lambda *xs, axis=0: array_ops.stack(list(xs), axis=axis),
           lambda *xs, axis=0: np.stack(xs, axis=axis), types=("Pack",), grad=2,
           samples=_samples([(((2, 3), (2, 3)), {}), (((2, 3), (2, 3), (2, 3)), {"axis": 1}),
                             (((2, 3), (2, 3)), {"axis": -1}), (((), ()), {}),
                             (((0, 3),), {"axis": 2}), (((4,),), {"axis": -2})])),
    OpInfo("unstack", lambda x, num, axis=0: array_ops.unstack(x, num, axis),
           lambda x, num, axis=0: list(np.moveaxis(x, axis, 0)), types=("Unpack",), grad=2,
           samples=_samples([(((3, 2),), {"num": 3}), (((2, 3, 4),), {"num": 4, "axis": -1}),
                             (((0, 3),), {"num": 3, "axis": 1}), (((1,),), {"num": 1})])),
    OpInfo("fill", lambda value, dims: array_ops.fill(dims, value),
           lambda value, dims: np.full(dims, value), types=("Fill",), grad=2,
           samples=_samples([(((),), {"dims": [2, 3]}), (((),), {"dims": []}),
                             (((),), {"dims": [0, 2]})])),
    OpInfo("zeros_like", lambda x: array_ops.ZerosLike.apply(x), np.zeros_like,
           types=("ZerosLike",), grad=0, dtypes=("float32", "int32", "bool")),
    OpInfo("ones_like", lambda x: array_ops.OnesLike.apply(x), np.ones_like,
           types=("OnesLike",), grad=0, dtypes=("float32", "int64")),
    OpInfo("zeros_like_folded", array_ops.zeros_like, np.zeros_like, types=("Const",), grad=0),
    OpInfo("ones_large", lambda x, n: x + array_ops.ones([n, 50], x.dtype),
           lambda x, n: x + np.ones([n, 50], x.dtype), types=("Fill", "Const"),
           samples=_samples([(((1, 50),), {"n": 30})])),
    OpInfo("expand_dims", lambda x, axis: array_ops.expand_dims(x, axis),
           lambda x, axis: np.expand_dims(x, axis), types=("ExpandDims",), grad=2,
           samples=_samples([(((2, 3),), {"axis": 0}), (((2, 3),), {"axis": -1}),
                             (((2, 3),), {"axis": 1}), (((),), {"axis": 0}),
                             (((0,),), {"axis": -2})])),
    OpInfo("squeeze", lambda x, axis=None: array_ops.squeeze(x, axis),
           lambda x, axis=None: np.squeeze(x, None if axis is None else tuple(np.atleast_1d(axis))),
           types=("Squeeze",), grad=2,
           samples=_samples([(((1, 3, 1),), {}), (((1, 3, 1),), {"axis": [0]}),
                             (((1, 3, 1),), {"axis": -1}), (((1,),), {}),
                             (((0, 1),), {"axis": [1]})])),
    OpInfo("transpose", lambda x, perm=None: array_ops.transpose(x, perm),
           lambda x, perm=None: np.transpose(x, perm), types=("Transpose",), grad=2,
           samples=_samples([(((2, 3),), {}), (((2, 3),), {"perm": [1, 0]}),
                             (((2, 3, 4),), {"perm": [2, 0, 1]}), (((),), {}),
                             (((0, 3),), {})])),
    OpInfo("concat", lambda *xs, axis: array_ops.concat(list(xs), axis),
           lambda *xs, axis: np.concatenate(xs, axis=axis), types=("ConcatV2", "SplitV"), grad=2,
           samples=_samples([(((2, 3), (1, 3)), {"axis": 0}),
                             (((2, 3), (2, 1), (2, 2)), {"axis": 1}),
                             (((2, 3), (2, 0)), {"axis": -1}), (((0, 3), (2, 3)), {"axis": 0}),
                             (((2, 1, 2), (2, 2, 2)), {"axis": -2})])),
    OpInfo("getitem", lambda x, key: x[key], _getitem_ref, types=("StridedSlice",),
           grad=2, samples=_samples([((s,), {"key": k}) for s, k in GETITEM])),
    OpInfo("getitem_tensor_index", lambda x, i, key: x[key(i)], lambda x, i, key: x[key(i)],
           types=("StridedSlice", "Pack", "AddV2"), grad=2, grad_inputs=(0,),
           samples=_samples([(((3, 4), np.int32(2)), {"key": lambda i: i}),
                             (((3, 4), np.int64(-1)), {"key": lambda i: (slice(None), i)}),
                             (((2, 3, 4), np.int32(1)), {"key": lambda i: (Ellipsis, i, None)})])),
    OpInfo("strided_slice", lambda x, key, **spec: slicing.strided_slice(x, **spec),
           lambda x, key, **spec: x[key], types=("StridedSlice",), grad=2,
           samples=_samples([((s,), dict(spec, key=k)) for s, spec, k in STRIDED])),
    OpInfo("strided_slice_grad", _strided_slice_grad, _strided_slice_grad_ref,
           types=("StridedSliceGrad",), grad=2, samples=_grad_samples),
    OpInfo("slice", lambda x, begin, size: slicing.slice_(x, begin, size), _slice_ref,
           types=("Slice", "Pad"), grad=2,
           samples=_samples([((s,), {"begin": b, "size": z}) for s, b, z in SLICES])),
    OpInfo("slice_tensor_begin", lambda x, begin, size: slicing.slice_(x, begin, size),
           _slice_ref, types=("Slice", "Pad", "ConcatV2"), grad=2, grad_inputs=(0,),
           samples=_samples([(((3, 4), np.array([1, 2], np.int32)), {"size": [2, 2]}),
                             (((5,), np.array([3], np.int64)), {"size": [2]})])),
    OpInfo("split", lambda x, n, axis: slicing.split(x, n, axis), _split_ref,
           types=("Split", "SplitV"), grad=2,
           samples=_samples([((s,), {"n": n, "axis": a}) for s, n, a in SPLITS])),
    OpInfo("gather", lambda p, i, axis=0: gather_ops.gather(p, i, axis=axis),
           lambda p, i, axis=0: np.take(p, i, axis=axis), types=("GatherV2",), grad=2,
           grad_inputs=(0,),
           samples=_samples([(((5, 3), [[0, 4], [2, 2]]), {}), (((3, 4), [3, 0]), {"axis": 1}),
                             (((2, 3, 4), np.int64(1)), {"axis": -1}),
                             (((4,), np.zeros(0, np.int32)), {}),
                             (((2, 0), [1, 1, 0]), {"axis": 0}),
                             (((2, 3, 4), [[2, 0, 0]]), {"axis": 1})])),
    OpInfo("unsorted_segment_sum",
           lambda d, i, num_segments: gather_ops.unsorted_segment_sum(d, i, num_segments),
           _segment_sum_ref, types=("UnsortedSegmentSum", "GatherV2", "SelectV2"), grad=2,
           grad_inputs=(0,),
           samples=_samples([(((5,), [0, 2, 0, -1, 1]), {"num_segments": 4}),
                             (((4, 3), [1, 1, 0, 3]), {"num_segments": 4}),
                             (((2, 3), [[0, 1, 1], [1, -1, 0]]), {"num_segments": 2}),
                             (((0, 2), np.zeros(0, np.int64)), {"num_segments": 3})])),
    OpInfo("one_hot", lambda i, **kw: gather_ops.one_hot(i, **kw), _one_hot_ref,
           types=("OneHot",), grad=0, samples=_one_hot_samples),
    OpInfo("tile", lambda x, multiples: array_ops.tile(x, multiples),
           lambda x, multiples: np.tile(x, multiples), types=("Tile",), grad=2,
           samples=_samples([(((2, 3),), {"multiples": [2, 1]}), (((3,),), {"multiples": [0]}),
                             (((),), {"multiples": []}), (((1, 2, 1),), {"multiples": [2, 1, 3]}),
                             (((0, 2),), {"multiples": [3, 2]})])),
    OpInfo("pad", lambda x, paddings: array_ops.pad(x, paddings),
           _pad_ref, types=("Pad", "Slice"), grad=2,
           samples=_samples([(((2, 3),), {"paddings": [[1, 0], [2, 1]]}),
                             (((),), {"paddings": np.zeros((0, 2), np.int32)}),
                             (((0, 2),), {"paddings": [[1, 1], [0, 0]]}),
                             (((3,),), {"paddings": [[0, 2]]})])),
    OpInfo("pad_constant_values",
           lambda x, paddings: array_ops.pad(x, paddings, constant_values=1.5),
           lambda x, paddings: _pad_ref(x, paddings, constant_values=1.5), types=("PadV2",), grad=2,
           samples=_samples([(((2, 3),), {"paddings": [[1, 0], [2, 1]]}),
                             (((3,),), {"paddings": [[0, 2]]})])),
    OpInfo("mirror_pad", lambda x, paddings, mode: array_ops.pad(x, paddings, mode),
           lambda x, paddings, mode: _pad_ref(x, paddings, mode=mode.lower()),
           types=("MirrorPad", "MirrorPadGrad"), grad=2,
           samples=_samples([(((2, 3),), {"paddings": [[1, 0], [2, 1]], "mode": "REFLECT"}),
                             (((2, 3),), {"paddings": [[2, 1], [3, 0]], "mode": "SYMMETRIC"}),
                             (((4,),), {"paddings": [[3, 3]], "mode": "reflect"}),
                             (((0, 2),), {"paddings": [[0, 0], [1, 2]], "mode": "SYMMETRIC"})])),
    OpInfo("mirror_pad_grad",
           lambda g, paddings, mode: array_ops.MirrorPadGrad.apply(
               g, array_ops.constant(paddings), mode=mode),
           _mirror_grad_ref, types=("MirrorPadGrad", "MirrorPad"), grad=2,
           samples=_mirror_grad_samples),
    OpInfo("reverse", lambda x, axis: array_ops.reverse(x, axis),
           lambda x, axis: np.flip(x, tuple(axis)), types=("ReverseV2",), grad=2,
           samples=_samples([(((4,),), {"axis": [0]}), (((2, 3),), {"axis": [1, 0]}),
                             (((2, 3, 4),), {"axis": [-1]}), (((2, 3),), {"axis": []}),
                             (((0, 3),), {"axis": [1]})])),
    OpInfo("cumsum", lambda x, **kw: array_ops.cumsum(x, **kw), _scan_ref(np.sum),
           types=("Cumsum",), grad=2, samples=_samples([((s,), kw) for s, kw in SCANS])),
    OpInfo("cumprod", lambda x, **kw: array_ops.cumprod(x, **kw), _scan_ref(np.prod),
           types=("Cumprod", "Cumsum"), grad=2, domain=(0.5, 1.5), rtol=1e-5,
           samples=_samples([((s,), kw) for s, kw in SCANS])),
    OpInfo("cumsum_ints", lambda x, **kw: array_ops.cumsum(x, **kw), _scan_ref(np.sum),
           types=("Cumsum",), grad=0, dtypes=("int32", "int64"),
           samples=_int_samples([([[1, 2, 3], [4, 5, 6]],)])),
    OpInfo("setdiff1d", array_ops.setdiff1d, _setdiff_ref, types=("ListDiff",), grad=0,
           dtypes=("int32", "int64"),
           samples=_int_samples([([1, 5, 2, 5, 7], [5, 3]), ([], [1]), ([4, 2], [])])),
    OpInfo("boolean_mask", lambda x, mask: gather_ops.boolean_mask(x, mask),
           lambda x, mask: x[mask], types=("GatherV2", "Where", "Squeeze"), grad=0,
           samples=_samples([(((3, 2), [True, False, True]), {}),
                             (((2, 3), [[True, False, True], [False, False, True]]), {}),
                             (((3,), [False, False, False]), {})])),
]
