"""Programs that tests/test_distributed.py runs on MPI workers, and the one-worker references
they are checked against. No tests here: `python tests/test_distributed_programs.py MODE OUT`.

The model: linear regression, float64, a *mean* squared loss. The data are 128 examples; every
step takes a global batch of 16 from flowgrad.datasets.minibatches, each of `size` workers its
shard of 16 / size examples: the shards of one step are together the one-worker batch."""

import itertools
import json
import os
import sys

import numpy as np

N, FEATURES, GLOBAL_BATCH, STEPS = 128, 5, 16, 50
LEARNING_RATES = {"sgd": 0.1, "adam": 0.05}


def data():
    """The training set, the same on every worker."""
    rng = np.random.default_rng(0)
    x = rng.normal(size=(N, FEATURES))
    y = x @ rng.normal(size=FEATURES) + 0.5 + 0.1 * rng.normal(size=N)
    return x, y


def batches(shard=None):
    """This worker's batch of every step (shard=(rank, size)), or the whole batch."""
    from flowgrad.datasets import minibatches

    size = 1 if shard is None else shard[1]
    x, y = data()
    stream = minibatches(x, y, batch_size=GLOBAL_BATCH // size, seed=7, epochs=10, shard=shard)
    return list(itertools.islice(stream, STEPS))


def model(tf, optimizer, dist=None):
    """(x, y, loss, train_op, [W, b]) in the default graph."""
    x = tf.placeholder(tf.float64, (None, FEATURES), name="x")
    y = tf.placeholder(tf.float64, (None,), name="y")
    W = tf.Variable(np.linspace(-1.0, 1.0, FEATURES).reshape(FEATURES, 1), name="W")
    b = tf.Variable(np.zeros(1), name="b")
    loss = tf.reduce_mean(tf.square(tf.squeeze(tf.matmul(x, W) + b, axis=[1]) - y))
    lr = LEARNING_RATES[optimizer]
    opt = (tf.train.AdamOptimizer(lr) if optimizer == "adam"
           else tf.train.GradientDescentOptimizer(lr))
    if dist is not None:
        opt = dist.DistributedOptimizer(opt)
    train_op = opt.minimize(loss, global_step=tf.train.get_or_create_global_step())
    return x, y, loss, train_op, [W, b]


def train(optimizer, dist=None, start=0, stop=STEPS, restore=None, save=None):
    """W and b after steps [start, stop); `restore` a checkpoint first, `save` at the end."""
    import flowgrad as tf

    shard = None if dist is None else dist.shard()
    with tf.Graph().as_default() as graph:
        x, y, _, train_op, params = model(tf, optimizer, dist)
        saver = tf.train.Saver()
        with tf.Session(graph=graph) as sess:
            sess.run(tf.global_variables_initializer())
            if restore:
                saver.restore(sess, restore)
            if dist is not None:
                sess.run(dist.broadcast_global_variables(0))
            for xb, yb in batches(shard)[start:stop]:
                sess.run(train_op, {x: xb, y: yb})
            if save:
                saver.save(sess, save, global_step=stop)
            collectives = [(op.type, len(op.inputs)) for op in graph.get_operations()
                           if op.type.startswith("Mpi")]
            return [np.asarray(v) for v in sess.run(params)], collectives


def broadcast_check(dist):
    """Variables drawn from a seed that differs per worker, before and after the broadcast."""
    import flowgrad as tf

    with tf.Graph().as_default() as graph, tf.Session(graph=graph) as sess:
        v = tf.Variable(tf.random_normal([3, 4], seed=dist.rank() + 1, dtype=tf.float64), name="v")
        counter = tf.Variable(10 * dist.rank(), name="counter")
        sess.run(tf.global_variables_initializer())
        before = sess.run(v)
        sess.run(dist.broadcast_global_variables(root_rank=0))
        return before, *sess.run([v, counter])


def sum_loss_gradient(dist):
    """(averaged gradient of a reduce_sum loss over the shards, gradient over the whole batch)."""
    import flowgrad as tf

    (xb, yb), = batches(dist.shard())[:1]
    (xf, yf), = batches()[:1]
    with tf.Graph().as_default() as graph, tf.Session(graph=graph) as sess:
        x, y, _, _, (W, b) = model(tf, "sgd")
        loss = tf.reduce_sum(tf.square(tf.squeeze(tf.matmul(x, W) + b, axis=[1]) - y))
        (g,) = tf.gradients(loss, [W])
        averaged = dist.allreduce(g)
        sess.run(tf.global_variables_initializer())
        return sess.run(averaged, {x: xb, y: yb}), sess.run(g, {x: xf, y: yf})


def workers(out):
    """Every check that needs 2 workers, in one launch; results in OUT/rank<r>.npz/json."""
    import flowgrad as tf
    import flowgrad.distributed as dist

    dist.init()
    r = dist.rank()
    arrays, facts = {}, {"rank": r, "size": dist.size(), "local_rank": dist.local_rank()}
    for name in LEARNING_RATES:
        calls = dist.stats.calls
        params, facts[f"{name}_collectives"] = train(name, dist)
        facts[f"{name}_allreduce_calls"] = dist.stats.calls - calls
        arrays[f"{name}_W"], arrays[f"{name}_b"] = params
    arrays["before"], arrays["after"], arrays["counter"] = broadcast_check(dist)
    arrays["sum_averaged"], arrays["sum_full"] = sum_loss_gradient(dist)
    # resume: a 2-worker checkpoint at step 25, and a 1-worker one (made by the test) continued
    os.makedirs(os.path.join(out, f"ckpt{r}"), exist_ok=True)
    train("adam", dist, stop=25, save=os.path.join(out, f"ckpt{r}", "model.ckpt"))
    params, _ = train("adam", dist, start=25, restore=os.path.join(out, "one", "model.ckpt-25"))
    arrays["resumed_W"], arrays["resumed_b"] = params
    tf.summary.FileWriter(os.path.join(out, f"logs{r}")).close()
    tf.summary.FileWriter(os.path.join(out, f"all{r}"), all_ranks=True).close()
    np.savez(os.path.join(out, f"rank{r}.npz"), **arrays)
    with open(os.path.join(out, f"rank{r}.json"), "w") as f:
        json.dump(facts, f)


def single(out):
    """A program written for one process: it must run alone, and under `launch -n 1`."""
    import flowgrad.distributed as dist

    dist.init()
    params, collectives = train("adam", dist)
    np.savez(os.path.join(out, "single.npz"), W=params[0], b=params[1])
    with open(os.path.join(out, "single.json"), "w") as f:
        json.dump({"size": dist.size(), "rank": dist.rank(), "collectives": collectives}, f)


def failing(out):
    """Worker 1 raises after a few steps while worker 0 keeps training."""
    import flowgrad.distributed as dist

    dist.init()
    import flowgrad as tf

    x, y, _, train_op, _ = model(tf, "sgd", dist)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for step, (xb, yb) in enumerate(itertools.cycle(batches(dist.shard()))):
            if dist.rank() == 1 and step == 5:
                raise RuntimeError("worker 1 failed on purpose")
            sess.run(train_op, {x: xb, y: yb})


if __name__ == "__main__":
    {"workers": workers, "single": single, "failing": failing}[sys.argv[1]](sys.argv[2])
