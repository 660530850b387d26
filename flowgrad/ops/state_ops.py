"""Variables' ops: VariableV2 reads a value held by the Session; Assign* change it."""

from __future__ import annotations

from flowgrad import dtypes
from flowgrad.errors import FailedPreconditionError, InvalidArgumentError
from flowgrad.framework.registry import NotDifferentiable, Spec, register_op
from flowgrad.ops.math_ops import _to_tensors
from flowgrad.ops.rules import same_dtype


def uninitialized_message(var_op) -> str:
    """The error for reading a variable before its initializer ran."""
    return (f"Attempting to use uninitialized value {var_op.name} ({var_op.describe()}): run "
            "tf.global_variables_initializer() (or the variable's initializer) first.")


@register_op
class VariableV2(NotDifferentiable):
    """A variable: its value lives in each Session, keyed by this op's name."""

    owns_result = True
    reads_state = True

    def infer(self, *, shape, dtype):
        return Spec(shape, dtype)

    def compile(self, op, ctx):
        store, name = ctx.variables, op.name

        def read():
            try:
                return store[name]
            except KeyError:
                raise FailedPreconditionError(None, op, uninitialized_message(op)) from None

        return read


class _Assignment(NotDifferentiable):
    """Changes a variable (input 0, by reference) using a value (input 1)."""

    kind = "stateful"
    ref_inputs = (0,)
    owns_result = True

    def infer(self, ref, value, **attrs):
        same_dtype(ref, value)
        if attrs.get("validate_shape", True) and not ref.shape.is_compatible_with(value.shape):
            raise ValueError(f"cannot assign a value of shape {value.shape} to variable "
                             f"'{ref.op.name}' of shape {ref.shape}")
        return Spec(ref.shape if attrs.get("validate_shape", True) else value.shape, ref.dtype)


def variable_of(op, index=0):
    """The VariableV2 op behind ref input `index` of an assignment-like op (through Identity
    reads): the variable it updates."""
    var = op.inputs[index].op
    while var.type != "VariableV2" and var.inputs:
        var = var.inputs[0].op
    return var


@register_op
class Assign(_Assignment):
    """ref = value, copied into the variable's buffer (fed arrays and other variables are never
    aliased); in place, as the other updates, so reads ordered after it see the new value."""

    def compile(self, op, ctx):
        store, var = ctx.variables, variable_of(op)
        name, xp = var.name, ctx.xp
        static = var.outputs[0].shape
        dims = tuple(static.as_list()) if static.is_fully_defined() else None
        validate = op.attrs.get("validate_shape", True)

        def assign(value):
            if validate and value.shape != dims and not static.is_compatible_with(value.shape):
                raise InvalidArgumentError(None, op, (
                    f"Assign requires shapes of both tensors to match: variable '{name}' has "
                    f"shape {static}, value has shape {value.shape} ({op.describe()})"))
            current = store.get(name)
            if current is not None and current.shape == value.shape:
                current[...] = value
                return current
            new = xp.array(value, copy=True)
            store[name] = new
            return new

        return assign


class _InPlaceUpdate(_Assignment):
    """ref op= value; the Session owns the variable's buffer, so updates happen in place."""

    ufunc = ""

    def compile(self, op, ctx):
        store, var = ctx.variables, variable_of(op)
        name = var.name
        update = getattr(ctx.xp, self.ufunc)

        def kernel(value):
            try:
                current = store[name]
            except KeyError:
                raise FailedPreconditionError(None, op, uninitialized_message(var)) from None
            update(current, value, out=current)
            return current

        return kernel


@register_op
class AssignAdd(_InPlaceUpdate):
    """ref += value."""

    ufunc = "add"


@register_op
class AssignSub(_InPlaceUpdate):
    """ref -= value."""

    ufunc = "subtract"


def assign(ref, value, validate_shape=True, use_locking=None, name=None):
    """An op setting variable `ref` to `value`; returns the new value."""
    return _apply_assignment(Assign, ref, value, name, validate_shape=validate_shape)


def assign_add(ref, value, use_locking=None, name=None):
    """An op adding `value` to variable `ref`."""
    return _apply_assignment(AssignAdd, ref, value, name)


def assign_sub(ref, value, use_locking=None, name=None):
    """An op subtracting `value` from variable `ref`."""
    return _apply_assignment(AssignSub, ref, value, name)


def _apply_assignment(opdef_cls, ref, value, name, **attrs):
    """An `opdef_cls` op on variable `ref`; a Python `value` takes its dtype, and an error
    converting it names the op."""
    ref_t = getattr(ref, "_variable", None)
    ref_t = ref if ref_t is None else ref_t
    name = name or opdef_cls.type
    full_name = ref_t.graph.unique_name(name, mark_as_used=False)
    ref_t, value = _to_tensors(ref_t, value, opdef_cls.type, full_name)
    return opdef_cls.apply(ref_t, value, name=name, **attrs)


@register_op
class IsVariableInitialized(NotDifferentiable):
    """Whether the referenced variable has a value in this Session."""

    ref_inputs = (0,)
    reads_state = True

    def infer(self, ref):
        return Spec([], dtypes.bool)

    def compile(self, op, ctx):
        store, name, xp = ctx.variables, variable_of(op).name, ctx.xp
        return lambda: xp.asarray(name in store)

