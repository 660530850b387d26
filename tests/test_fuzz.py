"""Fuzz: random small graphs from the op library (the OpInfo records), with random and often
invalid shapes, dtypes, attributes and feeds. Every case either equals the records' TF1-faithful
references, op by op, or raises a flowgrad error (or ValueError/TypeError at build time) that
names the op, the user's line that created it and the shapes or dtypes involved. No other
exception, no hang, no wrong value. `make test` runs FUZZ_EXAMPLES cases (derandomized);
`make fuzz` more, through FLOWGRAD_FUZZ_EXAMPLES."""

from __future__ import annotations

import collections
import os
import re
import signal
import sys
import time
import warnings

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

import flowgrad as tf
from flowgrad.errors import FlowgradWarning, OpError
from flowgrad.framework.registry import REGISTRY
from flowgrad.testing.op_info import all_records

FUZZ_EXAMPLES = int(os.environ.get("FLOWGRAD_FUZZ_EXAMPLES", "4000"))
CASE_TIMEOUT_S = 5.0
RECORDS = [r for r in all_records() if r.kind == "pure" and r.ref is not None]
# ops a chain may add after the first: one tensor in (elementwise ops and reductions)
FOLLOWERS = [r for r in RECORDS if r.arity in ("unary", "reduction") and r.samples is None]
DTYPES = ("float16", "float32", "float64", "int8", "int32", "int64", "uint8", "bool")
MUTATIONS = ("dims_unknown", "rank_unknown", "reshape_arg", "scalar_arg", "arg_dtype",
             "feed_shape", "feed_dtype", "bad_feed", "attr", "chain", "chain")
# after these alone a valid sample must still build, run and match its reference
HARMLESS = {"dims_unknown", "chain"}
BAD_FEEDS = (None, "abc", [[1.0, 2.0], [3.0]], {"a": 1}, object(), {1, 2}, [None], 2.5 + 1j)
# an error names the op by its type, or by the builder the user called (truediv, boolean_mask)
BUILDERS = {name for module in (tf, tf.nn, tf.losses, tf.layers) for name in dir(module)
            if not name.startswith("_")}
OP_NAMES = re.compile(r"\b(" + "|".join(sorted(map(re.escape, set(REGISTRY) | BUILDERS),
                                               key=len, reverse=True)) + r")\b")
SHAPE_OR_DTYPE = re.compile(r"\(\)|\(\d+,|\(\?|\(\d+\)|<unknown>|\bshape\b|\brank\b|\bdimension\b|"
                            r"float|int\d|uint|bool|string")
# records whose NumPy reference is narrower than the op: flowgrad running what the reference
# refuses is not a wrong result there
REFERENCE_NARROWER = {"reduced_shape"}  # the reference iterates `axes`; the op takes 0-d too
# what a NumPy reference raises when it refuses its inputs
REFUSALS = (ValueError, TypeError, IndexError, KeyError, ArithmeticError)

FIGURES = collections.Counter()
PROBLEMS: list[str] = []


class Hang(BaseException):
    """Raised by the per-case alarm (a BaseException: no `except Exception` swallows it)."""


def _alarm(signum, frame):
    raise Hang()


class Outcome:
    """Around one case: a hang or any exception that escapes it is tallied, not raised."""

    def __init__(self, case):
        self.case = case

    def __enter__(self):
        self.old = signal.signal(signal.SIGALRM, _alarm)
        signal.setitimer(signal.ITIMER_REAL, CASE_TIMEOUT_S)
        return self

    def __exit__(self, kind, error, tb):
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, self.old)
        if kind is Hang:
            note("hang", self.case, f"over {CASE_TIMEOUT_S} s")
        elif kind is not None and issubclass(kind, Exception):
            note("foreign", self.case, f"{kind.__name__}: {error}")
        else:
            return False
        return True


def mutate_shape(rng, a):
    """`a` with one dim dropped, added or resized (sizes stay small)."""
    choice = rng.integers(3) if a.ndim else 1
    if choice == 0:
        axis = int(rng.integers(a.ndim))
        return np.take(a, 0, axis=axis) if a.shape[axis] else a.reshape(-1)
    if choice == 1:
        return np.stack([a, a], axis=int(rng.integers(a.ndim + 1)))
    axis = int(rng.integers(a.ndim))
    size = int(rng.integers(0, 4))
    idx = np.arange(size) % max(a.shape[axis], 1)
    return np.take(a, idx, axis=axis) if a.shape[axis] else np.repeat(a, size, axis)


