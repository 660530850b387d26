import os
import subprocess
import sys

import numpy as np
import pytest

from flowgrad import datasets, plot

image = pytest.importorskip("matplotlib.image")

WIDTH, HEIGHT = 640, 480


def _check_png(path, expected_path):
    assert path == os.fspath(expected_path) and os.path.exists(path)
    pixels = image.imread(path)
    assert pixels.shape[:2] == (HEIGHT, WIDTH)
    assert pixels[..., :3].std() > 0.05  # drawn on, not a blank canvas
    return pixels


def test_import_does_not_load_matplotlib():
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    code = "import flowgrad.plot, sys; assert 'matplotlib' not in sys.modules"
    env = {**os.environ, "PYTHONPATH": root}
    result = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr


def test_loss_curve_from_values(tmp_path):
    losses = 1.0 / np.arange(1, 101) + 0.01
    _check_png(plot.loss_curve(losses, path=tmp_path / "loss.png"), tmp_path / "loss.png")


def test_loss_curve_from_steps_values_smoothed_and_log(tmp_path):
    rng = np.random.default_rng(0)
    steps = np.arange(0, 1000, 10)
    losses = np.exp(-steps / 300) + 0.05 * rng.random(len(steps))
    path = plot.loss_curve(
        steps, losses, path=tmp_path / "sub" / "loss.png", smoothing=0.9, log_scale=True
    )
    _check_png(path, tmp_path / "sub" / "loss.png")


def test_loss_curve_with_named_series(tmp_path):
    series = {
        "train": np.linspace(2, 0.1, 50),
        "valid": (np.arange(0, 50, 5), np.linspace(2, 0.3, 10)),
    }
    path = plot.loss_curve(series, path=str(tmp_path / "both.png"), title="Train and valid")
    _check_png(path, tmp_path / "both.png")


def test_loss_curve_argument_errors(tmp_path):
    with pytest.raises(ValueError, match="differ in length: 3 and 2"):
        plot.loss_curve([1, 2, 3], [0.5, 0.4], path=tmp_path / "x.png")
    with pytest.raises(ValueError, match="either a dict"):
        plot.loss_curve({"a": [1.0]}, [1.0], path=tmp_path / "x.png")


def test_ema_smooth_matches_tensorboard():
    values = np.array([1.0, 2.0, np.nan, 3.0])
    smoothed = plot.ema_smooth(values, 0.5)
    # TensorBoard: last = s*last + (1-s)*v, shown as last / (1 - s^count); nan passes through
    assert smoothed[0] == pytest.approx(1.0)  # debiasing makes the first point itself
    assert smoothed[1] == pytest.approx((0.25 + 1.0) / 0.75)
    assert np.isnan(smoothed[2])
    assert smoothed[3] == pytest.approx((0.5 * 1.25 + 1.5) / 0.875)
    np.testing.assert_array_equal(plot.ema_smooth([3.0, 1.0], 0.0), [3.0, 1.0])
    with pytest.raises(ValueError, match=r"\[0, 1\), got 1.0"):
        plot.ema_smooth([1.0], 1.0)


def test_predicted_vs_true(tmp_path):
    rng = np.random.default_rng(0)
    y_true = rng.normal(size=(80, 1))
    y_pred = y_true[:, 0] + 0.3 * rng.normal(size=80)
    path = plot.predicted_vs_true(y_true, y_pred, path=tmp_path / "pvt.png")
    _check_png(path, tmp_path / "pvt.png")


def test_fitted_line_accepts_book_shapes(tmp_path):
    x, y = datasets.linear_regression_data()
    path = plot.fitted_line(x, y, np.array([[4.9]]), np.array([2.05]), path=tmp_path / "fit.png")
    _check_png(path, tmp_path / "fit.png")
    with pytest.raises(ValueError, match=r"w must hold one number, got shape \(2,\)"):
        plot.fitted_line(x, y, [1.0, 2.0], 0.0, path=tmp_path / "bad.png")


@pytest.mark.parametrize("columns", [1, 2])
def test_decision_boundary(tmp_path, columns):
    x, y = datasets.logistic_regression_data(seed=0)

    def predict(points):
        p = 1.0 / (1.0 + np.exp(-3.0 * (points[:, 0] + points[:, 1])))
        return p[:, None] if columns == 1 else np.column_stack([1 - p, p])

    path = plot.decision_boundary(predict, x, y, path=tmp_path / "db.png", resolution=50)
    pixels = _check_png(path, tmp_path / "db.png")
    # both the blue (class 0) and red (class 1) sides of the contour are drawn
    red = (pixels[..., 0] > 0.6) & (pixels[..., 2] < 0.5)
    blue = (pixels[..., 2] > 0.6) & (pixels[..., 0] < 0.5)
    assert red.sum() > 1000 and blue.sum() > 1000


def test_figures_are_not_left_open(tmp_path):
    pyplot = pytest.importorskip("matplotlib.pyplot")
    before = pyplot.get_fignums()
    plot.loss_curve([1.0, 0.5], path=tmp_path / "a.png")
    plot.predicted_vs_true([1.0, 2.0, 3.0], [1.0, 2.5, 2.9], path=tmp_path / "b.png")
    assert pyplot.get_fignums() == before
