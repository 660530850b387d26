"""Chapter 4's fully connected networks: the digits MLP against scikit-learn's, the weighted loss
on the imbalanced toxicity stand-in, the data behind them, dropout as the examples feed it, and
the `fcnet` and `digits` demos."""

import glob
import os
import subprocess
import sys
import warnings

import numpy as np
import pytest

import flowgrad as tf
from flowgrad import cli, datasets, demo

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PNG = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def toxicity():
    return datasets.toxicity_data()


def test_digits_mlp_reaches_sklearns_mlp_on_the_same_split(tmp_path):
    pytest.importorskip("sklearn")
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.neural_network import MLPClassifier

    data = datasets.load_digits(valid_size=0.25, seed=0)
    results = demo.load_example("digits_mlp").train(out=str(tmp_path), data=data,
                                                     verbose=False, plots=False)
    ours = results["valid_accuracy"]
    theirs = []
    for seed in range(3):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            mlp = MLPClassifier(hidden_layer_sizes=(64,), random_state=seed)
            theirs.append(mlp.fit(data.x_train, data.y_train).score(data.x_valid, data.y_valid))
    print(f"\ndigits validation accuracy: flowgrad {ours:.4f} (64 ReLU, keep 0.9, Adam, 30 "
          f"epochs of 32); sklearn MLPClassifier seeds 0-2: "
          f"{', '.join(f'{a:.4f}' for a in theirs)} (mean {np.mean(theirs):.4f})")
    assert len(results["history"]["valid"]) == 30
    assert ours >= 0.96
    assert abs(ours - np.mean(theirs)) <= 0.015
    assert results["valid_weighted_accuracy"] == pytest.approx(ours, abs=0.01)


def test_weighted_loss_finds_more_positives_than_the_unweighted_one(tmp_path, toxicity):
    fcnet = demo.load_example("fcnet_classification")
    runs = {weighted: fcnet.train(out=str(tmp_path / str(weighted)), data=toxicity,
                                  weight_positives=weighted, verbose=False, plots=False)
            for weighted in (True, False)}
    weighted, unweighted = runs[True], runs[False]
    print(f"\ntoxicity stand-in, validation recall on positives: weighted loss "
          f"{weighted['valid_recall']:.3f}, unweighted {unweighted['valid_recall']:.3f}; "
          f"weighted accuracy {weighted['valid_weighted_accuracy']:.3f} vs "
          f"{unweighted['valid_weighted_accuracy']:.3f}; plain accuracy "
          f"{weighted['valid_accuracy']:.3f} vs {unweighted['valid_accuracy']:.3f}")
    assert weighted["valid_recall"] >= 0.5
    assert weighted["valid_recall"] >= unweighted["valid_recall"] + 0.25
    assert weighted["valid_weighted_accuracy"] >= unweighted["valid_weighted_accuracy"] + 0.1
    # the unweighted model looks better by plain accuracy: it mostly predicts "not toxic"
    assert unweighted["valid_accuracy"] > weighted["valid_accuracy"]


def test_toxicity_data_is_imbalanced_binary_and_weighted(toxicity):
    d = toxicity
    assert d.x_train.shape == (4800, 1024) and d.x_valid.shape == (1200, 1024)
    assert d.y_train.shape == (4800,) and d.w_valid.shape == (1200,)
    assert set(np.unique(d.x_train)) == {0.0, 1.0}
    assert d.y_train.mean() == d.y_valid.mean() == 0.05
    np.testing.assert_array_equal(np.unique(d.w_train), [1.0, 19.0])
    np.testing.assert_array_equal(d.w_valid, np.where(d.y_valid == 1.0, 19.0, 1.0))
    # the weights make the two classes count equally
    assert d.w_train[d.y_train == 1].sum() == d.w_train[d.y_train == 0].sum()
    assert 0.03 < d.x_train.mean() < 0.07
    positives, negatives = d.x_train[d.y_train == 1], d.x_train[d.y_train == 0]
    # 64 "toxicophore" bits are 2.5 times as frequent in positives: a few more bits per molecule
    assert positives.sum(1).mean() > negatives.sum(1).mean() + 3
    lift = positives.mean(0) / (negatives.mean(0) + 1e-3)
    assert np.sum(lift > 1.8) >= 50
    again = datasets.toxicity_data()
    np.testing.assert_array_equal(again.x_valid, d.x_valid)
    assert not np.array_equal(datasets.toxicity_data(seed=1).y_train, d.y_train)


