"""A softmax classifier with one hidden layer on the 8x8 handwritten digits, in the style of
chapter 4 of "TensorFlow for Deep Learning".

The program is the book's fully connected network carried to ten classes, with
`import flowgrad as tf`: placeholders for the pixels x, the labels y, the per-example weights w
and the dropout keep_prob; a ReLU hidden layer (`tf.layers.dense`) with dropout; softmax
cross-entropy of each example times its weight, summed; Adam over minibatches for several
epochs. The data are scikit-learn's digits (1797 images, nothing downloaded), standardized, with
a stratified 25% validation split (`flowgrad.datasets.load_digits`). The weights balance the
classes (they are all close to 1: the digits are nearly balanced).

After each epoch it prints the weighted accuracy of the training and validation sets (keep_prob
1.0 for predictions) and logs both, with the loss of every step, for TensorBoard; at the end it
prints the validation accuracy and writes plots.

    python examples/digits_mlp.py [--epochs 30] [--out runs/digits]
    flowgrad board runs/digits
"""

from __future__ import annotations

import argparse
import math
import os

import numpy as np

import flowgrad as tf
from flowgrad import datasets, plot
from flowgrad.evaluation import accuracy_score

N_CLASSES = 10
N_HIDDEN = 64
LEARNING_RATE = 0.001
N_EPOCHS = 30
BATCH_SIZE = 32
DROPOUT_PROB = 0.9  # the keep probability while training
SEED = 456


def class_weights(labels, n_classes=N_CLASSES):
    """Per-example weights n / (n_classes * count of the example's class): classes count equally."""
    counts = np.bincount(labels, minlength=n_classes)
    return (len(labels) / (n_classes * counts))[labels]


