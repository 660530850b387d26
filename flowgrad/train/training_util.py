"""The global step: an int64 scalar Variable `global_step` in GraphKeys.GLOBAL_STEP."""

from __future__ import annotations

from flowgrad import dtypes
from flowgrad.framework.graph import GraphKeys, Tensor, get_default_graph
from flowgrad.ops import array_ops
from flowgrad.ops.variables import Variable


def get_global_step(graph=None):
    """The graph's global step Variable, or None if it has none."""
    graph = graph or get_default_graph()
    found = graph.get_collection(GraphKeys.GLOBAL_STEP)
    if len(found) > 1:
        raise ValueError(f"Multiple tensors in the global_step collection: {found}")
    if found:
        step = found[0]
    else:
        try:
            step = graph.get_tensor_by_name("global_step:0")
        except KeyError:
            return None
    assert_global_step(step)
    return step


def create_global_step(graph=None):
    """Creates the global step Variable (`global_step`, int64, zero, not trainable)."""
    graph = graph or get_default_graph()
    if get_global_step(graph) is not None:
        raise ValueError('"global_step" already exists.')
    with graph.as_default(), graph.name_scope(""), graph.control_dependencies(None):
        return Variable(lambda: array_ops.zeros([], dtypes.int64, name="zeros"),
                        trainable=False, name=GraphKeys.GLOBAL_STEP,
                        collections=[GraphKeys.GLOBAL_VARIABLES, GraphKeys.GLOBAL_STEP])


def get_or_create_global_step(graph=None):
    """The global step Variable, created first if the graph has none."""
    graph = graph or get_default_graph()
    step = get_global_step(graph)
    return step if step is not None else create_global_step(graph)


def assert_global_step(global_step_tensor) -> None:
    """Raises TypeError unless the argument is an integer scalar Variable or Tensor."""
    if not isinstance(global_step_tensor, (Variable, Tensor)):
        raise TypeError(f"Existing \"global_step\" must be a Variable or Tensor: "
                        f"{global_step_tensor}.")
    if not global_step_tensor.dtype.is_integer:
        raise TypeError('Existing "global_step" does not have integer type: '
                        f"{global_step_tensor.dtype.name}")
    if global_step_tensor.shape.rank != 0 and global_step_tensor.shape.is_fully_defined():
        raise TypeError(f'Existing "global_step" is not scalar: {global_step_tensor.shape}')


def global_step(sess, global_step_tensor) -> int:
    """The value of the global step in `sess`, as a Python int."""
    return int(sess.run(global_step_tensor))
