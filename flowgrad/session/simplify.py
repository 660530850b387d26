"""Plan-time simplification: decisions made once per Plan so that runs only call kernels.

- fold: a pure op whose inputs are all known when the plan is compiled (constants, shapes of
  fully defined static shapes) is computed once and becomes a constant of the plan;
- elide: an op that returns its input unchanged (Identity, StopGradient, a Reshape or
  BroadcastTo to the same fully defined shape) is skipped and its output named as its input.
"""

from __future__ import annotations

_IDENTITIES = {"Identity", "StopGradient", "IdentityN", "Snapshot"}
_SHAPE_PRESERVING = {"Reshape", "BroadcastTo", "Squeeze", "ExpandDims", "PlaceholderWithDefault"}
_STATIC_SHAPE_OPS = {"Shape", "Size", "Rank"}


def _data_inputs(op):
    return [t for i, t in enumerate(op.inputs) if i not in op.opdef.ref_inputs]


def _returns_input_unchanged(op) -> bool:
    if op.control_inputs or len(op.outputs) != 1:
        return False
    if op.type in _IDENTITIES:
        return True
    if op.type in _SHAPE_PRESERVING:
        x, out = op.inputs[0].shape, op.outputs[0].shape
        return x.is_fully_defined() and out.is_fully_defined() and x.as_list() == out.as_list()
    return False


def _static_value(op, xp):
    """The value of a Shape/Size/Rank op whose input's static shape is fully defined."""
    shape = op.inputs[0].shape
    if op.type == "Rank":
        return None if shape.ndims is None else xp.asarray(shape.ndims, dtype=xp.int32)
    if not shape.is_fully_defined():
        return None
    dtype = op.outputs[0].dtype.as_numpy_dtype
    if op.type == "Shape":
        return xp.asarray(shape.as_list(), dtype=dtype)
    return xp.asarray(shape.num_elements(), dtype=dtype)


def simplify(order, fed, ctx):
    """(kept ops, constants {tensor: array}, aliases {tensor: tensor it equals})."""
    constants, aliases, kept = {}, {}, []

    def resolve(t):
        while t in aliases:
            t = aliases[t]
        return t

    for op in order:
        if any(t in fed for t in op.outputs):
            kept.append(op)
            continue
        inputs = [resolve(t) for t in _data_inputs(op)]
        if op.type in _STATIC_SHAPE_OPS and not op.control_inputs:
            value = _static_value(op, ctx.xp)
            if value is not None:
                constants[op.outputs[0]] = value
                continue
        foldable = (op.opdef.kind == "pure" and not op.opdef.reads_state
                    and not op.control_inputs and not op.opdef.ref_inputs
                    and all(t in constants for t in inputs) and op.outputs)
        if foldable:
            try:
                result = op.opdef.compile(op, ctx)(*[constants[t] for t in inputs])
            except Exception:  # left to fail at run time, where the error names the op
                kept.append(op)
                continue
            results = result if len(op.outputs) > 1 else (result,)
            for t, value in zip(op.outputs, results):
                constants[t] = value
            continue
        if _returns_input_unchanged(op):
            aliases[op.outputs[0]] = inputs[0]
            continue
        kept.append(op)
    return kept, constants, aliases