def test_toxicity_data_options_and_errors():
    d = datasets.toxicity_data(N=400, n_features=32, positive_fraction=0.1, n_informative=8,
                               valid_size=0.25)
    assert d.x_train.shape == (300, 32) and d.x_valid.shape == (100, 32)
    assert d.y_valid.sum() == 10
    np.testing.assert_array_equal(np.unique(d.w_train), [1.0, 9.0])
    with pytest.raises(ValueError, match=r"positive_fraction must be in \(0, 1\), got 0"):
        datasets.toxicity_data(positive_fraction=0)
    with pytest.raises(ValueError, match=r"n_informative must be in \[0, 1024\], got 2000"):
        datasets.toxicity_data(n_informative=2000)
    with pytest.raises(ValueError, match=r"valid_size must be in \(0, 1\), got 1.5"):
        datasets.toxicity_data(valid_size=1.5)


def test_digits_split_is_standardized_and_stratified():
    pytest.importorskip("sklearn")
    d = datasets.load_digits()
    assert d.x_train.shape == (1347, 64) and d.x_valid.shape == (450, 64)
    assert np.abs(d.x_train.mean(0)).max() < 1e-10
    std = d.x_train.std(0)
    assert np.allclose(std[std > 0], 1.0)  # the always-blank corner pixels stay 0
    train_share = np.bincount(d.y_train) / len(d.y_train)
    valid_share = np.bincount(d.y_valid) / len(d.y_valid)
    assert np.abs(train_share - valid_share).max() < 0.005


def test_dropout_as_the_examples_feed_it():
    x = tf.placeholder(tf.float32, (None, 300))
    keep_prob = tf.placeholder(tf.float32)
    y = tf.nn.dropout(x, keep_prob)
    values = np.random.default_rng(0).normal(size=(400, 300)).astype(np.float32)
    with tf.Session() as sess:
        kept = sess.run(y, {x: values, keep_prob: 1.0})
        halved = sess.run(y, {x: np.ones((400, 300)), keep_prob: 0.5})
    np.testing.assert_array_equal(kept, values)
    assert abs(np.mean(halved == 0.0) - 0.5) <= 0.02
    np.testing.assert_array_equal(np.unique(halved), [0.0, 2.0])


def test_demo_registry_has_the_chapter_4_demos():
    fcnet, digits = demo.DEMOS["fcnet"], demo.DEMOS["digits"]
    assert (fcnet.script, digits.script) == ("fcnet_classification", "digits_mlp")
    # the default steps are the examples' default epochs of minibatches
    assert fcnet.steps == 10 * datasets.batches_per_epoch(4800, 100)
    assert digits.steps == 30 * datasets.batches_per_epoch(1347, 32)


