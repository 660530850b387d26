"""Diagonals: Diag/DiagPart (tf.diag, the book's chapter 2), the batched MatrixDiag,
MatrixDiagPart and MatrixSetDiag, and the composites tf.eye and tf.trace built on them."""

from __future__ import annotations

import math
import numbers

from flowgrad import dtypes
from flowgrad.framework.graph import name_scope
from flowgrad.framework.registry import OpDef, Spec, convert_to_tensor, register_op
from flowgrad.framework.shapes import TensorShape
from flowgrad.ops.array_ops import ones, zeros, zeros_like
from flowgrad.ops.math_ops import minimum, reduce_sum


def _dims(x, least: int, what: str) -> tuple | None:
    """x's static dims (None if its rank is unknown); ValueError below rank `least`."""
    dims = x.shape.as_tuple()
    if dims is not None and len(dims) < least:
        raise ValueError(f"{what} must have rank >= {least}, got shape {x.shape}")
    return dims


def _diagonal_length(rows, cols):
    return None if rows is None or cols is None else min(rows, cols)


@register_op
class Diag(OpDef):
    """A tensor of shape s + s holding x (shape s) on its diagonal, zeros elsewhere."""

    def infer(self, x):
        dims = _dims(x, 1, "diagonal")
        return Spec(None if dims is None else dims + dims, x.dtype)

    def forward(self, xp, x):
        return xp.diag(x.reshape(-1)).reshape(x.shape + x.shape)

    def gradient(self, op, grad):
        return [diag_part(grad)]


@register_op
class DiagPart(OpDef):
    """The diagonal of a tensor of shape s + s, of shape s (the inverse of Diag)."""

    def infer(self, x):
        dims = _dims(x, 2, "input")
        if dims is None:
            return Spec(None, x.dtype)
        half = len(dims) // 2
        first, second = TensorShape(dims[:half]), TensorShape(dims[half:])
        if len(dims) % 2 or not first.is_compatible_with(second):
            raise ValueError(f"the input's shape {x.shape} is not of the form s + s")
        return Spec(first.merge_with(second), x.dtype)

    def forward(self, xp, x):
        half = x.shape[: x.ndim // 2]
        n = math.prod(half)
        return xp.diagonal(x.reshape(n, n)).reshape(half).copy()

    def gradient(self, op, grad):
        return [diag(grad)]


@register_op
class MatrixDiag(OpDef):
    """Batched diagonal matrices: [..., N] -> [..., N, N]."""

    def infer(self, diagonal):
        dims = _dims(diagonal, 1, "diagonal")
        return Spec(None if dims is None else dims + dims[-1:], diagonal.dtype)

    def forward(self, xp, diagonal):
        n = diagonal.shape[-1]
        out = xp.zeros(diagonal.shape + (n,), diagonal.dtype)
        out[..., xp.arange(n), xp.arange(n)] = diagonal
        return out

    def gradient(self, op, grad):
        return [matrix_diag_part(grad)]


@register_op
class MatrixDiagPart(OpDef):
    """Batched main diagonals: [..., M, N] -> [..., min(M, N)]."""

    def infer(self, input):
        dims = _dims(input, 2, "input")
        if dims is None:
            return Spec(None, input.dtype)
        return Spec(dims[:-2] + (_diagonal_length(*dims[-2:]),), input.dtype)

    def forward(self, xp, input):
        return xp.diagonal(input, axis1=-2, axis2=-1).copy()

    def gradient(self, op, grad):
        (x,) = op.inputs
        dims = x.shape.as_tuple()
        if dims is not None and dims[-1] is not None and dims[-1] == dims[-2]:
            return [matrix_diag(grad)]
        return [matrix_set_diag(zeros_like(x), grad)]


@register_op
class MatrixSetDiag(OpDef):
    """`input` ([..., M, N]) with its main diagonal replaced by `diagonal` ([..., min(M, N)])."""

    def infer(self, input, diagonal):
        if input.dtype != diagonal.dtype:
            raise TypeError(f"dtypes {input.dtype.name} and {diagonal.dtype.name} differ")
        dims = _dims(input, 2, "input")
        if dims is not None:
            expected = TensorShape(dims[:-2] + (_diagonal_length(*dims[-2:]),))
            if not expected.is_compatible_with(diagonal.shape):
                raise ValueError(f"diagonal has shape {diagonal.shape}, but an input of shape "
                                 f"{input.shape} needs {expected}")
        return Spec(input.shape, input.dtype)

    def forward(self, xp, input, diagonal):
        n = diagonal.shape[-1]
        out = input.copy()
        out[..., xp.arange(n), xp.arange(n)] = diagonal
        return out

    def gradient(self, op, grad):
        return [matrix_set_diag(grad, zeros_like(op.inputs[1])), matrix_diag_part(grad)]


def diag(diagonal, name=None):
    """A tensor with `diagonal` (rank k) on its diagonal: rank 2k, zeros elsewhere (tf.diag)."""
    return Diag.apply(diagonal, name=name)


def diag_part(input, name=None):
    """The diagonal of a rank-2k tensor of shape s + s (tf.diag_part)."""
    return DiagPart.apply(input, name=name)


def matrix_diag(diagonal, name=None):
    """Batched diagonal matrices from [..., N] diagonals (tf.matrix_diag, tf.linalg.diag)."""
    return MatrixDiag.apply(diagonal, name=name)


def matrix_diag_part(input, name=None):
    """The main diagonals of a batch of matrices (tf.matrix_diag_part, tf.linalg.diag_part)."""
    return MatrixDiagPart.apply(input, name=name)


def matrix_set_diag(input, diagonal, name=None):
    """`input` with its main diagonals replaced (tf.matrix_set_diag, tf.linalg.set_diag)."""
    return MatrixSetDiag.apply(input, diagonal, name=name)


def eye(num_rows, num_columns=None, batch_shape=None, dtype=dtypes.float32, name=None):
    """The identity matrix (or a batch of them), num_rows x num_columns (tf.eye)."""
    with name_scope(name, "eye", []):
        is_square = num_columns is None
        num_columns = num_rows if is_square else num_columns
        batch = [] if batch_shape is None else list(batch_shape)
        if any(hasattr(n, "_as_graph_element") for n in (num_rows, num_columns)):
            size = minimum(num_rows, num_columns)
        elif all(isinstance(n, numbers.Integral) and not isinstance(n, bool)
                 for n in (num_rows, num_columns)):
            is_square, size = num_rows == num_columns, min(int(num_rows), int(num_columns))
        else:
            raise TypeError("num_rows and num_columns must be positive integer values.")
        diag_ones = ones([*batch, size], dtype=dtype)
        if is_square:
            return matrix_diag(diag_ones)
        return matrix_set_diag(zeros([*batch, num_rows, num_columns], dtype=dtype), diag_ones)


def trace(x, name=None):
    """The sum of the main diagonal of each matrix of x ([..., M, N] -> [...]) (tf.trace)."""
    with name_scope(name, "Trace", [x]) as scope:
        x = convert_to_tensor(x, name="x")
        return reduce_sum(matrix_diag_part(x), [-1], name=scope)
