"""The doctor's rules: read one loss curve (and its validation curve) and say what went wrong.

The curve is read on a log scale (z = log loss; see stats.py), through four robust statistics:

    noise   robust std of point-to-point differences / sqrt(2): relative noise of one point
    trend   running median of the curve (window a tenth of its length); `se` is the scatter of
            one trend value due to the noise, 1.25 * noise / sqrt(window / 2)
    drop    start - end of the trend (start: the trend's head, or the first raw points when
            they sit more than 3 noise above it: a drop faster than the window)
    rise    end - minimum of the trend
    drawup  the largest rise of the short running median (5 points) above its running minimum
    tail    progress of the trend over the last quarter of the steps
    sign changes of consecutive differences (about 2/3 for noise, about 1 for a zigzag)

A change counts only above `eps = max(EPS_CHANGE, 3 se)`, so noisy curves need larger changes.
The rules are tried in this order; the first that fires is the diagnosis, the later ones that
also fire are listed as further findings:

    nan          a value is NaN or +-Inf: at the first such step. "Diverged, then overflowed"
                 when the loss had grown by more than NAN_GROWTH before, else a numerical bug.
    diverging    rise > max(DIVERGE_RISE, 4 se): the loss ends well above its best; the step is
                 where the trend was lowest.
    overfitting  the validation trend ends more than max(OVERFIT_RISE, 3 se_val) above its
                 minimum while the training trend fell by more than eps after that step (the
                 turn step).
    stuck        |drop| < eps and the trend never left a band of 2 eps: nothing was learned.
    oscillating  the late half zigzags (sign changes >= ZIGZAG_SIGN_CHANGES with noise
                 >= ZIGZAG_NOISE), or the drawup exceeds max(OSCILLATE_DRAWUP, 5 se_short) and
                 came at least half way back: the learning rate is too high.
    lr_too_low   the loss falls in a straight line: trend R^2 of a line fit (in loss units)
                 >= LOW_LR_R2 and the drop over the last third >= LOW_LR_SLOPE_RATIO of the drop
                 over the first (from the start): no sign of slowing down, far from a plateau.
    noisy        noise >= NOISY: minibatch noise hides the trend.
    lsq_gap      with the data of a linear model: the loss levels off more than LSQ_GAP above the
                 exact least-squares loss (replaces converged and stuck only).
    converged    the last quarter gave less than CONVERGED_TAIL of the whole descent, measured in
                 loss units as on TensorBoard's linear axis (or tail < eps): a plateau.
    healthy      still improving.

Confidence is 0.5 at a rule's threshold and grows toward 1 with the margin (ratio r of the
statistic to its threshold: 1 - 0.5 / r). Thresholds were set on the training part of the
labelled corpus in tests/fixtures/doctor (labels.json records the split); the held-out part
only measures them.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field

import numpy as np

from flowgrad.doctor import stats
from flowgrad.doctor.stats import Trend

MIN_POINTS = 5
EPS_CHANGE = 0.01  # 1%: smaller changes of the loss are not movement
NAN_GROWTH = math.log(10.0)  # grown 10x above its best before NaN: it diverged
DIVERGE_RISE = math.log(1.5)  # ends 50% above its best
OVERFIT_RISE = math.log(1.05)  # validation ends 5% above its best
ZIGZAG_SIGN_CHANGES = 0.85
ZIGZAG_NOISE = 0.02
OSCILLATE_DRAWUP = math.log(1.5)  # jumped 50% above its best so far
LOW_LR_R2 = 0.95
LOW_LR_SLOPE_RATIO = 0.4
NOISY = 0.3  # one point scatters 30% around the trend
LSQ_GAP = 0.1  # 10% above the least-squares optimum
CONVERGED_TAIL = 0.04  # the last quarter gave under 4% of the descent (in loss units)

ADVICE = {
    "too_short": "log more points: at least 5 finite values are needed to read a curve",
    "nan_diverged": "the loss blew up before it overflowed: lower the learning rate (try /10), "
    "clip gradients, scale the inputs",
    "nan_numeric": "a numerical bug: look for log(0), division by zero, sqrt or log of a negative "
    "number, NaN in the input data; tf.add_check_numerics_ops() names the first op that made it",
    "diverging": "lower the learning rate (try /10), clip gradients, check the input scale",
    "overfitting": "stop early at the turn (keep that checkpoint), add regularization (weight "
    "decay, dropout), get more data or use a smaller model",
    "stuck": "no gradient reaches the weights: dead ReLUs, saturated sigmoid/tanh (initial "
    "weights too large), a loss that does not depend on the variables, or a learning rate of 0",
    "oscillating": "the learning rate is too high: lower it (try /3 to /10) or decay it",
    "lr_too_low": "the learning rate is too low: raise it (try x10)",
    "noisy": "smooth the curve (TensorBoard smoothing 0.9) to see the trend, or use a larger "
    "batch; decay the learning rate to settle the noise at the end",
    "lsq_gap": "the optimizer stopped short of the optimum: scale (standardize) the features, "
    "check the bias term, raise the learning rate or train longer",
    "converged": "converged: more steps will not help; to go lower change the model or features",
    "healthy": "still improving: keep training",
}


@dataclass
class Finding:
    """One diagnosis of a curve: label, confidence, step where it happens, evidence, advice."""

    label: str
    confidence: float
    summary: str
    advice: str
    step: float | None = None
    evidence: dict[str, float] = field(default_factory=dict)


@dataclass
class Diagnosis:
    """What the doctor says about one curve: the main finding first, then the others."""

    findings: list[Finding]
    stats: dict[str, float]
    trend: tuple[np.ndarray, np.ndarray] | None = None  # (steps, loss) of the smoothed curve
    validation_trend: tuple[np.ndarray, np.ndarray] | None = None

    @property
    def label(self) -> str:
        """The main diagnosis."""
        return self.findings[0].label

    @property
    def confidence(self) -> float:
        """Confidence of the main diagnosis, in [0, 1]."""
        return self.findings[0].confidence

    @property
    def step(self) -> float | None:
        """The step where the main diagnosis happens (None when it has no place)."""
        return self.findings[0].step

    @property
    def labels(self) -> list[str]:
        """All findings' labels, the main one first."""
        return [f.label for f in self.findings]

    def to_dict(self) -> dict:
        """JSON-ready form: the main finding's fields, further findings and statistics."""
        main, *others = [asdict(f) for f in self.findings]
        return {**main, "findings": others, "stats": self.stats}


