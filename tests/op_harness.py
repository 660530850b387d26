"""Shared machinery of the generic op suites: build a record's op on placeholders, run it,
and differentiate it numerically."""

from __future__ import annotations

import numpy as np

import flowgrad as tf
from flowgrad.testing.op_info import all_records

RECORDS = all_records()
PURE = [r for r in RECORDS if r.kind == "pure"]


def _backends() -> list[str]:
    """NumPy always; CuPy too where it imports and sees a GPU."""
    try:
        import cupy

        cupy.cuda.runtime.getDeviceCount()
    except (ImportError, RuntimeError):  # no CuPy, or no usable GPU
        return ["numpy"]
    return ["numpy", "cupy"]


BACKENDS = _backends()


def build(record, sample, dtype_shapes="static"):
    """(graph, placeholders, outputs) for one sample; outputs is a list of tensors."""
    graph = tf.Graph()
    with graph.as_default():
        phs = []
        for i, a in enumerate(sample.args):
            a = np.asarray(a)
            shape = a.shape if dtype_shapes == "static" else [None] * a.ndim
            phs.append(tf.placeholder(tf.as_dtype(a.dtype), shape, name=f"arg{i}"))
        out = record.op(*phs, **sample.kwargs)
    outputs = list(out) if isinstance(out, (list, tuple)) else [out]
    return graph, phs, outputs


def reference(record, sample):
    """The reference result as a list of arrays."""
    ref = record.ref(*[np.asarray(a) for a in sample.args], **sample.kwargs)
    return [np.asarray(r) for r in ref] if isinstance(ref, (list, tuple)) else [np.asarray(ref)]


def float_args(record, sample):
    """Indices of the args that are differentiated."""
    if record.grad_inputs is not None:
        return list(record.grad_inputs)
    return [i for i, a in enumerate(sample.args) if np.asarray(a).dtype.kind == "f"]


def ids(records):
    """Readable test ids."""
    return [r.name for r in records]
