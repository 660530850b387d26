"""Make the doctor's labelled corpus of loss curves (tests/fixtures/doctor), once.

Each curve is a real training run with a known setting, good or deliberately bad (learning rate
x100 or /1000, NaN-producing inputs, a dead network, a model too large for its data, minibatch
size 1, ...), logged to TensorBoard event files by the writer of the framework that trained it:

    flowgrad  `.venv/bin/python scripts/make_doctor_corpus.py flowgrad`   tf.summary.FileWriter
    torch     `.venv-peers/bin/python scripts/make_doctor_corpus.py torch`  SummaryWriter
    tf2       `.venv-peers/bin/python scripts/make_doctor_corpus.py tf2`    tf.summary / Keras

(.venv-peers is `make bench-peers`'s environment: torch==2.13.0 and tensorflow-cpu.) The label of
a curve is given here with its setting, following DEFINITIONS, and was checked by eye on the
plotted curves: where a bad setting did not do what it was meant to (Adam survived lr x100), the
label says what the curve shows. Every run of a part rewrites that part's folder and its entries
in labels.json. Held-out split: of the first 62 curves, within each label, ordered by a hash of
their name, every third was held out (never used to set the doctor's thresholds); a curve keeps
its side once given one; curves added later are held out when the crc32 of their name is
divisible by 3. The `*_fresh` parts (`flowgrad_fresh`, `torch_fresh`, `tf2_fresh`) were made once
after the rules were frozen and are all held out (batch "fresh" in labels.json).
`make_doctor_corpus.py labels` only rewrites labels.json.
"""

from __future__ import annotations

import json
import math
import os
import shutil
import sys
import zlib

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, os.pardir, "tests", "fixtures", "doctor")
LABELS = os.path.join(OUT, "labels.json")


def moons(n, noise, seed):
    """Two interleaving half circles (as scikit-learn's make_moons), labels 0/1."""
    rng = np.random.default_rng(seed)
    t = rng.uniform(0, np.pi, n)
    y = (np.arange(n) % 2).astype(np.float64)
    x = np.stack([np.where(y == 0, np.cos(t), 1 - np.cos(t)),
                  np.where(y == 0, np.sin(t), 0.5 - np.sin(t))], axis=1)
    return x + rng.normal(scale=noise, size=x.shape), y


def linear_data(n, seed, scales=(1.0,), w=(5.0,), b=2.0, noise=0.1):
    """y = x @ w + b + noise, feature j uniform on [0, scales[j])."""
    rng = np.random.default_rng(seed)
    x = rng.random((n, len(scales))) * np.asarray(scales)
    return x, x @ np.asarray(w) + b + rng.normal(scale=noise, size=n)


def blobs(n, seed, d=2, sep=1.0):
    """The book's two Gaussian blobs (class 0 at -sep, class 1 at +sep), labels 0/1."""
    rng = np.random.default_rng(seed)
    y = (np.arange(n) % 2).astype(np.float64)
    x = rng.normal(scale=0.5, size=(n, d)) + np.where(y[:, None] == 1, sep, -sep)
    return x, y


def circles(n, noise, seed, factor=0.5):
    """Two concentric circles (as scikit-learn's make_circles), labels 0/1."""
    rng = np.random.default_rng(seed)
    t = rng.uniform(0, 2 * np.pi, n)
    y = (np.arange(n) % 2).astype(np.float64)
    r = np.where(y == 1, factor, 1.0)
    x = np.stack([r * np.cos(t), r * np.sin(t)], axis=1)
    return x + rng.normal(scale=noise, size=x.shape), y


def sine_data(n, noise, seed):
    """y = sin(3x) + noise for x uniform on [-1, 1]: a regression a large MLP can memorize."""
    rng = np.random.default_rng(seed)
    x = rng.uniform(-1, 1, (n, 1))
    return x, np.sin(3 * x[:, 0]) + rng.normal(scale=noise, size=n)


def batches(arrays, size, seed):
    """Endless shuffled minibatches of `size` rows (the whole set when size is None)."""
    rng = np.random.default_rng(seed)
    n = len(arrays[0])
    while True:
        if size is None:
            yield arrays
            continue
        order = rng.permutation(n)
        for i in range(0, n - size + 1, size):
            yield tuple(a[order[i:i + size]] for a in arrays)


# What each label means, as a person reads the plotted curve (the linear axis, as TensorBoard
# shows it, unless said otherwise).
DEFINITIONS = {
    "healthy": "still falling visibly in the last quarter of the run: stopped too early",
    "converged": "fell, then flattened: the last quarter adds next to nothing to the descent",
    "diverging": "the loss grows, or jumped up and stayed there",
    "nan": "NaN or Inf appears",
    "oscillating": "the learning rate is too high: zigzags, rings or spikes that come back",
    "lr_too_low": "a slow, near-straight decrease, far from any plateau",
    "stuck": "flat from the first step: nothing is learned",
    "noisy": "minibatch noise of tens of percent hides the trend",
    "overfitting": "validation loss turns up while training loss keeps falling",
    "lsq_gap": "a linear model that levels off above the exact least-squares loss of its data",
}


