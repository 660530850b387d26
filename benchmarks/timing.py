"""Timing helpers for a noisy shared machine: implementations take turns (round-robin repeats),
so that a burst of load from elsewhere hits all of them alike; per-step median and best."""

from __future__ import annotations

import gc
import statistics
import time


def time_steps(step, steps: int, repeats: int = 5, warmup: int | None = None) -> dict:
    """Per-step seconds over `repeats` runs of `steps` steps: median, best, all."""
    return interleaved({"step": step}, steps, repeats, warmup)["step"]


def interleaved(steps_by_name: dict, steps: int, repeats: int = 5,
                warmup: int | None = None) -> dict:
    """{name: {median, best, all}}: each repeat runs `steps` steps of every implementation in
    turn (a, b, a, b, ...), after a warm-up of each; gc is collected, not disabled, between
    repeats so that one implementation's garbage is not charged to the next."""
    warmup = max(1, steps // 10) if warmup is None else warmup
    for step in steps_by_name.values():
        for _ in range(warmup):
            step()
    per_step = {name: [] for name in steps_by_name}
    for _ in range(repeats):
        for name, step in steps_by_name.items():
            gc.collect()
            start = time.perf_counter()
            for _ in range(steps):
                step()
            per_step[name].append((time.perf_counter() - start) / steps)
    return {name: summary(values) for name, values in per_step.items()}


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