def train(n_steps=None, out="runs/digits", seed=SEED, n_epochs=N_EPOCHS, n_hidden=N_HIDDEN,
          learning_rate=LEARNING_RATE, batch_size=BATCH_SIZE, dropout_prob=DROPOUT_PROB,
          data=None, on_step=None, verbose=True, plots=True):
    """Trains the network for `n_steps` minibatch steps (default: `n_epochs` epochs).

    Returns a dict of results; writes `out`/logs and, with `plots`, PNGs.
    """
    data = data or datasets.load_digits(valid_size=0.25, seed=0)
    train_X, train_y, valid_X, valid_y = data.x_train, data.y_train, data.x_valid, data.y_valid
    train_w, valid_w = class_weights(train_y), class_weights(valid_y)
    per_epoch = datasets.batches_per_epoch(len(train_X), batch_size)
    n_steps = n_epochs * per_epoch if n_steps is None else n_steps
    n_epochs = math.ceil(n_steps / per_epoch)
    d = train_X.shape[1]

    with tf.Graph().as_default() as graph:
        tf.set_random_seed(seed)
        with tf.name_scope("placeholders"):
            x = tf.placeholder(tf.float32, (None, d))
            y = tf.placeholder(tf.int32, (None,))
            w = tf.placeholder(tf.float32, (None,))
            keep_prob = tf.placeholder(tf.float32)
        # tf.layers.dense makes `hidden-layer/kernel` (He normal here) and `hidden-layer/bias`
        x_hidden = tf.layers.dense(x, n_hidden, activation=tf.nn.relu,
                                   kernel_initializer=tf.initializers.he_normal(),
                                   name="hidden-layer")
        # apply dropout
        x_hidden = tf.nn.dropout(x_hidden, keep_prob)
        y_logit = tf.layers.dense(x_hidden, N_CLASSES, name="output")
        with tf.name_scope("prediction"):
            y_prob = tf.nn.softmax(y_logit)
            # the most probable class is the prediction
            y_pred = tf.argmax(y_logit, 1, output_type=tf.int32)
        with tf.name_scope("loss"):
            # the cross-entropy term of each data point, times its weight, summed
            y_one_hot = tf.one_hot(y, N_CLASSES)
            entropy = tf.nn.softmax_cross_entropy_with_logits_v2(labels=y_one_hot,
                                                                 logits=y_logit)
            entropy = w * entropy
            l = tf.reduce_sum(entropy)
        with tf.name_scope("optim"):
            train_op = tf.train.AdamOptimizer(learning_rate).minimize(l)
        with tf.name_scope("accuracy"):
            correct = tf.cast(tf.equal(y_pred, y), tf.float32)
            weighted_accuracy = tf.reduce_sum(w * correct) / tf.reduce_sum(w)
        with tf.name_scope("summaries"):
            tf.summary.scalar("loss", l)
            merged = tf.summary.merge_all()
            # once per epoch, outside merge_all: the same accuracy on the two sets
            train_acc = tf.summary.scalar("train_weighted_accuracy", weighted_accuracy, [])
            valid_acc = tf.summary.scalar("valid_weighted_accuracy", weighted_accuracy, [])

        logdir = os.path.join(out, "logs")
        train_writer = tf.summary.FileWriter(logdir, graph)
        losses = np.empty(n_steps)
        history = {"epoch": [], "train": [], "valid": []}
        # epoch lines print as they come, or after the progress bar of `flowgrad demo`
        every, deferred = max(1, n_epochs // 10), []
        report = print if on_step is None else deferred.append
        train_feed = {x: train_X, y: train_y, w: train_w, keep_prob: 1.0}
        valid_feed = {x: valid_X, y: valid_y, w: valid_w, keep_prob: 1.0}
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            step = 0
            for epoch, batches in datasets.epochs(train_X, train_y, train_w,
                                                  batch_size=batch_size, num_epochs=n_epochs,
                                                  seed=seed):
                for batch_X, batch_y, batch_w in batches:
                    if step == n_steps:
                        break
                    feed_dict = {x: batch_X, y: batch_y, w: batch_w, keep_prob: dropout_prob}
                    _, summary, loss = sess.run([train_op, merged, l], feed_dict=feed_dict)
                    train_writer.add_summary(summary, step)
                    losses[step] = loss
                    if on_step is not None:
                        on_step(step, loss)
                    step += 1
                # predictions with keep_prob 1.0: dropout is for training only
                train_score, summary = sess.run([weighted_accuracy, train_acc], train_feed)
                train_writer.add_summary(summary, step)
                valid_score, summary = sess.run([weighted_accuracy, valid_acc], valid_feed)
                train_writer.add_summary(summary, step)
                for key, value in [("epoch", epoch), ("train", train_score),
                                   ("valid", valid_score)]:
                    history[key].append(float(value))
                if verbose and (epoch % every == 0 or epoch == n_epochs - 1):
                    report(f"epoch {epoch}, step {step}, loss: {losses[step - 1]:f}, train "
                           f"weighted accuracy: {train_score:f}, valid: {valid_score:f}")
            train_y_pred = sess.run(y_pred, feed_dict={x: train_X, keep_prob: 1.0})
            valid_y_pred, valid_prob = sess.run([y_pred, y_prob],
                                                feed_dict={x: valid_X, keep_prob: 1.0})
        train_writer.close()
        for line in deferred:
            print(line)

    results = {
        "train_accuracy": accuracy_score(train_y, train_y_pred),
        "valid_accuracy": accuracy_score(valid_y, valid_y_pred),
        "valid_weighted_accuracy": accuracy_score(valid_y, valid_y_pred, sample_weight=valid_w),
        "valid_pred": valid_y_pred, "valid_prob": valid_prob, "losses": losses,
        "history": history, "logdir": logdir, "plots": [],
    }
    if verbose:
        print(f"Train Classification Accuracy: {results['train_accuracy']:f}")
        print(f"Valid Classification Accuracy: {results['valid_accuracy']:f}")
        print(f"Valid Weighted Classification Accuracy: {results['valid_weighted_accuracy']:f}")
    if plots:
        results["plots"] = [
            plot.loss_curve(losses, path=os.path.join(out, "loss_curve.png"), smoothing=0.9,
                            log_scale=True, title="Digits MLP: training loss per minibatch"),
            plot.loss_curve({"train": (history["epoch"], history["train"]),
                             "valid": (history["epoch"], history["valid"])},
                            path=os.path.join(out, "accuracy.png"), xlabel="epoch",
                            ylabel="weighted accuracy",
                            title="Digits MLP: weighted accuracy per epoch"),
        ]
    return results


def main(argv=None):
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--epochs", type=int, default=N_EPOCHS, help="training epochs")
    parser.add_argument("--steps", type=int, default=None,
                        help="minibatch steps (overrides --epochs)")
    parser.add_argument("--keep-prob", type=float, default=DROPOUT_PROB,
                        help="dropout keep probability while training")
    parser.add_argument("--out", default="runs/digits", help="folder for logs and plots")
    args = parser.parse_args(argv)
    results = train(args.steps, args.out, n_epochs=args.epochs, dropout_prob=args.keep_prob)
    for path in results["plots"]:
        print("wrote", path)
    print(f"TensorBoard logs in {results['logdir']}: flowgrad board {args.out}")


if __name__ == "__main__":
    main()
