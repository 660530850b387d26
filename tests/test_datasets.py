import numpy as np
import pytest

from flowgrad import datasets
from flowgrad.datasets import batches_per_epoch, epochs, minibatches


def test_linear_regression_data_follows_the_book():
    x, y = datasets.linear_regression_data(N=100, w=5.0, b=2.0, noise=0.1, seed=3)
    assert x.shape == (100, 1) and y.shape == (100,)
    assert x.dtype == y.dtype == np.float64
    assert 0.0 <= x.min() and x.max() < 1.0
    rng = np.random.default_rng(3)
    expected_x = rng.random((100, 1))
    expected_y = np.reshape(5.0 * expected_x + 2.0 + rng.normal(scale=0.1, size=(100, 1)), (-1))
    np.testing.assert_array_equal(x, expected_x)
    np.testing.assert_array_equal(y, expected_y)
    w, b = np.polyfit(x[:, 0], y, 1)
    assert w == pytest.approx(5.0, abs=0.1) and b == pytest.approx(2.0, abs=0.05)


def test_logistic_regression_data_has_two_blobs_in_order():
    x, y = datasets.logistic_regression_data(N=200, cov_scale=0.1, seed=1)
    assert x.shape == (200, 2) and y.shape == (200,) and y.dtype == np.float64
    np.testing.assert_array_equal(y, np.r_[np.zeros(100), np.ones(100)])
    np.testing.assert_allclose(x[:100].mean(axis=0), [-1, -1], atol=0.1)
    np.testing.assert_allclose(x[100:].mean(axis=0), [1, 1], atol=0.1)
    np.testing.assert_allclose(np.cov(x[:100].T), 0.1 * np.eye(2), atol=0.04)


def test_logistic_regression_data_custom_means_and_odd_n():
    x, y = datasets.logistic_regression_data(N=101, means=((0, 0), (3, 4)), seed=0)
    assert x.shape == (101, 2) and y.sum() == 51
    np.testing.assert_allclose(x[y == 1].mean(axis=0), [3, 4], atol=0.15)


@pytest.mark.parametrize("make", [datasets.moons, datasets.circles, datasets.xor])
def test_teaching_sets_shapes_labels_and_seeds(make):
    x, y = make(N=120, seed=5)
    assert x.shape == (120, 2) and y.shape == (120,)
    assert x.dtype == y.dtype == np.float64
    assert set(np.unique(y)) == {0.0, 1.0}
    again_x, again_y = make(N=120, seed=5)
    np.testing.assert_array_equal(x, again_x)
    np.testing.assert_array_equal(y, again_y)
    assert not np.array_equal(make(N=120, seed=6)[0], x)


def test_moons_without_noise_lie_on_two_half_circles():
    x, y = datasets.moons(N=100, noise=0.0)
    assert y.sum() == 50
    np.testing.assert_allclose(np.hypot(*x[y == 0].T), 1.0)
    np.testing.assert_allclose(np.hypot(x[y == 1, 0] - 1.0, x[y == 1, 1] - 0.5), 1.0)
    assert (x[y == 0, 1] >= -1e-12).all() and (x[y == 1, 1] <= 0.5 + 1e-12).all()


def test_circles_without_noise_have_radii_one_and_factor():
    x, y = datasets.circles(N=80, noise=0.0, factor=0.3)
    np.testing.assert_allclose(np.hypot(*x[y == 0].T), 1.0)
    np.testing.assert_allclose(np.hypot(*x[y == 1].T), 0.3)


def test_xor_labels_follow_the_quadrants():
    x, y = datasets.xor(N=200, noise=0.0)
    np.testing.assert_array_equal(y, (x[:, 0] * x[:, 1] < 0).astype(float))
    assert 0.3 < y.mean() < 0.7


def test_generators_leave_global_numpy_state_alone():
    np.random.seed(123)
    before = np.random.get_state()[1].copy()
    datasets.linear_regression_data(seed=1)
    datasets.logistic_regression_data(seed=1)
    datasets.moons(seed=1)
    list(minibatches(np.arange(10), batch_size=3, seed=1))
    np.testing.assert_array_equal(np.random.get_state()[1], before)


def _epoch_rows(**kwargs):
    x = np.arange(10)
    return [xb.tolist() for (xb,) in minibatches(x, **kwargs)]


def test_minibatches_cover_each_example_once_and_keep_arrays_aligned():
    x = np.arange(23, dtype=float).reshape(23, 1)
    y, w = np.arange(23) * 10, np.arange(23) * 100
    batches = list(minibatches(x, y, w, batch_size=5, seed=0))
    assert [len(b[0]) for b in batches] == [5, 5, 5, 5, 3]
    for xb, yb, wb in batches:
        assert xb.shape[1:] == (1,)
        np.testing.assert_array_equal(yb, xb[:, 0] * 10)
        np.testing.assert_array_equal(wb, xb[:, 0] * 100)
    seen = np.concatenate([b[1] for b in batches]) // 10
    assert sorted(seen) == list(range(23)) and seen.tolist() != list(range(23))


def test_minibatches_drop_last_drops_the_partial_batch():
    rows = _epoch_rows(batch_size=3, drop_last=True)
    assert [len(r) for r in rows] == [3, 3, 3]
    assert len({v for row in rows for v in row}) == 9


