"""Records of tf.nn.top_k and tf.nn.in_top_k. References rank each row with Python's sort
(stable, so of equal values the lower index comes first, as in TF1)."""

from __future__ import annotations

import numpy as np

from flowgrad.ops import sort_ops
from flowgrad.testing.op_info import OpInfo, Sample


def _top_k_samples(rng, dtype, info):
    cases = [((5,), 2), ((3, 4), 1), ((2, 3, 4), 4), ((3, 4), 0), ((0, 3), 2)]
    out = [Sample((rng.permutation(int(np.prod(s))).reshape(s).astype(dtype) / 3,), {"k": k},
                  note=f"{s} k={k}") for s, k in cases]
    if np.dtype(dtype).kind == "i":
        out.append(Sample((np.array([[2, 7, 7, 1, 7]], dtype),), {"k": 3}, note="ties"))
    return out


def _top_k_ref(x, k=1):
    order = np.array([sorted(range(x.shape[-1]), key=lambda i, r=row: -r[i])[:k]
                      for row in x.reshape(-1, x.shape[-1])], dtype=np.int32)
    order = order.reshape(x.shape[:-1] + (k,))
    return np.take_along_axis(x, order.astype(np.int64), -1), order


def _in_top_k_samples(rng, dtype, info):
    predictions = np.array([[0.1, 0.7, 0.2], [0.5, 0.5, 0.0], [0.3, np.nan, 0.3],
                            [0.2, 0.1, 0.7]], dtype)
    return [Sample((predictions, np.array(t, np.int32)), {"k": k}, note=f"{t} k={k}")
            for t, k in [([1, 1, 2, 0], 1), ([0, 2, 1, 3], 2), ([2, 2, 0, -1], 3)]]


def _in_top_k_ref(predictions, targets, k):
    out = []
    for row, t in zip(predictions, targets):
        valid = 0 <= t < len(row) and np.isfinite(row[t])
        out.append(bool(valid and sum(p > row[t] for p in row) < k))
    return np.array(out)


RECORDS = [
    OpInfo("top_k", lambda x, k: list(sort_ops.top_k(x, k)), _top_k_ref, types=("TopKV2",),
           samples=_top_k_samples, grad=2, grad_inputs=(0,),
           dtypes=("float32", "float64", "int32")),
    OpInfo("in_top_k", sort_ops.in_top_k, _in_top_k_ref, types=("InTopKV2",),
           samples=_in_top_k_samples, grad=0, dtypes=("float32",)),
]