def cast(a, dtype):
    """`a` as `dtype`, as NumPy would (values wrap or truncate: the point is a wrong dtype)."""
    with np.errstate(all="ignore"):
        return np.asarray(a).astype(dtype)


def mutate_attrs(rng, kwargs):
    """One integer attribute (an axis, a size, a list entry) replaced by a small random int."""
    keys = [k for k, v in kwargs.items() if isinstance(v, (int, list, tuple))
            and not isinstance(v, bool)]
    if not keys:
        return kwargs
    key = keys[int(rng.integers(len(keys)))]
    value, new = kwargs[key], int(rng.integers(-4, 5))
    if isinstance(value, (list, tuple)) and value and all(isinstance(v, int) for v in value):
        value = list(value)
        value[int(rng.integers(len(value)))] = new
    elif isinstance(value, int):
        value = new
    return {**kwargs, key: value}


def faithful(record, before, after) -> bool:
    """Whether the record's reference is TF1's for an arg turned from `before` to `after`: its
    own dtypes, or int32/int64 for integer args (narrow ints overflow differently in NumPy)."""
    if before == after:
        return True
    if before.name in record.dtypes:
        return after.name in record.dtypes
    return before.kind in "iu" and after.name in ("int32", "int64")


class Case:
    """One fuzz case: a record's sample, mutated, built on placeholders, run and checked."""

    def __init__(self, seed, mutations, record=None):
        self.rng = np.random.default_rng(seed)
        self.mutations = set(mutations)
        self.applied: set[str] = set()
        self.record = RECORDS[int(self.rng.integers(len(RECORDS)))] if record is None else record
        dtype = self.record.dtypes[int(self.rng.integers(len(self.record.dtypes)))]
        samples = self.record.make_samples(self.rng, dtype)
        self.sample = samples[int(self.rng.integers(len(samples)))]
        self.args = [np.asarray(a) for a in self.sample.args]
        self.kwargs = dict(self.sample.kwargs)
        self.where = (f"{self.record.name}[{dtype}] {self.sample.note} "
                      f"{sorted(self.mutations)} (seed {seed})")

    @property
    def harmless(self) -> bool:
        """Whether only harmless mutations were applied (dims_unknown where the record has it)."""
        return self.applied <= HARMLESS and (self.record.dynamic or
                                             "dims_unknown" not in self.applied)

    def prepare(self):
        """Applies the mutations; returns (placeholder (dtype, shape) specs, feed values)."""
        rng, m = self.rng, self.mutations
        i = int(rng.integers(len(self.args))) if self.args else None
        originals = [a.dtype for a in self.args]
        if i is not None:
            if "reshape_arg" in m:
                self.args[i] = mutate_shape(rng, self.args[i])
            if "scalar_arg" in m:
                flat = self.args[i].reshape(-1)
                self.args[i] = flat[0].copy() if flat.size else cast(1, flat.dtype)
            if "arg_dtype" in m:
                self.args[i] = cast(self.args[i], DTYPES[int(rng.integers(len(DTYPES)))])
            self.applied |= m & {"reshape_arg", "scalar_arg", "arg_dtype", "feed_shape",
                                 "feed_dtype", "bad_feed"}
        if "attr" in m and "key" not in self.kwargs:  # a `key` reference ignores the attrs
            self.kwargs = mutate_attrs(rng, self.kwargs)
            self.applied.add("attr")
        self.applied |= m & {"dims_unknown", "rank_unknown", "chain"}
        specs = []
        for a in self.args:
            shape = None if "rank_unknown" in m else (
                [None] * a.ndim if "dims_unknown" in m else list(a.shape))
            specs.append((tf.as_dtype(a.dtype), shape))
        feeds = list(self.args)
        if i is not None:
            if "feed_shape" in m:
                feeds[i] = mutate_shape(rng, feeds[i])
            if "feed_dtype" in m:
                feeds[i] = cast(feeds[i], DTYPES[int(rng.integers(len(DTYPES)))])
            if "bad_feed" in m:
                feeds[i] = BAD_FEEDS[int(rng.integers(len(BAD_FEEDS)))]
        self.checked = all(faithful(self.record, o, a.dtype)
                           for o, a in zip(originals, self.args))
        return specs, feeds

    def build(self, specs):
        """Placeholders and the op (and, for a chain, a second op on its first output)."""
        phs = [tf.placeholder(dtype, shape, name=f"arg{k}") for k, (dtype, shape) in
               enumerate(specs)]
        with tf.name_scope("fuzz"):
            out = self.record.op(*phs, **self.kwargs)
        outs = list(out) if isinstance(out, (list, tuple)) else [out]
        follow = None
        if "chain" in self.mutations and outs and isinstance(outs[0], tf.Tensor):
            follower = FOLLOWERS[int(self.rng.integers(len(FOLLOWERS)))]
            kwargs = follower.make_samples(self.rng, "float32")[0].kwargs
            self.where += f" -> {follower.name} {kwargs}"
            with tf.name_scope("chained"):
                follow = (follower, kwargs, follower.op(outs[0], **kwargs))
        return phs, outs, follow


