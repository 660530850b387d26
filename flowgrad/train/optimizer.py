"""tf.train.Optimizer: compute_gradients, apply_gradients and minimize, with TF1's names.

An optimizer's update is one fused Apply* op per variable (flowgrad/train/training_ops.py)
under `<scope>/<Name>/update_<var>/`, grouped into one op named `<scope>/<Name>`. Slots are
ordinary non-trainable Variables named beside their variable (`weights/Variable/Adam`)."""

from __future__ import annotations

from flowgrad import dtypes
from flowgrad.autodiff import gradients
from flowgrad.framework.graph import GraphKeys, get_default_graph, name_scope
from flowgrad.framework.registry import convert_to_tensor
from flowgrad.ops import array_ops, math_ops, state_ops
from flowgrad.ops.control_ops import group, tuple_
from flowgrad.ops.variables import Variable, trainable_variables

_FLOAT_TYPES = (dtypes.float16, dtypes.float32, dtypes.float64)


class Optimizer:
    """Base class of optimizers: subclasses define _create_slots, _prepare and _apply_dense."""

    GATE_NONE = 0
    GATE_OP = 1
    GATE_GRAPH = 2

    def __init__(self, use_locking, name):
        if not name:
            raise ValueError("Must specify the optimizer name")
        self._use_locking = use_locking
        self._name = name
        self._slots: dict = {}  # slot name -> {VariableV2 op: slot Variable}
        self._non_slot: dict = {}  # (name, graph) -> Variable

    def get_name(self) -> str:
        """The optimizer's name, which names its ops and slots."""
        return self._name

    def minimize(self, loss, global_step=None, var_list=None, gate_gradients=GATE_OP,
                 aggregation_method=None, colocate_gradients_with_ops=False, name=None,
                 grad_loss=None):
        """An op that updates `var_list` (default: trainable variables) to decrease `loss`."""
        grads_and_vars = self.compute_gradients(
            loss, var_list=var_list, gate_gradients=gate_gradients,
            aggregation_method=aggregation_method,
            colocate_gradients_with_ops=colocate_gradients_with_ops, grad_loss=grad_loss)
        if not [v for g, v in grads_and_vars if g is not None]:
            raise ValueError(
                "No gradients provided for any variable, check your graph for ops that do not "
                f"support gradients, between variables {[str(v) for _, v in grads_and_vars]} "
                f"and loss {loss}.")
        return self.apply_gradients(grads_and_vars, global_step=global_step, name=name)

    def compute_gradients(self, loss, var_list=None, gate_gradients=GATE_OP,
                          aggregation_method=None, colocate_gradients_with_ops=False,
                          grad_loss=None):
        """A list of (gradient, variable) pairs; the gradient is None where loss does not
        depend on the variable. aggregation_method and colocation change nothing here."""
        if callable(loss):
            raise TypeError("compute_gradients: a callable loss needs eager execution, which "
                            "flowgrad does not have; pass the loss tensor.")
        if gate_gradients not in (self.GATE_NONE, self.GATE_OP, self.GATE_GRAPH):
            raise ValueError("gate_gradients must be one of: Optimizer.GATE_NONE, "
                             f"Optimizer.GATE_OP, Optimizer.GATE_GRAPH.  Not {gate_gradients}")
        loss = convert_to_tensor(loss)
        _assert_valid_dtypes([loss] + ([convert_to_tensor(grad_loss)] if grad_loss is not None
                                       else []))
        var_list = trainable_variables() if var_list is None else _flatten(var_list)
        if not var_list:
            raise ValueError("No variables to optimize.")
        for v in var_list:
            if not isinstance(v, Variable):
                raise NotImplementedError(f"Trying to optimize unsupported type {v!r}: "
                                          "optimizers update tf.Variable objects.")
        grads = gradients(loss, var_list, grad_ys=grad_loss,
                          gate_gradients=gate_gradients == self.GATE_OP,
                          aggregation_method=aggregation_method,
                          colocate_gradients_with_ops=colocate_gradients_with_ops)
        if gate_gradients == self.GATE_GRAPH:
            grads = tuple_(grads)
        grads_and_vars = list(zip(grads, var_list))
        _assert_valid_dtypes([v for g, v in grads_and_vars if g is not None])
        return grads_and_vars

    def apply_gradients(self, grads_and_vars, global_step=None, name=None):
        """An op applying the gradients; it also increments `global_step` when given."""
        grads_and_vars = tuple(grads_and_vars)
        if not grads_and_vars:
            raise ValueError("No variables provided.")
        converted = []
        for g, v in grads_and_vars:
            if g is not None:
                try:
                    g = convert_to_tensor(g)
                except (TypeError, ValueError):
                    raise TypeError("Gradient must be convertible to a Tensor or IndexedSlices, "
                                    f"or None: {g}") from None
            if not isinstance(v, Variable):
                raise NotImplementedError(f"Trying to update unsupported type {v!r}: "
                                          "optimizers update tf.Variable objects.")
            converted.append((g, v))
        var_list = [v for g, v in converted if g is not None]
        if not var_list:
            raise ValueError("No gradients provided for any variable: "
                             f"{[str(v) for _, v in converted]}.")
        graph = var_list[0].graph
        with graph.as_default(), graph.control_dependencies(None):
            self._create_slots(var_list)
        update_ops = []
        with graph.as_default(), name_scope(name, self._name) as scope:
            self._prepare()
            for grad, var in converted:
                if grad is None:
                    continue
                with name_scope("update_" + var.op.name):
                    update_ops.append(self._apply_dense(grad, var))
            if global_step is None:
                train_op = self._finish(update_ops, scope)
            else:
                with graph.control_dependencies([self._finish(update_ops, "update")]):
                    step = state_ops.assign_add(global_step, 1, name=scope)
                train_op = step.op
        collection = graph.get_collection_ref(GraphKeys.TRAIN_OP)
        if train_op not in collection:
            collection.append(train_op)
        return train_op

    def get_slot(self, var, name):
        """The slot variable `name` created for `var`, or None."""
        return self._slots.get(name, {}).get(var.op)

    def get_slot_names(self) -> list:
        """The names of the slots this optimizer creates, sorted."""
        return sorted(self._slots)

    def variables(self) -> list:
        """The optimizer's variables (slots and accumulators) in the default graph, by name."""
        graph = get_default_graph()
        found = [v for (_, g), v in self._non_slot.items() if g is graph]
        found += [v for slots in self._slots.values() for v in slots.values() if v.graph is graph]
        return sorted(found, key=lambda v: v.name)

    # hooks for subclasses
    def _create_slots(self, var_list):
        """Creates the slot variables each variable needs (none by default)."""

    def _prepare(self):
        """Converts hyperparameters to tensors, inside the update's name scope."""

    def _apply_dense(self, grad, var):
        raise NotImplementedError(f"{type(self).__name__} does not define _apply_dense")

    def _finish(self, update_ops, name_scope):
        """The op grouping `update_ops`; optimizers with extra state update it here."""
        return group(*update_ops, name=name_scope)

    # helpers for subclasses
    def _call_if_callable(self, param):
        return param() if callable(param) else param

    def _hyper(self, value, name):
        """A hyperparameter as a tensor; tensors (decayed learning rates) pass through."""
        return convert_to_tensor(self._call_if_callable(value), name=name)

    def _cast(self, tensor, var):
        return math_ops.cast(tensor, var.dtype)

    def _slot_variable(self, var, make_value, slot_name, op_name):
        """The slot `slot_name` of `var`, created (as `<var>/<op_name>`) on first use."""
        slots = self._slots.setdefault(slot_name, {})
        if var.op not in slots:
            # slots sit beside their variable, whatever name scope the optimizer runs in
            with var.graph.name_scope(""):
                slots[var.op] = Variable(make_value, trainable=False,
                                         name=f"{var.op.name}/{op_name}")
        return slots[var.op]

    def _zeros_slot(self, var, slot_name, op_name):
        """A slot of zeros shaped as `var`."""
        return self._slot_variable(
            var, lambda: array_ops.zeros(var.shape, var.dtype, name="zeros"), slot_name, op_name)

    def _filled_slot(self, var, value, slot_name, op_name, init_name="Const"):
        """A slot filled with `value`, shaped as `var` (its initializer op named `init_name`)."""
        shape = var.shape.as_list()
        make = lambda: array_ops.constant(value, var.dtype, shape, name=init_name)
        return self._slot_variable(var, make, slot_name, op_name)

    def _create_non_slot_variable(self, initial_value, name, colocate_with):
        """An optimizer variable not tied to one variable (Adam's beta1_power)."""
        key = (name, colocate_with.graph)
        if key not in self._non_slot:
            self._non_slot[key] = Variable(initial_value, trainable=False, name=name)
        return self._non_slot[key]

    def _get_non_slot_variable(self, name, graph=None):
        return self._non_slot.get((name, graph or get_default_graph()))


def _flatten(var_list) -> list:
    out = []
    for v in var_list if isinstance(var_list, (list, tuple)) else [var_list]:
        out.extend(_flatten(v) if isinstance(v, (list, tuple)) else [v])
    return out


def _assert_valid_dtypes(tensors) -> None:
    for t in tensors:
        if t.dtype not in _FLOAT_TYPES:
            raise ValueError(f"Invalid type {t.dtype.name} for {t.name}, expected: "
                             f"{[d.name for d in _FLOAT_TYPES]}.")

