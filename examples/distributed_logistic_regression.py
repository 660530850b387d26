"""Logistic regression trained data-parallel on MPI workers, synchronously (the Horovod way).

Every worker generates its own shard of the data (10^6 examples x 100 features across all the
workers by default: no worker ever holds the whole set), builds the same graph, and takes
batch_size / size examples of every global batch; DistributedOptimizer averages the gradients
with one allreduce per step, so the workers stay identical. The loss is a *mean*, so the steps
are those of one worker on the whole batch. Rank 0 writes the TensorBoard logs and prints the
throughput (examples/s) for this number of workers.

    python examples/distributed_logistic_regression.py              # one worker
    flowgrad launch -n 2 python examples/distributed_logistic_regression.py
    flowgrad board runs/distributed-logistic-regression
"""

from __future__ import annotations

import argparse
import json
import os
import time

import numpy as np

import flowgrad as tf
import flowgrad.distributed as dist
from flowgrad.datasets import minibatches


def shard_data(examples, features, rank, size, seed=0):
    """This worker's examples of a linearly separable-ish problem shared by every worker."""
    true_w = np.random.default_rng(seed).standard_normal(features).astype(np.float32)
    rng = np.random.default_rng([seed, rank + 1])  # each shard its own draws
    x = rng.standard_normal((examples // size, features), dtype=np.float32)
    noise = rng.standard_normal(len(x), dtype=np.float32)
    y = (x @ true_w + 0.5 + noise > 0).astype(np.float32)
    return x, y


def train(examples=1_000_000, features=100, batch_size=1000, epochs=1, learning_rate=0.01,
          out="runs/distributed-logistic-regression", summary_every=50, verbose=True):
    """Trains on every worker; returns throughput and timing figures (the same on every rank
    but for the per-worker allreduce time)."""
    dist.init()
    rank, size = dist.rank(), dist.size()
    if batch_size % size:
        raise ValueError(f"batch_size {batch_size} must divide among {size} workers")
    x_np, y_np = shard_data(examples, features, rank, size)
    with tf.Graph().as_default() as graph:
        tf.set_random_seed(rank)  # different starts: the broadcast below makes them equal
        with tf.name_scope("placeholders"):
            x = tf.placeholder(tf.float32, (None, features))
            y = tf.placeholder(tf.float32, (None,))
        with tf.name_scope("weights"):
            W = tf.Variable(tf.random_normal((features, 1), stddev=0.01))
            b = tf.Variable(tf.zeros((1,)))
        with tf.name_scope("prediction"):
            logits = tf.squeeze(tf.matmul(x, W) + b, axis=[1])
        with tf.name_scope("loss"):
            loss = tf.reduce_mean(tf.nn.sigmoid_cross_entropy_with_logits(logits=logits, labels=y))
        with tf.name_scope("optim"):
            optimizer = dist.DistributedOptimizer(tf.train.AdamOptimizer(learning_rate))
            train_op = optimizer.minimize(loss, global_step=tf.train.get_or_create_global_step())
        with tf.name_scope("accuracy"):
            correct = tf.cast(tf.equal(tf.round(tf.sigmoid(logits)), y), tf.float32)
            accuracy = dist.allreduce(tf.reduce_mean(correct))  # shards are of equal size
        with tf.name_scope("summaries"):
            tf.summary.scalar("loss", loss)
            merged = tf.summary.merge_all()
        writer = tf.summary.FileWriter(os.path.join(out, "logs"), graph)  # rank 0 only
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            sess.run(dist.broadcast_global_variables(0))
            batches = minibatches(x_np, y_np, batch_size=batch_size // size, seed=rank,
                                  epochs=epochs, drop_last=True)
            dist.barrier()
            calls, reduce_seconds = dist.stats.calls, dist.stats.seconds
            started, steps = time.perf_counter(), 0
            for xb, yb in batches:
                if steps % summary_every == 0:
                    _, summary, value = sess.run([train_op, merged, loss], {x: xb, y: yb})
                    writer.add_summary(summary, steps)
                    if verbose and rank == 0 and steps % (summary_every * 4) == 0:
                        print(f"step {steps}, loss (worker 0's shard): {value:f}", flush=True)
                else:
                    sess.run(train_op, {x: xb, y: yb})
                steps += 1
            dist.barrier()
            seconds = time.perf_counter() - started
            reduce_calls = dist.stats.calls - calls
            reduce_seconds = dist.stats.seconds - reduce_seconds
            final_accuracy = float(sess.run(accuracy, {x: x_np[:20000], y: y_np[:20000]}))
        writer.close()
    figures = {"workers": size, "steps": steps, "seconds": seconds,
               "examples_per_second": steps * batch_size / seconds,
               "step_ms": 1e3 * seconds / max(steps, 1),
               "allreduce_ms_per_step": 1e3 * reduce_seconds / max(reduce_calls, 1)
               if reduce_calls else 0.0, "accuracy": final_accuracy}
    if verbose and rank == 0:
        print(f"{size} worker(s): {steps * batch_size} examples in {seconds:.2f} s, "
              f"{figures['examples_per_second']:,.0f} examples/s; step {figures['step_ms']:.2f}"
              f" ms, of which allreduce {figures['allreduce_ms_per_step']:.3f} ms (worker 0); "
              f"accuracy {final_accuracy:.4f}")
    return figures


def main(argv=None):
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--examples", type=int, default=1_000_000, help="across all workers")
    parser.add_argument("--features", type=int, default=100)
    parser.add_argument("--batch-size", type=int, default=1000, help="global, split among workers")
    parser.add_argument("--epochs", type=int, default=1)
    parser.add_argument("--learning-rate", type=float, default=0.01)
    parser.add_argument("--out", default="runs/distributed-logistic-regression")
    parser.add_argument("--json", help="write rank 0's figures to this file")
    args = parser.parse_args(argv)
    figures = train(args.examples, args.features, args.batch_size, args.epochs,
                    args.learning_rate, args.out)
    if args.json and dist.rank() == 0:
        with open(args.json, "w") as f:
            json.dump(figures, f)


if __name__ == "__main__":
    main()
