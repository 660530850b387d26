"""Session.run from several threads on one shared graph. The guarantee (Session's docstring,
README "Errors and safety"): runs on one Session are serialised by a lock, so concurrent runs
are safe, each sees the state the previous one left, and no update is lost."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import numpy as np

import flowgrad as tf

THREADS, RUNS = 8, 200


def _graph():
    x = tf.placeholder(tf.float32, [None, 3], name="x")
    with tf.name_scope("dense"):
        w = tf.Variable(np.array([[1.0], [2.0], [3.0]], np.float32), name="w")
        b = tf.Variable([0.5], name="b")
        y = tf.matmul(x, w) + b
    total = tf.reduce_sum(y, name="total")
    counter = tf.Variable(0, name="counter")
    return x, y, total, counter, counter.assign_add(1)


def test_eight_threads_share_one_session(capsys):
    x, y, total, counter, tick = _graph()
    sess = tf.Session()
    sess.run(tf.global_variables_initializer())
    start = threading.Barrier(THREADS)
    weights = np.array([[1.0], [2.0], [3.0]], np.float32)

    def worker(k):
        rng = np.random.default_rng(k)
        start.wait()  # every thread runs at once
        correct = 0
        for i in range(RUNS):
            batch = rng.normal(size=(1 + (i + k) % 4, 3)).astype(np.float32)
            expected = batch @ weights + 0.5
            if i % 3 == 0:  # three fetch structures: plans compiled concurrently
                got, _ = sess.run([y, tick], {x: batch})
            elif i % 3 == 1:
                got = sess.run({"y": y, "total": total}, {x: batch})["y"]
            else:
                got, t = sess.run((y, total), feed_dict={x: batch})
                if not np.isclose(t, expected.sum(), rtol=1e-5):
                    continue
            correct += bool(np.allclose(got, expected, rtol=1e-6) and got.shape == expected.shape)
        return correct

    with ThreadPoolExecutor(THREADS) as pool:
        correct = sum(pool.map(worker, range(THREADS)))
    ticks = sess.run(counter)
    with capsys.disabled():
        print(f"\nthreads: {THREADS} threads x {RUNS} sess.run on one shared graph: "
              f"{correct}/{THREADS * RUNS} correct; {ticks} of "
              f"{THREADS * len(range(0, RUNS, 3))} counter updates kept")
    assert correct == THREADS * RUNS
    assert ticks == THREADS * len(range(0, RUNS, 3))  # no update lost
    assert sess.compile_count == 4  # the initializer's plan and the three fetch structures
    sess.close()


def test_concurrent_updates_are_never_lost():
    counter = tf.Variable(0.0, name="counter")
    step = tf.placeholder(tf.float32, [], name="step")
    update = counter.assign_add(step)
    sess = tf.Session()
    sess.run(counter.initializer)

    def worker(k):
        for _ in range(RUNS):
            sess.run(update, {step: 1.0})

    with ThreadPoolExecutor(THREADS) as pool:
        list(pool.map(worker, range(THREADS)))
    assert sess.run(counter) == THREADS * RUNS
    sess.close()


def test_concurrent_training_stays_finite_and_counts_every_step():
    x = tf.placeholder(tf.float32, [None, 2], name="x")
    t = tf.placeholder(tf.float32, [None], name="t")
    w = tf.Variable(tf.zeros([2, 1]), name="w")
    with tf.name_scope("loss"):
        loss = tf.reduce_mean((t - tf.squeeze(tf.matmul(x, w), axis=1)) ** 2)
    global_step = tf.train.get_or_create_global_step()
    train = tf.train.GradientDescentOptimizer(0.05).minimize(loss, global_step=global_step)
    sess = tf.Session()
    sess.run(tf.global_variables_initializer())
    data = np.random.default_rng(0).normal(size=(32, 2)).astype(np.float32)
    target = data @ np.array([2.0, -1.0], np.float32)

    def worker(k):
        for i in range(50):
            rows = slice((i + k) % 4 * 8, (i + k) % 4 * 8 + 8)
            sess.run(train, {x: data[rows], t: target[rows]})

    with ThreadPoolExecutor(THREADS) as pool:
        list(pool.map(worker, range(THREADS)))
    assert sess.run(global_step) == THREADS * 50
    np.testing.assert_allclose(sess.run(w).ravel(), [2.0, -1.0], atol=1e-2)
    sess.close()


def test_sessions_on_one_graph_keep_their_own_state():
    *_, counter, tick = _graph()
    sessions = [tf.Session() for _ in range(4)]
    for s in sessions:
        s.run(tf.global_variables_initializer())

    def worker(k):
        for _ in range(k * 10):
            sessions[k].run(tick)
        return sessions[k].run(counter)

    with ThreadPoolExecutor(4) as pool:
        assert list(pool.map(worker, range(4))) == [0, 10, 20, 30]
    for s in sessions:
        s.close()
