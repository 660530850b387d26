"""Scores for finished predictions: NumPy arrays in, a Python float out.

Names, argument order `(y_true, y_pred)` and `sample_weight` follow scikit-learn, and the
values match it (the tests compare them). This is not `tf.metrics`, TF1's streaming API of graph
ops; these are plain functions to call on what `Session.run` returned.

Inputs may be lists or arrays of shape (N,) or (N, 1); both arguments are flattened to (N,).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

Array = np.ndarray


def pearson_r2_score(y_true: ArrayLike, y_pred: ArrayLike) -> float:
    """Squared Pearson correlation (the book's deepchem helper); nan when an input is constant."""
    y_true, y_pred, _ = _column_pair(y_true, y_pred, None, "pearson_r2_score")
    if np.ptp(y_true) == 0 or np.ptp(y_pred) == 0:
        # a constant input has no correlation; scipy.stats.pearsonr also gives nan here (tested
        # before centering, which leaves rounding noise in place of exact zeros)
        return float("nan")
    dt, dp = y_true - y_true.mean(), y_pred - y_pred.mean()
    denom = np.sqrt(np.sum(dt * dt) * np.sum(dp * dp))
    r = np.clip(np.sum(dt * dp) / denom, -1.0, 1.0)
    return float(r * r)


def r2_score(y_true: ArrayLike, y_pred: ArrayLike, sample_weight: ArrayLike | None = None) -> float:
    """Coefficient of determination 1 - SS_res / SS_tot (can be negative), as scikit-learn's."""
    y_true, y_pred, w = _column_pair(y_true, y_pred, sample_weight, "r2_score")
    if len(y_true) < 2:
        return float("nan")  # scikit-learn: R^2 is not well-defined with fewer than two samples
    ss_res = np.sum(w * (y_true - y_pred) ** 2)
    ss_tot = np.sum(w * (y_true - np.average(y_true, weights=w)) ** 2)
    if ss_tot == 0.0:
        # constant y_true: scikit-learn's force_finite gives 1 for a perfect fit, else 0
        return 1.0 if ss_res == 0.0 else 0.0
    return float(1.0 - ss_res / ss_tot)


def rms_score(
    y_true: ArrayLike, y_pred: ArrayLike, sample_weight: ArrayLike | None = None
) -> float:
    """Root mean squared error."""
    y_true, y_pred, w = _column_pair(y_true, y_pred, sample_weight, "rms_score")
    return float(np.sqrt(np.average((y_true - y_pred) ** 2, weights=w)))


def mean_absolute_error(
    y_true: ArrayLike, y_pred: ArrayLike, sample_weight: ArrayLike | None = None
) -> float:
    """Mean absolute error."""
    y_true, y_pred, w = _column_pair(y_true, y_pred, sample_weight, "mean_absolute_error")
    return float(np.average(np.abs(y_true - y_pred), weights=w))


def accuracy_score(
    y_true: ArrayLike, y_pred: ArrayLike, sample_weight: ArrayLike | None = None
) -> float:
    """Fraction of predicted labels equal to the true labels."""
    y_true, y_pred, w = _column_pair(y_true, y_pred, sample_weight, "accuracy_score")
    return float(np.average(y_true == y_pred, weights=w))


def precision_score(
    y_true: ArrayLike,
    y_pred: ArrayLike,
    pos_label: float | str = 1,
    sample_weight: ArrayLike | None = None,
    zero_division: float = 0.0,
) -> float:
    """Binary precision tp / (tp + fp); `zero_division` when nothing is predicted positive."""
    tp, fp, _ = _binary_counts(y_true, y_pred, pos_label, sample_weight, "precision_score")
    return _ratio(tp, tp + fp, zero_division)


def recall_score(
    y_true: ArrayLike,
    y_pred: ArrayLike,
    pos_label: float | str = 1,
    sample_weight: ArrayLike | None = None,
    zero_division: float = 0.0,
) -> float:
    """Binary recall tp / (tp + fn); `zero_division` when no example is truly positive."""
    tp, _, fn = _binary_counts(y_true, y_pred, pos_label, sample_weight, "recall_score")
    return _ratio(tp, tp + fn, zero_division)


def f1_score(
    y_true: ArrayLike,
    y_pred: ArrayLike,
    pos_label: float | str = 1,
    sample_weight: ArrayLike | None = None,
    zero_division: float = 0.0,
) -> float:
    """Binary F1, 2 tp / (2 tp + fp + fn); `zero_division` when there are no positives at all."""
    tp, fp, fn = _binary_counts(y_true, y_pred, pos_label, sample_weight, "f1_score")
    return _ratio(2 * tp, 2 * tp + fp + fn, zero_division)


def roc_auc_score(
    y_true: ArrayLike, y_score: ArrayLike, sample_weight: ArrayLike | None = None
) -> float:
    """Area under the ROC curve of binary y_true (the greater label is positive); ties count 1/2."""
    y_true, y_score, w = _column_pair(y_true, y_score, sample_weight, "roc_auc_score")
    classes = np.unique(y_true)
    if len(classes) != 2:
        raise ValueError(
            f"roc_auc_score: y_true must hold exactly two classes, got {classes.tolist()}; "
            "ROC AUC is not defined otherwise"
        )
    positive = y_true == classes[1]
    # walk thresholds from the highest score down; tied scores move the curve in one diagonal
    # step, which the trapezoid rule turns into the 1/2 credit that ranks with ties give
    order = np.argsort(-y_score, kind="stable")
    score, pos, wt = y_score[order], positive[order], w[order]
    last_of_tie = np.r_[np.flatnonzero(np.diff(score)), len(score) - 1]
    tps = np.r_[0.0, np.cumsum(wt * pos)[last_of_tie]]
    fps = np.r_[0.0, np.cumsum(wt * ~pos)[last_of_tie]]
    if tps[-1] == 0.0 or fps[-1] == 0.0:
        raise ValueError("roc_auc_score: one class has zero total sample_weight")
    return float(np.trapezoid(tps / tps[-1], fps / fps[-1]))


def confusion_matrix(
    y_true: ArrayLike,
    y_pred: ArrayLike,
    labels: ArrayLike | None = None,
    sample_weight: ArrayLike | None = None,
) -> Array:
    """Matrix C with C[i, j] = (weighted) count of true label i predicted as label j."""
    y_true, y_pred, w = _column_pair(y_true, y_pred, sample_weight, "confusion_matrix")
    labels = np.unique(np.r_[y_true, y_pred]) if labels is None else np.asarray(labels)
    # scikit-learn counts in int64 unless the weights are fractional
    weights = np.asarray(sample_weight) if sample_weight is not None else None
    integral = weights is None or weights.dtype.kind in "iub"
    matrix = np.zeros((len(labels), len(labels)), dtype=np.int64 if integral else np.float64)
    index = {label: i for i, label in enumerate(labels.tolist())}
    rows = np.array([index.get(v, -1) for v in y_true.tolist()], dtype=np.int64)
    cols = np.array([index.get(v, -1) for v in y_pred.tolist()], dtype=np.int64)
    known = (rows >= 0) & (cols >= 0)  # pairs with a label outside `labels` are not counted
    np.add.at(matrix, (rows[known], cols[known]), w[known].astype(matrix.dtype))
    return matrix


def _column(values: ArrayLike, name: str, arg: str) -> Array:
    array = np.asarray(values)
    if array.ndim == 2 and array.shape[1] == 1:
        return array[:, 0]
    if array.ndim != 1:
        raise ValueError(f"{name}: {arg} must have shape (N,) or (N, 1), got {array.shape}")
    return array


def _column_pair(
    y_true: ArrayLike, y_pred: ArrayLike, sample_weight: ArrayLike | None, name: str
) -> tuple[Array, Array, Array]:
    """y_true, y_pred and the weights (ones if None) as aligned 1-D arrays; checks lengths."""
    pred_arg = "y_score" if name == "roc_auc_score" else "y_pred"
    t, p = _column(y_true, name, "y_true"), _column(y_pred, name, pred_arg)
    if len(t) != len(p):
        raise ValueError(
            f"{name}: y_true and {pred_arg} differ in length: y_true has shape "
            f"{np.shape(y_true)}, {pred_arg} has shape {np.shape(y_pred)}"
        )
    if len(t) == 0:
        raise ValueError(f"{name}: got empty inputs; a score needs at least one sample")
    if sample_weight is None:
        return t, p, np.ones(len(t))
    w = _column(sample_weight, name, "sample_weight").astype(np.float64)
    if len(w) != len(t):
        raise ValueError(
            f"{name}: sample_weight has shape {np.shape(sample_weight)}, "
            f"but y_true has shape {np.shape(y_true)}"
        )
    return t, p, w


def _binary_counts(
    y_true: ArrayLike,
    y_pred: ArrayLike,
    pos_label: float | str,
    sample_weight: ArrayLike | None,
    name: str,
) -> tuple[float, float, float]:
    """Weighted true positives, false positives and false negatives for pos_label."""
    y_true, y_pred, w = _column_pair(y_true, y_pred, sample_weight, name)
    present = np.unique(np.r_[y_true, y_pred])
    if len(present) > 2:
        raise ValueError(
            f"{name}: binary scores need at most two labels, got {present.tolist()}; "
            "compute one class at a time with pos_label"
        )
    if len(present) == 2 and pos_label not in present.tolist():
        raise ValueError(
            f"{name}: pos_label={pos_label!r} is not one of the labels {present.tolist()}"
        )
    true_pos, pred_pos = y_true == pos_label, y_pred == pos_label
    tp = np.sum(w * (true_pos & pred_pos))
    fp = np.sum(w * (~true_pos & pred_pos))
    fn = np.sum(w * (true_pos & ~pred_pos))
    return float(tp), float(fp), float(fn)


def _ratio(numerator: float, denominator: float, zero_division: float) -> float:
    return float(zero_division) if denominator == 0.0 else float(numerator / denominator)
