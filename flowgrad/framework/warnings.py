"""Warnings for silent bugs, each naming the op, its scope and the user's file:line.

- BroadcastWarning: an elementwise op meets an (N,) operand and an (N, 1) operand with the same
  N > 1 and broadcasts them to (N, N) (the book's `y - y_pred`). Decided when the op is built,
  or on the first run of each plan when only the run knows the dims.
- GraphGrowthWarning: the same op types were added to the graph before each of 10 consecutive
  growing runs of a Session (ops built inside the training loop). `Graph.finalize()` turns
  that into an error.

Silence one op by building it inside `with tf.allow_broadcast():` (or
`with tf.allow_graph_growth():`), or every one with
`warnings.filterwarnings("ignore", category=tf.errors.FlowgradWarning)` (or the subclass).
"""

from __future__ import annotations

import contextlib
import threading
import warnings
import weakref
from collections import Counter

from flowgrad.errors import BroadcastWarning, GraphGrowthWarning

GROWTH_RUNS = 10

# ops built inside allow_graph_growth blocks, and ops whose mix-up only a run can decide
_QUIET_GROWTH: weakref.WeakSet = weakref.WeakSet()
UNDECIDED: weakref.WeakSet = weakref.WeakSet()


class _State(threading.local):
    """Per thread: what the op being built saw, and the open allow_* blocks."""

    pending = None  # N of a certain mix-up, or "maybe": set by the broadcast rule during infer
    allow_broadcast = 0
    allow_growth = 0


state = _State()


@contextlib.contextmanager
def allow_broadcast():
    """Ops built inside never give a BroadcastWarning (an intended (N,) with (N, 1) outer op)."""
    state.allow_broadcast += 1
    try:
        yield
    finally:
        state.allow_broadcast -= 1


@contextlib.contextmanager
def allow_graph_growth():
    """Ops built inside do not count towards a GraphGrowthWarning."""
    state.allow_growth += 1
    try:
        yield
    finally:
        state.allow_growth -= 1


def note_broadcast(a, b) -> None:
    """Called by the broadcast shape rule with two dim tuples (None: a rank unknown): flags an
    (N,) meeting an (N, 1) for the op being built."""
    if a is None:
        state.pending = "maybe"
        return
    if len(a) + len(b) != 3 or not a or not b:
        return
    (n,), (m, one) = (a, b) if len(a) == 1 else (b, a)
    if one not in (1, None) or n in (0, 1) or m in (0, 1):
        return
    if n is not None and m is not None:
        if n != m:
            return
        if one == 1:
            state.pending = n
            return
    state.pending = "maybe"


def after_create(op) -> None:
    """Registry hook, called only when the op's build flagged something or an allow_* is open."""
    pending, state.pending = state.pending, None
    if state.allow_growth:
        _QUIET_GROWTH.add(op)
    if pending is None or state.allow_broadcast:
        return
    if pending == "maybe":
        UNDECIDED.add(op)
    else:
        _warn_mixup(op, pending, [t.shape for t in op.inputs], op.outputs[0].shape, "")


def _warn_mixup(op, n, inputs, out_shape, when) -> None:
    shapes = ", ".join(str(s) for s in inputs)
    message = (
        f"{op.describe()} broadcasts{when} an operand of shape ({n},) against one of shape "
        f"({n}, 1) into a ({n}, {n}) matrix [inputs: {shapes}; output {out_shape}]: every "
        "element of one is combined with every element of the other (the row/column mix-up, "
        f"as in the book's `y - y_pred` with y ({n},) and y_pred ({n}, 1)). If you meant "
        "elementwise, "
        f"tf.squeeze the ({n}, 1) operand (or tf.reshape the ({n},) one to [-1, 1]); if the "
        f"outer op is intended, reshape the vector to (1, {n}) or build the op inside "
        "`with tf.allow_broadcast():`.")
    filename, lineno = op.site or ("<unknown>", 0)
    warnings.warn_explicit(message, BroadcastWarning, filename, lineno)


def first_run_check(op, kernel, env, name):
    """`kernel` wrapped to check the run-time shapes once, then put back into the plan's env."""

    def check(*arrays):
        env[name] = kernel
        out = kernel(*arrays)
        shapes = [tuple(getattr(a, "shape", ())) for a in arrays]
        out_shape = tuple(getattr(out, "shape", ()))
        if len(out_shape) == 2 and out_shape[0] == out_shape[1] > 1 and op in UNDECIDED:
            n = out_shape[0]
            if (n,) in shapes and (n, 1) in shapes:
                UNDECIDED.discard(op)  # once per op
                static = ", ".join(str(t.shape) for t in op.inputs)
                _warn_mixup(op, n, shapes, out_shape,
                            f" at run time (static input shapes {static})")
        return out

    return check


class GrowthWatch:
    """Per Session: the op types added to its graph between runs."""

    def __init__(self):
        self.seen = None
        self.last = None
        self.streak = 0
        self.warned = False

    def check(self, graph) -> None:
        """Called by Session.run (under its lock) when the graph has more ops than last time."""
        ops = graph._operations
        start, self.seen = self.seen, len(ops)
        if start is None or self.warned:
            return  # the first run sets the baseline
        new = [op for op in ops[start:] if op not in _QUIET_GROWTH]
        if not new:
            return
        types = sorted(Counter(op.type for op in new).items())
        self.streak = self.streak + 1 if types == self.last else 1
        self.last = types
        if self.streak >= GROWTH_RUNS:
            self.warned = True
            _warn_growth(new, types)


def _warn_growth(new, types) -> None:
    added = ", ".join(f"{t} x{n}" for t, n in types)
    latest = new[-1]  # the last op built: usually the user's own, not a converted constant
    message = (
        f"The graph grew by the same ops ({added}) before each of the last {GROWTH_RUNS} "
        f"growing runs of this Session; the latest include {latest.describe()}. Ops are being "
        "created inside the loop that runs the graph: memory grows and every run recompiles. "
        "Build every op once before the loop; call tf.get_default_graph().finalize() to make "
        "this an error, or build deliberate additions inside `with tf.allow_graph_growth():`.")
    filename, lineno = latest.site or ("<unknown>", 0)
    warnings.warn_explicit(message, GraphGrowthWarning, filename, lineno)
