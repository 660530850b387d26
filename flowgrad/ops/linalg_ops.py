"""Matrix products: MatMul (rank 2), BatchMatMulV2 (batched, broadcasting), tensordot."""

from __future__ import annotations

import math

from flowgrad.framework.graph import located, name_scope
from flowgrad.framework.registry import OpDef, Spec, convert_to_tensor, register_op
from flowgrad.framework.shapes import TensorShape, broadcast_dims
from flowgrad.ops.array_ops import reshape, shape, stack, transpose, unstack
from flowgrad.ops.math_ops import reduce_prod
from flowgrad.ops.rules import require, same_dtype


def _product_dims(a_shape, b_shape, ta, tb):
    """(rows of a, inner of a, inner of b, cols of b) after the transposes."""
    a, b = a_shape.as_tuple()[-2:], b_shape.as_tuple()[-2:]
    m, ka = (a[1], a[0]) if ta else a
    kb, n = (b[1], b[0]) if tb else b
    if ka is not None and kb is not None and ka != kb:
        raise ValueError(f"inner dimensions differ: a has shape {a_shape}"
                         f"{' (transposed)' if ta else ''}, b has shape {b_shape}"
                         f"{' (transposed)' if tb else ''}")
    return m, n


@register_op
class MatMul(OpDef):
    """a @ b for matrices, with optional transposes."""

    def infer(self, a, b, *, transpose_a, transpose_b):
        require(same_dtype(a, b), "numeric", "inputs")
        for name, t in (("a", a), ("b", b)):
            if t.shape.ndims is not None and t.shape.ndims != 2:
                raise ValueError(f"{name} must be a matrix (rank 2), got shape {t.shape}")
        if a.shape.ndims is None or b.shape.ndims is None:
            return Spec([None, None], a.dtype)
        return Spec(_product_dims(a.shape, b.shape, transpose_a, transpose_b), a.dtype)

    def compile(self, op, ctx):
        # for matrices dot is matmul, without matmul's gufunc dispatch (0.7 us vs 1.8 us small)
        ta, tb, matmul = op.attrs["transpose_a"], op.attrs["transpose_b"], ctx.xp.dot
        if not ta and not tb:
            return matmul
        return lambda a, b: matmul(a.T if ta else a, b.T if tb else b)

    def forward(self, xp, a, b, *, transpose_a, transpose_b):
        return xp.matmul(a.T if transpose_a else a, b.T if transpose_b else b)

    def gradient(self, op, grad):
        a, b = op.inputs
        return _matmul_gradient(a, b, grad, op.attrs["transpose_a"], op.attrs["transpose_b"])


@register_op
class BatchMatMulV2(OpDef):
    """Batched a @ b over the last two dims; batch dims broadcast."""

    broadcasts = True

    def infer(self, x, y, *, adj_x, adj_y):
        require(same_dtype(x, y), "numeric", "inputs")
        for name, t in (("x", x), ("y", y)):
            if t.shape.ndims is not None and t.shape.ndims < 2:
                raise ValueError(f"{name} must have rank >= 2, got shape {t.shape}")
        if x.shape.ndims is None or y.shape.ndims is None:
            return Spec(None, x.dtype)
        m, n = _product_dims(x.shape, y.shape, adj_x, adj_y)
        batch = broadcast_dims(x.shape.as_tuple()[:-2], y.shape.as_tuple()[:-2])
        if batch is None:
            raise ValueError(f"batch dimensions of {x.shape} and {y.shape} do not broadcast")
        return Spec(TensorShape(batch + (m, n)), x.dtype)

    def forward(self, xp, x, y, *, adj_x, adj_y):
        return xp.matmul(xp.swapaxes(x, -1, -2) if adj_x else x,
                         xp.swapaxes(y, -1, -2) if adj_y else y)

    def gradient(self, op, grad):
        x, y = op.inputs
        return _matmul_gradient(x, y, grad, op.attrs["adj_x"], op.attrs["adj_y"])


def _matmul_gradient(a, b, grad, ta, tb):
    """[da, db] for a product of a and b, each transposed when ta / tb (TF1's _MatMulGrad;
    for real dtypes an adjoint is a transpose, so BatchMatMulV2 shares it)."""
    if not ta and not tb:
        return [matmul(grad, b, transpose_b=True), matmul(a, grad, transpose_a=True)]
    if not ta and tb:
        return [matmul(grad, b), matmul(grad, a, transpose_a=True)]
    if ta and not tb:
        return [matmul(b, grad, transpose_b=True), matmul(a, grad)]
    return [matmul(b, grad, transpose_a=True, transpose_b=True),
            matmul(grad, a, transpose_a=True, transpose_b=True)]


