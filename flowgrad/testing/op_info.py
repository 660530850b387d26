"""OpInfo: one record per op (builder, TF1-faithful NumPy reference, samples, domain,
tolerance, gradient order, kind). The generic suites in tests/ run every record.

Records live by family in flowgrad/testing/records/; `ALL_RECORDS` gathers them."""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np


@dataclass
class Sample:
    """One call: arrays fed through placeholders (`args`), Python arguments in `kwargs`."""

    args: tuple
    kwargs: dict = field(default_factory=dict)
    note: str = ""


@dataclass
class OpInfo:
    """How to build, check and differentiate one op.

    op:      builder taking tensors (one per sample arg) and the sample's kwargs
    ref:     NumPy reference taking arrays and the same kwargs (TF1's behaviour, not NumPy's)
    types:   op types this record covers (the registry test requires every type covered)
    samples: samples(rng, dtype) -> list[Sample]; defaults come from `arity`
    domain:  (low, high) for generated float inputs, away from kinks and poles
    grad:    0 (not differentiable), 1, or 2 (second order checked too)
    kind:    'pure' | 'stateful' | 'random' | 'io' (non-pure records go to topic tests)
    dynamic: also feed through placeholders whose dims are all unknown (runtime-shape paths)
    """

    name: str
    op: Callable
    ref: Callable | None = None
    types: tuple = ()
    samples: Callable | None = None
    arity: str = "unary"
    domain: tuple = (-2.0, 2.0)
    dtypes: tuple = ("float32", "float64")
    rtol: float = 1e-5
    atol: float = 1e-6
    grad: int = 1
    grad_inputs: tuple | None = None  # which args are differentiated (default: float args)
    kind: str = "pure"
    int_inputs: bool = False
    dynamic: bool = True  # also run with every placeholder dim unknown (None)

    def __post_init__(self):
        if not self.types:
            self.types = (self.name,)

    def make_samples(self, rng, dtype) -> list[Sample]:
        """The samples for `dtype` (generated from `arity` unless `samples` is given)."""
        if self.samples is not None:
            return self.samples(rng, dtype, self)
        return DEFAULT_SAMPLES[self.arity](rng, dtype, self)


def uniform(rng, shape, dtype, info):
    """Random values in the record's domain, of `dtype`."""
    low, high = info.domain
    if np.dtype(dtype).kind in "iu":
        return rng.integers(int(low), int(high) + 1, size=shape).astype(dtype)
    if np.dtype(dtype).kind == "b":
        return rng.random(shape) < 0.5
    return rng.uniform(low, high, size=shape).astype(dtype)


UNARY_SHAPES = [(), (3,), (2, 3), (0, 3), (2, 1, 4)]
BINARY_SHAPES = [((), ()), ((3,), (3,)), ((2, 3), ()), ((3, 1), (1, 4)), ((2, 3), (3,)),
                 ((4,), (2, 1)), ((0, 3), (1, 3)), ((2, 0), (2, 1))]
REDUCTION_CASES = [((3, 4), {"axis": None}), ((3, 4), {"axis": 0}), ((3, 4), {"axis": 1}),
                   ((3, 4), {"axis": -1, "keepdims": True}), ((2, 3, 4), {"axis": [0, 2]}),
                   ((2, 3, 4), {"axis": (1,), "keepdims": True}), ((5,), {}), ((), {})]


def unary_samples(rng, dtype, info):
    """One input over scalar, vector, matrix, size-0 and rank-3 shapes."""
    return [Sample((uniform(rng, s, dtype, info),), note=str(s)) for s in UNARY_SHAPES]


def binary_samples(rng, dtype, info):
    """Two inputs with broadcasting pairs, scalars and size-0 dims."""
    return [Sample((uniform(rng, a, dtype, info), uniform(rng, b, dtype, info)),
                   note=f"{a} with {b}") for a, b in BINARY_SHAPES]


def reduction_samples(rng, dtype, info):
    """One input with axis/keepdims variants."""
    return [Sample((uniform(rng, s, dtype, info),), dict(kw), note=f"{s} {kw}")
            for s, kw in REDUCTION_CASES]


DEFAULT_SAMPLES = {"unary": unary_samples, "binary": binary_samples,
                   "reduction": reduction_samples}


def all_records() -> list[OpInfo]:
    """Every record of every family module under flowgrad/testing/records/."""
    from flowgrad.testing import records

    out = []
    for module in pkgutil.iter_modules(records.__path__):
        out.extend(importlib.import_module(f"{records.__name__}.{module.name}").RECORDS)
    return out
