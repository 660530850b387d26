"""Control ops: no_op, group, identity-like gradient blockers, printing and NaN checks."""

from __future__ import annotations

import sys

from flowgrad.backend.compat import to_numpy
from flowgrad.errors import InvalidArgumentError
from flowgrad.framework import values
from flowgrad.framework.graph import Operation, control_dependencies, get_default_graph, name_scope
from flowgrad.framework.registry import (
    NotDifferentiable,
    OpDef,
    Spec,
    convert_to_tensor,
    register_op,
)
from flowgrad.ops.array_ops import Identity
from flowgrad.ops.rules import require


@register_op
class NoOp(NotDifferentiable):
    """Does nothing; useful as a target carrying control dependencies."""

    def infer(self):
        return []

    def compile(self, op, ctx):
        return _nothing


def _nothing():
    return ()


def no_op(name=None):
    """An op that does nothing."""
    return NoOp.create(name=name)


def group(*inputs, name=None):
    """An op that runs all of `inputs` (tensors or ops) when run."""
    ops = []
    for x in inputs:
        items = x if isinstance(x, (list, tuple)) else [x]
        for item in items:
            element = item.op if hasattr(item, "op") and not isinstance(item, Operation) else item
            ops.append(element)
    with control_dependencies(ops):
        return no_op(name=name or "group_deps")


def tuple_(tensors, name=None, control_inputs=None):
    """The tensors, each available only after all of them are computed."""
    with name_scope(name, "tuple", tensors):
        gate = group(*[t for t in tensors if t is not None], *(control_inputs or []))
        with control_dependencies([gate]):
            return [None if t is None else IdentityGate.apply(t) for t in tensors]


@register_op
class IdentityGate(Identity):
    """Identity used by tuple(); a separate type keeps TF1's 'Identity' count honest."""

    type = "IdentityN"


@register_op
class StopGradient(Identity):
    """Its input, through which no gradient flows."""

    differentiable = False

    def gradient(self, op, grad):
        return [None]


def stop_gradient(input, name=None):
    """`input`, treated as a constant by gradients()."""
    return StopGradient.apply(input, name=name)


@register_op
class Print(OpDef):
    """Its first input, printing the others (TF1's tf.Print) each time it runs."""

    kind = "io"
    forwards_input = True

    def infer(self, x, *data, message, first_n, summarize):
        return Spec(x.shape, x.dtype)

    def compile(self, op, ctx):
        attrs = op.attrs
        message, first_n, summarize = attrs["message"], attrs["first_n"], attrs["summarize"]
        count = [0]

        def kernel(x, *data):
            if first_n < 0 or count[0] < first_n:
                count[0] += 1
                parts = [values.format_flat(to_numpy(ctx.xp, d), summarize) for d in data]
                print(message + "".join(parts), file=sys.stderr)
            return x

        return kernel

    def gradient(self, op, grad):
        return [grad] + [None] * (len(op.inputs) - 1)


def Print_(input_, data, message=None, first_n=None, summarize=None, name=None):
    """Identity on `input_` that prints `data` to stderr when run (TF1's tf.Print)."""
    return Print.apply(input_, *data, message=message or "",
                       first_n=-1 if first_n is None else first_n,
                       summarize=3 if summarize is None else summarize, name=name)


@register_op
class PrintV2(NotDifferentiable):
    """Prints its inputs (tf.print); run it as a control dependency or fetch it."""

    kind = "io"

    def infer(self, *xs, sep, end, output_stream, summarize):
        return []

    def compile(self, op, ctx):
        sep, end, stream = op.attrs["sep"], op.attrs["end"], op.attrs["output_stream"]
        summarize, xp = op.attrs["summarize"], ctx.xp

        def kernel(*xs):
            out = sys.stdout if stream == "stdout" else sys.stderr
            texts = [values.format_value(to_numpy(xp, x), summarize) for x in xs]
            print(*texts, sep=sep, end=end, file=out)
            return ()

        return kernel


def print_(*inputs, output_stream=None, summarize=3, sep=" ", end="\n", name=None):
    """An op that prints tensors (and Python values) when run (tf.print); TF's text format.
    output_stream: sys.stderr (the default) or sys.stdout, as objects or names."""
    if output_stream in (sys.stdout, sys.__stdout__, "stdout"):
        stream = "stdout"
    elif output_stream in (None, sys.stderr, sys.__stderr__, "stderr", "log(info)", "log(error)"):
        stream = "stderr"
    else:
        raise ValueError(f"Unsupported output stream {output_stream!r} for tf.print: use "
                         "sys.stdout, sys.stderr, 'stdout' or 'stderr'.")
    tensors = [convert_to_tensor(x) for x in inputs]
    return PrintV2.create(*tensors, sep=sep, end=end, output_stream=stream,
                          summarize=-1 if summarize is None else summarize, name=name)


@register_op
class CheckNumerics(OpDef):
    """Its input, or an InvalidArgumentError if it holds NaN or Inf."""

    forwards_input = True

    def infer(self, x, *, message):
        require(x.dtype, "float", "tensor")
        return Spec(x.shape, x.dtype)

    def compile(self, op, ctx):
        xp, message = ctx.xp, op.attrs["message"]

        def kernel(x):
            if not xp.isfinite(x).all():
                what = "NaN" if xp.isnan(x).any() else "Inf"
                raise InvalidArgumentError(
                    None, op, f"{message} : Tensor had {what} values ({op.describe()}, "
                    f"checking '{op.inputs[0].name}' of shape {x.shape})")
            return x

        return kernel

    def gradient(self, op, grad):
        return [check_numerics(grad, "Not a number (NaN) or infinity (Inf) values detected in "
                               "gradient. " + op.attrs["message"])]


def check_numerics(tensor, message, name=None):
    """`tensor`, checked for NaN/Inf each time it is computed."""
    return CheckNumerics.apply(tensor, message=message, name=name)


def add_check_numerics_ops():
    """One op that checks every floating-point tensor of the default graph for NaN/Inf."""
    graph = get_default_graph()
    checks = []
    for op in graph.get_operations():
        for t in op.outputs:
            if t.dtype.is_floating and op.type != "CheckNumerics":
                with control_dependencies(checks[-1:]):
                    checks.append(check_numerics(t, f"{op.type} '{op.name}'").op)
    return group(*checks)
