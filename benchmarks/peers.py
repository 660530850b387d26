"""The peers, each only when importable: PyTorch (eager), JAX (jit), TensorFlow (compat.v1
Session.run, TF2 tf.function, TF2 eager) and HIPS autograd. Each `build(w)` returns
(step, params_fn) as impl_flowgrad does: step() runs one training step and returns the loss
as a host number (fetching it is part of the step), params_fn() the parameters as NumPy."""

from __future__ import annotations

import importlib.util
import os

import numpy as np

from benchmarks import impl_flowgrad, workloads

ADAM = {"beta1": 0.9, "beta2": 0.999, "eps": 1e-8}  # TF1's defaults, used by every peer


def available() -> dict:
    """name -> build(workload), for the peers installed here (in the table's order)."""
    have = {m: importlib.util.find_spec(m) is not None
            for m in ("jax", "autograd", "tensorflow", "torch")}
    impls = {}
    if have["jax"]:
        impls["JAX jit"] = jax_step
    if have["autograd"]:
        impls["autograd"] = autograd_step
    if have["tensorflow"]:
        impls["TF1 Session.run"] = tf1_step
    if have["torch"]:
        impls["PyTorch eager"] = torch_step
    if have["tensorflow"]:
        impls["TF2 tf.function"] = lambda w: tf2_step(w, compiled=True)
        impls["TF2 eager"] = lambda w: tf2_step(w, compiled=False)
    return impls


def versions() -> dict:
    """Versions of the peers installed here."""
    from importlib.metadata import PackageNotFoundError, version

    out = {}
    for module, packages in (("torch", ["torch"]), ("jax", ["jax", "jaxlib"]),
                             ("tensorflow", ["tensorflow-cpu", "tensorflow"]),
                             ("autograd", ["autograd"])):
        for package in packages:
            try:
                out[package] = version(package)
                break
            except PackageNotFoundError:
                continue
    return out


def array_loss(xp, name, p, x, y):
    """The workload's loss written against a NumPy-like module (jax.numpy, autograd.numpy)."""
    if name == "W1":
        diff = y - (x @ p["W"] + p["b"])[:, 0]
        return xp.sum(diff * diff)
    if name == "W2":
        z = (x @ p["W"] + p["b"])[:, 0]
        return xp.sum(xp.maximum(z, 0) - z * y + xp.log1p(xp.exp(-xp.abs(z))))
    if name == "W3":
        h1 = xp.maximum(x @ p["W1"] + p["b1"], 0)
        h2 = xp.maximum(h1 @ p["W2"] + p["b2"], 0)
        logits = h2 @ p["W3"] + p["b3"]
        shifted = logits - xp.max(logits, axis=1, keepdims=True)
        log_p = shifted - xp.log(xp.sum(xp.exp(shifted), axis=1, keepdims=True))
        return -xp.mean(xp.sum(y * log_p, axis=1))
    diff = x @ p["W"] + p["b"] - y
    return xp.mean(diff * diff)


def jax_step(w):
    """JAX: the whole step (loss, grad, TF1 Adam or SGD) in one jitted function."""
    import jax
    import jax.numpy as jnp

    def train(p, m, v, t, x, y):
        loss, g = jax.value_and_grad(lambda q: array_loss(jnp, w.name, q, x, y))(p)
        if w.optimizer != "adam":
            return {k: p[k] - w.lr * g[k] for k in p}, m, v, t, loss
        b1, b2, eps = ADAM["beta1"], ADAM["beta2"], ADAM["eps"]
        t = t + 1
        lr_t = w.lr * jnp.sqrt(1 - b2**t) / (1 - b1**t)
        m = {k: b1 * m[k] + (1 - b1) * g[k] for k in p}
        v = {k: b2 * v[k] + (1 - b2) * g[k] * g[k] for k in p}
        return {k: p[k] - lr_t * m[k] / (jnp.sqrt(v[k]) + eps) for k in p}, m, v, t, loss

    compiled = jax.jit(train, donate_argnums=(0, 1, 2))
    state = [{k: jnp.asarray(a) for k, a in w.params.items()},
             {k: jnp.zeros_like(a) for k, a in w.params.items()},
             {k: jnp.zeros_like(a) for k, a in w.params.items()}, jnp.float32(0)]
    x, y = jnp.asarray(w.data["x"]), jnp.asarray(w.data["y"])

    def step():
        result = compiled(*state, x, y)
        state[:] = result[:4]
        return float(result[4])

    return step, lambda: {k: np.asarray(a) for k, a in state[0].items()}


