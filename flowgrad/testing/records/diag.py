"""Records of the diagonal family: tf.diag, tf.diag_part, the batched matrix_diag,
matrix_diag_part and matrix_set_diag, tf.eye and tf.trace. References build the diagonals
entry by entry, independently of the kernels."""

from __future__ import annotations

import itertools

import numpy as np

from flowgrad.ops import diag_ops
from flowgrad.testing.op_info import OpInfo, Sample


def _shapes(*shapes):
    def make(rng, dtype, info):
        return [Sample(tuple(rng.uniform(-2.0, 2.0, size=s).astype(dtype) for s in args),
                       note=str(args)) for args in shapes]

    return make


def _diag_ref(x):
    out = np.zeros(x.shape + x.shape, x.dtype)
    for index in itertools.product(*map(range, x.shape)):
        out[index + index] = x[index]
    return out


def _diag_part_ref(x):
    half = x.shape[: x.ndim // 2]
    out = np.zeros(half, x.dtype)
    for index in itertools.product(*map(range, half)):
        out[index] = x[index + index]
    return out


def _matrix_diag_ref(d):
    n = d.shape[-1]
    out = np.zeros(d.shape + (n,), d.dtype)
    for i in range(n):
        out[..., i, i] = d[..., i]
    return out


def _matrix_diag_part_ref(x):
    n = min(x.shape[-2:])
    return np.stack([x[..., i, i] for i in range(n)], axis=-1) if n else \
        np.zeros(x.shape[:-2] + (0,), x.dtype)


def _set_diag_ref(x, d):
    out = x.copy()
    for i in range(d.shape[-1]):
        out[..., i, i] = d[..., i]
    return out


def _eye_samples(rng, dtype, info):
    cases = [{"num_rows": 3}, {"num_rows": 2, "num_columns": 4}, {"num_rows": 3, "num_columns": 1},
             {"num_rows": 2, "batch_shape": [2]}, {"num_rows": 0}]
    return [Sample((), {**kw, "dtype": dtype}, note=str(kw)) for kw in cases]


def _eye_ref(num_rows, num_columns=None, batch_shape=(), dtype="float32"):
    return np.broadcast_to(np.eye(num_rows, num_columns, dtype=dtype),
                           tuple(batch_shape) + (num_rows, num_columns or num_rows)).copy()


def _trace_ref(x):
    return _matrix_diag_part_ref(x).sum(axis=-1)


RECORDS = [
    OpInfo("diag", diag_ops.diag, _diag_ref, types=("Diag",), grad=2,
           samples=_shapes(((3,),), ((2, 3),), ((1,),)), dtypes=("float32", "float64", "int32")),
    OpInfo("diag_part", diag_ops.diag_part, _diag_part_ref, types=("DiagPart",), grad=2,
           samples=_shapes(((3, 3),), ((2, 3, 2, 3),), ((1, 1),))),
    OpInfo("matrix_diag", diag_ops.matrix_diag, _matrix_diag_ref, types=("MatrixDiag",),
           grad=2, samples=_shapes(((3,),), ((2, 3),), ((2, 1, 2),), ((0,),))),
    OpInfo("matrix_diag_part", diag_ops.matrix_diag_part, _matrix_diag_part_ref,
           types=("MatrixDiagPart",), grad=2,
           samples=_shapes(((3, 3),), ((2, 3),), ((4, 2),), ((2, 3, 3),), ((0, 2),))),
    OpInfo("matrix_set_diag", diag_ops.matrix_set_diag, _set_diag_ref, types=("MatrixSetDiag",),
           grad=2, samples=_shapes(((3, 3), (3,)), ((2, 4), (2,)), ((2, 3, 2), (2, 2)))),
    OpInfo("eye", lambda **kw: diag_ops.eye(**kw), _eye_ref,
           types=("MatrixDiag", "MatrixSetDiag", "Fill"), samples=_eye_samples, grad=0,
           dtypes=("float32", "int32"), dynamic=False),
    OpInfo("trace", diag_ops.trace, _trace_ref, types=("MatrixDiagPart", "Sum"), grad=2,
           samples=_shapes(((3, 3),), ((2, 3),), ((2, 4, 4),))),
]
