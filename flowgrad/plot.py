"""Figures for training runs, written as PNG files: loss curves, fits, decision boundaries.

matplotlib is imported inside the functions, so `import flowgrad.plot` stays cheap and works
without it. Figures are drawn on matplotlib's Agg canvas through the object API rather than
pyplot: nothing is registered in pyplot's global figure list (so nothing leaks, and nothing needs
closing), and the backend of a user's own pyplot session (Jupyter, a GUI) is left alone.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping

import numpy as np
from numpy.typing import ArrayLike

from flowgrad.evaluation import pearson_r2_score

PathLike = str | os.PathLike
FIGSIZE = (6.4, 4.8)  # inches; at DPI this gives 640 x 480 pixel PNGs
DPI = 100


def ema_smooth(values: ArrayLike, smoothing: float) -> np.ndarray:
    """TensorBoard's smoothing: an exponential moving average, debiased toward early values."""
    if not 0.0 <= smoothing < 1.0:
        raise ValueError(f"ema_smooth: smoothing must be in [0, 1), got {smoothing}")
    values = np.asarray(values, dtype=np.float64).ravel()
    smoothed = values.copy()
    last, count = 0.0, 0
    for i, v in enumerate(values):
        if not np.isfinite(v):
            continue  # as TensorBoard: a nan or inf is shown as is and does not enter the average
        last = smoothing * last + (1.0 - smoothing) * v
        count += 1
        # dividing by 1 - s^count undoes the pull toward the average's zero start
        smoothed[i] = last / (1.0 - smoothing**count)
    return smoothed


def loss_curve(
    steps_or_values: ArrayLike | Mapping[str, ArrayLike],
    values: ArrayLike | None = None,
    path: PathLike = "loss_curve.png",
    title: str = "Training loss",
    log_scale: bool = False,
    smoothing: float = 0.0,
    label: str = "loss",
    xlabel: str = "step",
    ylabel: str = "loss",
) -> str:
    """Plot loss values against steps and write a PNG; returns the path.

    Call it as `loss_curve(values)`, `loss_curve(steps, values)` or with several named series,
    `loss_curve({"train": values, "valid": (steps, values)})`. With `smoothing` > 0 each series
    is drawn faintly and its TensorBoard-style smoothed curve on top.
    """
    fig, ax = _new_figure()
    for i, (name, (steps, ys)) in enumerate(_series(steps_or_values, values, label).items()):
        color = f"C{i}"
        if smoothing > 0.0:
            ax.plot(steps, ys, color=color, alpha=0.3, linewidth=1.0)
            ax.plot(steps, ema_smooth(ys, smoothing), color=color, linewidth=2.0, label=name)
        else:
            ax.plot(steps, ys, color=color, linewidth=1.5, label=name)
    if log_scale:
        ax.set_yscale("log")
    ax.legend()
    return _finish(fig, ax, path, title, xlabel, ylabel)


def predicted_vs_true(
    y_true: ArrayLike,
    y_pred: ArrayLike,
    path: PathLike = "predicted_vs_true.png",
    title: str = "Predicted vs true",
) -> str:
    """Scatter predictions against true values with the line y = x; Pearson R^2 in the title."""
    y_true = np.asarray(y_true, dtype=np.float64).ravel()
    y_pred = np.asarray(y_pred, dtype=np.float64).ravel()
    r2 = pearson_r2_score(y_true, y_pred)
    fig, ax = _new_figure()
    ax.scatter(y_true, y_pred, s=16, alpha=0.7, label="predictions")
    lo, hi = min(y_true.min(), y_pred.min()), max(y_true.max(), y_pred.max())
    ax.plot([lo, hi], [lo, hi], color="black", linestyle="--", linewidth=1.0, label="y = x")
    ax.legend()
    return _finish(fig, ax, path, f"{title} (Pearson R² = {r2:.3f})", "true", "predicted")


def fitted_line(
    x: ArrayLike,
    y: ArrayLike,
    w: ArrayLike,
    b: ArrayLike,
    path: PathLike = "fitted_line.png",
    title: str = "Fitted line",
) -> str:
    """Scatter 1-D data (x, y) with the learned line y = w x + b; w, b may be 1-element arrays."""
    x = np.asarray(x, dtype=np.float64).ravel()
    y = np.asarray(y, dtype=np.float64).ravel()
    w, b = _scalar(w, "w"), _scalar(b, "b")
    fig, ax = _new_figure()
    ax.scatter(x, y, s=16, alpha=0.7, label="data")
    line_x = np.linspace(x.min(), x.max(), 2)
    ax.plot(line_x, w * line_x + b, color="C3", linewidth=2.0, label=f"y = {w:.3f} x + {b:.3f}")
    ax.legend()
    return _finish(fig, ax, path, title, "x", "y")


