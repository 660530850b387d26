"""DistributedOptimizer: wraps an optimizer so that its gradients are averaged over every
worker (one fused MpiAllreduce per step) before the wrapped optimizer applies them.

Averaging matches one worker on the whole batch when the loss is a *mean* over examples and the
workers hold equal shards of the batch. With a `reduce_sum` loss (the book's), each worker's
gradient is the sum over its shard, and their average is 1/size of the full batch's gradient:
scale the loss (or the learning rate) by size() to train as one worker would."""

from __future__ import annotations

from flowgrad.distributed import ops, state
from flowgrad.framework.graph import name_scope
from flowgrad.train.optimizer import Optimizer


class DistributedOptimizer(Optimizer):
    """An optimizer whose compute_gradients averages gradients over every worker; updates,
    slots and their names are the wrapped optimizer's, so checkpoints do not depend on the
    number of workers."""

    def __init__(self, optimizer, name=None, use_locking=False, average=True):
        if not isinstance(optimizer, Optimizer):
            raise TypeError(f"DistributedOptimizer wraps a tf.train.Optimizer, got {optimizer!r}")
        super().__init__(use_locking, name or "Distributed" + type(optimizer).__name__)
        self._optimizer = optimizer
        self._average = average
        state.world()

    def compute_gradients(self, *args, **kwargs):
        """The wrapped optimizer's (gradient, variable) pairs, each gradient averaged over every
        worker; with one worker they are returned as they are."""
        grads_and_vars = self._optimizer.compute_gradients(*args, **kwargs)
        if state.world().size == 1:
            return grads_and_vars
        present = [i for i, (g, _) in enumerate(grads_and_vars) if g is not None]
        if not present:
            return grads_and_vars
        with name_scope(f"{self._name}_Allreduce"):
            reduced = ops.allreduce([grads_and_vars[i][0] for i in present], self._average)
        result = list(grads_and_vars)
        for i, g in zip(present, reduced):
            result[i] = (g, grads_and_vars[i][1])
        return result

    def apply_gradients(self, grads_and_vars, global_step=None, name=None):
        """The wrapped optimizer's update op."""
        return self._optimizer.apply_gradients(grads_and_vars, global_step=global_step, name=name)

    def get_slot(self, var, name):
        """The wrapped optimizer's slot `name` of `var`."""
        return self._optimizer.get_slot(var, name)

    def get_slot_names(self) -> list:
        """The wrapped optimizer's slot names."""
        return self._optimizer.get_slot_names()

    def variables(self) -> list:
        """The wrapped optimizer's variables."""
        return self._optimizer.variables()
