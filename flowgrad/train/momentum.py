"""tf.train.MomentumOptimizer: accum = momentum * accum + grad; var -= lr * accum."""

from __future__ import annotations

from flowgrad.train import training_ops
from flowgrad.train.optimizer import Optimizer


class MomentumOptimizer(Optimizer):
    """Gradient descent with momentum (slot `momentum`, `<var>/Momentum`); optionally Nesterov."""

    def __init__(self, learning_rate, momentum, use_locking=False, name="Momentum",
                 use_nesterov=False):
        super().__init__(use_locking, name)
        self._learning_rate = learning_rate
        self._momentum = momentum
        self._use_nesterov = use_nesterov

    def _create_slots(self, var_list):
        for v in var_list:
            self._zeros_slot(v, "momentum", self._name)

    def _prepare(self):
        self._learning_rate_tensor = self._hyper(self._learning_rate, "learning_rate")
        self._momentum_tensor = self._hyper(self._momentum, "momentum")

    def _apply_dense(self, grad, var):
        accum = self.get_slot(var, "momentum")
        return training_ops.ApplyMomentum.create(
            var._variable, accum._variable, self._cast(self._learning_rate_tensor, var), grad,
            self._cast(self._momentum_tensor, var), use_locking=self._use_locking,
            use_nesterov=self._use_nesterov, name="ApplyMomentum")