class Corpus:
    """Collects the label records of one part."""

    def __init__(self, part, keep=False, fresh=False):
        self.part = f"{part}_fresh" if fresh and part else part
        self.source, self.fresh = part, fresh
        self.root = os.path.join(OUT, self.part or "")
        if not keep:
            shutil.rmtree(self.root, ignore_errors=True)
            os.makedirs(self.root)
        self.records = []

    def logdir(self, name):
        return os.path.join(self.root, name)

    def add(self, name, label, setting, tag="loss", data=None, validation=None):
        record = {"run": f"{self.part}/{name}", "tag": tag, "label": label,
                  "source": self.source, "setting": setting}
        if self.fresh:  # made after the rules were frozen, evaluated once: held out
            record["split"] = "heldout"
            record["batch"] = "fresh"
        if validation:
            record["validation"] = validation
        if data is not None:
            folder = self.logdir(name)
            np.save(os.path.join(folder, "x.npy"), data[0].astype(np.float32))
            np.save(os.path.join(folder, "y.npy"), data[1].astype(np.float32))
            record["data"] = [f"{self.part}/{name}/x.npy", f"{self.part}/{name}/y.npy"]
        self.records.append(record)
        print(f"{record['run']:40s} {label}", flush=True)

    def save(self):
        old = []
        if os.path.exists(LABELS):
            with open(LABELS) as f:
                old = json.load(f)["curves"]
        mine = f"{self.part}/"
        curves = [r for r in old if self.part is None or not r["run"].startswith(mine)]
        curves += self.records
        split = {r["run"]: r["split"] for r in old if "split" in r}
        for r in curves:  # a curve keeps its side once given one: thresholds were tuned since
            r["split"] = r.get("split") or split.get(r["run"]) or (
                "heldout" if zlib.crc32(r["run"].encode()) % 3 == 0 else "train")
        curves.sort(key=lambda r: r["run"])
        doc = {"about": "labelled loss curves for the doctor; made by "
                        "scripts/make_doctor_corpus.py; 'heldout' curves never tuned thresholds",
               "definitions": DEFINITIONS,
               "split_rule": "the first 62 curves: within each label, ordered by crc32 of the "
                             "run name, every third held out; curves added after the thresholds "
                             "were first tuned: held out when crc32 of the run name % 3 == 0",
               "curves": curves}
        with open(LABELS, "w") as f:
            json.dump(doc, f, indent=1)
            f.write("\n")


