"""A fully connected network on imbalanced toxicity data, as chapter 4 of "TensorFlow for Deep
Learning" writes it.

The model is the book's TF1 program with `import flowgrad as tf`: placeholders for the
fingerprints x, the labels y, the per-example weights w and the dropout keep_prob; a ReLU hidden
layer with dropout; a sigmoid output; the cross-entropy of each example multiplied by its weight
and summed; Adam over minibatches for several epochs. The book's Tox21 download is swapped for
`flowgrad.datasets.toxicity_data`, a synthetic set with the same shape: 1024 binary features and
5% positives, each positive weighted about 19 so that the classes count equally.

After each epoch it prints the weighted classification accuracy of the training and validation
sets (keep_prob 1.0 for predictions) and logs both, with the loss of every step, for TensorBoard.
At the end it prints the recall on the positives and writes plots.

    python examples/fcnet_classification.py [--epochs 10] [--unweighted] [--out runs/fcnet]
    flowgrad board runs/fcnet
"""

from __future__ import annotations

import argparse
import math
import os

import numpy as np

import flowgrad as tf
from flowgrad import datasets, plot
from flowgrad.evaluation import accuracy_score, recall_score

D = 1024
N_HIDDEN = 50
LEARNING_RATE = 0.001
N_EPOCHS = 10
BATCH_SIZE = 100
DROPOUT_PROB = 0.5  # the keep probability while training
SEED = 456


def steps_per_epoch(data=None, batch_size=BATCH_SIZE):
    """Minibatch steps in one epoch of the training set."""
    data = data or datasets.toxicity_data()
    return datasets.batches_per_epoch(len(data.x_train), batch_size)


def train(n_steps=None, out="runs/fcnet", seed=SEED, n_epochs=N_EPOCHS, n_hidden=N_HIDDEN,
          learning_rate=LEARNING_RATE, batch_size=BATCH_SIZE, dropout_prob=DROPOUT_PROB,
          weight_positives=True, data=None, on_step=None, verbose=True, plots=True):
    """Trains the book's network for `n_steps` minibatch steps (default: `n_epochs` epochs).

    With `weight_positives=False` every example weighs 1 in the loss (the scores stay weighted).
    Returns a dict of results; writes `out`/logs and, with `plots`, PNGs.
    """
    data = data or datasets.toxicity_data()
    train_X, train_y, train_w = data.x_train, data.y_train, data.w_train
    valid_X, valid_y, valid_w = data.x_valid, data.y_valid, data.w_valid
    loss_w = train_w if weight_positives else np.ones_like(train_w)
    per_epoch = datasets.batches_per_epoch(len(train_X), batch_size)
    n_steps = n_epochs * per_epoch if n_steps is None else n_steps
    n_epochs = math.ceil(n_steps / per_epoch)
    d = train_X.shape[1]

    with tf.Graph().as_default() as graph:
        tf.set_random_seed(seed)
        with tf.name_scope("placeholders"):
            x = tf.placeholder(tf.float32, (None, d))
            y = tf.placeholder(tf.float32, (None,))
            w = tf.placeholder(tf.float32, (None,))
            keep_prob = tf.placeholder(tf.float32)
        with tf.name_scope("hidden-layer"):
            # the book draws from a unit normal; scaled by sqrt(2 / fan-in) (He) here, since a
            # unit normal over 1024 inputs starts with logits in the hundreds
            W = tf.Variable(tf.random_normal((d, n_hidden), stddev=math.sqrt(2.0 / d)))
            b = tf.Variable(tf.zeros((n_hidden,)))
            x_hidden = tf.nn.relu(tf.matmul(x, W) + b)
            # apply dropout
            x_hidden = tf.nn.dropout(x_hidden, keep_prob)
        with tf.name_scope("output"):
            W = tf.Variable(tf.random_normal((n_hidden, 1), stddev=math.sqrt(1.0 / n_hidden)))
            b = tf.Variable(tf.zeros((1,)))
            y_logit = tf.matmul(x_hidden, W) + b
            # the sigmoid gives the class probability of 1
            y_one_prob = tf.sigmoid(y_logit)
            # rounding P(y=1) gives the prediction
            y_pred = tf.round(y_one_prob)
        with tf.name_scope("loss"):
            # the cross-entropy term of each data point
            y_expand = tf.expand_dims(y, 1)
            entropy = tf.nn.sigmoid_cross_entropy_with_logits(logits=y_logit, labels=y_expand)
            # multiplied by its weight, then summed
            w_expand = tf.expand_dims(w, 1)
            entropy = w_expand * entropy
            l = tf.reduce_sum(entropy)  # the book's name
        with tf.name_scope("optim"):
            train_op = tf.train.AdamOptimizer(learning_rate).minimize(l)
        with tf.name_scope("accuracy"):
            correct = tf.cast(tf.equal(y_pred, y_expand), tf.float32)
            weighted_accuracy = tf.reduce_sum(w_expand * correct) / tf.reduce_sum(w)
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
            for epoch, batches in datasets.epochs(train_X, train_y, loss_w, batch_size=batch_size,
                                                  num_epochs=n_epochs, seed=seed):
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
            valid_y_pred, valid_prob = sess.run([y_pred, y_one_prob],
                                                feed_dict={x: valid_X, keep_prob: 1.0})
        train_writer.close()
        for line in deferred:
            print(line)

    results = {
        "train_weighted_accuracy": accuracy_score(train_y, train_y_pred, sample_weight=train_w),
        "valid_weighted_accuracy": accuracy_score(valid_y, valid_y_pred, sample_weight=valid_w),
        "train_recall": recall_score(train_y, train_y_pred),
        "valid_recall": recall_score(valid_y, valid_y_pred),
        "valid_accuracy": accuracy_score(valid_y, valid_y_pred),
        "valid_prob": valid_prob.ravel(), "losses": losses, "history": history,
        "logdir": logdir, "plots": [],
    }
    if verbose:
        print(f"Train Weighted Classification Accuracy: {results['train_weighted_accuracy']:f}")
        print(f"Valid Weighted Classification Accuracy: {results['valid_weighted_accuracy']:f}")
        print(f"Valid Recall on positives: {results['valid_recall']:f} "
              f"({'weighted' if weight_positives else 'unweighted'} loss)")
    if plots:
        results["plots"] = [
            plot.loss_curve(losses, path=os.path.join(out, "loss_curve.png"), smoothing=0.9,
                            title="Fully connected network: weighted training loss"),
            plot.loss_curve({"train": (history["epoch"], history["train"]),
                             "valid": (history["epoch"], history["valid"])},
                            path=os.path.join(out, "accuracy.png"), xlabel="epoch",
                            ylabel="weighted accuracy",
                            title="Fully connected network: weighted accuracy per epoch"),
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
    parser.add_argument("--unweighted", action="store_true",
                        help="every example weighs 1 in the loss (compare the recall)")
    parser.add_argument("--out", default="runs/fcnet", help="folder for logs and plots")
    args = parser.parse_args(argv)
    results = train(args.steps, args.out, n_epochs=args.epochs, dropout_prob=args.keep_prob,
                    weight_positives=not args.unweighted)
    for path in results["plots"]:
        print("wrote", path)
    print(f"TensorBoard logs in {results['logdir']}: flowgrad board {args.out}")


if __name__ == "__main__":
    main()
