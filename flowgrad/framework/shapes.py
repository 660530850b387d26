"""TensorShape: static shapes with unknown (None) dimensions, and static broadcasting."""

from __future__ import annotations

import operator
from collections.abc import Iterable


class Dimension:
    """One dimension of a TensorShape; `value` is an int or None when unknown."""

    __slots__ = ("value",)

    def __init__(self, value):
        self.value = None if value is None else int(value)
        if self.value is not None and self.value < 0:
            raise ValueError(f"Dimension {value} must be >= 0")

    def __int__(self) -> int:
        if self.value is None:
            raise TypeError("unknown dimension has no int value")
        return self.value

    __index__ = __int__

    def __eq__(self, other):
        other = other.value if isinstance(other, Dimension) else other
        if self.value is None or other is None:
            return None
        return self.value == other

    def __ne__(self, other):
        eq = self.__eq__(other)
        return None if eq is None else not eq

    def __hash__(self) -> int:
        return hash(self.value)

    def _combine(self, other, fn) -> Dimension:
        other = other.value if isinstance(other, Dimension) else other
        return Dimension(None if self.value is None or other is None else fn(self.value, other))

    # arithmetic on dims (TF1's), unknown if either side is: x.shape[1] * 2
    __add__ = __radd__ = lambda self, other: self._combine(other, operator.add)
    __mul__ = __rmul__ = lambda self, other: self._combine(other, operator.mul)
    __sub__ = lambda self, other: self._combine(other, operator.sub)
    __rsub__ = lambda self, other: self._combine(other, lambda a, b: b - a)
    __floordiv__ = lambda self, other: self._combine(other, operator.floordiv)
    __mod__ = lambda self, other: self._combine(other, operator.mod)

    def _compare(self, other, fn):
        other = other.value if isinstance(other, Dimension) else other
        return None if self.value is None or other is None else fn(self.value, other)

    __lt__ = lambda self, other: self._compare(other, operator.lt)
    __le__ = lambda self, other: self._compare(other, operator.le)
    __gt__ = lambda self, other: self._compare(other, operator.gt)
    __ge__ = lambda self, other: self._compare(other, operator.ge)

    def __repr__(self) -> str:
        return f"Dimension({self.value})"

    def __str__(self) -> str:
        return "?" if self.value is None else str(self.value)


def _dim_value(d):
    if isinstance(d, Dimension):
        return d.value
    if d is None:
        return None
    value = int(d)
    if value < 0:
        if value == -1:
            return None
        raise ValueError(f"dimension {d} must be >= 0 or None")
    return value


