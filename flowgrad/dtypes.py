"""Data types: TF1's DType objects and their NumPy equivalents."""

from __future__ import annotations

import builtins

import numpy as np


class DType:
    """A tensor element type, named as TensorFlow 1 names it."""

    __slots__ = ("_np", "as_datatype_enum", "as_numpy_dtype", "name")

    def __init__(self, name: str, np_type, enum: int):
        self.name = name
        self.as_numpy_dtype = np_type
        self.as_datatype_enum = enum
        self._np = np.dtype(np_type)

    @property
    def base_dtype(self) -> DType:
        """The dtype itself (flowgrad has no reference dtypes)."""
        return self

    @property
    def is_floating(self) -> bool:
        """True for float16/32/64."""
        return self._np.kind == "f"

    @property
    def is_integer(self) -> bool:
        """True for signed and unsigned integers."""
        return self._np.kind in "iu"

    @property
    def is_unsigned(self) -> bool:
        """True for unsigned integers."""
        return self._np.kind == "u"

    @property
    def is_bool(self) -> bool:
        """True for bool."""
        return self._np.kind == "b"

    @property
    def is_numeric(self) -> bool:
        """True for integer and floating types."""
        return self._np.kind in "iuf"

    @property
    def min(self):
        """The smallest representable value."""
        return np.finfo(self._np).min if self.is_floating else np.iinfo(self._np).min

    @property
    def max(self):
        """The largest representable value."""
        return np.finfo(self._np).max if self.is_floating else np.iinfo(self._np).max

    @property
    def size(self) -> int:
        """Bytes per element."""
        return self._np.itemsize

    def is_compatible_with(self, other) -> bool:
        """True if `other` names the same dtype."""
        return self == as_dtype(other)

    def __eq__(self, other) -> bool:
        if other is None:
            return False
        try:
            return self is as_dtype(other)
        except TypeError:
            return False

    def __ne__(self, other) -> bool:
        return not self.__eq__(other)

    def __hash__(self) -> int:
        return hash(self.name)

    def __repr__(self) -> str:
        return f"tf.{self.name}"

    def __str__(self) -> str:
        return f"<dtype: '{self.name}'>"  # TF1's print(x.dtype)

    def __reduce__(self):
        return as_dtype, (self.name,)


float16 = half = DType("float16", np.float16, 19)
float32 = DType("float32", np.float32, 1)
float64 = double = DType("float64", np.float64, 2)
int8 = DType("int8", np.int8, 6)
int16 = DType("int16", np.int16, 5)
int32 = DType("int32", np.int32, 3)
int64 = DType("int64", np.int64, 9)
uint8 = DType("uint8", np.uint8, 4)
uint16 = DType("uint16", np.uint16, 17)
bool = DType("bool", np.bool_, 10)  # shadows the builtin on purpose: TF1's public name
string = DType("string", np.object_, 7)

ALL = (float16, float32, float64, int8, int16, int32, int64, uint8, uint16, bool, string)
_BY_NAME = {d.name: d for d in ALL}
_BY_NAME.update(half=float16, float=float32, double=float64)
_BY_NUMPY = {np.dtype(d.as_numpy_dtype): d for d in ALL}
_BY_NUMPY[np.dtype(np.str_)] = string
_BY_NUMPY[np.dtype(np.bytes_)] = string
_BY_ENUM = {d.as_datatype_enum: d for d in ALL}
# As TF1: float is float32, but the type `int` goes through NumPy (int64); only Python *values*
# default to int32 (see flowgrad.framework.values).
_PYTHON_TYPES = {float: float32, builtins.bool: bool, str: string, bytes: string}


def as_dtype(type_value) -> DType:
    """Converts a DType, NumPy dtype, Python type, name or enum to a DType."""
    if isinstance(type_value, DType):
        return type_value
    if isinstance(type_value, str):
        # only TF1's names: NumPy's spellings ('float' is float64 there, 'f4', 'long') are not
        if type_value in _BY_NAME:
            return _BY_NAME[type_value]
        raise TypeError(f"Cannot convert {type_value!r} to a flowgrad DType")
    elif isinstance(type_value, int) and not isinstance(type_value, type):
        if type_value in _BY_ENUM:
            return _BY_ENUM[type_value]
    elif type_value in _PYTHON_TYPES:
        return _PYTHON_TYPES[type_value]
    try:
        np_dtype = np.dtype(type_value)
    except TypeError:
        np_dtype = None
    if np_dtype is not None:
        if np_dtype.kind in "US":
            return string
        if np_dtype in _BY_NUMPY:
            return _BY_NUMPY[np_dtype]
    raise TypeError(f"Cannot convert {type_value!r} to a flowgrad DType")
