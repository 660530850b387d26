"""Scaling with the data size: minibatch logistic regression (batch 100, SGD) over N examples
streamed by flowgrad.datasets.minibatches from memory-mapped .npy files, one fresh interpreter
per N. Time per epoch should grow linearly with N (log-log slope ~1), and the anonymous memory
(RssAnon: the data's pages are file-backed and not counted) should not grow with N beyond the
epoch's index permutation (8 bytes per example), which minibatches documents."""

from __future__ import annotations

import gc
import json
import math
import os
import subprocess
import sys
import tempfile
import time

from benchmarks.memory import status
from benchmarks.startup import ROOT, _quiet_env

FEATURES, BATCH, LR = 10, 100, 0.1
SIZES = (1_000, 10_000, 100_000, 1_000_000)
STEPS_PER_REPEAT = 2000  # small N repeat epochs until a repeat has this many steps


def run(sizes=SIZES, repeats: int = 3, python: str = sys.executable) -> dict:
    """Per N: seconds per epoch (best and median of repeats) and anonymous-RSS growth;
    the log-log slope of the best times."""
    import numpy as np

    with tempfile.TemporaryDirectory() as folder:
        rng = np.random.default_rng(0)
        x = rng.standard_normal((max(sizes), FEATURES), dtype=np.float32)
        y = (x @ rng.standard_normal(FEATURES) > 0).astype(np.float32)
        np.save(os.path.join(folder, "x.npy"), x)
        np.save(os.path.join(folder, "y.npy"), y)
        del x, y
        rows = {}
        for n in sizes:
            done = subprocess.run([python, "-m", "benchmarks.scaling", folder, str(n),
                                   str(repeats)], capture_output=True, text=True, timeout=600,
                                  check=False, env=_quiet_env(), cwd=ROOT)
            if done.returncode != 0:
                rows[n] = {"error": done.stderr.strip().splitlines()[-1]}
                continue
            rows[n] = json.loads(done.stdout.strip().splitlines()[-1])
            print(f"  scaling N={n:,}: {rows[n]['best'] * 1e3:.1f} ms/epoch", file=sys.stderr)
    good = [(n, r["best"]) for n, r in rows.items() if "best" in r]
    return {"sizes": rows, "slope": slope(good) if len(good) > 1 else None,
            "features": FEATURES, "batch_size": BATCH}


def slope(points) -> float:
    """Least-squares slope of log(time) against log(N)."""
    xs = [math.log(n) for n, _ in points]
    ys = [math.log(t) for _, t in points]
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    return sum((a - mx) * (b - my) for a, b in zip(xs, ys)) / sum((a - mx) ** 2 for a in xs)


def _child(folder: str, n: int, repeats: int) -> dict:
    import numpy as np

    import flowgrad as tf
    from flowgrad.datasets import minibatches

    x = np.load(os.path.join(folder, "x.npy"), mmap_mode="r")[:n]
    y = np.load(os.path.join(folder, "y.npy"), mmap_mode="r")[:n]
    xs = tf.placeholder(tf.float32, (None, FEATURES))
    ys = tf.placeholder(tf.float32, (None,))
    W = tf.Variable(tf.zeros((FEATURES, 1)))
    b = tf.Variable(tf.zeros((1,)))
    logits = tf.squeeze(tf.matmul(xs, W) + b, 1)
    loss = tf.reduce_mean(tf.nn.sigmoid_cross_entropy_with_logits(labels=ys, logits=logits))
    train = tf.train.GradientDescentOptimizer(LR).minimize(loss)
    epochs = max(1, STEPS_PER_REPEAT * BATCH // n)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for xb, yb in minibatches(x[:1000], y[:1000], batch_size=BATCH):
            sess.run([train, loss], {xs: xb, ys: yb})  # warm-up: plans compiled
        gc.collect()
        base = peak = status("RssAnon")
        times = []
        for repeat in range(repeats):
            start = time.perf_counter()
            batches = minibatches(x, y, batch_size=BATCH, seed=repeat, epochs=epochs)
            for i, (xb, yb) in enumerate(batches):
                sess.run([train, loss], {xs: xb, ys: yb})
                if i % 500 == 0:
                    peak = max(peak, status("RssAnon"))
            times.append((time.perf_counter() - start) / epochs)
            peak = max(peak, status("RssAnon"))
    times.sort()
    return {"best": times[0], "median": times[len(times) // 2], "epochs_per_repeat": epochs,
            "anon_growth": peak - base, "permutation_bytes": 8 * n}


if __name__ == "__main__":
    print(json.dumps(_child(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]))))
