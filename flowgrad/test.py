"""tf.test: the gradient checker, to compare a gradient with finite differences.

`compute_gradient` and `compute_gradient_error` are TF1's (they run in the default session and
feed x); `check_gradients` is flowgrad's shortcut for a learner's question "is my gradient
right?": it perturbs placeholders or Variables where they stand and returns one relative error.

Jacobians follow TF1's layout: shape (x size, y size), row i is d(y)/d(x.flat[i]).
"""

from __future__ import annotations

import numpy as np

from flowgrad.autodiff import gradients
from flowgrad.framework.graph import Tensor
from flowgrad.ops.array_ops import constant, identity, placeholder
from flowgrad.session.session import get_default_session


def _default_session(what: str):
    session = get_default_session()
    if session is None:
        raise ValueError(f"{what} runs in the default session: call it inside "
                         "`with tf.Session():` (or `with sess.as_default():`).")
    return session


def _size(shape) -> int:
    return int(np.prod(shape, dtype=np.int64))


def _check_float(x: Tensor, what: str) -> None:
    if not x.dtype.is_floating:
        raise TypeError(f"{what}: x '{x.name}' has dtype {x.dtype.name}; only float tensors "
                        "have gradients to check.")


def _theoretical(session, x, x_data, dx, dy, y_shape, feeds) -> np.ndarray:
    """Backpropagates a one-hot dy per element of y: column j of the Jacobian."""
    y_size = _size(y_shape)
    jacobian = np.zeros((x_data.size, y_size), dtype=x_data.dtype)
    if dx is None:  # y does not depend on x
        return jacobian
    dy_data = np.zeros(y_shape, dtype=dy.dtype.as_numpy_dtype)
    flat = dy_data.reshape(-1)
    for col in range(y_size):
        flat[col] = 1
        backprop = session.run(dx, {**feeds, x: x_data, dy: dy_data})
        jacobian[:, col] = np.asarray(backprop).reshape(-1)
        flat[col] = 0
    if not y_size:  # TF1: an empty y still runs the gradient once, which must be zeros
        backprop = np.asarray(session.run(dx, {**feeds, x: x_data, dy: dy_data}))
        if backprop.shape != x_data.shape:
            raise ValueError(f"Empty gradient has wrong shape: expected {x_data.shape}, "
                             f"got {backprop.shape}")
        if np.any(backprop):
            raise ValueError("Empty tensor with nonzero gradients")
    return jacobian


def _numerical(session, x, x_data, y, y_shape, delta, feeds) -> np.ndarray:
    """Central differences (y(x + delta e_i) - y(x - delta e_i)) / (2 delta): row i."""
    jacobian = np.zeros((x_data.size, _size(y_shape)), dtype=x_data.dtype)
    for row in range(x_data.size):
        x_pos, x_neg = x_data.copy(), x_data.copy()
        x_pos.reshape(-1)[row] += delta
        x_neg.reshape(-1)[row] -= delta
        y_pos = np.asarray(session.run(y, {**feeds, x: x_pos}))
        y_neg = np.asarray(session.run(y, {**feeds, x: x_neg}))
        jacobian[row, :] = ((y_pos - y_neg) / (2 * delta)).reshape(-1)
    return jacobian


def _dx_and_dy(x, y, y_shape):
    # TF1: dy is a constant that is always fed; the identity keeps dx != dy for ops like Add
    with x.graph.as_default():
        dy_orig = constant(1.0, shape=y_shape, dtype=y.dtype)
        dy = identity(dy_orig)
    return gradients(y, x, dy)[0], dy_orig


def _x_data(x, x_shape, x_init_value) -> np.ndarray:
    _check_float(x, "compute_gradient")
    dtype = x.dtype.as_numpy_dtype
    if x_init_value is None:
        return np.random.random_sample(x_shape).astype(dtype)
    x_data = np.array(x_init_value, dtype=dtype)
    if list(x_data.shape) != list(x_shape):
        raise ValueError(f"x_shape = {list(x_shape)}, init_data shape = {list(x_data.shape)}")
    return x_data


def _one(session, x, x_data, dx, y, y_shape, dy, delta, feeds):
    return (_theoretical(session, x, x_data, dx, dy, y_shape, feeds),
            _numerical(session, x, x_data, y, y_shape, delta, feeds))


