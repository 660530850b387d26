"""Timing helpers for a noisy shared machine: implementations take turns (round-robin repeats),
so that a burst of load from elsewhere hits all of them alike; per-step median and best."""

from __future__ import annotations

import gc
import statistics
import time


def time_steps(step, steps: int, repeats: int = 5, warmup: int | None = None) -> dict:
    """Per-step seconds over `repeats` runs of `steps` steps: median, best, all."""
    return interleaved({"step": step}, steps, repeats, warmup)["step"]


def interleaved(steps_by_name: dict, steps: int, repeats: int = 5, warmup: int | None = None,
                budget: float | None = None) -> dict:
    """{name: {median, best, all, steps, paired_ratio}}: each repeat runs every implementation
    in turn (a, b, a, b, ...), after a warm-up of each; paired_ratio is the median over repeats
    of the time per step over the first implementation's in the same repeat (robust when the
    load drifts); gc is collected, not disabled, between
    repeats so that one implementation's garbage is not charged to the next. With `budget`
    (seconds), an implementation slower than budget/steps per step (warm-up time) runs fewer
    steps per repeat, at least 3, so that a slow peer does not take the whole run."""
    warmup = max(1, steps // 10) if warmup is None else warmup
    counts = {}
    for name, step in steps_by_name.items():
        start, done = time.perf_counter(), 0
        while done < warmup and (done < 1 or time.perf_counter() - start < 1.0):
            step()
            done += 1
        per_step = (time.perf_counter() - start) / max(done, 1)
        counts[name] = steps if budget is None or done == 0 else \
            max(min(steps, 3), min(steps, int(budget / per_step)))
    per_step = {name: [] for name in steps_by_name}
    for _ in range(repeats):
        for name, step in steps_by_name.items():
            gc.collect()
            start = time.perf_counter()
            for _ in range(counts[name]):
                step()
            per_step[name].append((time.perf_counter() - start) / counts[name])
    first = next(iter(per_step.values()))  # the reference: ratios paired by round
    return {name: {**summary(values), "steps": counts[name],
                   "paired_ratio": statistics.median(v / r for v, r in zip(values, first))}
            for name, values in per_step.items()}


def summary(values: list) -> dict:
    """Median, best and all of a list of per-step seconds."""
    return {"median": statistics.median(values), "best": min(values), "all": values}


def format_seconds(seconds: float) -> str:
    """'24.1 µs', '3.02 ms', '0.201 s'."""
    if seconds < 1e-3:
        return f"{seconds * 1e6:.1f} µs"
    if seconds < 1:
        return f"{seconds * 1e3:.2f} ms"
    return f"{seconds:.3f} s"


def format_bytes(n: float) -> str:
    """'812 KiB', '64.3 MiB'."""
    if abs(n) < 1024 * 1024:
        return f"{n / 1024:.0f} KiB"
    return f"{n / 2**20:.1f} MiB"
