"""Python and NumPy values to arrays: TF1's dtype inference, and flowgrad's safe conversion
table (shared by feeds and constants; see TF1-SEMANTICS.md, "Feeds")."""

from __future__ import annotations

import numbers
import sys

import numpy as np

from flowgrad import dtypes

_INT32 = np.iinfo(np.int32)


class ConversionError(TypeError):
    """A value that cannot be converted to the requested dtype without loss."""


def infer_dtype(value) -> dtypes.DType:
    """TF1's dtype for a Python/NumPy value: float→float32, int→int32 (int64 if large)."""
    if isinstance(value, (np.ndarray, np.generic)):
        return dtypes.as_dtype(value.dtype)
    array = to_array(value)
    if array.dtype.kind == "f":
        return dtypes.float32
    if array.dtype.kind in "iu":
        if array.size and (array.min() < _INT32.min or array.max() > _INT32.max):
            return dtypes.int64
        return dtypes.int32
    return dtypes.as_dtype(array.dtype)


def to_array(value) -> np.ndarray:
    """np.asarray for well-formed values; refuses ragged lists, None, dicts, sets, objects."""
    if isinstance(value, np.ndarray):
        if value.dtype.kind != "O":
            return value
        value = value.tolist()  # an object array is as safe as the list it holds
    if value is None or isinstance(value, (dict, set, frozenset)):
        raise ConversionError(f"a {type(value).__name__} is not an array value")
    try:
        array = np.asarray(value)
    except ValueError as e:
        raise ConversionError(f"a ragged or malformed nested list ({e})") from None
    if array.dtype.kind == "O":
        if all(isinstance(v, numbers.Integral) for v in array.reshape(-1)):
            raise ConversionError(f"{value!r} holds integers outside int64's range")
        raise ConversionError(f"a {type(value).__name__} of Python objects is not an array value")
    return array


def describe(array: np.ndarray) -> str:
    """'a float32 array of shape (2, 3)', for messages."""
    article = "an" if array.dtype.name[0] in "io" else "a"  # an int32, a uint8
    return f"{article} {array.dtype.name} array of shape {array.shape}"


def convert(value, dtype: dtypes.DType) -> np.ndarray:
    """`value` as an array of `dtype`, by the conversion table; raises ConversionError."""
    target = np.dtype(dtype.as_numpy_dtype)
    if dtype is dtypes.string:
        # np.asarray(b"...") would strip trailing NUL bytes (serialized protobufs end in them)
        array = to_array(value) if not isinstance(value, (str, bytes)) else np.array(value, object)
        if array.dtype.kind not in "USO" and array.size:  # an empty list has no dtype to refuse
            raise ConversionError(f"{describe(array)} is not a string value")
        # TF1 holds strings as bytes: str is stored UTF-8 encoded, and fetched as bytes
        items = [v.encode() if isinstance(v, str) else v for v in array.reshape(-1).tolist()]
        return np.array(items + [None], object)[:-1].reshape(array.shape)
    if isinstance(value, np.ndarray) and value.dtype == target:
        return value
    if isinstance(value, (str, bytes, bytearray, memoryview)):
        raise ConversionError(f"the string {value!r} is not a {dtype.name} value")
    if np.ma.isMaskedArray(value) and np.ma.is_masked(value):
        raise ConversionError("a masked array with masked entries would feed the values under "
                              "the mask: fill them first (value.filled(...))")
    if isinstance(value, numbers.Complex) and not isinstance(value, numbers.Real):
        raise ConversionError(f"the complex value {value!r} would lose its imaginary part")
    array = to_array(value)
    if array.size == 0 and array.dtype.kind in "biuf":  # `[]` holds no value to lose
        return array.astype(target)
    kind, want = array.dtype.kind, target.kind
    if kind in "US":
        raise ConversionError(f"{describe(array)} of strings is not numeric")
    if kind not in "biufc":
        raise ConversionError(f"{describe(array)} is not numeric")
    if kind == "c":
        raise ConversionError(f"{describe(array)} would lose its imaginary part")
    if (kind == "b") != (want == "b"):
        raise ConversionError(f"{describe(array)} cannot become {dtype.name}: bool and "
                              "numbers do not convert implicitly (use tf.cast)")
    if want == "f":
        with np.errstate(over="ignore", invalid="ignore"):
            out = array.astype(target)
        if kind == "f" and np.any(np.isinf(out) & np.isfinite(array)):
            raise ConversionError(f"{describe(array)} has finite values that overflow {dtype.name}")
        return out
    if want in "iu":
        if kind == "f":
            with np.errstate(invalid="ignore"):
                integral = np.all(np.isfinite(array)) and np.all(array == np.floor(array))
            if not integral:
                raise ConversionError(
                    f"{describe(array)} has non-integral or non-finite values: "
                    f"{dtype.name} would silently drop them (round or cast explicitly)")
        if array.size:
            info = np.iinfo(target)
            low, high = array.min().item(), array.max().item()  # exact Python comparisons
            if low < info.min or high > info.max:
                raise ConversionError(
                    f"{describe(array)} has values in [{low}, {high}], outside "
                    f"{dtype.name}'s range [{info.min}, {info.max}]")
    return array.astype(target)


def _item(v) -> str:
    if isinstance(v, (bytes, np.bytes_)):
        return v.decode(errors="replace")
    if isinstance(v, (bool, np.bool_)):
        return str(int(v))  # TF prints bools as 1 and 0
    if isinstance(v, (float, np.floating)):
        # TF's StrCat: 6 (15) significant digits, 9 (17) when that does not read back exactly
        single = isinstance(v, (np.float32, np.float16))
        v = np.float32(v) if single else float(v)
        text = f"{v:.{6 if single else 15}g}"
        return text if type(v)(text) == v or np.isnan(v) else f"{v:.{9 if single else 17}g}"
    return str(v)


def format_value(value, summarize: int = 3) -> str:
    """tf.print's text for a value: nested brackets, `summarize` entries kept at each end of a
    longer dimension ('[1 2 3 ... 8 9 10]'), all of them when summarize is -1."""
    array = np.asarray(value)
    if array.ndim == 0:
        return _item(array[()])
    threshold = sys.maxsize if summarize < 0 else 2 * summarize
    return np.array2string(array, separator=" ", threshold=threshold, edgeitems=max(summarize, 1),
                           formatter={"all": _item}, max_line_width=sys.maxsize)


def format_flat(value, first: int) -> str:
    """tf.Print's text for a value: its first `first` entries in nested brackets, as TF1's
    SummarizeValue writes them ('[[1 2][3...]...]' for 2x2 with first=3)."""
    array = np.asarray(value)
    limit = array.size if first < 0 else min(first, array.size)
    if array.ndim == 0:
        text = " ".join(_item(v) for v in array.reshape(-1)[:limit])
    else:
        text = _nest(array, limit, [0], top=True)
    return f"[{text}{'...' if array.size > limit else ''}]"


def _nest(array, limit: int, done: list, top: bool = False) -> str:
    """TF1's PrintOneDim: the entries of `array` until `limit`; done[0] counts those printed."""
    if array.ndim == 1:
        n = min(len(array), limit - done[0])
        done[0] += n
        cut = "..." if n < len(array) and not top else ""
        return " ".join(_item(v) for v in array[:n]) + cut
    return "".join(f"[{_nest(sub, limit, done)}]" for sub in array if done[0] < limit)
