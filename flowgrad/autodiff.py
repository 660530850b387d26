"""Reverse-mode automatic differentiation: gradients() adds the gradient graph to the graph."""

from __future__ import annotations

from flowgrad.framework.graph import Tensor, name_scope
from flowgrad.framework.registry import convert_to_tensor
from flowgrad.ops import array_ops, math_ops


class AggregationMethod:
    """TF1's ways to sum gradient contributions; flowgrad always sums with one AddN."""

    ADD_N = 0
    DEFAULT = ADD_N
    EXPERIMENTAL_TREE = 1
    EXPERIMENTAL_ACCUMULATE_N = 2


def _as_tensor(x) -> Tensor:
    variable_tensor = getattr(x, "_variable", None)
    return variable_tensor if variable_tensor is not None else convert_to_tensor(x)


def _listify(x):
    return list(x) if isinstance(x, (list, tuple)) else [x]


def gradients(ys, xs, grad_ys=None, name="gradients", colocate_gradients_with_ops=False,
              gate_gradients=False, aggregation_method=None, stop_gradients=None,
              unconnected_gradients="none"):
    """d(sum of ys)/d(x) for each x, as new graph ops; None where x does not affect ys.

    colocate_gradients_with_ops, gate_gradients and aggregation_method change nothing here
    (one device; sums are always AddN); they are accepted so TF1 programs run.
    """
    ys = [_as_tensor(y) for y in _listify(ys)]
    xs = [_as_tensor(x) for x in _listify(xs)]
    graph = ys[0].graph
    for y in ys:
        if not y.dtype.is_floating:
            raise TypeError(f"gradients: y '{y.name}' has dtype {y.dtype.name}; only floating "
                            "tensors can be differentiated (cast it to float first).")
    for x in xs:
        if x.graph is not graph:
            raise ValueError(f"gradients: x '{x.name}' is from another graph than y "
                             f"'{ys[0].name}'.")
    grad_ys = _listify(grad_ys) if grad_ys is not None else [None] * len(ys)
    if len(grad_ys) != len(ys):
        raise ValueError(f"gradients: {len(grad_ys)} grad_ys for {len(ys)} ys")
    stops = {_as_tensor(s) for s in _listify(stop_gradients)} if stop_gradients is not None else set()
    with graph.as_default(), name_scope(name or "gradients"):
        between = _ops_between(ys, xs, stops)
        wanted = set(xs)
        grads: dict = {}
        for i, (y, gy) in enumerate(zip(ys, grad_ys)):
            if gy is None:
                y_shape = array_ops.shape(y)  # made before the 1, in TF1's order
                one = convert_to_tensor(1, dtype=y.dtype, name=f"grad_ys_{i}")
                gy = array_ops.fill(y_shape, one)
            else:
                gy = convert_to_tensor(gy, dtype=y.dtype)
            grads.setdefault(y, []).append(gy)
        for op in sorted(between, key=lambda o: o._id, reverse=True):
            out_grads = [_aggregate(grads, t) for t in op.outputs]
            if all(g is None for g in out_grads) or any(t in stops for t in op.outputs):
                continue
            if not op.opdef.differentiable:
                continue
            with name_scope(f"{op.name}_grad"):
                if len(out_grads) > 1 and None in out_grads:
                    out_grads = [array_ops.zeros_like(t) if g is None else g
                                 for g, t in zip(out_grads, op.outputs)]
                in_grads = op.opdef.gradient(op, *out_grads)
                if len(in_grads) != len(op.inputs):
                    raise ValueError(f"gradient rule of {op.type} returned {len(in_grads)} "
                                     f"gradients for {len(op.inputs)} inputs")
                broadcasts = getattr(op.opdef, "broadcasts", False)
                for x, g in zip(op.inputs, in_grads):
                    # only inputs on a path to some x need their gradient (others are dead ops)
                    if g is not None and x.dtype.is_floating and (x.op in between or x in wanted):
                        grads.setdefault(x, []).append(sum_to_shape(g, x, broadcasts))
        results = []
        for x in xs:
            g = _aggregate(grads, x)
            if g is None and unconnected_gradients == "zero":
                g = array_ops.zeros_like(x)
            results.append(g)
        return results


def _aggregate(grads, t):
    """The sum of the gradients `t` received, made once (AddN in the gradients scope, as TF1's
    _AggregatedGrads does outside any `<op>_grad` scope)."""
    grad_list = grads.get(t)
    if not grad_list:
        return None
    if len(grad_list) > 1:
        grads[t] = [math_ops.add_n(grad_list)]
    return grads[t][0]


def _ops_between(ys, xs, stops):
    """Ops on some path from an x to a y (data edges only), not beyond a stop tensor."""
    forward, stack = set(), [x for x in xs]
    while stack:
        t = stack.pop()
        # a stop blocks the flow through its op, not into itself: an x in stop_gradients still
        # gets its own gradient (TF1: gradients(a + b, [a, b], stop_gradients=[a, b]) is [1, 1])
        if t in stops and t not in xs:
            continue
        for op in t.consumers():
            if op not in forward:
                forward.add(op)
                stack.extend(op.outputs)
    between, seen, stack = set(), set(), [y.op for y in ys]
    while stack:
        op = stack.pop()
        if op in seen:
            continue
        seen.add(op)
        if op in forward:
            between.add(op)
        for t in op.inputs:
            if t not in stops:
                stack.append(t.op)
    return between


def sum_to_shape(grad: Tensor, x: Tensor, may_broadcast: bool = True) -> Tensor:
    """Undoes broadcasting: sums `grad` over the axes along which `x` was broadcast.

    The one place every binary op's gradient is reduced; static shapes where known,
    runtime shapes (BroadcastGradientArgs) otherwise, and only for ops that broadcast.
    """
    gs, xs_ = grad.shape, x.shape
    if gs.is_fully_defined() and xs_.is_fully_defined():
        g_dims, x_dims = gs.as_list(), xs_.as_list()
        if g_dims == x_dims:
            return grad
        lead = len(g_dims) - len(x_dims)
        axes = list(range(lead)) + [
            lead + i for i, d in enumerate(x_dims) if d == 1 and g_dims[lead + i] != 1]
        out = math_ops.reduce_sum(grad, axes) if axes else grad
        return array_ops.reshape(out, x_dims) if out.shape.as_list() != x_dims else out
    if not may_broadcast:
        return grad
    x_shape = array_ops.shape(x)
    axes, _ = math_ops.BroadcastGradientArgs.apply(x_shape, array_ops.shape(grad))
    return array_ops.reshape(math_ops.reduce_sum(grad, axes), x_shape)


def hessians(ys, xs, name="hessians", colocate_gradients_with_ops=False, gate_gradients=False,
             aggregation_method=None):
    """The Hessian of sum(ys) with respect to each x, shaped x.shape + x.shape."""
    xs = [_as_tensor(x) for x in _listify(xs)]
    out = []
    with name_scope(name):
        for x in xs:
            n = x.shape.num_elements()
            if n is None:
                raise ValueError(f"hessians needs a fully defined shape for '{x.name}', got {x.shape}")
            (g,) = gradients(ys, x)
            flat = array_ops.reshape(g, [n])
            rows = [gradients(entry, x)[0] for entry in array_ops.unstack(flat, num=n)]
            rows = [array_ops.zeros_like(x) if r is None else r for r in rows]
            out.append(array_ops.reshape(array_ops.stack(rows), x.shape.as_list() * 2))
    return out