class TensorShape:
    """A static shape: unknown rank (dims None) or a tuple of ints and Nones."""

    __slots__ = ("_dims",)

    def __init__(self, dims=None):
        if isinstance(dims, TensorShape):
            dims = dims._dims
        elif dims is not None and not isinstance(dims, (list, tuple)):
            try:
                dims = tuple(dims)
            except TypeError:
                dims = (dims,)
        self._dims = None if dims is None else tuple(_dim_value(d) for d in dims)

    @property
    def dims(self):
        """The dimensions as Dimension objects, or None for unknown rank."""
        return None if self._dims is None else [Dimension(d) for d in self._dims]

    @property
    def ndims(self):
        """The rank, or None when unknown."""
        return None if self._dims is None else len(self._dims)

    rank = ndims

    def as_list(self):
        """The dims as a list of ints and Nones (raises for unknown rank)."""
        if self._dims is None:
            raise ValueError("as_list() is not defined on an unknown TensorShape.")
        return list(self._dims)

    def as_tuple(self):
        """The dims as a tuple of ints and Nones, or None for unknown rank."""
        return self._dims

    def is_fully_defined(self) -> bool:
        """True when the rank and every dim are known."""
        return self._dims is not None and None not in self._dims

    def num_elements(self):
        """The number of elements, or None if not fully defined."""
        if not self.is_fully_defined():
            return None
        n = 1
        for d in self._dims:
            n *= d
        return n

    def is_compatible_with(self, other) -> bool:
        """True if some concrete shape could match both."""
        other = as_shape(other)
        if self._dims is None or other._dims is None:
            return True
        if len(self._dims) != len(other._dims):
            return False
        return all(a is None or b is None or a == b for a, b in zip(self._dims, other._dims))

    def merge_with(self, other) -> TensorShape:
        """The most specific shape compatible with both (raises if incompatible)."""
        other = as_shape(other)
        if not self.is_compatible_with(other):
            raise ValueError(f"Shapes {self} and {other} are not compatible")
        if self._dims is None:
            return other
        if other._dims is None:
            return self
        return TensorShape([a if a is not None else b for a, b in zip(self._dims, other._dims)])

    def assert_is_compatible_with(self, other) -> None:
        """Raises ValueError unless compatible."""
        if not self.is_compatible_with(other):
            raise ValueError(f"Shapes {self} and {other} are incompatible")

    def with_rank(self, rank: int) -> TensorShape:
        """This shape, with its rank known to be `rank`."""
        if self._dims is None:
            return unknown_shape(rank)
        if len(self._dims) != rank:
            raise ValueError(f"Shape {self} must have rank {rank}")
        return self

    def concatenate(self, other) -> TensorShape:
        """The dims of self followed by those of other."""
        other = as_shape(other)
        if self._dims is None or other._dims is None:
            return TensorShape(None)
        return TensorShape(self._dims + other._dims)

    def __add__(self, other) -> TensorShape:
        return self.concatenate(other)

    def __radd__(self, other) -> TensorShape:
        return as_shape(other).concatenate(self)

    def __len__(self) -> int:
        if self._dims is None:
            raise ValueError("Cannot take the length of a shape with unknown rank.")
        return len(self._dims)

    def __iter__(self):
        if self._dims is None:
            raise ValueError("Cannot iterate over a shape with unknown rank.")
        return iter([Dimension(d) for d in self._dims])

    def __getitem__(self, key):
        if self._dims is None:
            return TensorShape(None) if isinstance(key, slice) else Dimension(None)
        if isinstance(key, slice):
            return TensorShape(self._dims[key])
        return Dimension(self._dims[key])

    def __eq__(self, other):
        try:
            other = as_shape(other)
        except (TypeError, ValueError):
            return NotImplemented
        return self._dims == other._dims

    def __ne__(self, other):
        eq = self.__eq__(other)
        return eq if eq is NotImplemented else not eq

    def __hash__(self) -> int:
        return hash(self._dims)

    def __bool__(self) -> bool:
        return self._dims is not None

    def __repr__(self) -> str:  # TF1's: TensorShape([Dimension(2), Dimension(None)])
        if self._dims is None:
            return "TensorShape(None)"
        return f"TensorShape([{', '.join(f'Dimension({d})' for d in self._dims)}])"

    def __str__(self) -> str:
        if self._dims is None:
            return "<unknown>"
        inner = ", ".join("?" if d is None else str(d) for d in self._dims)
        return f"({inner},)" if len(self._dims) == 1 else f"({inner})"


def as_shape(shape) -> TensorShape:
    """Converts a list, tuple, None or TensorShape to a TensorShape."""
    return shape if isinstance(shape, TensorShape) else TensorShape(shape)


def unknown_shape(rank=None) -> TensorShape:
    """A shape of unknown rank, or of known rank with every dim unknown."""
    return TensorShape(None if rank is None else [None] * rank)


def scalar() -> TensorShape:
    """The shape of a scalar."""
    return TensorShape(())


def broadcast_dims(a: Iterable, b: Iterable):
    """NumPy broadcasting of two dim tuples with None for unknown; None if incompatible."""
    a, b = tuple(a), tuple(b)
    n = max(len(a), len(b))
    a = (1,) * (n - len(a)) + a
    b = (1,) * (n - len(b)) + b
    out = []
    for x, y in zip(a, b):
        if x == 1:
            out.append(y)
        elif y == 1 or x == y:
            out.append(x)
        elif x is None or y is None:
            out.append(x if y is None else y)
        else:
            return None
    return tuple(out)
