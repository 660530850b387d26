import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from flowgrad import evaluation as ev

metrics = pytest.importorskip("sklearn.metrics")
scipy_stats = pytest.importorskip("scipy.stats")

settings.register_profile("evaluation", derandomize=True, deadline=None, max_examples=50)
PROFILE = settings.get_profile("evaluation")

FINITE = st.floats(-1e3, 1e3, allow_nan=False, allow_infinity=False)


@st.composite
def regression_pairs(draw, weighted=False):
    """(y_true, y_pred, sample_weight or None) with 2..40 samples."""
    n = draw(st.integers(2, 40))
    y_true = draw(hnp.arrays(np.float64, n, elements=FINITE))
    y_pred = draw(hnp.arrays(np.float64, n, elements=FINITE))
    w = draw(hnp.arrays(np.float64, n, elements=st.floats(0.1, 5.0))) if weighted else None
    return y_true, y_pred, w


@st.composite
def label_pairs(draw, n_labels=2):
    """(y_true, y_pred, sample_weight or None) of integer labels 0..n_labels-1."""
    n = draw(st.integers(1, 40))
    labels = hnp.arrays(np.int64, n, elements=st.integers(0, n_labels - 1))
    y_true, y_pred = draw(labels), draw(labels)
    weighted = draw(st.booleans())
    w = draw(hnp.arrays(np.float64, n, elements=st.floats(0.1, 5.0))) if weighted else None
    return y_true, y_pred, w


@st.composite
def scored_labels(draw):
    """(binary y_true with both classes, scores with many ties, sample_weight or None)."""
    n = draw(st.integers(2, 40))
    y_true = draw(hnp.arrays(np.int64, n, elements=st.integers(0, 1)))
    y_true[:2] = [0, 1]  # both classes present
    scores = draw(hnp.arrays(np.float64, n, elements=st.sampled_from([0.1, 0.3, 0.5, 0.7, 0.9])))
    weighted = draw(st.booleans())
    w = draw(hnp.arrays(np.float64, n, elements=st.floats(0.1, 5.0))) if weighted else None
    return y_true, scores, w


