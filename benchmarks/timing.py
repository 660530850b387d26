"""Timing helpers: warm up, then repeats of k steps; per-step median and best."""

from __future__ import annotations

import statistics
import time


def time_steps(step, steps: int, repeats: int = 5, warmup: int | None = None) -> dict:
    """Per-step seconds over `repeats` runs of `steps` steps: median, best, all."""
    for _ in range(warmup if warmup is not None else max(1, steps // 10)):
        step()
    per_step = []
    for _ in range(repeats):
        start = time.perf_counter()
        for _ in range(steps):
            step()
        per_step.append((time.perf_counter() - start) / steps)
    return {"median": statistics.median(per_step), "best": min(per_step), "all": per_step}


def format_seconds(seconds: float) -> str:
    """'24.1 µs', '3.02 ms', '0.201 s'."""
    if seconds < 1e-3:
        return f"{seconds * 1e6:.1f} µs"
    if seconds < 1:
        return f"{seconds * 1e3:.2f} ms"
    return f"{seconds:.3f} s"
