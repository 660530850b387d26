"""Data for flowgrad programs: the book's toy sets, minibatch iteration, small real sets.

This module owns every way of walking over data in minibatches and epochs, including the
sharding that data-parallel (MPI) training uses; later code extends it rather than writing its
own loop. Everything random takes a `seed` and draws from its own `numpy.random.Generator`, so
the global NumPy random state is never read or changed.

Labels of the toy classification sets are float64 (0.0 or 1.0), because the book feeds them
straight into a float placeholder and a sigmoid cross-entropy loss.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import numpy as np

Array = np.ndarray


def linear_regression_data(
    N: int = 100, w: float = 5.0, b: float = 2.0, noise: float = 0.1, seed: int = 0
) -> tuple[Array, Array]:
    """The book's linear-regression set: x of shape (N, 1) uniform on [0, 1), y = w*x + b + noise.

    y has shape (N,), as the book reshapes it with `np.reshape(..., (-1))`.
    """
    rng = np.random.default_rng(seed)
    x = rng.random((N, 1))
    eps = rng.normal(scale=noise, size=(N, 1))
    y = np.reshape(w * x + b + eps, (-1))
    return x, y


def logistic_regression_data(
    N: int = 100,
    means: Sequence[Sequence[float]] = ((-1.0, -1.0), (1.0, 1.0)),
    cov_scale: float = 0.1,
    seed: int = 0,
) -> tuple[Array, Array]:
    """The book's two Gaussian blobs: class 0 around means[0], class 1 around means[1].

    The first N//2 rows are class 0, the rest class 1 (the book uses even N; an odd N gives class 1
    the extra point). The covariance of each blob is `cov_scale * I`.
    """
    rng = np.random.default_rng(seed)
    mean0, mean1 = (np.asarray(m, dtype=np.float64) for m in means)
    cov = cov_scale * np.eye(mean0.size)
    n0 = N // 2
    x_zeros = rng.multivariate_normal(mean=mean0, cov=cov, size=(n0,))
    x_ones = rng.multivariate_normal(mean=mean1, cov=cov, size=(N - n0,))
    x = np.vstack([x_zeros, x_ones])
    y = np.concatenate([np.zeros(n0), np.ones(N - n0)])
    return x, y


def moons(N: int = 100, noise: float = 0.1, seed: int = 0) -> tuple[Array, Array]:
    """Two interleaving half circles (as scikit-learn's make_moons), shuffled, float labels."""
    rng = np.random.default_rng(seed)
    n_outer = N // 2
    t_outer = np.linspace(0.0, np.pi, n_outer)
    t_inner = np.linspace(0.0, np.pi, N - n_outer)
    outer = np.column_stack([np.cos(t_outer), np.sin(t_outer)])
    inner = np.column_stack([1.0 - np.cos(t_inner), 0.5 - np.sin(t_inner)])
    return _shuffled_with_noise(outer, inner, noise, rng)


def circles(
    N: int = 100, noise: float = 0.05, factor: float = 0.5, seed: int = 0
) -> tuple[Array, Array]:
    """A unit circle (class 0) around a smaller one of radius `factor` (class 1), float labels."""
    rng = np.random.default_rng(seed)
    n_outer = N // 2
    # endpoint=False so that no point is drawn twice at angle 0 == 2*pi
    t_outer = np.linspace(0.0, 2.0 * np.pi, n_outer, endpoint=False)
    t_inner = np.linspace(0.0, 2.0 * np.pi, N - n_outer, endpoint=False)
    outer = np.column_stack([np.cos(t_outer), np.sin(t_outer)])
    inner = factor * np.column_stack([np.cos(t_inner), np.sin(t_inner)])
    return _shuffled_with_noise(outer, inner, noise, rng)


def xor(N: int = 100, noise: float = 0.0, seed: int = 0) -> tuple[Array, Array]:
    """Points uniform on [-1, 1]^2, labelled 1.0 where exactly one coordinate is positive."""
    rng = np.random.default_rng(seed)
    x = rng.uniform(-1.0, 1.0, size=(N, 2))
    # labels come from the clean points, so noise blurs the boundary rather than the rule
    y = ((x[:, 0] > 0) != (x[:, 1] > 0)).astype(np.float64)
    return x + rng.normal(scale=noise, size=x.shape), y


def _shuffled_with_noise(
    class0: Array, class1: Array, noise: float, rng: np.random.Generator
) -> tuple[Array, Array]:
    x = np.vstack([class0, class1])
    y = np.concatenate([np.zeros(len(class0)), np.ones(len(class1))])
    order = rng.permutation(len(x))
    x, y = x[order], y[order]
    return x + rng.normal(scale=noise, size=x.shape), y


def batches_per_epoch(
    n: int, batch_size: int, drop_last: bool = False, shard: tuple[int, int] | None = None
) -> int:
    """How many batches one epoch of `minibatches` yields for n examples (per shard if sharded)."""
    _check_batching(batch_size, shard)
    size = n if shard is None else n // shard[1]
    return size // batch_size if drop_last else -(-size // batch_size)


def epochs(
    *arrays: Array,
    batch_size: int,
    num_epochs: int = 1,
    shuffle: bool = True,
    seed: int | None = 0,
    drop_last: bool = False,
    shard: tuple[int, int] | None = None,
) -> Iterator[tuple[int, Iterator[tuple[Array, ...]]]]:
    """Yield (epoch index, iterator over that epoch's minibatches), as `minibatches` walks them.

    The epochs share one generator, so their permutations depend on `seed` alone.
    """
    return _epochs(arrays, batch_size, num_epochs, shuffle, seed, drop_last, shard)


def minibatches(
    *arrays: Array,
    batch_size: int,
    shuffle: bool = True,
    seed: int | None = 0,
    drop_last: bool = False,
    epochs: int = 1,
    shard: tuple[int, int] | None = None,
) -> Iterator[tuple[Array, ...]]:
    """Yield tuples of aligned minibatches of `arrays` (x, y[, w]) for `epochs` epochs.

    Each epoch draws a fresh permutation from one generator seeded by `seed` (None: fresh
    entropy). The last partial batch is kept unless `drop_last`. With `shard=(index, count)`,
    worker `index` of `count` gets every count-th example of each epoch's permutation: the
    shards are disjoint and of equal size, and the `n % count` left-over examples of an epoch
    are skipped (different ones each epoch when shuffling), so that every worker takes the same
    number of steps. A tuple is yielded even for one array: `for (xb,) in minibatches(x, ...)`.
    Only the index permutation and one batch are held in memory; without shuffling or
    sharding the batches are views.
    """
    stream = _epochs(arrays, batch_size, epochs, shuffle, seed, drop_last, shard)
    return (batch for _, batches in stream for batch in batches)


def _epochs(arrays, batch_size, num_epochs, shuffle, seed, drop_last, shard):
    # validate here, not inside the generator, so that mistakes raise at the call
    arrays = _as_arrays(arrays)
    _check_batching(batch_size, shard)
    if shard is not None and shuffle and seed is None:
        raise ValueError(
            "minibatches: shard=(index, count) needs an integer seed, so that every worker "
            "draws the same permutations and the shards stay disjoint; got seed=None"
        )
    return _epoch_stream(
        arrays, batch_size, num_epochs, shuffle, np.random.default_rng(seed), drop_last, shard
    )


def _epoch_stream(arrays, batch_size, num_epochs, shuffle, rng, drop_last, shard):
    n = len(arrays[0])
    for epoch in range(num_epochs):
        order = _epoch_order(n, shuffle, rng, shard)
        yield epoch, _batches(arrays, order, n, batch_size, drop_last)


def _as_arrays(arrays: Sequence[Array]) -> list[Array]:
    if not arrays:
        raise ValueError("minibatches: give at least one array, e.g. minibatches(x, y, ...)")
    arrays = [np.asarray(a) for a in arrays]
    if any(a.ndim == 0 for a in arrays) or len({len(a) for a in arrays}) != 1:
        shapes = ", ".join(str(a.shape) for a in arrays)
        raise ValueError(f"minibatches: arrays must share their first dimension; got {shapes}")
    return arrays


def _check_batching(batch_size: int, shard: tuple[int, int] | None) -> None:
    if batch_size < 1:
        raise ValueError(f"minibatches: batch_size must be at least 1, got {batch_size}")
    if shard is not None and not (shard[1] >= 1 and 0 <= shard[0] < shard[1]):
        raise ValueError(
            f"minibatches: shard must be (index, count) with 0 <= index < count, got {shard}"
        )


def _epoch_order(
    n: int, shuffle: bool, rng: np.random.Generator, shard: tuple[int, int] | None
) -> Array | None:
    """The example indices of one epoch, or None for all examples in their stored order."""
    if shard is None:
        return rng.permutation(n) if shuffle else None
    index, count = shard
    order = rng.permutation(n) if shuffle else np.arange(n)
    return order[index : index + (n // count) * count : count]


def _batches(
    arrays: list[Array], order: Array | None, n: int, batch_size: int, drop_last: bool
) -> Iterator[tuple[Array, ...]]:
    size = n if order is None else len(order)
    end = size - size % batch_size if drop_last else size
    for lo in range(0, end, batch_size):
        hi = min(lo + batch_size, end)
        rows = slice(lo, hi) if order is None else order[lo:hi]
        yield tuple(a[rows] for a in arrays)


@dataclass(frozen=True)
class SplitDataset:
    """A small real data set split into standardized training and validation parts."""

    x_train: Array
    y_train: Array
    x_valid: Array
    y_valid: Array
    feature_names: tuple[str, ...]
    target_names: tuple[str, ...] = ()


def load_breast_cancer(valid_size: float = 0.25, seed: int = 0) -> SplitDataset:
    """scikit-learn's breast-cancer set (binary), stratified split, standardized features."""
    from sklearn import datasets

    return _split(datasets.load_breast_cancer(), valid_size, seed, stratify=True)


def load_digits(valid_size: float = 0.25, seed: int = 0) -> SplitDataset:
    """scikit-learn's 8x8 digits set (10 classes), stratified split, standardized features."""
    from sklearn import datasets

    return _split(datasets.load_digits(), valid_size, seed, stratify=True)


def load_diabetes(valid_size: float = 0.25, seed: int = 0) -> SplitDataset:
    """scikit-learn's diabetes set (regression), plain split, standardized features."""
    from sklearn import datasets

    return _split(datasets.load_diabetes(), valid_size, seed, stratify=False)


def _split(bunch, valid_size: float, seed: int, stratify: bool) -> SplitDataset:
    # these sets ship inside scikit-learn: nothing is downloaded
    from sklearn.model_selection import train_test_split
    from sklearn.preprocessing import StandardScaler

    x, y = bunch.data, bunch.target
    x_train, x_valid, y_train, y_valid = train_test_split(
        x, y, test_size=valid_size, stratify=y if stratify else None, random_state=seed
    )
    # fit the scaler on the training part only, so no validation statistics leak into training
    scaler = StandardScaler().fit(x_train)
    return SplitDataset(
        x_train=scaler.transform(x_train),
        y_train=y_train,
        x_valid=scaler.transform(x_valid),
        y_valid=y_valid,
        feature_names=tuple(str(f) for f in bunch.feature_names),
        target_names=tuple(str(t) for t in getattr(bunch, "target_names", ())),
    )


@dataclass(frozen=True)
class WeightedSplitDataset:
    """Training and validation parts with a per-example weight for each (deepchem's X, y, w)."""

    x_train: Array
    y_train: Array
    w_train: Array
    x_valid: Array
    y_valid: Array
    w_valid: Array


def toxicity_data(
    N: int = 6000,
    n_features: int = 1024,
    positive_fraction: float = 0.05,
    n_informative: int = 64,
    lift: float = 2.5,
    valid_size: float = 0.2,
    seed: int = 0,
) -> WeightedSplitDataset:
    """A synthetic stand-in for the book's Tox21 task: binary fingerprints, few positives.

    Each of the N molecules has `n_features` bits, 0.0 or 1.0, each on with its own small
    probability (about 5% on average, as in a 1024-bit circular fingerprint); a fraction
    `positive_fraction` of the molecules are toxic (label 1.0). Toxic molecules carry each of
    `n_informative` "toxicophore" bits `lift` times more often than the others; every other bit
    is noise. No single bit decides the label, so an unweighted model, seeing mostly negatives,
    predicts few positives. The weights balance the classes as deepchem's tox21 weights do:
    1.0 for a negative and n_negative / n_positive of the training part (about 19) for a
    positive, in both parts. The split is stratified, so both parts hold `positive_fraction`.
    """
    if not 0.0 < positive_fraction < 1.0:
        raise ValueError(
            f"toxicity_data: positive_fraction must be in (0, 1), got {positive_fraction}"
        )
    if not 0 <= n_informative <= n_features:
        raise ValueError(
            f"toxicity_data: n_informative must be in [0, {n_features}], got {n_informative}"
        )
    rng = np.random.default_rng(seed)
    n_pos = round(positive_fraction * N)
    y = np.zeros(N)
    y[:n_pos] = 1.0
    # bit frequencies of fingerprints are skewed: most bits are rare, a few are common
    p_neg = rng.beta(0.8, 15.0, size=n_features)
    p_pos = p_neg.copy()
    informative = rng.choice(n_features, size=n_informative, replace=False)
    p_pos[informative] = np.minimum(lift * p_neg[informative], 0.9)
    x = (rng.random((N, n_features)) < np.where(y[:, None] == 1.0, p_pos, p_neg)).astype(np.float64)
    valid = _stratified_valid_rows(y, valid_size, rng)
    train = np.setdiff1d(np.arange(N), valid)
    train, valid = rng.permutation(train), rng.permutation(valid)
    y_train = y[train]
    weight_pos = (y_train == 0).sum() / max((y_train == 1).sum(), 1)
    return WeightedSplitDataset(
        x_train=x[train],
        y_train=y_train,
        w_train=np.where(y_train == 1.0, weight_pos, 1.0),
        x_valid=x[valid],
        y_valid=y[valid],
        w_valid=np.where(y[valid] == 1.0, weight_pos, 1.0),
    )


def _stratified_valid_rows(y: Array, valid_size: float, rng: np.random.Generator) -> Array:
    """Indices of a validation part holding `valid_size` of each class (without scikit-learn)."""
    if not 0.0 < valid_size < 1.0:
        raise ValueError(f"valid_size must be in (0, 1), got {valid_size}")
    rows = []
    for label in np.unique(y):
        members = np.flatnonzero(y == label)
        size = round(valid_size * len(members))
        rows.append(rng.choice(members, size=size, replace=False))
    return np.sort(np.concatenate(rows))
