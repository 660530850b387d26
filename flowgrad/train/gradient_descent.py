"""tf.train.GradientDescentOptimizer: var -= learning_rate * grad."""

from __future__ import annotations

from flowgrad.train import training_ops
from flowgrad.train.optimizer import Optimizer


class GradientDescentOptimizer(Optimizer):
    """Plain gradient descent (no slots)."""

    def __init__(self, learning_rate, use_locking=False, name="GradientDescent"):
        super().__init__(use_locking, name)
        self._learning_rate = learning_rate

    def _prepare(self):
        self._learning_rate_tensor = self._hyper(self._learning_rate, "learning_rate")

    def _apply_dense(self, grad, var):
        return training_ops.ApplyGradientDescent.create(
            var._variable, self._cast(self._learning_rate_tensor, var), grad,
            use_locking=self._use_locking, name="ApplyGradientDescent")
