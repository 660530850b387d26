"""The doctor's output for a log folder: a terminal report, JSON objects and a figure."""

from __future__ import annotations

import math
import os

import numpy as np

from flowgrad.doctor.analysis import Diagnosis, diagnose
from flowgrad.doctor.reader import Pair, read_scalars, select

MARK_COLORS = {"nan": "red", "diverging": "red", "overfitting": "purple", "oscillating": "orange",
               "converged": "green", "stuck": "gray", "lsq_gap": "brown"}


def diagnose_logdir(logdir, tags=None, data=None) -> list[tuple[Pair, Diagnosis]]:
    """Read the loss-like series under `logdir` and diagnose each with its validation pair."""
    results = []
    for pair in select(read_scalars(logdir), tags):
        v = pair.validation
        validation = (v.steps, v.values) if v is not None else None
        results.append((pair, diagnose(pair.train.steps, pair.train.values, validation, data)))
    return results


def _header(pair: Pair) -> str:
    s = pair.train
    text = (f"run {pair.run} | tag {pair.tag} | {s.values.size} points, "
            f"steps {s.steps[0]}..{s.steps[-1]}")
    if pair.validation is not None:
        v = pair.validation
        where = v.tag if v.run == pair.run else f"{v.run}/{v.tag}"
        text += f" | validation {where}"
    return text


def text_block(pair: Pair, d: Diagnosis) -> str:
    """One readable block: the diagnosis, its numbers, what to try, further findings."""
    main = d.findings[0]
    at = f" at step {main.step:g}" if main.step is not None else ""
    lines = [_header(pair),
             f"  {main.label.upper()} (confidence {main.confidence:.2f}){at}",
             f"    {main.summary}",
             f"    try: {main.advice}"]
    for f in d.findings[1:]:
        lines.append(f"  also {f.label} ({f.confidence:.2f}): {f.summary}")
    keys = ("noise", "drop", "rise", "tail", "sign_changes_late")
    numbers = ", ".join(f"{k} {d.stats[k]:.3g}" for k in keys if k in d.stats)
    if numbers:
        lines.append(f"  numbers (log scale): {numbers}")
    return "\n".join(lines)


def json_object(pair: Pair, d: Diagnosis) -> dict:
    """One JSON-ready object per run and tag (non-finite numbers become null)."""
    v = pair.validation
    obj = {"run": pair.run, "tag": pair.tag,
           "validation": {"run": v.run, "tag": v.tag} if v is not None else None,
           **d.to_dict()}
    return _finite(obj)


def _finite(x):
    if isinstance(x, dict):
        return {k: _finite(v) for k, v in x.items()}
    if isinstance(x, list | tuple):
        return [_finite(v) for v in x]
    if isinstance(x, np.generic):
        x = x.item()
    if isinstance(x, float) and not math.isfinite(x):
        return None
    return x


def plot(results: list[tuple[Pair, Diagnosis]], path) -> str:
    """Draw each curve with its smoothed trend, the diagnosis marked where it happens."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    n = max(len(results), 1)
    cols = min(n, 3)
    rows = math.ceil(n / cols)
    fig = Figure(figsize=(5.0 * cols, 3.6 * rows), dpi=100)
    FigureCanvasAgg(fig)  # Agg through the object API: pyplot's global state stays untouched
    for i, (pair, d) in enumerate(results):
        ax = fig.add_subplot(rows, cols, i + 1)
        _draw(ax, pair, d)
    fig.tight_layout()
    path = os.fspath(path)
    os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    fig.savefig(path)
    fig.clear()
    return path


def _draw(ax, pair: Pair, d: Diagnosis) -> None:
    series = [("train", pair.train, d.trend, "C0")]
    if pair.validation is not None:
        series.append(("validation", pair.validation, d.validation_trend, "C1"))
    positive = True
    for name, s, trend, color in series:
        ok = np.isfinite(s.values)
        positive &= bool(np.all(s.values[ok] > 0))
        ax.plot(s.steps[ok], s.values[ok], color=color, alpha=0.3, linewidth=0.8)
        if trend is not None:
            ax.plot(trend[0], trend[1], color=color, linewidth=2.0, label=f"{name} trend")
    if positive:
        ax.set_yscale("log")
    main = d.findings[0]
    if main.step is not None:
        color = MARK_COLORS.get(main.label, "black")
        ax.axvline(main.step, color=color, linestyle="--", linewidth=1.2)
        ax.annotate(main.label, (main.step, 0.95), xycoords=("data", "axes fraction"),
                    color=color, ha="left", va="top", fontsize=9)
    ax.set_title(f"{pair.run} | {pair.tag}: {main.label} ({main.confidence:.2f})", fontsize=9)
    ax.set_xlabel("step")
    ax.grid(True, alpha=0.3)
    ax.legend(fontsize=7, loc="best")