def part_flowgrad(fresh=False):
    """The book's models trained by flowgrad, written by flowgrad's own FileWriter."""
    import flowgrad as tf

    corpus = Corpus("flowgrad", fresh=fresh)

    def train(name, model, data, steps, optimizer, batch=None, val=None, val_every=10,
              val_style="tag", log_every=1, corrupt=None, seed=0):
        tf.reset_default_graph()
        tf.set_random_seed(seed)
        x = tf.placeholder(tf.float32, (None, data[0].shape[1]), name="x")
        y = tf.placeholder(tf.float32, (None,), name="y")
        loss = model(tf, x, y)
        train_op = optimizer.minimize(loss)
        writer = tf.summary.FileWriter(os.path.join(corpus.logdir(name),
                                                    "train" if val_style == "folder" else ""))
        val_writer, val_tag = writer, "val_loss"
        if val is not None and val_style == "folder":
            val_writer = tf.summary.FileWriter(os.path.join(corpus.logdir(name), "validation"))
            val_tag = "loss"

        def log(w, tag, value, step):
            # the TF1 way of logging a number computed outside the graph
            w.add_summary(tf.summary.Summary(value=[tf.summary.Summary.Value(
                tag=tag, simple_value=float(value))]), step)

        stream = batches(data, batch, seed)
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            for step in range(steps):
                xb, yb = next(stream)
                if corrupt is not None and step >= corrupt:
                    xb = xb.copy()
                    xb[0, 0] = np.nan  # a NaN sneaks into the input data
                value, _ = sess.run([loss, train_op], {x: xb, y: yb})
                if step % log_every == 0:
                    log(writer, "loss", value, step)
                if val is not None and step % val_every == 0:
                    log(val_writer, val_tag, sess.run(loss, {x: val[0], y: val[1]}), step)
        writer.close()
        val_writer.close()

    def linear(tf, x, y, reduce="sum"):
        w = tf.Variable(tf.random_normal((int(x.shape[1]), 1)), name="weights")
        b = tf.Variable(tf.random_normal((1,)), name="bias")
        y_pred = tf.squeeze(tf.matmul(x, w) + b, axis=[1])
        sq = (y - y_pred) ** 2
        return tf.reduce_sum(sq) if reduce == "sum" else tf.reduce_mean(sq)

    def logistic(tf, x, y, naive=False):
        w = tf.Variable(tf.random_normal((int(x.shape[1]), 1)), name="weights")
        b = tf.Variable(tf.zeros((1,)), name="bias")
        z = tf.squeeze(tf.matmul(x, w) + b, axis=[1])
        return cross_entropy(tf, z, y, naive)

    def cross_entropy(tf, z, y, naive=False):
        if naive:  # log(sigmoid) as the book writes it first: log(0) once sigmoid saturates
            p = tf.sigmoid(z)
            return -tf.reduce_mean(y * tf.log(p) + (1.0 - y) * tf.log(1.0 - p))
        return tf.reduce_mean(tf.maximum(z, 0.0) - z * y + tf.log1p(tf.exp(-tf.abs(z))))

    def mlp(hidden, act="relu", w_scale=None, b_init=0.0, out="logit", depth=1):
        def model(tf, x, y):
            h = x
            for _ in range(depth):
                d = int(h.shape[1])
                scale = w_scale if w_scale is not None else math.sqrt(2.0 / d)
                w = tf.Variable(tf.random_normal((d, hidden), stddev=scale))
                b = tf.Variable(tf.fill((hidden,), b_init))
                pre = tf.matmul(h, w) + b
                h = {"relu": lambda t: tf.maximum(t, 0.0), "sigmoid": tf.sigmoid,
                     "tanh": tf.tanh}[act](pre)
            scale = w_scale if w_scale is not None else math.sqrt(1.0 / hidden)
            w = tf.Variable(tf.random_normal((hidden, 1), stddev=scale))
            b = tf.Variable(tf.zeros((1,)))
            z = tf.squeeze(tf.matmul(h, w) + b, axis=[1])
            if out == "sigmoid_mse":  # squared error of a sigmoid: no gradient once it saturates
                return tf.reduce_mean((tf.sigmoid(z) - y) ** 2)
            if out == "mse":
                return tf.reduce_mean((z - y) ** 2)
            return cross_entropy(tf, z, y)
        return model

    gd, adam = tf.train.GradientDescentOptimizer, tf.train.AdamOptimizer
    momentum = tf.train.MomentumOptimizer
    if fresh:
        std = linear_data(150, 50, scales=(1.0, 1.0, 1.0), w=(1.0, -2.0, 0.5), b=0.3)
        std = ((std[0] - 0.5) * math.sqrt(12.0), std[1])

        def mean_sq(tf, x, y):
            return linear(tf, x, y, "mean")

        train("linreg3_gd", mean_sq, std, 400, gd(0.1))
        corpus.add("linreg3_gd", "converged", "three standardized features, GD 0.1")
        overlap = blobs(200, 51, sep=0.4)
        train("logreg_overlap_gd", logistic, overlap, 800, gd(0.5))
        corpus.add("logreg_overlap_gd", "converged", "overlapping blobs, GD 0.5")
        one = linear_data(100, 52, w=(-3.0,), b=1.0)
        one = ((one[0] - 0.5) * math.sqrt(12.0), one[1])
        train("linreg_std_gd_60", mean_sq, one, 60, gd(0.01))
        corpus.add("linreg_std_gd_60", "healthy", "standardized feature, GD 0.01, 60 steps")
        lin = linear_data(100, 53)
        train("linreg_gd_lr_x300", linear, lin, 100, gd(0.6))
        corpus.add("linreg_gd_lr_x300", "nan", "GD lr 0.002 x300")
        train("linreg_gd_lr_over", linear, lin, 250, gd(0.0082))
        corpus.add("linreg_gd_lr_over", "diverging", "GD lr 8% over the stability limit")
        train("linreg_momentum_0995", linear, lin, 800, momentum(0.001, 0.995))
        corpus.add("linreg_momentum_0995", "oscillating", "momentum 0.995: the loss rings")
        train("linreg_sgd_batch1", mean_sq, linear_data(300, 54, noise=0.3), 1500, gd(0.02),
              batch=1, log_every=2)
        corpus.add("linreg_sgd_batch1", "noisy", "SGD minibatch size 1")
        moon = moons(200, 0.2, 55)
        train("mlp_moons_gd_lr_div1000", mlp(32), moon, 600, gd(0.0001), log_every=2)
        corpus.add("mlp_moons_gd_lr_div1000", "lr_too_low", "MLP relu, GD 0.1 / 1000")
        train("mlp_moons_dead", mlp(64, b_init=-8.0), moon, 500, gd(0.1))
        corpus.add("mlp_moons_dead", "stuck", "ReLU biases -8: every unit dead")
        train("logreg_gd_lr_div1000", logistic, overlap, 500, gd(0.0005))
        corpus.add("logreg_gd_lr_div1000", "lr_too_low", "logistic GD 0.5 / 1000")
        sine, sine_val = sine_data(14, 0.3, 56), sine_data(300, 0.3, 57)
        train("mlp_sine_overfit", mlp(256, act="tanh", depth=2, out="mse"), sine, 1200,
              adam(0.01), val=sine_val, val_every=10, val_style="folder", log_every=4)
        corpus.add("mlp_sine_overfit/train", "overfitting", "2x256 tanh MLP on 14 points",
                   validation="mlp_sine_overfit/validation")
        ill = linear_data(200, 58, scales=(1.0, 0.05), w=(2.0, 60.0), b=0.5)
        train("linreg_unscaled", mean_sq, ill, 600, gd(0.5))
        corpus.add("linreg_unscaled", "lsq_gap", "features on scales 1 and 0.05, GD", data=ill)
        corpus.save()
        return
    lin = linear_data(100, 0)
    # the book's linear regression: sum of squares, GD stable below lr = 2 / 264.6 = 0.00756
    train("linreg_gd", linear, lin, 600, gd(0.002))
    corpus.add("linreg_gd", "converged", "ch3 linear regression, GD lr 0.002")
    train("linreg_gd_lr_x100", linear, lin, 600, gd(0.2))
    corpus.add("linreg_gd_lr_x100", "nan", "GD lr 0.002 x100: overflows")
    train("linreg_gd_lr_div1000", linear, lin, 800, gd(0.000002))
    corpus.add("linreg_gd_lr_div1000", "lr_too_low", "GD lr 0.002 / 1000")
    train("linreg_gd_lr_edge", linear, lin, 150, gd(0.0085))
    corpus.add("linreg_gd_lr_edge", "diverging", "GD lr just above the stability limit")
    train("linreg_adam", linear, lin, 3000, adam(0.05), log_every=5)
    corpus.add("linreg_adam", "converged", "Adam lr 0.05")
    # a standardized feature: one time scale, so a short run still falls visibly at its end
    lin_std = ((lin[0] - 0.5) * math.sqrt(12.0), lin[1])
    train("linreg_std_gd_short", linear, lin_std, 60, gd(0.0001))
    corpus.add("linreg_std_gd_short", "healthy", "standardized feature, GD lr 1e-4, stopped early")
    train("linreg_adam_book", linear, lin, 2000, adam(0.001), log_every=5)
    corpus.add("linreg_adam_book", "lr_too_low", "the book's Adam lr 0.001, stopped early")
    train("linreg_adam_lr_div1000", linear, lin, 1500, adam(0.00005), log_every=5)
    corpus.add("linreg_adam_lr_div1000", "lr_too_low", "Adam lr 0.05 / 1000")
    train("linreg_adam_lr_x100", linear, lin, 1500, adam(5.0), log_every=5)
    corpus.add("linreg_adam_lr_x100", "oscillating", "Adam lr 0.05 x100")
    train("linreg_sgd_batch1", lambda tf, x, y: linear(tf, x, y, "mean"), lin, 1500, gd(0.05),
          batch=1, log_every=2)
    corpus.add("linreg_sgd_batch1", "noisy", "SGD minibatch size 1")
    train("linreg_nan_input", linear, lin, 500, gd(0.002), corrupt=350)
    corpus.add("linreg_nan_input", "nan", "a NaN in the input data from step 350")
    train("linreg_momentum_high", linear, lin, 800, momentum(0.0015, 0.99))
    corpus.add("linreg_momentum_high", "oscillating", "momentum 0.99: the loss rings")
    # two features of very different scales: GD crawls along the small one, the curve looks flat
    ill = linear_data(200, 1, scales=(1.0, 0.02), w=(3.0, 150.0), b=1.0)
    train("linreg_unscaled", lambda tf, x, y: linear(tf, x, y, "mean"), ill, 800, gd(0.5))
    corpus.add("linreg_unscaled", "lsq_gap", "features on scales 1 and 0.02, GD", data=ill)
    ill2 = linear_data(300, 2, scales=(10.0, 0.1, 1.0), w=(0.5, 40.0, -2.0), b=3.0)
    train("linreg_unscaled3", lambda tf, x, y: linear(tf, x, y, "sum"), ill2, 600, gd(0.00002))
    corpus.add("linreg_unscaled3", "lsq_gap", "features on scales 10, 0.1, 1; sum loss",
               data=ill2)
    lin2 = linear_data(150, 3, scales=(1.0, 1.0), w=(2.0, -1.0))
    train("linreg2_gd_data", lambda tf, x, y: linear(tf, x, y, "mean"), lin2, 600, gd(0.3))
    corpus.add("linreg2_gd_data", "converged", "two features, GD, at the optimum", data=lin2)

    blob = blobs(100, 0)
    train("logreg_gd", logistic, blob, 400, gd(0.1))
    corpus.add("logreg_gd", "converged", "ch3 logistic regression, GD 0.1")
    train("logreg_gd_lr_div1000", logistic, blob, 600, gd(0.0001))
    corpus.add("logreg_gd_lr_div1000", "lr_too_low", "logistic GD lr 0.1 / 1000")
    train("logreg_naive_log0", lambda tf, x, y: logistic(tf, x, y, naive=True), blob, 400,
          gd(50.0))
    corpus.add("logreg_naive_log0", "nan", "log(sigmoid) written naively, large lr: log(0)")

    moon = moons(200, 0.15, 0)
    moon_val = moons(400, 0.15, 1)
    train("mlp_moons_adam", mlp(32), moon, 1500, adam(0.01), log_every=3)
    corpus.add("mlp_moons_adam", "converged", "MLP 32 relu on moons, Adam 0.01")
    train("mlp_moons_adam_short", mlp(32), moon, 50, adam(0.003))
    corpus.add("mlp_moons_adam_short", "healthy", "MLP on moons, stopped early")
    train("mlp_moons_dead", mlp(32, b_init=-20.0), moon, 600, adam(0.01))
    corpus.add("mlp_moons_dead", "stuck", "every ReLU dead (bias -20): constant prediction")
    train("mlp_moons_saturated", mlp(32, act="sigmoid", w_scale=100.0, out="sigmoid_mse"), moon,
          600, gd(0.1))
    corpus.add("mlp_moons_saturated", "stuck", "sigmoid output with squared error, weights x100: "
               "saturated")
    train("linreg_gd_lr_over_limit", linear, lin, 400, gd(0.0078))
    corpus.add("linreg_gd_lr_over_limit", "diverging", "GD lr 3% above the stability limit")
    train("mlp_moons_relu_adam_lr_x100", mlp(32), moon, 800, adam(1.0), log_every=2)
    corpus.add("mlp_moons_relu_adam_lr_x100", "oscillating", "MLP relu, Adam lr 0.01 x100")
    train("mlp_moons_batch1", mlp(32), moon, 2000, gd(0.05), batch=1, log_every=2)
    corpus.add("mlp_moons_batch1", "noisy", "MLP, SGD minibatch size 1")
    train("mlp_moons_batch2", mlp(16, act="tanh"), moon, 1500, gd(0.1), batch=2, log_every=2)
    corpus.add("mlp_moons_batch2", "noisy", "MLP tanh, SGD minibatch size 2")
    train("mlp_moons_adam_lr_x100", mlp(32, act="tanh"), moon, 800, adam(1.0), log_every=2)
    corpus.add("mlp_moons_adam_lr_x100", "converged", "MLP tanh, Adam lr 0.01 x100: survives")
    train("mlp_moons_gd_lr_div1000", mlp(32, act="tanh"), moon, 800, gd(0.0001), log_every=2)
    corpus.add("mlp_moons_gd_lr_div1000", "lr_too_low", "MLP tanh, GD lr 0.1 / 1000")
    small = moons(24, 0.35, 2)
    big_val = moons(400, 0.35, 3)
    train("mlp_overfit_tag", mlp(256, depth=2), small, 1500, adam(0.01), val=big_val,
          val_every=10, log_every=5)
    corpus.add("mlp_overfit_tag", "overfitting", "2x256 MLP on 24 noisy points (val_loss tag)",
               validation="val_loss")
    train("mlp_overfit_folder", mlp(512, act="tanh"), small, 1200, adam(0.005), val=big_val,
          val_every=10, val_style="folder", log_every=5)
    corpus.add("mlp_overfit_folder/train", "overfitting",
               "512 tanh MLP on 24 noisy points (train/ beside validation/)",
               validation="mlp_overfit_folder/validation")
    sine, sine_val = sine_data(16, 0.3, 4), sine_data(300, 0.3, 5)
    train("mlp_sine_overfit", mlp(256, act="tanh", depth=2, out="mse"), sine, 1500, adam(0.01),
          val=sine_val, val_every=10, log_every=5)
    corpus.add("mlp_sine_overfit", "overfitting", "2x256 tanh MLP regression on 16 noisy points",
               validation="val_loss")
    train("mlp_fit_val_folder", mlp(32), moon, 800, adam(0.01), val=moon_val, val_every=10,
          val_style="folder", log_every=4)
    corpus.add("mlp_fit_val_folder/train", "converged", "MLP on 200 points, validation follows",
               validation="mlp_fit_val_folder/validation")
    corpus.save()