def _conf(statistic: float, threshold: float) -> float:
    """0.5 at the threshold, toward 1 as the statistic exceeds it."""
    if threshold <= 0:
        return 0.99
    ratio = max(statistic / threshold, 1.0)
    return round(min(0.99, 1.0 - 0.5 / ratio), 3)


def _pct(z: float) -> str:
    """A change in z (log scale) as a signed percentage of the loss, or a factor when large."""
    factor = math.exp(min(z, 700.0))
    return f"x{factor:.3g}" if factor >= 10.0 else f"{100.0 * (factor - 1.0):+.0f}%"


def _fell(z: float) -> str:
    """A decrease of z (log scale) as the percentage by which the loss fell."""
    return f"{100.0 * (1.0 - math.exp(-z)):.0f}%"


def _series(steps, values) -> tuple[np.ndarray, np.ndarray]:
    steps = np.asarray(steps, dtype=np.float64).ravel()
    values = np.asarray(values, dtype=np.float64).ravel()
    if steps.shape != values.shape:
        raise ValueError(f"diagnose: {steps.size} steps but {values.size} values")
    order = np.argsort(steps, kind="stable")
    return steps[order], values[order]


@dataclass
class _Curve:
    """The statistics of one finite curve, in z units."""

    steps: np.ndarray
    values: np.ndarray
    z: np.ndarray
    is_log: bool
    noise: float
    tr: Trend
    eps: float
    start: float

    @classmethod
    def of(cls, steps: np.ndarray, values: np.ndarray) -> _Curve:
        z, is_log = stats.to_z(values)
        noise = stats.noise_level(z)
        tr = stats.trend(steps, z, noise)
        eps = max(EPS_CHANGE, 3.0 * tr.se)
        start = max(float(tr.z[0]), float(np.median(z[:3])) - 3.0 * noise)
        return cls(steps, values, z, is_log, noise, tr, eps, start)

    def loss(self, z: float | np.ndarray):
        return stats.from_z(z, self.is_log, self.values)

    def numbers(self) -> dict[str, float]:
        tr = self.tr
        drawup, drawup_index = stats.max_drawup(tr.short)
        half = self.z[self.z.size // 2 :]
        # the last quarter's share of the whole descent, in loss units as on TensorBoard's
        # linear axis: a plateau is a last quarter that adds little to it
        start, late, end = (float(self.loss(z)) for z in
                            (self.start, stats.value_at_fraction(tr, 0.75), tr.z[-1]))
        tail_share = (late - end) / (start - end) if start > end else 0.0
        return {
            "points": int(self.z.size),
            "first": float(self.values[0]),
            "last": float(self.values[-1]),
            "best_trend": float(self.loss(tr.z.min())),
            "end_trend": float(self.loss(tr.z[-1])),
            "drop": float(self.start - tr.z[-1]),
            "rise": float(tr.z[-1] - tr.z.min()),
            "drawup": drawup,
            "drawup_index": drawup_index,
            "tail": float(stats.value_at_fraction(tr, 0.75) - tr.z[-1]),
            "tail_share": tail_share,
            "noise": self.noise,
            "noise_late": stats.noise_level(half),
            "sign_changes_late": stats.sign_change_rate(half),
            "trend_se": float(tr.se),
            "eps": float(self.eps),
            "log_scale": bool(self.is_log),
        }


def _curve_findings(c: _Curve, s: dict) -> list[Finding]:
    """Every rule on the training curve alone, in order (the default last)."""
    tr, eps, out = c.tr, c.eps, []
    best_i = int(np.argmin(tr.z))
    diverge_thr = max(DIVERGE_RISE, 4.0 * tr.se)
    if s["rise"] > diverge_thr:
        out.append(Finding(
            "diverging", _conf(s["rise"], diverge_thr),
            f"the loss rose {_pct(s['rise'])} above its best {s['best_trend']:.4g} "
            f"(step {tr.steps[best_i]:g}) to {s['end_trend']:.4g} at the end",
            ADVICE["diverging"], float(tr.steps[best_i]),
            _pick(s, "rise", "best_trend", "end_trend")))
    span = max(c.start, float(tr.z.max())) - float(tr.z.min())
    if abs(s["drop"]) < eps and span < 2.0 * eps:
        out.append(Finding(
            "stuck", _conf(2.0 * eps, max(span, 1e-12)),
            f"flat from the start: the loss moved {_pct(s['drop'])} "
            f"(level {s['end_trend']:.4g}){_constant_prediction(s['end_trend'])}",
            ADVICE["stuck"], float(c.steps[0]), _pick(s, "drop", "end_trend", "eps")))
    late_zigzag = (s["sign_changes_late"] >= ZIGZAG_SIGN_CHANGES
                   and s["noise_late"] >= ZIGZAG_NOISE)
    drawup_thr = max(OSCILLATE_DRAWUP, 5.0 * tr.short_se)
    drawup, up_i = s["drawup"], s["drawup_index"]
    came_back = tr.short[-1] - tr.short[up_i] < -0.5 * drawup  # a rise that stayed is divergence
    if late_zigzag or (drawup > drawup_thr and came_back):
        if late_zigzag:
            what = (f"the loss zigzags step to step ({100 * s['sign_changes_late']:.0f}% sign "
                    f"changes, amplitude {100 * s['noise_late']:.0f}%)")
            conf, step = _conf(s["sign_changes_late"], ZIGZAG_SIGN_CHANGES * 0.9), None
        else:
            what = f"the loss jumped {_pct(drawup)} above its best so far and came back"
            conf, step = _conf(drawup, drawup_thr), float(tr.steps[up_i])
        out.append(Finding("oscillating", conf, what, ADVICE["oscillating"], step,
                           _pick(s, "sign_changes_late", "noise_late", "drawup")))
    line = _straight_decrease(c)
    if s["drop"] > eps and line is not None:
        r2, ratio = line
        out.append(Finding(
            "lr_too_low", _conf(r2 * min(ratio, 1.0), LOW_LR_R2 * LOW_LR_SLOPE_RATIO),
            f"the loss falls in a straight line ({_pct(-s['drop'])} overall, the last third as "
            f"fast as {100 * ratio:.0f}% of the first): far from a plateau",
            ADVICE["lr_too_low"], None, {**_pick(s, "drop"), "line_r2": r2, "slope_ratio": ratio}))
    if s["noise"] >= NOISY:
        out.append(Finding(
            "noisy", _conf(s["noise"], NOISY),
            f"minibatch noise of about +-{100 * s['noise']:.0f}% around the trend",
            ADVICE["noisy"], None, _pick(s, "noise", "trend_se")))
    if all(f.label == "noisy" for f in out):  # where it stands matters only if nothing is wrong
        out.append(_settled(c, s))
    return out


def _straight_decrease(c: _Curve) -> tuple[float, float] | None:
    """(R^2, last/first slope ratio) when the trend falls in a straight line, else None."""
    tr = c.tr
    if tr.z.size < 6:
        return None
    y = np.asarray(c.loss(tr.z))
    # from the curve's start, not the trend's head: a fast first drop is not a straight line
    fr = [float(c.loss(c.start))]
    fr += [float(c.loss(stats.value_at_fraction(tr, f))) for f in (1 / 3, 2 / 3, 1.0)]
    first, last = fr[0] - fr[1], fr[2] - fr[3]
    if first <= 0 or last <= 0:
        return None
    r2, ratio = stats.linear_fit_r2(tr.steps, y), last / first
    if r2 >= LOW_LR_R2 and ratio >= LOW_LR_SLOPE_RATIO:
        return round(r2, 4), round(ratio, 3)
    return None


def _settled(c: _Curve, s: dict) -> Finding:
    """Converged (the last quarter is flat next to the whole descent) or healthy."""
    tr, share = c.tr, s["tail_share"]
    if share < CONVERGED_TAIL or s["tail"] < c.eps:
        reached = np.nonzero(tr.z - tr.z[-1] <= max(c.eps, 0.1 * max(s["drop"], 0.0)))[0]
        step = float(tr.steps[reached[0]]) if reached.size else None
        return Finding(
            "converged", _conf(CONVERGED_TAIL, max(share, CONVERGED_TAIL / 4.0)),
            f"plateau at {s['end_trend']:.4g} (the last quarter gave {100 * max(share, 0):.1f}% "
            f"of the descent){_log_axis_note(s['tail'])}{_constant_prediction(s['end_trend'])}",
            ADVICE["converged"], step, _pick(s, "tail_share", "tail", "drop", "end_trend"))
    return Finding(
        "healthy", _conf(share, CONVERGED_TAIL),
        f"still improving: the last quarter gave {100 * share:.0f}% of the descent "
        f"({_pct(-s['tail'])}), {_pct(-s['drop'])} overall",
        ADVICE["healthy"], None, _pick(s, "tail_share", "tail", "drop", "end_trend"))


def _log_axis_note(tail: float) -> str:
    """A plateau on a linear axis can still fall steadily on a log axis: say so."""
    if tail > math.log(1.1):
        return f"; on a log axis it still falls {_fell(tail)} per quarter of the run"
    return ""


def _constant_prediction(level: float) -> str:
    """A note when a plateau sits at ln(k): the cross-entropy of a constant guess among k."""
    for k in range(2, 11):
        if abs(level - math.log(k)) < 0.005 * math.log(k):
            return f"; {level:.4g} = ln({k}): a constant prediction among {k} classes"
    return ""


def _pick(s: dict, *names: str) -> dict[str, float]:
    return {n: s[n] for n in names}


def _overfitting(c: _Curve, v: _Curve) -> Finding | None:
    """Validation turning up while training keeps falling, with the turn step."""
    j = int(np.argmin(v.tr.z))
    turn = float(v.tr.steps[j])
    v_rise = float(v.tr.z[-1] - v.tr.z[j])
    train_after = float(np.interp(turn, c.tr.steps, c.tr.z) - c.tr.z[-1])
    threshold = max(OVERFIT_RISE, 3.0 * v.tr.se)
    if v_rise <= threshold or train_after <= c.eps:
        return None
    return Finding(
        "overfitting", _conf(v_rise, threshold),
        f"validation loss turned up at step {turn:g} ({_pct(v_rise)} since) while training fell "
        f"{_fell(train_after)} more", ADVICE["overfitting"], turn,
        {"val_rise": v_rise, "train_drop_after_turn": train_after,
         "val_best": float(v.loss(v.tr.z[j])), "val_end": float(v.loss(v.tr.z[-1]))})


def least_squares_loss(x, y) -> float:
    """Smallest sum of squared errors of an affine model y ~ x @ W + b (exact, by lstsq)."""
    x = np.asarray(x, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    x = x.reshape(x.shape[0], -1)
    y = y.reshape(x.shape[0], -1)
    design = np.hstack([x, np.ones((x.shape[0], 1))])
    coef, *_ = np.linalg.lstsq(design, y, rcond=None)
    return float(np.sum((design @ coef - y) ** 2))


def _lsq_finding(c: _Curve, data) -> Finding:
    """Compare the levelled-off loss with the exact least-squares loss under its likely scaling."""
    x, y = data
    n = np.asarray(x).shape[0]
    sse = least_squares_loss(x, y)
    end = float(c.loss(c.tr.z[-1]))
    # the loss may be logged as a sum, tf.nn.l2_loss (half sum), a mean, or half a mean
    scalings = {"sum": 1.0, "half sum": 0.5, "mean": 1.0 / n, "half mean": 0.5 / n}
    fits = {k: end / (f * sse) for k, f in scalings.items() if sse > 0}
    plausible = {k: r for k, r in fits.items() if r >= 0.98}
    name = min(plausible, key=plausible.get) if plausible else "mean"
    optimum = scalings[name] * sse
    gap = end / optimum - 1.0 if optimum > 0 else (math.inf if end > 0 else 0.0)
    evidence = {"lsq_optimum": optimum, "end_trend": end, "lsq_gap": gap}
    summary = (f"the loss levels at {end:.4g}, {100 * gap:.0f}% above the exact least-squares "
               f"loss {optimum:.4g} (as a {name} of squared errors)")
    return Finding("lsq_gap", _conf(gap, LSQ_GAP) if gap > LSQ_GAP else 0.0, summary,
                   ADVICE["lsq_gap"], None, evidence)


def diagnose(steps, values, validation=None, data=None) -> Diagnosis:
    """Diagnose a loss curve: `validation` is an optional (steps, values) pair of the validation
    loss, `data` an optional (x, y) on which a linear model was fit by least squares."""
    steps, values = _series(steps, values)
    bad = np.nonzero(~np.isfinite(values))[0]
    k = int(bad[0]) if bad.size else values.size
    if k < MIN_POINTS:
        return _nan_or_short(steps, values, k)
    c = _Curve.of(steps[:k], values[:k])
    s = c.numbers()
    findings = _curve_findings(c, s)
    v_trend = None
    if validation is not None:
        v_steps, v_values = _series(*validation)
        finite = np.isfinite(v_values)
        if np.sum(finite) >= MIN_POINTS:
            v = _Curve.of(v_steps[finite], v_values[finite])
            v_trend = (v.tr.steps, np.asarray(v.loss(v.tr.z)))
            over = _overfitting(c, v)
            if over is not None:
                findings.insert(1 if findings[0].label == "diverging" else 0, over)
    if data is not None:
        gap = _lsq_finding(c, data)
        if gap.confidence > 0:
            where = 0 if findings[0].label in ("converged", "stuck") else len(findings)
            findings.insert(where, gap)
        else:
            findings[0].evidence.update(gap.evidence)
    if k < values.size:  # what the finite part showed stays as context, unless it was fine
        findings = [_nan_finding(steps, values, k, c)] + [
            f for f in findings if f.label not in ("healthy", "converged")]
    trend = (c.tr.steps, np.asarray(c.loss(c.tr.z)))
    return Diagnosis(findings, s, trend, v_trend)


def _nan_finding(steps, values, k: int, c: _Curve | None) -> Finding:
    """NaN/Inf at the k-th point: overflow after a blow-up, or a numerical bug."""
    kind = "NaN" if np.isnan(values[k]) else "Inf"
    growth = 0.0
    if c is not None:
        growth = float(c.z[-1] - np.min(c.z))
    diverged = growth > NAN_GROWTH
    how = (f"after the loss grew {_pct(growth)} above its best" if diverged
           else "with no blow-up before it")
    return Finding("nan", 1.0, f"{kind} at step {steps[k]:g} {how}",
                   ADVICE["nan_diverged" if diverged else "nan_numeric"], float(steps[k]),
                   {"first_bad_index": k, "growth_before": growth,
                    "last_finite": float(values[k - 1]) if k else math.nan})


def _nan_or_short(steps, values, k: int) -> Diagnosis:
    """Curves with fewer than MIN_POINTS finite values before the first NaN/Inf."""
    if k < values.size:
        c = _Curve.of(steps[:k], values[:k]) if k >= 2 else None
        return Diagnosis([_nan_finding(steps, values, k, c)], {"points": int(values.size)})
    return Diagnosis([Finding("too_short", 1.0, f"only {k} points", ADVICE["too_short"])],
                     {"points": int(values.size)})