def test_minibatches_each_epoch_is_a_new_seeded_permutation():
    rows = _epoch_rows(batch_size=10, epochs=3, seed=7)
    assert len(rows) == 3 and all(sorted(r) == list(range(10)) for r in rows)
    assert rows[0] != rows[1] != rows[2]
    assert rows == _epoch_rows(batch_size=10, epochs=3, seed=7)
    assert rows != _epoch_rows(batch_size=10, epochs=3, seed=8)


def test_minibatches_without_shuffle_yield_views_in_order():
    x = np.arange(20.0).reshape(10, 2)
    batches = list(minibatches(x, batch_size=4, shuffle=False))
    assert [b[0][:, 0].tolist() for b in batches] == [[0, 2, 4, 6], [8, 10, 12, 14], [16, 18]]
    assert all(np.shares_memory(b[0], x) for b in batches)


def test_minibatches_accept_lists():
    batches = list(minibatches([1, 2, 3], [4, 5, 6], batch_size=2, shuffle=False))
    assert [b[1].tolist() for b in batches] == [[4, 5], [6]]


@pytest.mark.parametrize("count", [1, 2, 3, 4])
@pytest.mark.parametrize("shuffle", [True, False])
def test_shards_are_disjoint_equal_and_take_equal_steps(count, shuffle):
    n, per_shard = 10, 10 // count
    for epoch in range(3):
        shards = []
        for index in range(count):
            stream = epochs(
                np.arange(n),
                batch_size=3,
                num_epochs=3,
                seed=4,
                shuffle=shuffle,
                shard=(index, count),
            )
            epoch_batches = [list(batches) for _, batches in stream][epoch]
            assert len(epoch_batches) == batches_per_epoch(n, 3, shard=(index, count))
            shards.append(np.concatenate([xb for (xb,) in epoch_batches]).tolist())
        assert all(len(s) == per_shard for s in shards)
        union = [v for shard in shards for v in shard]
        assert len(set(union)) == len(union) == per_shard * count


def test_shards_cover_different_leftovers_each_epoch():
    seen = set()
    for index in range(3):
        for (xb,) in minibatches(np.arange(10), batch_size=3, epochs=5, shard=(index, 3)):
            seen.update(xb.tolist())
    assert seen == set(range(10))


@pytest.mark.parametrize("n,batch_size,drop_last", [(10, 3, False), (10, 3, True), (9, 3, False)])
def test_batches_per_epoch_matches_iteration(n, batch_size, drop_last):
    expected = len(list(minibatches(np.arange(n), batch_size=batch_size, drop_last=drop_last)))
    assert batches_per_epoch(n, batch_size, drop_last) == expected


def test_epochs_yields_the_same_batches_as_minibatches():
    x = np.arange(12)
    flat = [xb.tolist() for (xb,) in minibatches(x, batch_size=5, epochs=2, seed=2)]
    nested = [
        (e, xb.tolist()) for e, bs in epochs(x, batch_size=5, num_epochs=2, seed=2) for (xb,) in bs
    ]
    assert [e for e, _ in nested] == [0, 0, 0, 1, 1, 1]
    assert [rows for _, rows in nested] == flat


def test_minibatches_errors_raise_at_the_call():
    with pytest.raises(ValueError, match=r"first dimension.*\(5,\), \(4,\)"):
        minibatches(np.arange(5), np.arange(4), batch_size=2)
    with pytest.raises(ValueError, match="batch_size must be at least 1, got 0"):
        minibatches(np.arange(5), batch_size=0)
    with pytest.raises(ValueError, match=r"0 <= index < count, got \(2, 2\)"):
        minibatches(np.arange(5), batch_size=2, shard=(2, 2))
    with pytest.raises(ValueError, match="needs an integer seed"):
        minibatches(np.arange(5), batch_size=2, seed=None, shard=(0, 2))
    with pytest.raises(ValueError, match="at least one array"):
        minibatches(batch_size=2)


def test_unseeded_minibatches_still_cover_everything():
    rows = _epoch_rows(batch_size=4, seed=None)
    assert sorted(v for row in rows for v in row) == list(range(10))


@pytest.mark.parametrize(
    "loader,name,stratify",
    [
        (datasets.load_breast_cancer, "load_breast_cancer", True),
        (datasets.load_digits, "load_digits", True),
        (datasets.load_diabetes, "load_diabetes", False),
    ],
)
def test_sklearn_loaders_match_split_and_scaler(loader, name, stratify):
    sk_datasets = pytest.importorskip("sklearn.datasets")
    from sklearn.model_selection import train_test_split
    from sklearn.preprocessing import StandardScaler

    bunch = getattr(sk_datasets, name)()
    x_train, x_valid, y_train, y_valid = train_test_split(
        bunch.data,
        bunch.target,
        test_size=0.25,
        stratify=bunch.target if stratify else None,
        random_state=0,
    )
    scaler = StandardScaler().fit(x_train)
    data = loader()
    np.testing.assert_allclose(data.x_train, scaler.transform(x_train))
    np.testing.assert_allclose(data.x_valid, scaler.transform(x_valid))
    np.testing.assert_array_equal(data.y_train, y_train)
    np.testing.assert_array_equal(data.y_valid, y_valid)
    assert len(data.x_valid) == int(np.ceil(0.25 * len(bunch.data)))
    assert data.feature_names == tuple(str(f) for f in bunch.feature_names)
    assert np.abs(data.x_train.mean(axis=0)).max() < 1e-10


def test_classification_split_is_stratified():
    pytest.importorskip("sklearn")
    data = datasets.load_breast_cancer()
    assert data.y_train.mean() == pytest.approx(data.y_valid.mean(), abs=0.01)
    assert data.target_names == ("malignant", "benign")
