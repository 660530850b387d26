"""Logistic regression on two Gaussian blobs, as chapter 3 of "TensorFlow for Deep Learning"
writes it.

The model is the book's TF1 program with `import flowgrad as tf`: placeholders, weights,
prediction, loss and optim name scopes, sigmoid cross-entropy, Adam, a full-batch feed_dict loop
and a loss summary for TensorBoard. It prints the learned parameters and the accuracy and writes
plots (the loss curve and the decision boundary).

    python examples/logistic_regression.py [--steps 1000] [--out runs/logistic-regression]
    flowgrad board runs/logistic-regression
"""

from __future__ import annotations

import argparse
import os

import numpy as np

import flowgrad as tf
from flowgrad import datasets, plot
from flowgrad.evaluation import accuracy_score, roc_auc_score

N = 100
DEFAULT_STEPS = 1000
SEED = 456


def train(n_steps=DEFAULT_STEPS, out="runs/logistic-regression", seed=SEED, learning_rate=0.01,
          on_step=None, verbose=True, plots=True):
    """Trains the book's model; writes `out`/logs and plots; returns a dict of results."""
    # zeros form a Gaussian centered at (-1, -1), ones one at (1, 1), covariance 0.1 I
    x_np, y_np = datasets.logistic_regression_data(N, ((-1, -1), (1, 1)), 0.1, seed=seed)

    with tf.Graph().as_default() as graph:
        tf.set_random_seed(seed)
        with tf.name_scope("placeholders"):
            x = tf.placeholder(tf.float32, (N, 2))
            y = tf.placeholder(tf.float32, (N,))
        with tf.name_scope("weights"):
            W = tf.Variable(tf.random_normal((2, 1)))
            b = tf.Variable(tf.random_normal((1,)))
        with tf.name_scope("prediction"):
            y_logit = tf.squeeze(tf.matmul(x, W) + b)
            # the sigmoid gives the class probability of 1
            y_one_prob = tf.sigmoid(y_logit)
            # rounding P(y=1) gives the prediction
            y_pred = tf.round(y_one_prob)
        with tf.name_scope("loss"):
            # the cross-entropy term of each data point, summed
            entropy = tf.nn.sigmoid_cross_entropy_with_logits(logits=y_logit, labels=y)
            l = tf.reduce_sum(entropy)  # the book's name
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
            y_pred_np, y_prob_np = sess.run([y_pred, y_one_prob], feed_dict={x: x_np})
        train_writer.close()

    results = {
        "w": w_final.ravel().tolist(), "b": float(b_final.ravel()[0]), "losses": losses,
        "accuracy": accuracy_score(y_np, y_pred_np), "roc_auc": roc_auc_score(y_np, y_prob_np),
        "logdir": logdir, "plots": [],
    }
    if verbose:
        w1, w2 = results["w"]
        print(f"learned W = [{w1:f}, {w2:f}], b = {results['b']:f}")
        print(f"Classification Accuracy: {results['accuracy']:f}")
        print(f"ROC AUC: {results['roc_auc']:f}")
    if plots:
        def predict(points):
            """P(class 1) of the learned model, in NumPy, for any number of points."""
            return 1.0 / (1.0 + np.exp(-(points @ w_final + b_final)))

        results["plots"] = [
            plot.loss_curve(losses, path=os.path.join(out, "loss_curve.png"), log_scale=True,
                            title="Logistic regression: training loss (Adam)"),
            plot.decision_boundary(predict, x_np, y_np,
                                   path=os.path.join(out, "decision_boundary.png"),
                                   title="Logistic regression: decision boundary"),
        ]
    return results


def main(argv=None):
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--steps", type=int, default=DEFAULT_STEPS, help="training steps")
    parser.add_argument("--out", default="runs/logistic-regression",
                        help="folder for logs and plots")
    args = parser.parse_args(argv)
    results = train(args.steps, args.out)
    for path in results["plots"]:
        print("wrote", path)
    print(f"TensorBoard logs in {results['logdir']}: flowgrad board {args.out}")


if __name__ == "__main__":
    main()
