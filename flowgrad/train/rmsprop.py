"""tf.train.RMSPropOptimizer: divide the step by a running root-mean-square of gradients."""

from __future__ import annotations

from flowgrad.train import training_ops
from flowgrad.train.optimizer import Optimizer


class RMSPropOptimizer(Optimizer):
    """RMSProp (slots `rms` starting at ones, `momentum`; `mg` too when centered)."""

    def __init__(self, learning_rate, decay=0.9, momentum=0.0, epsilon=1e-10, use_locking=False,
                 centered=False, name="RMSProp"):
        super().__init__(use_locking, name)
        self._learning_rate = learning_rate
        self._decay = decay
        self._momentum = momentum
        self._epsilon = epsilon
        self._centered = centered

    def _create_slots(self, var_list):
        for v in var_list:
            self._filled_slot(v, 1, "rms", self._name, init_name="ones")
            if self._centered:
                self._zeros_slot(v, "mg", self._name)
            self._zeros_slot(v, "momentum", self._name)

    def _prepare(self):
        self._learning_rate_tensor = self._hyper(self._learning_rate, "learning_rate")
        self._decay_tensor = self._hyper(self._decay, "decay")
        self._momentum_tensor = self._hyper(self._momentum, "momentum")
        self._epsilon_tensor = self._hyper(self._epsilon, "epsilon")

    def _apply_dense(self, grad, var):
        rms, mom = self.get_slot(var, "rms"), self.get_slot(var, "momentum")
        hypers = [self._cast(t, var) for t in (self._learning_rate_tensor, self._decay_tensor,
                                               self._momentum_tensor, self._epsilon_tensor)]
        if self._centered:
            mg = self.get_slot(var, "mg")
            return training_ops.ApplyCenteredRMSProp.create(
                var._variable, mg._variable, rms._variable, mom._variable, *hypers, grad,
                use_locking=self._use_locking, name="ApplyCenteredRMSProp")
        return training_ops.ApplyRMSProp.create(
            var._variable, rms._variable, mom._variable, *hypers, grad,
            use_locking=self._use_locking, name="ApplyRMSProp")
