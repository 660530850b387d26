"""Graph export: a flowgrad Graph as a TensorFlow GraphDef (TF1 op types, inputs, attrs and
output shapes), which TensorBoard's Graphs dashboard draws grouped by name scopes."""

from __future__ import annotations

import numbers

import numpy as np

from flowgrad.dtypes import DType
from flowgrad.framework.shapes import TensorShape
from flowgrad.summary import proto
from flowgrad.summary.encode import shape_proto, tensor_proto

# Const values larger than this keep their dtype and shape only: TensorBoard shows at most 1 KiB
# of an attr, and a big embedded data set would bloat every event file the graph goes into.
MAX_CONST_BYTES = 64 * 1024


def as_graph_def(graph, add_shapes: bool = True):
    """The GraphDef of `graph`, nodes in creation order; `_output_shapes` when add_shapes."""
    graph_def = proto.GraphDef()
    for op in graph.get_operations():
        node = graph_def.node.add(name=op.name, op=op.type, device=op.device or "")
        node.input.extend(_input_name(t) for t in op.inputs)
        node.input.extend(f"^{c.name}" for c in op.control_inputs)
        for key, value in op.attrs.items():
            attr = _attr_value(value)
            if attr is not None:
                node.attr[key].CopyFrom(attr)
        t = next((t.dtype for t in op.inputs if t.dtype.name != "string"), None)
        if t is not None and "T" not in op.attrs and "dtype" not in op.attrs:
            node.attr["T"].type = t.as_datatype_enum
        if add_shapes:
            shapes = [_shape(t.shape) for t in op.outputs]
            node.attr["_output_shapes"].list.shape.extend(shapes)
    return graph_def


def _input_name(tensor) -> str:
    """'op' for output 0, 'op:i' for the others, as GraphDef inputs name them."""
    return tensor.op.name if tensor.value_index == 0 else f"{tensor.op.name}:{tensor.value_index}"


def _shape(shape: TensorShape):
    return shape_proto(None if shape.ndims is None else shape.as_list())


def _attr_value(value):
    """An AttrValue for a Python attr value, or None for values GraphDef cannot hold."""
    if isinstance(value, DType):
        return proto.AttrValue(type=value.as_datatype_enum)
    if isinstance(value, TensorShape):
        return proto.AttrValue(shape=_shape(value))
    if isinstance(value, np.ndarray):
        return proto.AttrValue(tensor=tensor_proto(value, value.nbytes <= MAX_CONST_BYTES))
    scalar = _scalar_attr(value)
    if scalar is not None:
        return proto.AttrValue(**scalar)
    if isinstance(value, (list, tuple)):
        items = [_scalar_attr(v) if not isinstance(v, DType) else {"type": v.as_datatype_enum}
                 for v in value]
        kinds = {next(iter(i)) for i in items if i is not None}
        if None in items or len(kinds) > 1:
            return None
        key = kinds.pop() if kinds else "i"
        return proto.AttrValue(list=proto.AttrValue.ListValue(**{key: [i[key] for i in items]}))
    return None


def _scalar_attr(value):
    """{'b'|'i'|'f'|'s': value} for a bool, int, float or string; None otherwise."""
    if isinstance(value, (bool, np.bool_)):
        return {"b": bool(value)}
    if isinstance(value, numbers.Integral):
        return {"i": int(value)}
    if isinstance(value, numbers.Real):
        return {"f": float(value)}
    if isinstance(value, str):
        return {"s": value.encode()}
    if isinstance(value, bytes):
        return {"s": value}
    return None
