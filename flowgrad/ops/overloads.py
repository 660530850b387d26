"""Python operators on Tensors and Variables: arithmetic, comparisons, logic and indexing.

`==` and `!=` keep Python identity, as in TF1: Tensors are dict keys (feed_dict relies on it)."""

from __future__ import annotations

from flowgrad.framework.graph import Tensor
from flowgrad.ops import math_ops
from flowgrad.ops.linalg_ops import matmul
from flowgrad.ops.slicing import getitem
from flowgrad.ops.variables import Variable


def _binary(fn, op_name, reflected=False):
    # TF1 names an operator's op after the operator ('add', 'mul'), not the op type
    if reflected:
        return lambda self, other: fn(other, self, name=op_name)
    return lambda self, other: fn(self, other, name=op_name)


_OPERATORS = {
    "add": math_ops.add,
    "sub": math_ops.subtract,
    "mul": math_ops.multiply,
    "truediv": math_ops.truediv,
    "floordiv": math_ops.floordiv,
    "mod": math_ops.floormod,
    "pow": math_ops.pow,
    "matmul": matmul,
    "and": math_ops.logical_and,
    "or": math_ops.logical_or,
    "xor": math_ops.logical_xor,
}


def install(cls) -> None:
    """Adds the operators to `cls` (Tensor and Variable share them)."""
    for name, fn in _OPERATORS.items():
        setattr(cls, f"__{name}__", _binary(fn, name))
        setattr(cls, f"__r{name}__", _binary(fn, name, reflected=True))
    cls.__lt__ = _binary(math_ops.less, "Less")
    cls.__le__ = _binary(math_ops.less_equal, "LessEqual")
    cls.__gt__ = _binary(math_ops.greater, "Greater")
    cls.__ge__ = _binary(math_ops.greater_equal, "GreaterEqual")
    cls.__neg__ = lambda self: math_ops.negative(self)
    cls.__abs__ = lambda self: math_ops.abs(self)
    cls.__invert__ = lambda self: math_ops.logical_not(self)
    cls.__pos__ = lambda self: self
    cls.__getitem__ = getitem
    cls.__hash__ = object.__hash__


install(Tensor)
install(Variable)