def reference(record, args, kwargs):
    """The record's reference as a list of arrays."""
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ref = record.ref(*args, **kwargs)
    return [np.asarray(r) for r in ref] if isinstance(ref, (list, tuple)) else [np.asarray(ref)]


def differs(got, expected, record) -> str | None:
    """Why `got` differs from `expected` (shape, dtype, values), or None."""
    got = np.asarray(got)
    if got.shape != expected.shape:
        return f"shape {got.shape} != reference {expected.shape}"
    if got.dtype != expected.dtype:
        return f"dtype {got.dtype} != reference {expected.dtype}"
    if expected.dtype.kind in "fc":
        scale = 50.0 if expected.dtype == np.float16 else 1.0
        ok = np.allclose(got, expected, rtol=record.rtol * scale, atol=record.atol * scale,
                         equal_nan=True)
        return None if ok or _same_up_to_overflow(got, expected) else "values differ"
    return None if np.array_equal(got, expected) else "values differ"


def _same_up_to_overflow(got, expected) -> bool:
    """Equal, except where one side overflowed to inf and the other stayed near the max."""
    finite = np.isfinite(got) & np.isfinite(expected)
    big = np.finfo(expected.dtype).max / 4
    edge = ~finite & ((np.abs(np.nan_to_num(got)) > big) | (np.abs(np.nan_to_num(expected)) > big))
    return bool(np.all(finite | edge | (np.isnan(got) & np.isnan(expected))) and
                np.allclose(got[finite], expected[finite], rtol=1e-3, atol=1e-5))


def static_mismatch(tensor, value) -> str | None:
    """Why a run's value contradicts the tensor's static shape or dtype, or None."""
    value = np.asarray(value)
    if value.dtype != tensor.dtype.as_numpy_dtype:
        return f"static dtype {tensor.dtype.name}, run-time {value.dtype}"
    if not tensor.shape.is_compatible_with(value.shape):
        return f"static shape {tensor.shape}, run-time {value.shape}"
    return None


def well_formed(error) -> bool:
    """A flowgrad-made message: an op type or builder name, the user's line, shapes or dtypes."""
    text = str(error)
    return bool(OP_NAMES.search(text) and "test_fuzz.py:" in text and SHAPE_OR_DTYPE.search(text))


def note(kind, case, detail=""):
    """Tallies an outcome; problems keep a line saying how to find the case again."""
    FIGURES[kind] += 1
    if kind in ("foreign", "hang", "wrong", "vague", "valid_rejected", "accepted_bad_feed"):
        PROBLEMS.append(f"{kind}: {case.where}: {detail}"[:700])


def run_case(case):
    """Builds, runs and checks one case."""
    specs, feeds = case.prepare()
    graph = tf.Graph()
    with graph.as_default():
        try:
            phs, outs, follow = case.build(specs)
        except (ValueError, TypeError, OpError, NotImplementedError) as e:
            if case.harmless and "'chained/" not in str(e):  # a chained op may refuse its input
                return note("valid_rejected", case, f"{type(e).__name__}: {e}")
            return note("build_error" if well_formed(e) else "vague", case,
                        f"{type(e).__name__}: {e}")
        fetches = [t for t in outs if isinstance(t, tf.Tensor)]
        if follow is not None:
            fetches.append(follow[2])
        with tf.Session(graph=graph) as sess:
            try:
                got = sess.run(fetches, dict(zip(phs, feeds)))
            except OpError as e:
                if case.harmless:
                    return note("valid_rejected", case, f"{type(e).__name__}: {e}")
                named = any(f"'{p.op.name}" in str(e) for p in phs) or well_formed(e)
                return note("run_error" if named else "vague", case, f"{type(e).__name__}: {e}")
    if "bad_feed" in case.applied:
        return note("accepted_bad_feed", case, "a malformed feed was accepted")
    for t, value in zip(fetches, got):
        why = static_mismatch(t, value)
        if why:
            return note("wrong", case, f"{t.name}: {why}")
    check_values(case, phs, feeds, outs, follow, got)


