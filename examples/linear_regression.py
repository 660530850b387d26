"""Linear regression on toy data, as chapter 3 of "TensorFlow for Deep Learning" writes it.

The model is the book's TF1 program with `import flowgrad as tf`: placeholders, weights,
prediction, loss and optim name scopes, Adam, a full-batch feed_dict loop and a loss summary
for TensorBoard. It prints the learned parameters and metrics and writes plots.

    python examples/linear_regression.py [--steps 8000] [--out runs/linear-regression]
    flowgrad board runs/linear-regression        # the loss curve and the graph in TensorBoard

`--no-squeeze` runs the loss as the book prints it, `(y - y_pred)**2` with y of shape (N,) and
y_pred of shape (N, 1): that broadcasts to an (N, N) matrix and trains as TF1 would, towards a
different fit (every prediction against every target); flowgrad warns where it happens.
"""

from __future__ import annotations

import argparse
import os

import numpy as np

import flowgrad as tf
from flowgrad import datasets, plot
from flowgrad.evaluation import pearson_r2_score, rms_score

N = 100
W_TRUE, B_TRUE, NOISE_SCALE = 5.0, 2.0, 0.1
DEFAULT_STEPS = 8000
SEED = 456


def train(n_steps=DEFAULT_STEPS, out="runs/linear-regression", squeeze=True, seed=SEED,
          learning_rate=0.001, on_step=None, verbose=True, plots=True):
    """Trains the book's model; writes `out`/logs and plots; returns a dict of results."""
    x_np, y_np = datasets.linear_regression_data(N, W_TRUE, B_TRUE, NOISE_SCALE, seed=seed)

    with tf.Graph().as_default() as graph:
        tf.set_random_seed(seed)
        with tf.name_scope("placeholders"):
            x = tf.placeholder(tf.float32, (N, 1))
            y = tf.placeholder(tf.float32, (N,))
        with tf.name_scope("weights"):
            W = tf.Variable(tf.random_normal((1, 1)))
            b = tf.Variable(tf.random_normal((1,)))
        with tf.name_scope("prediction"):
            y_pred = tf.matmul(x, W) + b
        with tf.name_scope("loss"):
            if squeeze:
                l = tf.reduce_sum((y - tf.squeeze(y_pred)) ** 2)  # the book's name
            else:
                l = tf.reduce_sum((y - y_pred) ** 2)
        with tf.name_scope("optim"):
            train_op = tf.train.AdamOptimizer(learning_rate).minimize(l)
        with tf.name_scope("summaries"):
            tf.summary.scalar("loss", l)
            merged = tf.summary.merge_all()

        logdir = os.path.join(out, "logs")
        train_writer = tf.summary.FileWriter(logdir, graph)
        losses = np.empty(n_steps)
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            w_init, b_init = sess.run([W, b])
            feed_dict = {x: x_np, y: y_np}
            for i in range(n_steps):
                _, summary, loss = sess.run([train_op, merged, l], feed_dict=feed_dict)
                train_writer.add_summary(summary, i)
                losses[i] = loss
                if on_step is not None:
                    on_step(i, loss)
                elif verbose and (i % max(1, n_steps // 10) == 0 or i == n_steps - 1):
                    print(f"step {i}, loss: {loss:f}")
            w_final, b_final = sess.run([W, b])
            y_pred_np = sess.run(y_pred, feed_dict={x: x_np})
        train_writer.close()

    y_pred_np = np.reshape(y_pred_np, -1)
    results = {
        "w": float(w_final.ravel()[0]), "b": float(b_final.ravel()[0]),
        "w_init": float(w_init.ravel()[0]), "b_init": float(b_init.ravel()[0]),
        "losses": losses, "pearson_r2": pearson_r2_score(y_np, y_pred_np),
        "rms": rms_score(y_np, y_pred_np), "logdir": logdir, "plots": [],
    }
    if verbose:
        w_ls, b_ls = np.polyfit(x_np.ravel(), y_np, 1)
        print(f"learned w = {results['w']:f}, b = {results['b']:f} after {n_steps} steps; the "
              f"exact least-squares fit is w = {w_ls:f}, b = {b_ls:f} (the data: w = {W_TRUE:g}, "
              f"b = {B_TRUE:g}, noise {NOISE_SCALE:g})")
        print(f"Pearson R^2: {results['pearson_r2']:f}")
        print(f"RMS: {results['rms']:f}")
    if plots:
        results["plots"] = [
            plot.loss_curve(losses, path=os.path.join(out, "loss_curve.png"), log_scale=True,
                            title="Linear regression: training loss (Adam)"),
            plot.fitted_line(x_np, y_np, w_final, b_final, path=os.path.join(out, "fit.png"),
                             title=f"Linear regression: the line after {n_steps} Adam steps"),
            plot.predicted_vs_true(y_np, y_pred_np,
                                   path=os.path.join(out, "predicted_vs_true.png"),
                                   title="Linear regression"),
        ]
    return results


def main(argv=None):
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--steps", type=int, default=DEFAULT_STEPS, help="training steps")
    parser.add_argument("--out", default="runs/linear-regression", help="folder for logs, plots")
    parser.add_argument("--no-squeeze", dest="squeeze", action="store_false",
                        help="the loss as printed in the book, without tf.squeeze")
    args = parser.parse_args(argv)
    results = train(args.steps, args.out, squeeze=args.squeeze)
    for path in results["plots"]:
        print("wrote", path)
    print(f"TensorBoard logs in {results['logdir']}: flowgrad board {args.out}")


if __name__ == "__main__":
    main()
