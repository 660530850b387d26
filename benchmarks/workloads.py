"""The benchmark workloads W1-W4: data, initial parameters and the hand-written NumPy step
(forward, backward, update) that is the practical speed limit."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass
class Workload:
    """One training problem: arrays, initial parameters, optimizer and step counts."""

    name: str
    title: str
    data: dict
    params: dict
    optimizer: str
    lr: float
    steps: int  # steps per timed repeat


def _linear(rng):
    n = 100
    x = rng.random((n, 1)).astype(np.float32)
    y = (5 * x[:, 0] + 2 + rng.normal(scale=0.1, size=n)).astype(np.float32)
    params = {"W": rng.standard_normal((1, 1)).astype(np.float32),
              "b": rng.standard_normal((1,)).astype(np.float32)}
    return Workload("W1", "book linear regression, N=100, Adam", {"x": x, "y": y}, params,
                    "adam", 0.001, 2000)


def _logistic(rng):
    n = 100
    x = np.vstack([rng.multivariate_normal((-1, -1), 0.1 * np.eye(2), n // 2),
                   rng.multivariate_normal((1, 1), 0.1 * np.eye(2), n // 2)]).astype(np.float32)
    y = np.concatenate([np.zeros(n // 2), np.ones(n // 2)]).astype(np.float32)
    params = {"W": rng.standard_normal((2, 1)).astype(np.float32),
              "b": rng.standard_normal((1,)).astype(np.float32)}
    return Workload("W2", "book logistic regression, N=100, Adam", {"x": x, "y": y}, params,
                    "adam", 0.01, 2000)


def _glorot(rng, fan_in, fan_out):
    limit = np.sqrt(6 / (fan_in + fan_out))
    return rng.uniform(-limit, limit, (fan_in, fan_out)).astype(np.float32)


def _mlp(rng):
    batch = 128
    x = rng.random((batch, 784)).astype(np.float32)
    labels = rng.integers(0, 10, batch)
    y = np.eye(10, dtype=np.float32)[labels]
    params = {"W1": _glorot(rng, 784, 512), "b1": np.zeros(512, np.float32),
              "W2": _glorot(rng, 512, 512), "b2": np.zeros(512, np.float32),
              "W3": _glorot(rng, 512, 10), "b3": np.zeros(10, np.float32)}
    return Workload("W3", "MLP 784-512-512-10, batch 128, SGD", {"x": x, "y": y}, params,
                    "sgd", 0.01, 20)


def _dense(rng):
    batch, width = 512, 4096
    x = rng.standard_normal((batch, width)).astype(np.float32)
    y = rng.standard_normal((batch, width)).astype(np.float32)
    params = {"W": (_glorot(rng, width, width)), "b": np.zeros(width, np.float32)}
    return Workload("W4", "dense 4096->4096, batch 512, SGD", {"x": x, "y": y}, params,
                    "sgd", 0.01, 3)


def make(name: str) -> Workload:
    """Workload `name` ('W1'..'W4') with fixed-seed data."""
    builders = {"W1": _linear, "W2": _logistic, "W3": _mlp, "W4": _dense}
    return builders[name](np.random.default_rng(0))


class NumpyAdam:
    """TF1's Adam, in place, as hand-written NumPy."""

    def __init__(self, params, lr, beta1=0.9, beta2=0.999, eps=1e-8):
        self.lr, self.b1, self.b2, self.eps = lr, beta1, beta2, eps
        self.m = {k: np.zeros_like(v) for k, v in params.items()}
        self.v = {k: np.zeros_like(v) for k, v in params.items()}
        self.b1p, self.b2p = beta1, beta2

    def update(self, params, grads):
        lr_t = self.lr * np.sqrt(1 - self.b2p) / (1 - self.b1p)
        for k, g in grads.items():
            m, v = self.m[k], self.v[k]
            m *= self.b1
            m += (1 - self.b1) * g
            v *= self.b2
            v += (1 - self.b2) * g * g
            params[k] -= (lr_t * m / (np.sqrt(v) + self.eps)).astype(params[k].dtype)
        self.b1p *= self.b1
        self.b2p *= self.b2


class NumpySGD:
    """Plain gradient descent, in place."""

    def __init__(self, params, lr):
        self.lr = lr

    def update(self, params, grads):
        for k, g in grads.items():
            params[k] -= self.lr * g


def numpy_step_fn(w: Workload):
    """A closure running one hand-written NumPy training step; returns the loss."""
    params = {k: v.copy() for k, v in w.params.items()}
    opt = (NumpyAdam if w.optimizer == "adam" else NumpySGD)(params, w.lr)
    x, y = w.data["x"], w.data["y"]

    def linear():
        diff = y - (x @ params["W"] + params["b"])[:, 0]
        loss = np.sum(diff * diff)
        g = -2 * diff
        opt.update(params, {"W": x.T @ g[:, None], "b": np.sum(g, keepdims=True)})
        return loss

    def logistic():
        z = (x @ params["W"] + params["b"])[:, 0]
        loss = np.sum(np.maximum(z, 0) - z * y + np.log1p(np.exp(-np.abs(z))))
        g = (0.5 * (np.tanh(0.5 * z) + 1) - y)
        opt.update(params, {"W": x.T @ g[:, None], "b": np.sum(g, keepdims=True)})
        return loss

    def mlp():
        h1 = np.maximum(x @ params["W1"] + params["b1"], 0)
        h2 = np.maximum(h1 @ params["W2"] + params["b2"], 0)
        logits = h2 @ params["W3"] + params["b3"]
        shifted = logits - logits.max(axis=1, keepdims=True)
        log_p = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
        loss = -np.mean(np.sum(y * log_p, axis=1))
        d3 = (np.exp(log_p) - y) / x.shape[0]
        d2 = (d3 @ params["W3"].T) * (h2 > 0)
        d1 = (d2 @ params["W2"].T) * (h1 > 0)
        grads = {"W3": h2.T @ d3, "b3": d3.sum(0), "W2": h1.T @ d2, "b2": d2.sum(0),
                 "W1": x.T @ d1, "b1": d1.sum(0)}
        opt.update(params, grads)
        return loss

    def dense():
        out = x @ params["W"] + params["b"]
        diff = out - y
        loss = np.mean(diff * diff)
        d = diff * (2.0 / diff.size)
        opt.update(params, {"W": x.T @ d, "b": d.sum(0)})
        return loss

    step = {"W1": linear, "W2": logistic, "W3": mlp, "W4": dense}[w.name]
    return step, params
