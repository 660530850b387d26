"""Session: runs fetches of a graph with feeds, holding Variables' values and random state.

Runs on one Session are serialised by a lock: concurrent `run` calls from several threads are
safe and each sees the state left by the previous one."""

from __future__ import annotations

import contextlib
import os
import threading

import numpy as np

from flowgrad import backend, dtypes
from flowgrad.backend import compat
from flowgrad.errors import (
    ClosedSessionError,
    FeedValueError,
    InternalError,
    InvalidArgumentError,
    OpError,
    ResourceExhaustedError,
)
from flowgrad.framework.graph import Tensor, get_default_graph
from flowgrad.framework.warnings import GrowthWatch
from flowgrad.session import fetches as fetch_structures
from flowgrad.session.feeds import convert_feed
from flowgrad.session.plan import compile_plan

_defaults = threading.local()


def _session_stack() -> list:
    if not hasattr(_defaults, "stack"):
        _defaults.stack = []
    return _defaults.stack


def get_default_session():
    """The innermost session entered with `with sess:` / `as_default()`, or None."""
    stack = _session_stack()
    return stack[-1] if stack else _interactive[0]


_interactive = [None]


class _Context:
    """What kernels may reach: the array module, Variables' values and random generators."""

    def __init__(self, xp):
        self.xp = xp
        self.variables: dict = {}
        self.rngs: dict = {}


class Session:
    """Runs parts of a graph; Variables' values live here.

    Threads: runs on one Session are serialised by a lock, so `run` may be called from several
    threads at once on a shared graph; each run sees the state the previous one left.
    Failures: a run that fails before its first stateful kernel leaves Variables unchanged; one
    that fails inside a stateful kernel names the variables already updated.
    check_numerics=True (or FLOWGRAD_CHECK_NUMERICS=1): every float output is checked and the
    first op, forward or gradient, that makes NaN/Inf from finite inputs is named.
    """

    def __init__(self, target="", graph=None, config=None, backend_name=None,
                 check_numerics=None):
        self.graph = graph if graph is not None else get_default_graph()
        self._ctx = _Context(backend.get(backend_name or os.environ.get("FLOWGRAD_BACKEND")))
        # off NumPy, feeds move to the device and fetches come back as NumPy arrays (TF1's)
        self._device = self._ctx.xp.__name__ != "numpy"
        self._plans: dict = {}
        self._lock = threading.RLock()
        self._closed = False
        self.config = config
        if check_numerics is None:
            check_numerics = os.environ.get("FLOWGRAD_CHECK_NUMERICS", "") not in ("", "0")
        self.check_numerics = check_numerics
        self.compile_count = 0
        self._growth = GrowthWatch()

    # context management
    def __enter__(self):
        _session_stack().append(self)
        return self

    def __exit__(self, *exc):
        stack = _session_stack()
        if stack and stack[-1] is self:
            stack.pop()
        self.close()

    @contextlib.contextmanager
    def as_default(self):
        """Makes this the default session inside the block (does not close it)."""
        _session_stack().append(self)
        try:
            yield self
        finally:
            _session_stack().pop()

    def close(self) -> None:
        """Frees the Session's state; later runs raise RuntimeError."""
        with self._lock:
            self._closed = True
            self._plans.clear()
            self._ctx.variables.clear()
            if _interactive[0] is self:
                _interactive[0] = None

    @property
    def closed(self) -> bool:
        """Whether close() was called."""
        return self._closed

    @property
    def graph_def(self):
        """The session graph as a GraphDef protobuf (TF1's sess.graph_def)."""
        return self.graph.as_graph_def()

    @property
    def sess_str(self) -> str:
        """The target string (always '')."""
        return ""

    # running
    def run(self, fetches, feed_dict=None, options=None, run_metadata=None):
        """Computes `fetches` (any nested structure of tensors/ops/names) with `feed_dict`."""
        if self._closed:
            raise _closed_error()
        leaves, rebuild = fetch_structures.flatten(fetches, self.graph)
        feeds = self._feeds(feed_dict)
        if self.check_numerics:
            _check_fed_numerics(feeds)
        with self._lock:
            if self._closed:
                raise _closed_error()
            if len(self.graph._operations) != self._growth.seen:
                self._growth.check(self.graph)
            plan = self._plan(tuple(leaves), tuple(feeds))
            results = self._execute(plan, feeds.values())
        if self._device:
            results = [compat.to_numpy(self._ctx.xp, r) for r in results]
        return rebuild(results)

    def _feeds(self, feed_dict) -> dict:
        feeds = {}
        if not feed_dict:
            return feeds
        for key, value in feed_dict.items():
            tensor = self._feed_key(key)
            feeds[tensor] = convert_feed(tensor, value)
            if self._device and tensor.dtype is not dtypes.string:
                feeds[tensor] = self._ctx.xp.asarray(feeds[tensor])
        return feeds

    def _feed_key(self, key) -> Tensor:
        if type(key) is Tensor and key.op.graph is self.graph and key not in self.graph._unfeedable:
            return key  # the common case, without the general lookup
        try:
            tensor = self.graph.as_graph_element(key, allow_tensor=True, allow_operation=False)
        except (KeyError, ValueError, TypeError) as e:
            raise fetch_structures.FetchError(None, None, (
                f"Cannot interpret feed_dict key {key!r} as a Tensor of this Session's graph: "
                f"{e}")) from None
        if not self.graph.is_feedable(tensor):
            raise FeedValueError(None, tensor.op, f"Tensor '{tensor.name}' may not be fed.")
        return tensor

    def _plan(self, leaves, feeds):
        key = (leaves, feeds)
        plan = self._plans.get(key)
        if plan is None or plan.version != self.graph.version:
            with np.errstate(all="ignore"):  # constants are folded here: silently, as runs are
                plan = compile_plan(self.graph, leaves, feeds, self._ctx, self.check_numerics)
            self._plans[key] = plan
            self.compile_count += 1
        return plan

    def _execute(self, plan, values):
        try:
            # as TF1, kernels make inf and NaN silently (check_numerics=True finds where)
            with np.errstate(all="ignore"):
                return plan.function(*values)
        except Exception as e:  # every failure becomes a flowgrad error naming the op
            raise _run_error(plan, e) from e

    def make_callable(self, fetches, feed_list=None, accept_options=False):
        """A function running `fetches` with positional feeds for `feed_list`."""
        feed_list = list(feed_list or [])

        def call(*args, **kwargs):
            return self.run(fetches, dict(zip(feed_list, args)))

        return call

    def list_devices(self):
        """The one device flowgrad runs on."""
        return ["/device:CPU:0"]