def decision_boundary(
    predict_fn: Callable[[np.ndarray], ArrayLike],
    x: ArrayLike,
    y: ArrayLike,
    path: PathLike = "decision_boundary.png",
    title: str = "Decision boundary",
    resolution: int = 200,
    margin: float = 0.5,
) -> str:
    """Contour a classifier's P(class 1) over the plane, with the points (x, y) coloured by class.

    `predict_fn` maps an (M, 2) float64 array to probabilities of shape (M,) or (M, 1), or (M, 2)
    class probabilities of which the second column is used.
    """
    from matplotlib.lines import Line2D

    x = np.asarray(x, dtype=np.float64)
    y = np.asarray(y).ravel()
    xx, yy = np.meshgrid(
        np.linspace(x[:, 0].min() - margin, x[:, 0].max() + margin, resolution),
        np.linspace(x[:, 1].min() - margin, x[:, 1].max() + margin, resolution),
    )
    probs = _positive_probability(predict_fn(np.column_stack([xx.ravel(), yy.ravel()])))
    fig, ax = _new_figure()
    filled = ax.contourf(
        xx, yy, probs.reshape(xx.shape), levels=np.linspace(0, 1, 11), cmap="RdBu_r", alpha=0.6
    )
    ax.contour(xx, yy, probs.reshape(xx.shape), levels=[0.5], colors="black", linewidths=1.5)
    fig.colorbar(filled, ax=ax, label="P(class 1)")
    for cls, color, marker in ((0, "tab:blue", "o"), (1, "tab:red", "^")):
        pts = x[y == cls]
        ax.scatter(
            pts[:, 0],
            pts[:, 1],
            c=color,
            marker=marker,
            s=28,
            edgecolors="white",
            linewidths=0.5,
            label=f"class {cls}",
        )
    handles, labels = ax.get_legend_handles_labels()
    handles.append(Line2D([], [], color="black", linewidth=1.5))
    ax.legend(handles, [*labels, "P = 0.5"], loc="best")
    return _finish(fig, ax, path, title, "$x_1$", "$x_2$", grid=False)


def _new_figure():
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=FIGSIZE, dpi=DPI)
    FigureCanvasAgg(fig)  # draw with Agg without touching pyplot's global backend
    return fig, fig.add_subplot()


def _finish(fig, ax, path: PathLike, title: str, xlabel: str, ylabel: str, grid=True) -> str:
    ax.set_title(title)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if grid:
        ax.grid(True, alpha=0.3)
    fig.tight_layout()
    path = os.fspath(path)
    os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    # no bbox_inches="tight": the PNG keeps exactly FIGSIZE * DPI pixels
    fig.savefig(path, dpi=DPI)
    fig.clear()
    return path


def _series(
    steps_or_values: ArrayLike | Mapping[str, ArrayLike], values: ArrayLike | None, label: str
) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Normalise loss_curve's argument forms to {name: (steps, values)}."""
    if isinstance(steps_or_values, Mapping):
        if values is not None:
            raise ValueError("loss_curve: give either a dict of series or steps and values")
        return {name: _steps_values(s) for name, s in steps_or_values.items()}
    if values is None:
        return {label: _steps_values(None, steps_or_values)}
    return {label: _steps_values(steps_or_values, values)}


def _steps_values(steps, values=None) -> tuple[np.ndarray, np.ndarray]:
    if values is None and isinstance(steps, tuple) and [np.ndim(p) for p in steps] == [1, 1]:
        steps, values = steps  # a dict entry given as (steps, values)
    elif values is None:
        steps, values = None, steps
    ys = np.asarray(values, dtype=np.float64).ravel()
    if steps is None:
        return np.arange(len(ys), dtype=np.float64), ys
    steps = np.asarray(steps, dtype=np.float64).ravel()
    if len(steps) != len(ys):
        raise ValueError(
            f"loss_curve: steps and values differ in length: {len(steps)} and {len(ys)}"
        )
    return steps, ys


def _scalar(value: ArrayLike, name: str) -> float:
    array = np.asarray(value, dtype=np.float64)
    if array.size != 1:
        raise ValueError(f"fitted_line: {name} must hold one number, got shape {array.shape}")
    return float(array.item())


def _positive_probability(probs: ArrayLike) -> np.ndarray:
    probs = np.asarray(probs, dtype=np.float64)
    if probs.ndim == 2 and probs.shape[1] == 2:
        return probs[:, 1]
    return probs.ravel()