@pytest.mark.parametrize("name, pngs, printed", [
    ("fcnet", ["loss_curve.png", "accuracy.png"], "Valid Recall on positives"),
    ("digits", ["loss_curve.png", "accuracy.png"], "Valid Classification Accuracy"),
])
def test_demo_writes_plots_and_per_epoch_accuracy_summaries(tmp_path, capsys, name, pngs,
                                                            printed):
    from tensorboard.backend.event_processing.event_file_loader import EventFileLoader

    steps = 60  # more than one epoch of each, ending inside an epoch
    assert cli.main(["demo", name, "--steps", str(steps), "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert printed in out and "train weighted accuracy" in out
    for png in pngs:
        path = tmp_path / name / png
        assert f"plot  {path}" in out and path.read_bytes().startswith(PNG)
    (events,) = glob.glob(str(tmp_path / name / "logs" / "*tfevents*"))
    tags = {}
    for event in EventFileLoader(events).Load():
        for value in event.summary.value:
            tags.setdefault(value.tag, []).append(event.step)
    assert tags["summaries/loss"] == list(range(steps))
    per_epoch = datasets.batches_per_epoch(4800 if name == "fcnet" else 1347,
                                           100 if name == "fcnet" else 32)
    assert tags["summaries/train_weighted_accuracy"] == [per_epoch, steps]
    assert tags["summaries/valid_weighted_accuracy"] == [per_epoch, steps]


@pytest.mark.parametrize("script, expect", [
    ("fcnet_classification.py", "Valid Weighted Classification Accuracy"),
    ("digits_mlp.py", "Valid Classification Accuracy"),
])
def test_examples_run_as_scripts(tmp_path, script, expect):
    done = subprocess.run([sys.executable, os.path.join(ROOT, "examples", script), "--steps",
                           "20", "--out", str(tmp_path)], capture_output=True, text=True,
                          timeout=120, cwd=tmp_path, check=False)
    assert done.returncode == 0, done.stderr
    assert expect in done.stdout and "epoch 0, step 20" in done.stdout
    assert (tmp_path / "accuracy.png").read_bytes().startswith(PNG)


def test_the_books_fcnet_listing_runs(tmp_path):
    """Chapter 4's Tox21 program as the book prints it (Python 3, the stand-in for deepchem)."""
    from flowgrad.evaluation import accuracy_score

    data = datasets.toxicity_data(N=1000)
    train_X, train_y, train_w = data.x_train, data.y_train, data.w_train
    valid_X, valid_y, valid_w = data.x_valid, data.y_valid, data.w_valid
    d, n_hidden, learning_rate, n_epochs, batch_size, dropout_prob = 1024, 50, .001, 2, 100, 1.0

    with tf.name_scope("placeholders"):
        x = tf.placeholder(tf.float32, (None, d))
        y = tf.placeholder(tf.float32, (None,))
        w = tf.placeholder(tf.float32, (None,))
        keep_prob = tf.placeholder(tf.float32)
    with tf.name_scope("hidden-layer"):
        W = tf.Variable(tf.random_normal((d, n_hidden)))
        b = tf.Variable(tf.random_normal((n_hidden,)))
        x_hidden = tf.nn.relu(tf.matmul(x, W) + b)
        x_hidden = tf.nn.dropout(x_hidden, keep_prob)
    with tf.name_scope("output"):
        W = tf.Variable(tf.random_normal((n_hidden, 1)))
        b = tf.Variable(tf.random_normal((1,)))
        y_logit = tf.matmul(x_hidden, W) + b
        y_one_prob = tf.sigmoid(y_logit)
        y_pred = tf.round(y_one_prob)
    with tf.name_scope("loss"):
        y_expand = tf.expand_dims(y, 1)
        entropy = tf.nn.sigmoid_cross_entropy_with_logits(logits=y_logit, labels=y_expand)
        w_expand = tf.expand_dims(w, 1)
        entropy = w_expand * entropy
        l = tf.reduce_sum(entropy)
    with tf.name_scope("optim"):
        train_op = tf.train.AdamOptimizer(learning_rate).minimize(l)
    with tf.name_scope("summaries"):
        tf.summary.scalar("loss", l)
        merged = tf.summary.merge_all()

    train_writer = tf.summary.FileWriter(str(tmp_path / "fcnet-func"), tf.get_default_graph())
    N = train_X.shape[0]
    losses = []  # the book prints "epoch %d, step %d, loss: %f" here
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        step = 0
        for epoch in range(n_epochs):
            pos = 0
            while pos < N:
                batch_X = train_X[pos:pos + batch_size]
                batch_y = train_y[pos:pos + batch_size]
                batch_w = train_w[pos:pos + batch_size]
                feed_dict = {x: batch_X, y: batch_y, w: batch_w, keep_prob: dropout_prob}
                _, summary, loss = sess.run([train_op, merged, l], feed_dict=feed_dict)
                train_writer.add_summary(summary, step)
                losses.append(loss)
                step += 1
                pos += batch_size
        train_y_pred = sess.run(y_pred, feed_dict={x: train_X, keep_prob: 1.0})
        valid_y_pred = sess.run(y_pred, feed_dict={x: valid_X, keep_prob: 1.0})
    train_writer.close()

    assert (x_hidden.name, y_logit.name, l.name) == ("hidden-layer/dropout/mul:0",
                                                     "output/add:0", "loss/Sum:0")
    assert train_y_pred.shape == (800, 1) and step == 16 and np.isfinite(losses).all()
    for score in (accuracy_score(train_y, train_y_pred, sample_weight=train_w),
                  accuracy_score(valid_y, valid_y_pred, sample_weight=valid_w)):
        assert 0.0 <= score <= 1.0
