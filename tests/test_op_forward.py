"""Every pure op against its TF1-faithful NumPy reference: values, dtypes, and the static shape
rule against the runtime shape, on scalars, broadcasting pairs, size-0 dims and axis variants."""

import numpy as np
import pytest
from op_harness import BACKENDS, PURE, build, ids, reference

import flowgrad as tf


def _check(record, dtype, shapes, backend="numpy"):
    rng = np.random.default_rng(0)
    for sample in record.make_samples(rng, dtype):
        graph, phs, outputs = build(record, sample, shapes)
        expected = reference(record, sample)
        assert len(outputs) == len(expected), f"{record.name} {sample.note}: output count"
        with tf.Session(graph=graph, backend_name=backend) as sess:
            got = sess.run(outputs, dict(zip(phs, sample.args)))
        for t, g, e in zip(outputs, got, expected):
            g = np.asarray(g)
            where = f"{record.name} [{dtype}] {sample.note} ({shapes} shapes, {backend})"
            assert g.shape == e.shape, f"{where}: shape {g.shape} != reference {e.shape}"
            assert g.dtype == e.dtype, f"{where}: dtype {g.dtype} != reference {e.dtype}"
            assert t.dtype == tf.as_dtype(e.dtype), f"{where}: static dtype {t.dtype}"
            assert t.shape.is_compatible_with(e.shape), f"{where}: static shape {t.shape} vs {e.shape}"
            if shapes == "static" and t.shape.ndims is None:
                pytest.fail(f"{where}: static rank unknown although input shapes are known")
            if e.dtype.kind in "fc":
                np.testing.assert_allclose(g, e, rtol=record.rtol, atol=record.atol,
                                           equal_nan=True, err_msg=where)
            else:
                np.testing.assert_array_equal(g, e, err_msg=where)


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("record", PURE, ids=ids(PURE))
def test_forward_matches_reference(record, backend):
    for dtype in record.dtypes:
        _check(record, dtype, "static", backend)


@pytest.mark.parametrize("record", [r for r in PURE if r.dynamic],
                         ids=ids([r for r in PURE if r.dynamic]))
def test_forward_with_unknown_dims(record):
    _check(record, record.dtypes[-1], "unknown")