def matmul(a, b, transpose_a=False, transpose_b=False, adjoint_a=False, adjoint_b=False,
           a_is_sparse=False, b_is_sparse=False, name=None):
    """Matrix product a @ b; rank > 2 (or unknown) gives a batched BatchMatMulV2, still named
    'MatMul' as in TF1. The sparse hints change nothing here."""
    if transpose_a and adjoint_a:
        raise ValueError("Only one of transpose_a and adjoint_a can be True.")
    if transpose_b and adjoint_b:
        raise ValueError("Only one of transpose_b and adjoint_b can be True.")
    ta, tb = transpose_a or adjoint_a, transpose_b or adjoint_b
    with name_scope(name, "MatMul", [a, b]) as scope:
        a, b = convert_to_tensor(a, name="a"), convert_to_tensor(b, name="b")
        ranks = (a.shape.ndims, b.shape.ndims)
        if None not in ranks and max(ranks) <= 2:
            return MatMul.apply(a, b, transpose_a=ta, transpose_b=tb, name=scope)
        return BatchMatMulV2.apply(a, b, adj_x=ta, adj_y=tb, name=scope)


def _tensordot_axes(a, b, axes):
    """(a's contracted axes, b's), non-negative, from an int or a pair of axis lists."""
    ra, rb = a.shape.ndims, b.shape.ndims
    if ra is None or rb is None:
        raise ValueError(f"tensordot needs inputs of known rank, got {a.shape} and {b.shape}")
    if isinstance(axes, int):
        if not 0 <= axes <= min(ra, rb):
            raise ValueError(f"'axes' must be in [0, {min(ra, rb)}] for shapes {a.shape} and "
                             f"{b.shape}, got {axes}")
        return list(range(ra - axes, ra)), list(range(axes))
    if not isinstance(axes, (list, tuple)) or len(axes) != 2:
        raise ValueError(f"'axes' must be an integer or have length 2, got {axes!r}")
    a_axes, b_axes = ([x] if isinstance(x, int) else list(x) for x in axes)
    if len(a_axes) != len(b_axes):
        raise ValueError(f"Different number of contraction axes 'a' and 'b', "
                         f"{len(a_axes)} != {len(b_axes)}")
    for which, listed, rank in (("a", a_axes, ra), ("b", b_axes, rb)):
        if any(not -rank <= i < rank for i in listed) or len(set(listed)) != len(listed):
            raise ValueError(f"axes {listed} of {which} are out of range or repeated for rank "
                             f"{rank}")
    a_axes, b_axes = [i % ra for i in a_axes], [i % rb for i in b_axes]
    for i, j in zip(a_axes, b_axes):
        da, db = a.shape.as_tuple()[i], b.shape.as_tuple()[j]
        if da is not None and db is not None and da != db:
            raise ValueError(f"tensordot: dimension {i} of a (shape {a.shape}) and dimension {j} "
                             f"of b (shape {b.shape}) differ")
    return a_axes, b_axes


def _product(dims):
    """The product of dims given as ints or int32 scalar tensors."""
    if all(isinstance(d, int) for d in dims):
        return math.prod(dims)
    return reduce_prod(stack(dims))


def _as_matrix(t, axes, free_first):
    """t transposed and reshaped to (free, contracted) or (contracted, free); its free dims."""
    n = t.shape.ndims
    free = [i for i in range(n) if i not in axes]
    static = t.shape.as_tuple()
    runtime = unstack(shape(t), num=n) if None in static else None
    dims = [static[i] if static[i] is not None else runtime[i] for i in range(n)]
    perm = free + axes if free_first else axes + free
    if perm != list(range(n)):
        t = transpose(t, perm)
    rows, cols = _product([dims[i] for i in free]), _product([dims[i] for i in axes])
    if isinstance(rows, int) != isinstance(cols, int):
        rows, cols = (-1, cols) if isinstance(cols, int) else (rows, -1)
    return reshape(t, [rows, cols] if free_first else [cols, rows]), [dims[i] for i in free]


def tensordot(a, b, axes, name=None):
    """Sums the products of a's and b's elements over the given axes: an int N contracts a's
    last N dims with b's first N; a pair of lists names the axes of each."""
    with name_scope(name, "Tensordot", [a, b]) as scope:
        a, b = convert_to_tensor(a, name="a"), convert_to_tensor(b, name="b")
        a_axes, b_axes = _tensordot_axes(a, b, axes)
        a_matrix, a_free = _as_matrix(a, a_axes, free_first=True)
        b_matrix, b_free = _as_matrix(b, b_axes, free_first=False)
        out = reshape(matmul(a_matrix, b_matrix), a_free + b_free, name=scope)
        out.set_shape([d if isinstance(d, int) else None for d in a_free + b_free])
        return out


def matrix_transpose(a, name="matrix_transpose", conjugate=False):
    """Transposes the last two dimensions of `a` (rank >= 2)."""
    a = convert_to_tensor(a)
    with (name_scope(name, "matrix_transpose", [a]) as scope,
          located("matrix_transpose", [a], scope)):
        rank = a.shape.ndims
        if rank is None or rank < 2:
            raise ValueError(f"a needs a known rank >= 2, got shape {a.shape}")
        return transpose(a, list(range(rank - 2)) + [rank - 1, rank - 2], name=scope)