def part_torch(fresh=False):
    """PyTorch models written by torch.utils.tensorboard.SummaryWriter (simple_value scalars)."""
    import torch
    from torch.utils.tensorboard import SummaryWriter

    torch.set_num_threads(1)
    corpus = Corpus("torch", fresh=fresh)

    def net(d_in, hidden, depth=1, act=torch.nn.ReLU, bias=None):
        layers, d = [], d_in
        for _ in range(depth):
            layers += [torch.nn.Linear(d, hidden), act()]
            d = hidden
        layers.append(torch.nn.Linear(d, 1))
        model = torch.nn.Sequential(*layers)
        if bias is not None:
            with torch.no_grad():
                for layer in layers[:-1:2]:
                    layer.bias.fill_(bias)
        return model

    def naive_bce(z, y):
        p = torch.sigmoid(z)
        return -(y * torch.log(p) + (1 - y) * torch.log(1 - p)).mean()

    def train(name, model, data, steps, opt, lr, batch=None, val=None, val_every=10,
              loss="bce", log_every=1, tag="loss", val_tag=None, corrupt=None, seed=0,
              **opt_args):
        torch.manual_seed(seed)
        writer = SummaryWriter(corpus.logdir(name))
        optimizer = getattr(torch.optim, opt)(model.parameters(), lr=lr, **opt_args)
        loss_fn = {"bce": torch.nn.BCEWithLogitsLoss(), "mse": torch.nn.MSELoss(),
                   "naive_bce": naive_bce}[loss]
        x_val, y_val = ((torch.tensor(a, dtype=torch.float32) for a in val) if val is not None
                        else (None, None))
        stream = batches(data, batch, seed)
        for step in range(steps):
            xb, yb = (torch.tensor(a, dtype=torch.float32) for a in next(stream))
            if corrupt is not None and step >= corrupt:
                xb[0, 0] = float("nan")
            optimizer.zero_grad()
            value = loss_fn(model(xb).squeeze(1), yb)
            value.backward()
            optimizer.step()
            if step % log_every == 0:
                writer.add_scalar(tag, value.item(), step)
            if val is not None and step % val_every == 0:
                with torch.no_grad():
                    val_tag = val_tag or (tag.replace("train", "val") if "train" in tag
                                          else "val_loss")
                    writer.add_scalar(val_tag, loss_fn(model(x_val).squeeze(1), y_val).item(),
                                      step)
        writer.close()

    if fresh:
        circ = circles(300, 0.08, 60)
        lin = linear_data(200, 62, scales=(1.0, 1.0), w=(-1.0, 2.5), b=0.2, noise=0.2)
        train("mlp_circles_adam", net(2, 64), circ, 1500, "Adam", 0.01, log_every=3)
        corpus.add("mlp_circles_adam", "converged", "MLP on circles, Adam 0.01")
        train("linreg_sgd_lr_div1000", torch.nn.Linear(2, 1), lin, 700, "SGD", 0.0002,
              loss="mse")
        corpus.add("linreg_sgd_lr_div1000", "lr_too_low", "linear regression, SGD 0.2 / 1000")
        train("mlp_circles_batch1", net(2, 64), circ, 2000, "SGD", 0.05, batch=1, log_every=2)
        corpus.add("mlp_circles_batch1", "noisy", "MLP on circles, minibatch size 1")
        few, few_val = circles(25, 0.25, 63), circles(400, 0.25, 64)
        train("mlp_circles_overfit", net(2, 256, depth=3), few, 1500, "Adam", 0.005,
              val=few_val, tag="train_loss", val_tag="val_loss", log_every=5)
        corpus.add("mlp_circles_overfit", "overfitting", "3x256 MLP on 25 noisy points",
                   tag="train_loss", validation="val_loss")
        train("linreg_sgd_lr_over", torch.nn.Linear(2, 1), lin, 80, "SGD", 0.75, loss="mse")
        corpus.add("linreg_sgd_lr_over", "diverging", "linear regression, SGD lr over the limit")
        train("linreg_nan_input", torch.nn.Linear(2, 1), lin, 500, "SGD", 0.1, loss="mse",
              corrupt=300)
        corpus.add("linreg_nan_input", "nan", "a NaN in the inputs from step 300")
        train("mlp_circles_momentum", net(2, 64), circ, 800, "SGD", 0.3, momentum=0.99)
        corpus.add("mlp_circles_momentum", "oscillating", "MLP, SGD 0.3 momentum 0.99")
        train("mlp_circles_dead", net(2, 64, bias=-10.0), circ, 500, "SGD", 0.1)
        corpus.add("mlp_circles_dead", "stuck", "ReLU biases -10: every unit dead")
        corpus.save()
        return
    moon, moon_val = moons(300, 0.15, 10), moons(400, 0.15, 11)
    lin = linear_data(200, 12, scales=(1.0, 1.0), w=(3.0, -2.0), b=0.5, noise=0.2)
    torch.manual_seed(0)
    train("mlp_moons_adam", net(2, 64), moon, 1500, "Adam", 0.01, val=moon_val,
          tag="Loss/train", log_every=3)
    corpus.add("mlp_moons_adam", "overfitting", "MLP 64 relu, Adam 0.01: validation turns up "
               "(Loss/train, Loss/val)",
               tag="Loss/train", validation="Loss/val")
    train("mlp_moons_adam_short", net(2, 64), moon, 70, "Adam", 0.002)
    corpus.add("mlp_moons_adam_short", "healthy", "MLP, Adam 0.002, stopped early")
    train("mlp_moons_sgd_lr_x1000", net(2, 64), moon, 600, "SGD", 100.0)
    corpus.add("mlp_moons_sgd_lr_x1000", "oscillating", "MLP, SGD lr 0.1 x1000: zigzags")
    train("mlp_moons_naive_bce", net(2, 64), moon, 300, "SGD", 10.0, loss="naive_bce")
    corpus.add("mlp_moons_naive_bce", "nan", "log(sigmoid) written by hand, SGD lr 10: log(0)")
    train("mlp_moons_adam_lr_x10_batch32", net(2, 64), moon, 1500, "Adam", 0.1, batch=32,
          log_every=3)
    corpus.add("mlp_moons_adam_lr_x10_batch32", "oscillating", "MLP, Adam lr 0.1, batch 32")
    train("mlp_moons_sgd_momentum", net(2, 64), moon, 800, "SGD", 0.5, momentum=0.99)
    corpus.add("mlp_moons_sgd_momentum", "oscillating", "MLP, SGD lr 0.5 momentum 0.99")
    train("mlp_moons_sgd_lr_div1000", net(2, 64), moon, 800, "SGD", 0.0001, log_every=2)
    corpus.add("mlp_moons_sgd_lr_div1000", "lr_too_low", "MLP, SGD lr 0.1 / 1000")
    train("mlp_moons_dead", net(2, 64, bias=-10.0), moon, 600, "Adam", 0.01)
    corpus.add("mlp_moons_dead", "stuck", "ReLU biases -10: every unit dead")
    train("mlp_moons_batch1", net(2, 64), moon, 2000, "SGD", 0.05, batch=1, log_every=2)
    corpus.add("mlp_moons_batch1", "noisy", "MLP, SGD minibatch size 1")
    train("mlp_moons_nan_input", net(2, 64), moon, 800, "Adam", 0.01, corrupt=500,
          log_every=2)
    corpus.add("mlp_moons_nan_input", "nan", "a NaN in the inputs from step 500")
    small, big_val = moons(30, 0.35, 13), moons(400, 0.35, 14)
    train("mlp_overfit", net(2, 256, depth=3), small, 1500, "Adam", 0.005, val=big_val,
          tag="Loss/train", log_every=5)
    corpus.add("mlp_overfit", "overfitting", "3x256 MLP on 30 noisy points",
               tag="Loss/train", validation="Loss/val")
    train("linreg_sgd", torch.nn.Linear(2, 1), lin, 500, "SGD", 0.1, loss="mse")
    corpus.add("linreg_sgd", "converged", "linear regression, SGD 0.1 full batch", data=lin)
    train("linreg_sgd_short", torch.nn.Linear(2, 1), lin, 30, "SGD", 0.1, loss="mse")
    corpus.add("linreg_sgd_short", "healthy", "linear regression, SGD 0.1, stopped early")
    train("linreg_sgd_lr_div1000", torch.nn.Linear(2, 1), lin, 800, "SGD", 0.0001, loss="mse")
    corpus.add("linreg_sgd_lr_div1000", "lr_too_low", "linear regression, SGD lr 0.1 / 1000")
    train("linreg_sgd_lr_x10", torch.nn.Linear(2, 1), lin, 45, "SGD", 1.0, loss="mse")
    corpus.add("linreg_sgd_lr_x10", "diverging", "linear regression, SGD lr 0.1 x10")
    ill = linear_data(200, 15, scales=(1.0, 0.01), w=(2.0, 200.0), b=1.0)
    train("linreg_unscaled", torch.nn.Linear(2, 1), ill, 600, "SGD", 0.3, loss="mse")
    corpus.add("linreg_unscaled", "lsq_gap", "features on scales 1 and 0.01, SGD", data=ill)
    train("linreg_sgd_lr_x7", torch.nn.Linear(2, 1), lin, 100, "SGD", 0.7, loss="mse")
    corpus.add("linreg_sgd_lr_x7", "diverging", "linear regression, SGD lr 0.1 x7")
    sine, sine_val = sine_data(20, 0.3, 16), sine_data(300, 0.3, 17)
    train("mlp_sine_overfit", net(1, 256, depth=2, act=torch.nn.Tanh), sine, 1500, "Adam", 0.01,
          val=sine_val, loss="mse", tag="train/loss", val_tag="validation/loss", log_every=5)
    corpus.add("mlp_sine_overfit", "overfitting", "2x256 tanh MLP regression on 20 noisy points",
               tag="train/loss", validation="validation/loss")
    train("mlp_sine_dead_batch16", net(1, 64, bias=-10.0), sine_val, 1000, "Adam", 0.01,
          batch=16, loss="mse", log_every=2)
    corpus.add("mlp_sine_dead_batch16", "stuck", "ReLU biases -10, minibatches of 16: only noise")
    train("linreg_sgd_batch1", torch.nn.Linear(2, 1), lin, 1500, "SGD", 0.02, batch=1,
          loss="mse", log_every=2)
    corpus.add("linreg_sgd_batch1", "noisy", "linear regression, SGD minibatch size 1")
    corpus.save()


