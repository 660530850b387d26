"""The op registry: one OpDef per op type, holding its shape rule, kernel and gradient."""

from __future__ import annotations

import functools
from dataclasses import dataclass

from flowgrad import dtypes
from flowgrad.errors import DTypeError, ShapeError
from flowgrad.framework import warnings as checks
from flowgrad.framework.graph import Tensor, get_default_graph, name_scope
from flowgrad.framework.shapes import TensorShape, as_shape
from flowgrad.framework.source import format_site, user_site

REGISTRY: dict[str, OpDef] = {}


@dataclass(frozen=True)
class Spec:
    """The static shape and dtype of one op output."""

    shape: TensorShape
    dtype: dtypes.DType

    def __init__(self, shape, dtype):
        object.__setattr__(self, "shape", as_shape(shape))
        object.__setattr__(self, "dtype", dtypes.as_dtype(dtype))


class OpDef:
    """Base of every op type. Subclasses define infer, forward and gradient.

    infer(*inputs, **attrs) -> Spec or list of Spec   static shape/dtype; no data
    forward(xp, *arrays, **attrs) -> array or tuple   the kernel, written against `xp`
    gradient(op, *grads) -> list                      graph ops, one entry per input
    """

    type: str = ""
    differentiable = True
    # "pure" | "stateful" (mutates Session state) | "random" | "io"; tests route on this
    kind = "pure"
    # input positions passed by reference (a Variable to assign), not as values
    ref_inputs: tuple[int, ...] = ()
    # the kernel may return an input (or a view of it): plans copy before handing it out
    forwards_input = False
    # the kernel returns an array owned by the Session or graph (a Variable's value)
    owns_result = False
    # the kernel reads Session state, so plans never compute it ahead of a run
    reads_state = False
    # the input (by position) that `compile_donating` kernels may overwrite: plans use that
    # kernel only where the input's array is this run's own and read by nothing after the op
    donates: int | None = None

    @property
    def mutates_state(self) -> bool:
        """True for ops that change Session state (assignments, optimizer updates)."""
        return self.kind == "stateful"

    def infer(self, *inputs, **attrs):
        raise NotImplementedError(f"{self.type} has no shape rule")

    def forward(self, xp, *arrays, **attrs):
        raise NotImplementedError(f"{self.type} has no kernel")

    def gradient(self, op, *grads):
        raise NotImplementedError(f"{self.type} has no gradient rule")

    def compile(self, op, ctx):
        """The kernel bound to its attributes: called by a Plan with input arrays only."""
        if op.attrs:
            return functools.partial(self.forward, ctx.xp, **op.attrs)
        return functools.partial(self.forward, ctx.xp)

    def compile_donating(self, op, ctx):
        """A kernel that may write into input `donates` (see there); by default `compile`'s."""
        return self.compile(op, ctx)

    @classmethod
    def apply(cls, *inputs, name=None, **attrs):
        """Adds an op of this type to the default graph; returns its output(s)."""
        op = create_op(cls.instance, inputs, attrs, name)
        return op.outputs[0] if len(op.outputs) == 1 else op.outputs

    @classmethod
    def create(cls, *inputs, name=None, **attrs):
        """Like apply, but returns the Operation."""
        return create_op(cls.instance, inputs, attrs, name)


class NotDifferentiable(OpDef):
    """Base for ops without a gradient (comparisons, argmax, shape, ...)."""

    differentiable = False

    def gradient(self, op, *grads):
        return [None] * len(op.inputs)


def register_op(cls):
    """Class decorator: registers an OpDef subclass under its class name (the TF1 op type)."""
    cls.type = cls.__dict__.get("type") or cls.__name__
    if cls.type in REGISTRY:
        raise ValueError(f"Op type {cls.type} is registered twice")
    cls.instance = cls()
    REGISTRY[cls.type] = cls.instance
    return cls


def create_op(opdef, inputs, attrs, name=None, graph=None):
    """Infers output specs, then adds the op; shape/dtype errors name the op and user line."""
    tensors = [convert_to_tensor(x) for x in inputs]
    if graph is None:
        graph = tensors[0].graph if tensors else get_default_graph()
    for t in tensors:
        if t.graph is not graph:
            raise ValueError(
                f"{opdef.type}: input {t.name} is from another graph than the op being "
                "created: build every part of a model in one graph."
            )
    site = user_site()
    checks.state.pending = None
    try:
        specs = opdef.infer(*tensors, **attrs)
    except (ValueError, TypeError) as e:
        full_name = (name[:-1] if name and name.endswith("/")
                     else graph.unique_name(name or opdef.type, mark_as_used=False))
        shapes = ", ".join(f"{t.dtype.name}{t.shape}" for t in tensors)
        message = (f"{opdef.type} '{full_name}' (created at {format_site(site)}): {e} "
                   f"[inputs: {shapes}]")
        error = DTypeError if isinstance(e, TypeError) else ShapeError
        raise error(message) from None
    if isinstance(specs, Spec):
        specs = [specs]
    # a name ending in '/' is a scope a composite opened: its last op takes the scope's name
    full_name = name[:-1] if name and name.endswith("/") else graph.unique_name(name or opdef.type)
    op = graph._create_op(opdef, tensors, specs, attrs, full_name, site)
    if checks.state.pending is not None or checks.state.allow_growth:
        checks.after_create(op)
    return op


def convert_to_tensor(value, dtype=None, name=None, preferred_dtype=None) -> Tensor:
    """A Tensor for `value`: Tensors pass through, other values become a Const."""
    convert = getattr(value, "_as_graph_element", None)
    if convert is not None and not isinstance(value, Tensor):
        value = value._as_tensor() if hasattr(value, "_as_tensor") else convert()
    if isinstance(value, Tensor):
        if dtype is not None and dtypes.as_dtype(dtype) != value.dtype:
            raise DTypeError(
                f"Tensor conversion requested dtype {dtypes.as_dtype(dtype).name} for Tensor "
                f"'{value.name}' of dtype {value.dtype.name}: use tf.cast to convert it."
            )
        return value
    if isinstance(value, (list, tuple)) and holds_graph_value(value):
        return _autopack(value, dtype, name or "packed")
    from flowgrad.ops.array_ops import constant

    return constant(value, dtype=dtype if dtype is not None else preferred_dtype, name=name or "Const")


def is_graph_value(value) -> bool:
    """Whether `value` is a Tensor, Variable or other graph element."""
    return hasattr(value, "_as_graph_element")


def holds_graph_value(value) -> bool:
    """Whether `value` is, or a nested list/tuple holds, a graph element."""
    if isinstance(value, (list, tuple)):
        return any(holds_graph_value(v) for v in value)
    return is_graph_value(value)


def _first_dtype(values):
    for v in values:
        dtype = _first_dtype(v) if isinstance(v, (list, tuple)) else getattr(v, "dtype", None)
        if isinstance(dtype, dtypes.DType):
            return dtype
    return None


def _autopack(values, dtype, name) -> Tensor:
    """TF1's autopacking: a (nested) list holding Tensors becomes one `packed` Pack op; its
    Python numbers take the dtype of the first Tensor."""
    from flowgrad.ops.array_ops import stack

    dtype = dtype if dtype is not None else _first_dtype(values)
    with name_scope(name) as scope:
        elements = [convert_to_tensor(v, dtype=dtype, name=str(i)) for i, v in enumerate(values)]
        return stack(elements, name=scope)
