"""Feed conversion: the table of TF1-SEMANTICS.md, with errors naming the placeholder."""

from __future__ import annotations

import reprlib

import numpy as np

from flowgrad.errors import FeedTypeError, FeedValueError
from flowgrad.framework import values


def _given(value) -> str:
    if isinstance(value, np.ndarray):
        return values.describe(value)
    text = reprlib.repr(value)  # never prints a huge list whole; survives a broken __repr__
    return f"{type(value).__name__} {text[:60]}{'...' if len(text) > 60 else ''}"


def feed_error(tensor, value, reason: str, kind=FeedValueError) -> FeedValueError:
    """An InvalidArgumentError (a ValueError too, as TF1's) naming the fed tensor, what it
    expects and what was given."""
    return kind(None, tensor.op, (
        f"Cannot feed {_given(value)} to '{tensor.name}' ({tensor.op.describe()}), which "
        f"expects {tensor.dtype.name} of shape {tensor.shape}: {reason}"))


def convert_feed(tensor, value):
    """`value` converted for `tensor` by the conversion table, its shape checked."""
    dims = tensor.shape.as_tuple()
    if type(value) is np.ndarray and value.dtype == tensor.dtype.as_numpy_dtype != np.object_:
        array = value  # fast path: already the right dtype, no copy
    else:
        if hasattr(value, "_as_graph_element"):
            raise feed_error(tensor, value, (
                "a graph element cannot be a feed value: feed NumPy arrays or Python values "
                "(run the tensor first and feed its result, or connect the tensors directly)"),
                FeedTypeError)
        try:
            array = values.convert(value, tensor.dtype)
        except values.ConversionError as e:
            raise feed_error(tensor, value, str(e)) from None
        except Exception as e:  # whatever a foreign object raises while being converted
            raise feed_error(tensor, value, f"it cannot be converted to an array "
                                            f"({type(e).__name__}: {e})") from e
    if dims is not None:
        shape = array.shape
        if len(shape) != len(dims) or any(d is not None and d != s for d, s in zip(dims, shape)):
            raise feed_error(tensor, value, f"shape {shape} does not fit {tensor.shape}")
    return array
