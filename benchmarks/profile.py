"""Where a flowgrad step's time goes: every kernel k0..kN of the step's Plan (they live in
`plan.function.__globals__`) is wrapped with a timer, and the run loop is profiled with
cProfile. `python -m benchmarks.profile W1 [W3 ...]` prints the markdown."""

from __future__ import annotations

import cProfile
import pstats
import re
import sys
import time
from collections import defaultdict

from benchmarks import impl_flowgrad, workloads
from benchmarks.timing import format_seconds


def step_plan(session):
    """The Plan with the most kernels among the Session's compiled plans (the training step)."""
    plans = list(session._plans.values())
    return max(plans, key=lambda p: len(_kernel_names(p.function.__globals__)))


def _kernel_names(env) -> list:
    return sorted((k for k in env if re.fullmatch(r"k\d+", k)), key=lambda k: int(k[1:]))


def _label(plan, name, kernel) -> tuple:
    ops = getattr(plan, "ops", None) or []
    index = int(name[1:])
    if index < len(ops):
        return ops[index].type, ops[index].name
    return getattr(kernel, "__qualname__", "kernel"), name


def kernel_times(w, steps: int, repeats: int = 3) -> dict:
    """Per-kernel seconds per step (type, name, seconds) in the fastest of `repeats` timed
    repeats, that repeat's step time, and the time outside the kernels (Session.run's own work:
    feeds, plan lookup, fetches), less the timers' own cost."""
    import flowgrad

    step, _ = impl_flowgrad.build_step(flowgrad, w)
    for _ in range(3):
        step()
    plan = step_plan(step.session)
    env = plan.function.__globals__
    originals = {name: env[name] for name in _kernel_names(env)}
    best = None
    try:
        for _ in range(repeats):
            spent = defaultdict(float)
            env.update({name: _timed(kernel, spent, name) for name, kernel in originals.items()})
            start = time.perf_counter()
            for _ in range(steps):
                step()
            total = (time.perf_counter() - start) / steps
            if best is None or total < best[0]:
                best = (total, {name: seconds / steps for name, seconds in spent.items()})
    finally:
        env.update(originals)
    total, spent = best
    rows = [(*_label(plan, name, kernel), spent.get(name, 0.0)) for name, kernel in
            originals.items()]
    in_kernels = sum(r[2] for r in rows)
    timers = len(rows) * _timer_cost()
    return {"step": total - timers, "kernels": rows, "in_kernels": in_kernels,
            "outside_kernels": max(0.0, total - in_kernels - timers), "count": len(rows)}


def _timer_cost(calls: int = 20000) -> float:
    """Seconds a timing wrapper adds outside the span it measures, per kernel call."""

    def noop(*args):
        return None

    spent = defaultdict(float)
    timed = _timed(noop, spent, "noop")
    start = time.perf_counter()
    for _ in range(calls):
        noop(1)
    plain = time.perf_counter() - start
    start = time.perf_counter()
    for _ in range(calls):
        timed(1)
    wrapped = time.perf_counter() - start
    return max(0.0, (wrapped - spent["noop"] - plain) / calls)


def _timed(kernel, spent, name):
    clock = time.perf_counter

    def timed(*args):
        start = clock()
        out = kernel(*args)
        spent[name] += clock() - start
        return out

    return timed


def run_loop_profile(w, steps: int, top: int = 10) -> list:
    """cProfile of `steps` steps: the `top` functions by own time, (name, seconds per step)."""
    import flowgrad

    step, _ = impl_flowgrad.build_step(flowgrad, w)
    step()
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(steps):
        step()
    profiler.disable()
    stats = pstats.Stats(profiler).stats
    rows = sorted(((f"{_short(file)}:{line}({func})", tt / steps, calls // steps)
                   for (file, line, func), (_, calls, tt, _, _) in stats.items()),
                  key=lambda r: -r[1])
    return rows[:top]


def _short(path: str) -> str:
    for marker in ("flowgrad/", "benchmarks/", "numpy/"):
        if marker in path:
            return marker + path.split(marker, 1)[1]
    return path.rsplit("/", 1)[-1]


def markdown(name: str, steps: int | None = None, top: int = 8) -> str:
    """The profile of workload `name` as markdown: kernels by type, top kernels, cProfile."""
    w = workloads.make(name)
    steps = steps or max(3, w.steps // 4)
    k = kernel_times(w, steps)
    by_type = defaultdict(lambda: [0.0, 0])
    for op_type, _, seconds in k["kernels"]:
        by_type[op_type][0] += seconds
        by_type[op_type][1] += 1
    lines = [(f"**{name} {w.title}** — step {format_seconds(k['step'])} (timers' cost "
             f"removed): {k['count']} kernels "
             f"{format_seconds(k['in_kernels'])}, outside the kernels (Session.run: feeds, "
             f"plan lookup, fetches) {format_seconds(k['outside_kernels'])}."), "",
             "| op type | kernels | time/step | share of step |", "|---|---|---|---|"]
    for op_type, (seconds, count) in sorted(by_type.items(), key=lambda kv: -kv[1][0])[:top]:
        lines.append(f"| {op_type} | {count} | {format_seconds(seconds)} | "
                     f"{seconds / k['step']:.0%} |")
    lines += ["", "| slowest kernels | time/step |", "|---|---|"]
    for op_type, op_name, seconds in sorted(k["kernels"], key=lambda r: -r[2])[:top]:
        lines.append(f"| {op_type} `{op_name}` | {format_seconds(seconds)} |")
    lines += ["", "| cProfile: own time | per step | calls/step |", "|---|---|---|"]
    for func, seconds, calls in run_loop_profile(w, steps, top):
        lines.append(f"| `{func}` | {format_seconds(seconds)} | {calls} |")
    return "\n".join(lines)


if __name__ == "__main__":
    for workload in sys.argv[1:] or ["W1", "W2", "W3", "W4"]:
        print(markdown(workload) + "\n")
