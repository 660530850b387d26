"""tf.train.AdagradOptimizer: accum += grad²; var -= lr * grad / sqrt(accum)."""

from __future__ import annotations

from flowgrad.train import training_ops
from flowgrad.train.optimizer import Optimizer


class AdagradOptimizer(Optimizer):
    """Adagrad (slot `accumulator`, `<var>/Adagrad`, starting at initial_accumulator_value)."""

    def __init__(self, learning_rate, initial_accumulator_value=0.1, use_locking=False,
                 name="Adagrad"):
        if initial_accumulator_value <= 0.0:
            raise ValueError("initial_accumulator_value must be positive: "
                             f"{initial_accumulator_value}")
        super().__init__(use_locking, name)
        self._learning_rate = learning_rate
        self._initial_accumulator_value = initial_accumulator_value

    def _create_slots(self, var_list):
        for v in var_list:
            self._filled_slot(v, self._initial_accumulator_value, "accumulator", self._name)

    def _prepare(self):
        self._learning_rate_tensor = self._hyper(self._learning_rate, "learning_rate")

    def _apply_dense(self, grad, var):
        acc = self.get_slot(var, "accumulator")
        return training_ops.ApplyAdagrad.create(
            var._variable, acc._variable, self._cast(self._learning_rate_tensor, var), grad,
            use_locking=self._use_locking, update_slots=True, name="ApplyAdagrad")