def autograd_step(w):
    """HIPS autograd: value_and_grad of the NumPy loss, then the hand-written NumPy update."""
    import autograd.numpy as anp
    from autograd import value_and_grad

    params = {k: a.copy() for k, a in w.params.items()}
    opt = (workloads.NumpyAdam if w.optimizer == "adam" else workloads.NumpySGD)(params, w.lr)
    x, y = w.data["x"], w.data["y"]
    grad_fn = value_and_grad(lambda p: array_loss(anp, w.name, p, x, y))

    def step():
        loss, grads = grad_fn(params)
        opt.update(params, grads)
        return float(loss)

    return step, lambda: params


def tf1_step(w):
    """TensorFlow's compat.v1 graph and Session, the same program as flowgrad's. The graph is
    built inside tf.Graph().as_default() (graph mode) rather than after
    disable_eager_execution(), which would switch off the TF2 peers in this process."""
    import tensorflow as tf

    return impl_flowgrad.build_step(tf.compat.v1, w)


def torch_step(w):
    """PyTorch eager: autograd tape, torch.optim.Adam/SGD, loss.item()."""
    import torch
    import torch.nn.functional as F

    p = {k: torch.tensor(a, requires_grad=True) for k, a in w.params.items()}
    x, y = torch.from_numpy(w.data["x"]), torch.from_numpy(w.data["y"])
    if w.optimizer == "adam":
        opt = torch.optim.Adam(p.values(), lr=w.lr, betas=(ADAM["beta1"], ADAM["beta2"]),
                               eps=ADAM["eps"])
    else:
        opt = torch.optim.SGD(p.values(), lr=w.lr)

    def loss_fn():
        if w.name == "W1":
            return ((y - (x @ p["W"] + p["b"]).squeeze(1)) ** 2).sum()
        if w.name == "W2":
            z = (x @ p["W"] + p["b"]).squeeze(1)
            return F.binary_cross_entropy_with_logits(z, y, reduction="sum")
        if w.name == "W3":
            h1 = torch.relu(x @ p["W1"] + p["b1"])
            h2 = torch.relu(h1 @ p["W2"] + p["b2"])
            return F.cross_entropy(h2 @ p["W3"] + p["b3"], y)
        return F.mse_loss(x @ p["W"] + p["b"], y)

    def step():
        opt.zero_grad(set_to_none=True)
        loss = loss_fn()
        loss.backward()
        opt.step()
        return loss.item()

    return step, lambda: {k: t.detach().numpy() for k, t in p.items()}


def tf2_step(w, compiled: bool):
    """TF2: GradientTape and a Keras optimizer (TF1's Adam update), in tf.function or eager."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    import tensorflow as tf

    p = {k: tf.Variable(a, name=k) for k, a in w.params.items()}
    x, y = tf.constant(w.data["x"]), tf.constant(w.data["y"])
    if w.optimizer == "adam":
        opt = tf.keras.optimizers.Adam(w.lr, beta_1=ADAM["beta1"], beta_2=ADAM["beta2"],
                                       epsilon=ADAM["eps"])
    else:
        opt = tf.keras.optimizers.SGD(w.lr)
    variables = list(p.values())

    def loss_fn():
        if w.name == "W1":
            return tf.reduce_sum((y - tf.squeeze(x @ p["W"] + p["b"], 1)) ** 2)
        if w.name == "W2":
            z = tf.squeeze(x @ p["W"] + p["b"], 1)
            return tf.reduce_sum(tf.nn.sigmoid_cross_entropy_with_logits(labels=y, logits=z))
        if w.name == "W3":
            h1 = tf.nn.relu(x @ p["W1"] + p["b1"])
            h2 = tf.nn.relu(h1 @ p["W2"] + p["b2"])
            logits = h2 @ p["W3"] + p["b3"]
            return tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits(y, logits))
        return tf.reduce_mean(tf.square(x @ p["W"] + p["b"] - y))

    def train():
        with tf.GradientTape() as tape:
            loss = loss_fn()
        opt.apply_gradients(zip(tape.gradient(loss, variables), variables))
        return loss

    run = tf.function(train) if compiled else train

    def step():
        return run().numpy()

    return step, lambda: {k: v.numpy() for k, v in p.items()}