def compute_gradient(x, x_shape, y, y_shape, x_init_value=None, delta=1e-3, init_targets=None,
                     extra_feed_dict=None):
    """(theoretical, numerical) Jacobians of y with respect to x, in the default session.

    x is fed `x_init_value` (default: uniform [0, 1) samples of `x_shape`). With a list of
    xs (and lists of shapes and init values) it returns a list of pairs: every x is fed its
    value while one of them is perturbed.
    """
    session = _default_session("compute_gradient")
    feeds = dict(extra_feed_dict or {})
    for init in init_targets or ():
        session.run(init)
    if isinstance(x, (list, tuple)):
        inits = [None] * len(x) if x_init_value is None else x_init_value
        data = [_x_data(xi, si, init) for xi, si, init in zip(x, x_shape, inits)]
        feeds = {**feeds, **dict(zip(x, data))}  # every x keeps its value while one moves
        pairs = [_dx_and_dy(xi, y, y_shape) for xi in x]
        return [_one(session, xi, di, dx, y, y_shape, dy, delta, feeds)
                for xi, di, (dx, dy) in zip(x, data, pairs)]
    dx, dy = _dx_and_dy(x, y, y_shape)
    return _one(session, x, _x_data(x, x_shape, x_init_value), dx, y, y_shape, dy, delta, feeds)


def compute_gradient_error(x, x_shape, y, y_shape, x_init_value=None, delta=1e-3,
                           init_targets=None, extra_feed_dict=None) -> float:
    """The largest absolute difference between the theoretical and numerical Jacobians."""
    pairs = compute_gradient(x, x_shape, y, y_shape, x_init_value, delta, init_targets,
                             extra_feed_dict)
    if isinstance(pairs, tuple):
        pairs = [pairs]
    error = 0.0
    for theoretical, numerical in pairs:
        if theoretical.size or numerical.size:
            error = max(error, float(np.max(np.abs(theoretical - numerical))))
    return error


def _listify(values) -> list:
    return list(values) if isinstance(values, (list, tuple)) else [values]


def check_gradients(ys, xs, feed_dict=None, session=None, delta=1e-3) -> float:
    """max|Jn - Ja| / max(1, max|Ja|) of d(ys)/d(xs) at the fed and current values (worst x).

    xs may be placeholders (fed in `feed_dict`) or Variables (perturbed through feeds, so their
    stored values do not change). Ja comes from tf.gradients, Jn from central differences with
    step `delta`, divided by the step actually taken in x's dtype. Returns a float: below about
    1e-6 in float64 or 1e-2 in float32, the gradient is right.
    """
    session = session or _default_session("check_gradients")
    graph = session.graph
    ys, xs = _listify(ys), _listify(xs)
    x_tensors = [graph.as_graph_element(x, allow_operation=False) for x in xs]
    for x in x_tensors:
        _check_float(x, "check_gradients")
    feeds = {graph.as_graph_element(k, allow_operation=False): v
             for k, v in (feed_dict or {}).items()}
    base = [np.array(v) for v in session.run(x_tensors, feeds)]
    feeds.update(zip(x_tensors, base))
    y_values = session.run(ys, feeds)
    with graph.as_default():
        dys = [placeholder(y.dtype, np.shape(v)) for y, v in zip(ys, y_values)]
        grads = gradients(ys, xs, grad_ys=dys)
    y_size = sum(np.size(v) for v in y_values)
    worst = 0.0
    for x, x0, dx in zip(x_tensors, base, grads):
        analytic = np.zeros((x0.size, y_size))
        if dx is not None:
            for col in range(y_size):
                onehot = np.zeros(y_size)
                onehot[col] = 1.0
                dy_feeds = _split(onehot, y_values, dys)
                analytic[:, col] = np.asarray(session.run(dx, {**feeds, **dy_feeds})).reshape(-1)
        numeric = np.zeros_like(analytic)
        for row in range(x0.size):
            x_pos, x_neg = x0.copy(), x0.copy()
            x_pos.reshape(-1)[row] += delta
            x_neg.reshape(-1)[row] -= delta
            step = float(x_pos.reshape(-1)[row]) - float(x_neg.reshape(-1)[row])
            y_pos = session.run(ys, {**feeds, x: x_pos})
            y_neg = session.run(ys, {**feeds, x: x_neg})
            numeric[row, :] = np.concatenate(
                [(np.ravel(p).astype(np.float64) - np.ravel(n)) / step
                 for p, n in zip(y_pos, y_neg)])
        if analytic.size:
            error = np.max(np.abs(numeric - analytic)) / max(1.0, np.max(np.abs(analytic)))
            worst = max(worst, float(error))
    return worst


def _split(flat, y_values, dys) -> dict:
    """One flat cotangent cut into the shapes of the ys, keyed by their grad_ys placeholders."""
    feeds, start = {}, 0
    for v, dy in zip(y_values, dys):
        n = np.size(v)
        feeds[dy] = flat[start:start + n].reshape(np.shape(v)).astype(dy.dtype.as_numpy_dtype)
        start += n
    return feeds


__all__ = ["check_gradients", "compute_gradient", "compute_gradient_error"]
