"""The few robust statistics the doctor reads a loss curve with.

Everything here works on z, the curve on a log scale (log(loss), or the loss scaled by its spread
when some values are not positive), so that a statistic means the same for a loss of 1e3 and one of
1e-3: a difference of 0.1 in z is a 10% change of the loss.

- trend: block medians down to at most MAX_POINTS points, then a running median over a window of a
  tenth of the curve. Medians ignore single spikes, which a mean would drag the trend toward.
  A second, short running median (SHORT_WINDOW points) keeps the spikes that last a few points.
- noise: the robust standard deviation of the point-to-point differences, divided by sqrt(2): the
  noise of a single point around the trend, as a fraction of the loss. Differencing removes the
  trend; the median absolute deviation removes the effect of spikes and of a steady slope.
- sign changes: the fraction of consecutive differences with opposite signs. A smooth curve gives
  about 0, independent minibatch noise about 2/3, a step-to-step zigzag (full-batch gradient
  descent with a step too long for the curvature) about 1.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

MAX_POINTS = 1000  # the trend is computed on at most this many block medians
SHORT_WINDOW = 5
MAD_TO_STD = 1.4826  # robust standard deviation = 1.4826 * median absolute deviation
TINY_DIFF = 1e-6  # differences smaller than this (in z) are float rounding, not movement


@dataclass
class Trend:
    """A smoothed curve: the trend's steps, its values (in z) and the smoothing window used."""

    steps: np.ndarray
    z: np.ndarray
    window: int  # running-median window, counted in raw points
    se: float  # standard error of one trend value due to the noise
    short: np.ndarray  # a running median over SHORT_WINDOW points: keeps spikes, drops outliers
    short_se: float


def to_z(values: np.ndarray) -> tuple[np.ndarray, bool]:
    """Put finite values on the scale the rules read; returns (z, is_log)."""
    values = np.asarray(values, dtype=np.float64)
    if values.size and np.all(values > 0):
        return np.log(values), True
    return values / _scale(values), False


def from_z(z: np.ndarray | float, is_log: bool, values: np.ndarray) -> np.ndarray | float:
    """Inverse of to_z for the same finite values (used to draw the trend in loss units)."""
    if is_log:
        return np.exp(z)
    return np.asarray(z) * _scale(values)


def _scale(values: np.ndarray) -> float:
    """The spread of values that are not all positive (1 when there is none)."""
    if not values.size:
        return 1.0
    spread = float(np.max(values) - np.min(values))
    return spread if spread > 0 else max(float(np.max(np.abs(values))), 1.0)


def robust_std(x: np.ndarray) -> float:
    """Standard deviation estimated from the median absolute deviation (0 for < 2 values)."""
    x = np.asarray(x, dtype=np.float64)
    if x.size < 2:
        return 0.0
    return float(MAD_TO_STD * np.median(np.abs(x - np.median(x))))


def noise_level(z: np.ndarray) -> float:
    """Noise of one point around the trend, in z units (about the relative noise of the loss)."""
    return robust_std(np.diff(z)) / np.sqrt(2.0)


def sign_change_rate(z: np.ndarray) -> float:
    """Fraction of consecutive (non-negligible) differences whose signs alternate."""
    d = np.diff(z)
    d = d[np.abs(d) > TINY_DIFF]
    if d.size < 3:
        return 0.0
    return float(np.mean(np.sign(d[1:]) != np.sign(d[:-1])))


def _block_medians(steps: np.ndarray, z: np.ndarray) -> tuple[np.ndarray, np.ndarray, int]:
    """Medians of consecutive blocks so that at most MAX_POINTS remain; returns the block size."""
    block = int(np.ceil(z.size / MAX_POINTS))
    if block <= 1:
        return steps, z, 1
    m = z.size // block
    head_z = np.median(z[: m * block].reshape(m, block), axis=1)
    head_s = np.median(steps[: m * block].reshape(m, block), axis=1)
    if z.size > m * block:  # the last, partial block
        head_z = np.append(head_z, np.median(z[m * block :]))
        head_s = np.append(head_s, np.median(steps[m * block :]))
    return head_s, head_z, block


def running_median(z: np.ndarray, window: int) -> np.ndarray:
    """Centered running median; the window shrinks at the ends instead of padding."""
    half = window // 2
    n = z.size
    out = np.empty(n)
    for i in range(n):
        lo, hi = max(0, i - half), min(n, i + half + 1)
        out[i] = np.median(z[lo:hi])
    return out


def trend(steps: np.ndarray, z: np.ndarray, noise: float) -> Trend:
    """The smoothed curve (window about a tenth of the curve, at least 3 points)."""
    s, b, block = _block_medians(np.asarray(steps, dtype=np.float64), z)
    window = max(3, (b.size // 10) | 1) if b.size >= 5 else 1
    smooth = running_median(b, window) if window > 1 else b.copy()
    raw_window = window * block
    short = running_median(b, SHORT_WINDOW) if b.size >= SHORT_WINDOW else b.copy()
    # a median of k noisy points scatters about 1.25 * noise / sqrt(k); at the ends of the curve
    # the window is half as wide
    return Trend(s, smooth, raw_window, _median_se(noise, raw_window), short,
                 _median_se(noise, SHORT_WINDOW * block))


def _median_se(noise: float, window: int) -> float:
    return 1.25 * noise / np.sqrt(max(window // 2, 1))


def value_at_fraction(tr: Trend, fraction: float) -> float:
    """The trend's value at a fraction (0..1) of the run's step range."""
    target = tr.steps[0] + fraction * (tr.steps[-1] - tr.steps[0])
    return float(np.interp(target, tr.steps, tr.z))


def max_drawup(z: np.ndarray) -> tuple[float, int]:
    """Largest rise of z above its running minimum, and the index where that rise peaked."""
    rise = z - np.minimum.accumulate(z)
    i = int(np.argmax(rise))
    return float(rise[i]), i


def linear_fit_r2(x: np.ndarray, y: np.ndarray) -> float:
    """R^2 of a straight-line fit of y on x (1 for a perfectly straight curve)."""
    if x.size < 3 or np.ptp(y) == 0:
        return 1.0
    slope, intercept = np.polyfit(x, y, 1)
    resid = y - (slope * x + intercept)
    return float(1.0 - np.sum(resid**2) / np.sum((y - y.mean()) ** 2))
