"""flowgrad.distributed: synchronous data-parallel training over MPI, the Horovod way.

Every worker builds the same graph and computes gradients on its own shard of each batch;
DistributedOptimizer averages the gradients with one fused allreduce per step, so every worker
applies the same update and the variables stay identical:

    import flowgrad as tf
    import flowgrad.distributed as dist

    dist.init()
    for xb, yb in minibatches(x, y, batch_size=64, shard=dist.shard()): ...  # flowgrad.datasets
    loss = tf.reduce_mean(...)                       # a mean: see below
    opt = dist.DistributedOptimizer(tf.train.AdamOptimizer(0.01))
    train_op = opt.minimize(loss)
    sess.run(tf.global_variables_initializer())
    sess.run(dist.broadcast_global_variables(0))     # every worker starts from rank 0's values

and `flowgrad launch -n 4 python train.py` starts 4 workers (`mpiexec` underneath).

With a *mean* loss over equal shards, the averaged gradient is the whole batch's gradient:
N workers on 1/N of every batch follow one worker on the whole batch. With the book's
`reduce_sum` losses, each worker's gradient is a sum over its shard and the average is 1/size()
of the whole batch's: multiply the loss (or the learning rate) by size() to keep the steps.

After init(), FileWriter writes nothing and Saver.save writes no file on workers other than
rank 0 (ask for both with `FileWriter(..., all_ranks=True)`, `save(..., all_ranks=True)`);
an exception on any worker aborts every worker. Without a launcher init() gives one worker
(size 1), and DistributedOptimizer then adds no op: a program runs unchanged with or without
MPI. A checkpoint holds the same variables whatever the number of workers, so a checkpoint
saved by rank 0 resumes on any number of workers (restore on every worker, or on rank 0 and
then broadcast)."""

from __future__ import annotations

from flowgrad.distributed import state as _state
from flowgrad.distributed.ops import allreduce, broadcast, broadcast_variables
from flowgrad.distributed.optimizer import DistributedOptimizer
from flowgrad.distributed.state import is_initialized, should_write, stats

__all__ = ["DistributedOptimizer", "allreduce", "barrier", "broadcast",
           "broadcast_global_variables", "broadcast_variables", "init", "is_initialized",
           "local_rank", "local_size", "rank", "shard", "should_write", "size", "stats"]


def init(comm=None) -> None:
    """Joins the MPI world started by the launcher (size 1 without one); call it first."""
    _state.init(comm)


def rank() -> int:
    """This worker's index, 0 to size() - 1."""
    return _state.world().rank


def size() -> int:
    """The number of workers."""
    return _state.world().size


def local_rank() -> int:
    """This worker's index among the workers on its machine."""
    return _state.world().local_rank


def local_size() -> int:
    """The number of workers on this worker's machine."""
    return _state.world().local_size


def shard() -> tuple[int, int]:
    """(rank(), size()): the `shard` argument of flowgrad.datasets.minibatches and epochs."""
    w = _state.world()
    return w.rank, w.size


def barrier() -> None:
    """Waits until every worker has called barrier() (for timing; training needs none)."""
    w = _state.world()
    if w.comm is not None:
        w.comm.Barrier()


def broadcast_global_variables(root_rank=0):
    """An op setting every global variable to its value on worker `root_rank`: run it once
    after initializing (or restoring) the variables, so every worker starts identical."""
    from flowgrad.ops.variables import global_variables

    return broadcast_variables(global_variables(), root_rank, name="broadcast_global_variables")