class InteractiveSession(Session):
    """A Session that installs itself as the default on creation (for shells and notebooks)."""

    def __init__(self, target="", graph=None, config=None, **kwargs):
        super().__init__(target, graph, config, **kwargs)
        _interactive[0] = self


def _check_fed_numerics(feeds) -> None:
    """check_numerics mode: a fed NaN/Inf is reported before any op consumes it."""
    for tensor, value in feeds.items():
        if tensor.dtype.is_floating and not np.isfinite(value).all():
            what = "NaN" if np.isnan(value).any() else "Inf"
            raise InvalidArgumentError(None, tensor.op, (
                f"check_numerics: the value fed to '{tensor.name}' ({tensor.op.describe()}) "
                f"holds {what} (shape {value.shape}); no op made it."))


def _closed_error() -> ClosedSessionError:
    return ClosedSessionError("Attempted to use a closed Session. Run inside the Session's `with` "
                              "block, or create a new Session (Variables must be initialized or "
                              "restored again).")


def _run_error(plan, error) -> Exception:
    """The flowgrad error for `error` raised inside a plan, naming the failing op."""
    tb, line, frame = error.__traceback__, None, None
    while tb is not None:
        if tb.tb_frame.f_code.co_filename.startswith("<flowgrad plan"):
            line, frame = tb.tb_lineno, tb.tb_frame
        tb = tb.tb_next
    op = plan.line_ops.get(line)
    note = ""
    updated = [plan.line_ops[s] for s in plan.stateful_lines if line is not None and s < line]
    if updated:
        names = ", ".join(sorted({_updated_variable(o) for o in updated}))
        note = f" Variables already updated in this run: {names}."
    shapes = ", ".join(
        str(getattr(frame.f_locals.get(name, frame.f_globals.get(name)), "shape", "?"))
        for name in plan.line_inputs.get(line, []))
    if isinstance(error, OpError):
        if shapes and error.op is op and "Run-time input shapes" not in error.message:
            note = f" Run-time input shapes: [{shapes}].{note}"  # a kernel's own check
        if note:
            error.message += note
            error.args = (error.message,)
        return error
    if op is None:
        return InternalError(None, None, f"A run failed outside any op's kernel: "
                                         f"{type(error).__name__}: {error}.{note}")
    message = (f"{op.describe()} failed at run time: {type(error).__name__}: {error}. "
               f"Run-time input shapes: [{shapes}].{note}")
    if isinstance(error, MemoryError):
        return ResourceExhaustedError(None, op, message)
    return InvalidArgumentError(None, op, message)


def _updated_variable(op) -> str:
    from flowgrad.ops.state_ops import variable_of

    return variable_of(op).name