def _sklearn(fn, *args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zero-division warnings: we compare values only
        return fn(*args, **kwargs)


@PROFILE
@given(regression_pairs(weighted=True))
def test_regression_scores_match_sklearn(case):
    y_true, y_pred, w = case
    assert ev.r2_score(y_true, y_pred, w) == pytest.approx(
        metrics.r2_score(y_true, y_pred, sample_weight=w), rel=1e-9, abs=1e-9
    )
    assert ev.rms_score(y_true, y_pred, w) == pytest.approx(
        metrics.root_mean_squared_error(y_true, y_pred, sample_weight=w), rel=1e-9
    )
    assert ev.mean_absolute_error(y_true, y_pred, w) == pytest.approx(
        metrics.mean_absolute_error(y_true, y_pred, sample_weight=w), rel=1e-9
    )


@PROFILE
@given(regression_pairs())
def test_pearson_r2_matches_scipy(case):
    y_true, y_pred, _ = case
    if np.ptp(y_true) == 0 or np.ptp(y_pred) == 0:
        assert np.isnan(ev.pearson_r2_score(y_true, y_pred))
    else:
        expected = scipy_stats.pearsonr(y_true, y_pred)[0] ** 2
        assert ev.pearson_r2_score(y_true, y_pred) == pytest.approx(expected, abs=1e-9)


@PROFILE
@given(label_pairs())
def test_binary_label_scores_match_sklearn(case):
    y_true, y_pred, w = case
    for name in ["precision_score", "recall_score", "f1_score"]:
        ours = getattr(ev, name)(y_true, y_pred, sample_weight=w)
        theirs = _sklearn(getattr(metrics, name), y_true, y_pred, sample_weight=w)
        assert ours == pytest.approx(theirs, abs=1e-12), name
    assert ev.accuracy_score(y_true, y_pred, w) == pytest.approx(
        metrics.accuracy_score(y_true, y_pred, sample_weight=w)
    )


@PROFILE
@given(label_pairs(n_labels=4))
def test_confusion_matrix_matches_sklearn(case):
    y_true, y_pred, w = case
    ours = ev.confusion_matrix(y_true, y_pred, sample_weight=w)
    theirs = _sklearn(metrics.confusion_matrix, y_true, y_pred, sample_weight=w)
    assert ours.dtype == theirs.dtype
    np.testing.assert_allclose(ours, theirs)
    assert ev.accuracy_score(y_true, y_pred, w) == pytest.approx(
        metrics.accuracy_score(y_true, y_pred, sample_weight=w)
    )


@PROFILE
@given(scored_labels())
def test_roc_auc_matches_sklearn_with_ties(case):
    y_true, scores, w = case
    assert ev.roc_auc_score(y_true, scores, w) == pytest.approx(
        metrics.roc_auc_score(y_true, scores, sample_weight=w), abs=1e-12
    )


def test_roc_auc_on_continuous_scores_and_other_labels():
    rng = np.random.default_rng(0)
    y = rng.integers(0, 2, 500)
    scores = y + rng.normal(size=500)
    assert ev.roc_auc_score(y, scores) == pytest.approx(metrics.roc_auc_score(y, scores))
    labels = np.where(y == 1, 2, -1)  # the greater label is the positive class
    assert ev.roc_auc_score(labels, scores) == pytest.approx(metrics.roc_auc_score(labels, scores))


def test_roc_auc_edge_values():
    assert ev.roc_auc_score([0, 0, 1, 1], [0.1, 0.2, 0.8, 0.9]) == 1.0
    assert ev.roc_auc_score([0, 0, 1, 1], [0.9, 0.8, 0.2, 0.1]) == 0.0
    assert ev.roc_auc_score([0, 1, 0, 1], [0.5, 0.5, 0.5, 0.5]) == 0.5
    with pytest.raises(ValueError, match=r"exactly two classes, got \[1\]"):
        ev.roc_auc_score([1, 1, 1], [0.1, 0.2, 0.3])


def test_column_shapes_are_flattened_consistently():
    y_true = np.array([[1.0], [2.0], [3.0], [4.0]])
    y_pred = [1.1, 1.9, 3.2, 3.8]
    assert ev.r2_score(y_true, y_pred) == pytest.approx(metrics.r2_score(y_true[:, 0], y_pred))
    assert ev.rms_score(y_true, np.reshape(y_pred, (4, 1))) == pytest.approx(
        np.sqrt(np.mean((y_true[:, 0] - y_pred) ** 2))
    )
    assert ev.accuracy_score([[1], [0]], [1, 1]) == 0.5
    np.testing.assert_array_equal(ev.confusion_matrix([[1], [0]], [1, 1]), [[0, 1], [0, 1]])


def test_length_mismatch_names_both_shapes():
    with pytest.raises(ValueError, match=r"y_true has shape \(3,\), y_pred has shape \(4, 1\)"):
        ev.r2_score([1, 2, 3], np.zeros((4, 1)))
    with pytest.raises(ValueError, match=r"y_true has shape \(2,\), y_score has shape \(3,\)"):
        ev.roc_auc_score([0, 1], [0.1, 0.2, 0.3])
    with pytest.raises(ValueError, match=r"sample_weight has shape \(2,\)"):
        ev.accuracy_score([0, 1, 1], [0, 1, 1], sample_weight=[1, 1])
    with pytest.raises(ValueError, match=r"shape \(N,\) or \(N, 1\), got \(2, 2\)"):
        ev.mean_absolute_error(np.zeros((2, 2)), np.zeros((2, 2)))
    with pytest.raises(ValueError, match="empty"):
        ev.accuracy_score([], [])


def test_returns_python_floats():
    values = [
        ev.pearson_r2_score([1, 2, 3], [1, 2, 4]),
        ev.r2_score([1, 2, 3], [1, 2, 4]),
        ev.rms_score([1, 2, 3], [1, 2, 4]),
        ev.mean_absolute_error([1, 2, 3], [1, 2, 4]),
        ev.accuracy_score([1, 0], [1, 1]),
        ev.precision_score([1, 0], [1, 1]),
        ev.recall_score([1, 0], [1, 1]),
        ev.f1_score([1, 0], [1, 1]),
        ev.roc_auc_score([1, 0], [0.6, 0.4]),
    ]
    assert all(type(v) is float for v in values)
    assert values[0] == pytest.approx(0.9642857142857143)
    assert values[2] == pytest.approx(np.sqrt(1 / 3))


def test_r2_edge_cases_follow_sklearn():
    assert ev.r2_score([2.0, 2.0, 2.0], [2.0, 2.0, 2.0]) == 1.0  # constant, perfect
    assert ev.r2_score([2.0, 2.0, 2.0], [1.0, 2.0, 3.0]) == 0.0  # constant, imperfect
    assert ev.r2_score([1.0, 2.0, 3.0], [3.0, 2.0, 1.0]) == pytest.approx(-3.0)
    assert np.isnan(ev.r2_score([1.0], [1.0]))


def test_pearson_r2_is_nan_for_a_constant_input():
    assert np.isnan(ev.pearson_r2_score([1.0, 1.0, 1.0], [1.0, 2.0, 3.0]))
    assert ev.pearson_r2_score([1, 2, 3], [-2, -4, -6]) == pytest.approx(1.0)


def test_binary_scores_zero_division_and_labels():
    assert ev.precision_score([1, 1, 0], [0, 0, 0]) == 0.0  # nothing predicted positive
    assert ev.recall_score([0, 0], [1, 0]) == 0.0  # nothing truly positive
    assert ev.f1_score([0, 0], [0, 0]) == 0.0
    assert ev.precision_score([1, 1, 0], [0, 0, 0], zero_division=1.0) == 1.0
    assert ev.precision_score(["a", "b", "b"], ["b", "b", "a"], pos_label="b") == 0.5
    assert ev.f1_score([0.0, 1.0, 1.0], [0.0, 1.0, 0.0]) == pytest.approx(2 / 3)
    with pytest.raises(ValueError, match=r"at most two labels, got \[0, 1, 2\]"):
        ev.f1_score([0, 1, 2], [0, 1, 1])
    with pytest.raises(ValueError, match=r"pos_label=1 is not one of the labels \[0, 2\]"):
        ev.recall_score([0, 2], [2, 2])


def test_confusion_matrix_with_explicit_labels_and_integer_weights():
    cm = ev.confusion_matrix(
        [0, 1, 2, 2], [0, 2, 2, 1], labels=[2, 1, 0], sample_weight=[1, 2, 3, 4]
    )
    expected = metrics.confusion_matrix(
        [0, 1, 2, 2], [0, 2, 2, 1], labels=[2, 1, 0], sample_weight=[1, 2, 3, 4]
    )
    np.testing.assert_array_equal(cm, expected)
    assert cm.dtype == np.int64
    np.testing.assert_array_equal(
        ev.confusion_matrix([0, 1, 5], [0, 1, 5], labels=[0, 1]), np.eye(2)
    )
