"""End to end: runs written by flowgrad, served by the real TensorBoard program on 127.0.0.1, and
read back over its HTTP JSON API (a run it could not read would silently be missing there)."""

import json
import queue
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

import numpy as np
import pytest

import flowgrad as tf
from flowgrad.summary import board

STEPS = 1200  # more than the 1000 points TensorBoard keeps per scalar tag by default


def get(url, path, **params):
    query = f"?{urllib.parse.urlencode(params)}" if params else ""
    with urllib.request.urlopen(f"{url}{path}{query}", timeout=10) as response:
        body = response.read().decode()
    return json.loads(body) if "json" in response.headers.get("Content-Type", "") else body


def wait_for(probe, seconds=30.0):
    """probe() until it returns something truthy (errors count as not yet); its last value."""
    deadline, value = time.monotonic() + seconds, None
    while time.monotonic() < deadline:
        try:
            value = probe()
        except (urllib.error.URLError, ConnectionError, ValueError, KeyError):
            value = None
        if value:
            return value
        time.sleep(0.1)
    return value


def write_run(logdir):
    """A small model with the book's scopes; the loss every step, histograms every 100 steps."""
    x = tf.placeholder(tf.float32, [None, 2], name="x")
    with tf.name_scope("weights"):
        W = tf.Variable(np.ones((2, 1), np.float32), name="W")
    with tf.name_scope("loss"):
        loss = tf.reduce_mean(tf.square(tf.matmul(x, W)))
    with tf.name_scope("optim"):
        (grad,) = tf.gradients(loss, [W])
        train_op = tf.group(tf.assign_sub(W, 0.01 * grad), name="Adam")
    with tf.name_scope("summaries"):
        loss_summary = tf.summary.scalar("loss", loss)
        tf.summary.histogram("W", W)
        tf.summary.image("x", tf.reshape(x, [1, 4, 2, 1]), max_outputs=1)
        tf.summary.text("note", tf.constant("written by *flowgrad*"))
    merged = tf.summary.merge_all()
    batch = np.random.default_rng(0).standard_normal((4, 2)).astype(np.float32)
    losses = []
    with tf.Session() as sess, tf.summary.FileWriter(logdir / "run_a", sess.graph) as writer:
        sess.run(tf.global_variables_initializer())
        for step in range(STEPS):
            if step % 100 == 0:
                summary, value, _ = sess.run([merged, loss, train_op], {x: batch})
            else:
                summary, value, _ = sess.run([loss_summary, loss, train_op], {x: batch})
            writer.add_summary(summary, step)
            losses.append(float(value))
    with tf.Session() as sess, tf.summary.FileWriter(logdir / "run_b") as writer:
        sess.run(tf.global_variables_initializer())
        writer.add_summary(sess.run(loss_summary, {x: batch * 0}), 0)
    return losses


def test_tensorboard_serves_what_flowgrad_wrote(tmp_path):
    losses = write_run(tmp_path)
    server = board.launch(tmp_path, port=0, timeout=60,
                          extra_args=["--samples_per_plugin", f"scalars={2 * STEPS}"])
    try:
        assert re.fullmatch(r"http://127\.0\.0\.1:\d+", server.url)
        url = server.url

        def all_points():
            points = get(url, "/data/plugin/scalars/scalars", run="run_a", tag="summaries/loss")
            return points if len(points) == STEPS else None

        points = wait_for(all_points)
        assert points, f"TensorBoard did not serve {STEPS} points; its log: {list(server.log)}"
        assert sorted(get(url, "/data/runs")) == ["run_a", "run_b"]
        assert [p[1] for p in points] == list(range(STEPS))
        np.testing.assert_allclose([p[2] for p in points], losses, rtol=1e-6)
        histograms = get(url, "/data/plugin/histograms/histograms", run="run_a", tag="summaries/W")
        assert [h[1] for h in histograms] == list(range(0, STEPS, 100))
        assert all(sum(b[2] for b in h[2]) == pytest.approx(2) for h in histograms)
        assert "summaries/x/image" in get(url, "/data/plugin/images/tags")["run_a"]
        assert "summaries/note" in get(url, "/data/plugin/text/tags")["run_a"]
        info = wait_for(lambda: get(url, "/data/plugin/graphs/info")["run_a"]["run_graph"])
        assert info is True
        graph = get(url, "/data/plugin/graphs/graph", run="run_a", conceptual="false")
        for expected in ('name: "optim/Adam"', 'op: "NoOp"', 'name: "weights/W"',
                         'op: "VariableV2"', 'name: "summaries/loss"', 'op: "ScalarSummary"',
                         'name: "optim/gradients/', 'key: "_output_shapes"'):
            assert expected in graph
    finally:
        server.stop()
    assert server.process.poll() is not None


def test_flowgrad_board_prints_the_url_and_stops_tensorboard_with_it(tmp_path):
    with tf.summary.FileWriter(tmp_path / "run") as writer:
        writer.add_summary(tf.summary.Summary(value=[tf.summary.Summary.Value(
            tag="loss", simple_value=1.0)]), 0)
    process = subprocess.Popen([sys.executable, "-m", "flowgrad.cli", "board", str(tmp_path),
                                "--port", "0"], stdout=subprocess.PIPE, text=True)
    lines = queue.Queue()
    threading.Thread(target=lambda: [lines.put(line) for line in process.stdout],
                     daemon=True).start()
    try:
        line = lines.get(timeout=60)
        match = re.search(r"(http://127\.0\.0\.1:\d+)/", line)
        assert match and "TensorBoard is serving" in line, line
        url = match.group(1)
        assert wait_for(lambda: get(url, "/data/runs")) == ["run"]
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)
    with pytest.raises(urllib.error.URLError):
        get(url, "/data/runs")


def test_board_rejects_a_missing_folder(tmp_path, capsys):
    from flowgrad.cli import main

    assert main(["board", str(tmp_path / "nope")]) == 2
    assert "is not a folder" in capsys.readouterr().err