def part_tf2(fresh=False):
    """TensorFlow 2 models: Keras fit with its TensorBoard callback (train/ and validation/ run
    folders) and custom loops with tf.summary.scalar; TF2 writes scalars as tensors."""
    import tensorflow as tf

    tf.config.threading.set_inter_op_parallelism_threads(1)
    tf.config.threading.set_intra_op_parallelism_threads(1)
    corpus = Corpus("tf2", fresh=fresh)

    def net(hidden, depth=1, act="relu", bias=0.0, out=None):
        layers = [tf.keras.layers.Dense(hidden, activation=act,
                                        bias_initializer=tf.keras.initializers.Constant(bias))
                  for _ in range(depth)]
        return tf.keras.Sequential(layers + [tf.keras.layers.Dense(1, activation=out)])

    def fit(name, model, data, epochs, optimizer, batch, val=None, loss="bce", seed=0):
        tf.keras.utils.set_random_seed(seed)
        loss_fn = {"bce": tf.keras.losses.BinaryCrossentropy(from_logits=True),
                   "mse": "mse"}[loss]
        model.compile(optimizer=optimizer, loss=loss_fn)
        board = tf.keras.callbacks.TensorBoard(log_dir=corpus.logdir(name), update_freq="epoch",
                                               write_graph=False, profile_batch=0)
        model.fit(data[0], data[1], batch_size=batch, epochs=epochs, verbose=0,
                  validation_data=val, callbacks=[board], shuffle=True)

    def loop(name, model, data, steps, optimizer, batch=None, loss="bce", log_every=1,
             corrupt=None, seed=0):
        tf.keras.utils.set_random_seed(seed)
        writer = tf.summary.create_file_writer(corpus.logdir(name))
        loss_fn = {"bce": tf.keras.losses.BinaryCrossentropy(from_logits=True),
                   "mse": tf.keras.losses.MeanSquaredError()}[loss]
        stream = batches(data, batch, seed)

        @tf.function
        def step_fn(xb, yb):
            with tf.GradientTape() as tape:
                value = loss_fn(yb, tf.squeeze(model(xb), 1))
            grads = tape.gradient(value, model.trainable_variables)
            optimizer.apply_gradients(zip(grads, model.trainable_variables))
            return value

        with writer.as_default():
            for step in range(steps):
                xb, yb = (a.astype(np.float32) for a in next(stream))
                if corrupt is not None and step >= corrupt:
                    xb = xb.copy()
                    xb[0, 0] = np.nan
                value = step_fn(xb, yb)
                if step % log_every == 0:
                    tf.summary.scalar("loss", value, step=step)
        writer.close()

    if fresh:
        circ, circ_val = circles(300, 0.08, 70), circles(400, 0.08, 71)
        lin = linear_data(200, 72, scales=(1.0, 1.0), w=(2.0, 1.0), b=-0.5, noise=0.3)

        def dense():
            return tf.keras.Sequential([tf.keras.layers.Dense(1)])

        sgd, adam = tf.keras.optimizers.SGD, tf.keras.optimizers.Adam
        fit("keras_circles", net(32), circ, 120, adam(0.01), 32, val=circ_val)
        corpus.add("keras_circles/train", "converged", "Keras MLP on circles, Adam 0.01",
                   tag="epoch_loss", validation="keras_circles/validation")
        loop("loop_circles_dead", net(32, bias=-10.0), circ, 500, adam(0.01))
        corpus.add("loop_circles_dead", "stuck", "ReLU biases -10: every unit dead")
        loop("loop_linreg_lr_div1000", dense(), lin, 600, sgd(0.0001), loss="mse")
        corpus.add("loop_linreg_lr_div1000", "lr_too_low", "custom loop, SGD 0.1 / 1000")
        loop("loop_linreg_batch1", dense(), lin, 1500, sgd(0.02), batch=1, loss="mse",
             log_every=2)
        corpus.add("loop_linreg_batch1", "noisy", "custom loop, minibatch size 1")
        fit("keras_linreg_lr_x100", dense(), lin, 40, sgd(10.0), 200, loss="mse")
        corpus.add("keras_linreg_lr_x100/train", "nan", "Keras linear regression, SGD 0.1 x100",
                   tag="epoch_loss")
        loop("loop_linreg_lr_over", dense(), lin, 80, sgd(0.75), loss="mse")
        corpus.add("loop_linreg_lr_over", "diverging", "custom loop, SGD lr over the limit")
        sine, sine_val = sine_data(20, 0.3, 73), sine_data(300, 0.3, 74)
        fit("keras_sine_overfit", net(256, depth=2, act="tanh"), sine, 400, adam(0.01), 20,
            val=sine_val, loss="mse")
        corpus.add("keras_sine_overfit/train", "overfitting", "Keras 2x256 tanh MLP, 20 points",
                   tag="epoch_loss", validation="keras_sine_overfit/validation")
        corpus.save()
        return
    moon, moon_val = moons(300, 0.15, 20), moons(400, 0.15, 21)
    lin = linear_data(200, 22, scales=(1.0, 1.0, 1.0), w=(1.0, -2.0, 3.0), b=1.0, noise=0.3)
    sgd, adam = tf.keras.optimizers.SGD, tf.keras.optimizers.Adam
    fit("keras_moons", net(32), moon, 150, adam(0.01), 32, val=moon_val)
    corpus.add("keras_moons/train", "converged", "Keras MLP, Adam 0.01, 150 epochs",
               tag="epoch_loss", validation="keras_moons/validation")
    small, big_val = moons(30, 0.35, 23), moons(400, 0.35, 24)
    fit("keras_overfit", net(256, depth=3), small, 300, adam(0.005), 30, val=big_val)
    corpus.add("keras_overfit/train", "overfitting", "Keras 3x256 MLP on 30 noisy points",
               tag="epoch_loss", validation="keras_overfit/validation")
    fit("keras_moons_adam_lr_div1000", net(32), moon, 150, adam(0.00001), 32)
    corpus.add("keras_moons_adam_lr_div1000/train", "lr_too_low", "Keras MLP, Adam 0.01 / 1000",
               tag="epoch_loss")
    fit("keras_linreg_sgd_lr_x100", tf.keras.Sequential([tf.keras.layers.Dense(1)]), lin, 40,
        sgd(5.0), 200, loss="mse")
    corpus.add("keras_linreg_sgd_lr_x100/train", "nan", "Keras linear regression, SGD 0.05 x100",
               tag="epoch_loss")
    fit("keras_moons_short", net(32), moon, 12, adam(0.003), 32)
    corpus.add("keras_moons_short/train", "healthy", "Keras MLP stopped after 12 epochs",
               tag="epoch_loss")
    loop("loop_linreg_sgd", tf.keras.Sequential([tf.keras.layers.Dense(1)]), lin, 400,
         sgd(0.1), loss="mse")
    corpus.add("loop_linreg_sgd", "converged", "linear regression, custom loop, SGD 0.1",
               data=lin)
    loop("loop_linreg_sgd_short", tf.keras.Sequential([tf.keras.layers.Dense(1)]), lin, 15,
         sgd(0.03), loss="mse")
    corpus.add("loop_linreg_sgd_short", "healthy", "linear regression, SGD 0.1, stopped early")
    loop("loop_linreg_sgd_lr_div1000", tf.keras.Sequential([tf.keras.layers.Dense(1)]), lin,
         600, sgd(0.0001), loss="mse")
    corpus.add("loop_linreg_sgd_lr_div1000", "lr_too_low", "custom loop, SGD 0.1 / 1000")
    loop("loop_linreg_sgd_lr_x8", tf.keras.Sequential([tf.keras.layers.Dense(1)]), lin, 40,
         sgd(0.8), loss="mse")
    corpus.add("loop_linreg_sgd_lr_x8", "diverging", "custom loop, SGD 0.1 x8")
    loop("loop_moons_batch1", net(32), moon, 1500, sgd(0.05), batch=1, log_every=2)
    corpus.add("loop_moons_batch1", "noisy", "custom loop, MLP, minibatch size 1")
    loop("loop_linreg_batch2", tf.keras.Sequential([tf.keras.layers.Dense(1)]), lin, 1200,
         sgd(0.02), batch=2, loss="mse", log_every=2)
    corpus.add("loop_linreg_batch2", "noisy", "custom loop, linear regression, minibatch size 2")
    loop("loop_moons_dead", net(32, bias=-10.0), moon, 500, adam(0.01))
    corpus.add("loop_moons_dead", "stuck", "custom loop, ReLU biases -10: every unit dead")
    loop("loop_moons_nan_input", net(32), moon, 600, adam(0.01), corrupt=420)
    corpus.add("loop_moons_nan_input", "diverging", "custom loop, a NaN in the inputs from step "
               "420: Keras' loss jumps to ln 2 and stays")
    loop("loop_moons_momentum", net(32), moon, 800, sgd(0.5, momentum=0.99))
    corpus.add("loop_moons_momentum", "oscillating", "custom loop, SGD 0.5 momentum 0.99")
    ill = linear_data(300, 25, scales=(1.0, 0.02, 5.0), w=(1.0, 100.0, 0.5), b=-1.0)
    loop("loop_linreg_unscaled", tf.keras.Sequential([tf.keras.layers.Dense(1)]), ill, 500,
         sgd(0.05), loss="mse")
    corpus.add("loop_linreg_unscaled", "lsq_gap", "features on scales 1, 0.02, 5; SGD", data=ill)
    sine, sine_val = sine_data(20, 0.3, 26), sine_data(300, 0.3, 27)
    fit("keras_sine_overfit", net(256, depth=2, act="tanh"), sine, 400, adam(0.01), 20,
        val=sine_val, loss="mse")
    corpus.add("keras_sine_overfit/train", "overfitting", "Keras 2x256 tanh MLP on 20 points",
               tag="epoch_loss", validation="keras_sine_overfit/validation")
    loop("loop_moons_adam", net(32), moon, 1200, adam(0.01), log_every=3)
    corpus.add("loop_moons_adam", "converged", "custom loop, MLP, Adam 0.01")
    corpus.save()


def part_labels():
    """Rewrite labels.json from its records (definitions, split) without training anything."""
    Corpus(None, keep=True).save()


if __name__ == "__main__":
    PARTS = {"flowgrad": part_flowgrad, "torch": part_torch, "tf2": part_tf2,
             "labels": part_labels}
    for name in sys.argv[1:] or ["flowgrad"]:
        if name.endswith("_fresh"):
            PARTS[name[: -len("_fresh")]](fresh=True)
        else:
            PARTS[name]()