def check_values(case, phs, feeds, outs, follow, got):
    """Each op's result against its record's reference on the values the run gave it."""
    if not case.checked:  # the reference is NumPy's, not TF1's, for such dtypes
        return note("static_checked", case)
    fed = [np.asarray(v).astype(p.dtype.as_numpy_dtype) for v, p in zip(feeds, phs)]
    try:
        expected = reference(case.record, fed, case.kwargs)
    except REFUSALS as e:  # the reference refuses: flowgrad must have refused too
        if case.record.name in REFERENCE_NARROWER:
            return note("static_checked", case)
        return note("wrong", case, f"flowgrad ran, the reference refused: {type(e).__name__}: {e}")
    if len(expected) != len(outs):
        return note("wrong", case, f"{len(outs)} outputs, reference {len(expected)}")
    for g, e in zip(got, expected):
        why = differs(g, e, case.record)
        if why:
            return note("wrong", case, f"{why}: got {np.asarray(g)!r:.200}, expected {e!r:.200}")
    if follow is not None:
        follower, kwargs, _ = follow
        try:
            e = reference(follower, [np.asarray(got[0])], kwargs)[0]
        except REFUSALS as err:  # the follower's reference refuses what flowgrad ran
            return note("wrong", case, f"chained op ran, its reference refused: {err}")
        why = differs(got[-1], e, follower)
        if why:
            return note("wrong", case, f"chained op: {why}")
    note("equal", case)


@settings(max_examples=FUZZ_EXAMPLES, deadline=None, database=None)
@given(seed=st.integers(0, 2**32 - 1),
       mutations=st.lists(st.sampled_from(MUTATIONS), max_size=2))
def fuzz_case(seed, mutations):
    """One hypothesis example: a case run under an alarm, its outcome tallied."""
    case = Case(seed, mutations)
    started = time.perf_counter()
    with Outcome(case), warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore", FlowgradWarning)
        warnings.simplefilter("ignore", RuntimeWarning)
        run_case(case)
    FIGURES["cases"] += 1
    FIGURES["slowest_ms"] = max(FIGURES["slowest_ms"],
                                int(1000 * (time.perf_counter() - started)))


def test_fuzz(capsys):
    FIGURES.clear()
    PROBLEMS.clear()
    started = time.perf_counter()
    fuzz_case()
    f = FIGURES
    with capsys.disabled():
        print(f"\nfuzz: {f['cases']} cases over {len(RECORDS)} op records in "
              f"{time.perf_counter() - started:.0f} s: {f['equal']} equal to the reference, "
              f"{f['static_checked']} run with dtypes the reference does not model (static "
              f"shape and dtype checked), {f['build_error']} build errors and {f['run_error']} "
              f"run errors naming op and shapes; {f['foreign']} foreign exceptions, "
              f"{f['hang']} hangs, {f['wrong']} wrong results, {f['vague']} vague errors, "
              f"{f['valid_rejected']} valid cases rejected, {f['accepted_bad_feed']} malformed "
              f"feeds accepted (slowest case {f['slowest_ms']} ms)")
    assert f["cases"] >= FUZZ_EXAMPLES
    assert not PROBLEMS, "\n".join(PROBLEMS[:40])


def test_the_harness_sees_wrong_values_and_hangs(monkeypatch):
    from flowgrad.ops import math_ops

    negative = next(r for r in RECORDS if r.name == "negative")
    monkeypatch.setattr(math_ops.Neg, "forward", lambda self, xp, x: x)  # a wrong kernel
    FIGURES.clear()
    for seed in range(10):
        run_case(Case(seed, [], negative))
    assert FIGURES["wrong"] == sum(FIGURES.values()) - FIGURES["equal"] >= 8  # 0-d/size-0 equal

    def stuck(self, xp, x):
        time.sleep(2)
        return -x

    monkeypatch.setattr(math_ops.Neg, "forward", stuck)
    monkeypatch.setattr(sys.modules[__name__], "CASE_TIMEOUT_S", 0.2)
    FIGURES.clear()
    with Outcome(Case(0, [], negative)) as outcome:
        run_case(outcome.case)
    assert FIGURES["hang"] == 1
    PROBLEMS.clear()
