"""Matrix products: MatMul (rank 2), BatchMatMulV2 (batched, broadcasting), tensordot."""

from __future__ import annotations

from flowgrad.framework.registry import OpDef, Spec, convert_to_tensor, register_op
from flowgrad.framework.shapes import TensorShape, broadcast_dims
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
        ta, tb, matmul = op.attrs["transpose_a"], op.attrs["transpose_b"], ctx.xp.matmul
        if not ta and not tb:
            return matmul
        return lambda a, b: matmul(a.T if ta else a, b.T if tb else b)

    def forward(self, xp, a, b, *, transpose_a, transpose_b):
        return xp.matmul(a.T if transpose_a else a, b.T if transpose_b else b)

    def gradient(self, op, grad):
        a, b = op.inputs
        ta, tb = op.attrs["transpose_a"], op.attrs["transpose_b"]
        if not ta and not tb:
            return [matmul(grad, b, transpose_b=True), matmul(a, grad, transpose_a=True)]
        if not ta and tb:
            return [matmul(grad, b), matmul(grad, a, transpose_a=True)]
        if ta and not tb:
            return [matmul(b, grad, transpose_b=True), matmul(a, grad)]
        return [matmul(b, grad, transpose_a=True, transpose_b=True),
                matmul(grad, a, transpose_a=True, transpose_b=True)]


@register_op
class BatchMatMulV2(OpDef):
    """Batched a @ b over the last two dims; batch dims broadcast."""

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
        ax, ay = op.attrs["adj_x"], op.attrs["adj_y"]
        if not ax and not ay:
            return [matmul(grad, y, adjoint_b=True), matmul(x, grad, adjoint_a=True)]
        if not ax and ay:
            return [matmul(grad, y), matmul(grad, x, adjoint_a=True)]
        if ax and not ay:
            return [matmul(y, grad, adjoint_b=True), matmul(x, grad)]
        return [matmul(y, grad, adjoint_a=True, adjoint_b=True),
                matmul(grad, x, adjoint_a=True, adjoint_b=True)]


def matmul(a, b, transpose_a=False, transpose_b=False, adjoint_a=False, adjoint_b=False,
           a_is_sparse=False, b_is_sparse=False, name=None):
    """Matrix product a @ b (batched when rank > 2); both must have rank >= 2."""
    a, b = convert_to_tensor(a), convert_to_tensor(b)
    ta, tb = transpose_a or adjoint_a, transpose_b or adjoint_b
    if a.shape.ndims == 2 and b.shape.ndims == 2:
        return MatMul.apply(a, b, transpose_a=ta, transpose_b=tb, name=name)
    if a.shape.ndims is None or b.shape.ndims is None or a.shape.ndims < 2 or b.shape.ndims < 2:
        if a.shape.ndims is not None and b.shape.ndims is not None:
            return MatMul.apply(a, b, transpose_a=ta, transpose_b=tb, name=name)
    return BatchMatMulV2.apply(a, b, adj_x=ta, adj_y=tb, name=name)
