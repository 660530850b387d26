"""tf.train.AdamOptimizer (Kingma & Ba), in TF1's form: the bias correction scales the step
size, lr_t = lr * sqrt(1 - beta2^t) / (1 - beta1^t), and epsilon is added after it (epsilon-hat)."""

from __future__ import annotations

from flowgrad.framework.graph import control_dependencies
from flowgrad.ops.control_ops import group
from flowgrad.train import training_ops
from flowgrad.train.optimizer import Optimizer


class AdamOptimizer(Optimizer):
    """Adam (slots `m` → `<var>/Adam`, `v` → `<var>/Adam_1`; `beta1_power`, `beta2_power`)."""

    def __init__(self, learning_rate=0.001, beta1=0.9, beta2=0.999, epsilon=1e-08,
                 use_locking=False, name="Adam"):
        super().__init__(use_locking, name)
        self._lr, self._beta1, self._beta2, self._epsilon = learning_rate, beta1, beta2, epsilon

    def _get_beta_accumulators(self):
        graph = self._graph_of_slots
        return (self._get_non_slot_variable("beta1_power", graph),
                self._get_non_slot_variable("beta2_power", graph))

    def _create_slots(self, var_list):
        # the accumulators go with the first variable by name, as in TF1
        first_var = min(var_list, key=lambda x: x.name)
        self._graph_of_slots = first_var.graph
        self._create_non_slot_variable(self._beta1, "beta1_power", first_var)
        self._create_non_slot_variable(self._beta2, "beta2_power", first_var)
        for v in var_list:
            self._zeros_slot(v, "m", self._name)
            self._zeros_slot(v, "v", self._name + "_1")

    def _prepare(self):
        self._lr_t = self._hyper(self._lr, "learning_rate")
        self._beta1_t = self._hyper(self._beta1, "beta1")
        self._beta2_t = self._hyper(self._beta2, "beta2")
        self._epsilon_t = self._hyper(self._epsilon, "epsilon")

    def _apply_dense(self, grad, var):
        m, v = self.get_slot(var, "m"), self.get_slot(var, "v")
        beta1_power, beta2_power = self._get_beta_accumulators()
        values = [beta1_power, beta2_power, self._lr_t, self._beta1_t, self._beta2_t,
                  self._epsilon_t]
        return training_ops.ApplyAdam.create(
            var._variable, m._variable, v._variable, *[self._cast(t, var) for t in values], grad,
            use_locking=self._use_locking, use_nesterov=False, name="ApplyAdam")

    def _finish(self, update_ops, name_scope):
        beta1_power, beta2_power = self._get_beta_accumulators()
        with control_dependencies(update_ops):
            update_beta1 = beta1_power.assign(beta1_power * self._beta1_t)
            update_beta2 = beta2_power.assign(beta2_power * self._beta2_t)
        return group(*update_ops, update_beta1, update_beta2, name=name_scope)
