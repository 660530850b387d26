"""Plans: the pruned, ordered kernels for one (fetches, feeds) signature, compiled once into
straight-line Python so that a run does nothing but call kernels."""

from __future__ import annotations

import heapq
from dataclasses import dataclass, field

from flowgrad.errors import InvalidArgumentError
from flowgrad.framework import warnings as checks
from flowgrad.framework.graph import Operation, Tensor
from flowgrad.session.simplify import simplify


@dataclass
class Plan:
    """A compiled run: `function(*feed_values)` returns the fetched values in order."""

    function: object
    feeds: tuple
    ops: list
    line_ops: dict
    line_inputs: dict
    source: str
    version: int
    stateful_lines: list = field(default_factory=list)


def needed_ops(fetches, fed) -> list[Operation]:
    """The ops the fetches depend on, stopping at fed tensors (refs are not data inputs)."""
    seen, stack, out = set(), [], []
    for element in fetches:
        if isinstance(element, Tensor):
            if element not in fed:
                stack.append(element.op)
        else:
            stack.append(element)
    while stack:
        op = stack.pop()
        if op in seen:
            continue
        seen.add(op)
        out.append(op)
        for i, t in enumerate(op.inputs):
            if i not in op.opdef.ref_inputs and t not in fed:
                stack.append(t.op)
        # a control input whose every output is fed has already happened (tf.tuple of feeds)
        stack.extend(c for c in op.control_inputs
                     if not (c.outputs and all(t in fed for t in c.outputs)))
    return out


def schedule(ops) -> list[Operation]:
    """Topological order; among ready ops, pure ones first (stateful ops run after everything
    they do not feed), ties by creation order so runs are deterministic."""
    members = set(ops)
    deps = {op: set() for op in ops}
    users = {op: [] for op in ops}
    for op in ops:
        producers = [t.op for i, t in enumerate(op.inputs) if i not in op.opdef.ref_inputs]
        for p in producers + op.control_inputs:
            if p in members and p not in deps[op]:
                deps[op].add(p)
                users[p].append(op)
    ready = [(op.opdef.mutates_state, op._id, op) for op in ops if not deps[op]]
    heapq.heapify(ready)
    order = []
    while ready:
        _, _, op = heapq.heappop(ready)
        order.append(op)
        for user in users[op]:
            deps[user].discard(op)
            if not deps[user]:
                heapq.heappush(ready, (user.opdef.mutates_state, user._id, user))
    if len(order) != len(ops):
        raise InvalidArgumentError(None, None, "The graph has a cycle; it cannot be run.")
    return order


def _may_alias_state(tensor, memo) -> bool:
    """Whether `tensor`'s array may be owned by the Session or graph (so fetches copy it)."""
    if tensor in memo:
        return memo[tensor]
    opdef = tensor.op.opdef
    result = opdef.owns_result or (
        opdef.forwards_input and any(_may_alias_state(t, memo) for t in tensor.op.inputs))
    memo[tensor] = result
    return result


def compile_plan(graph, fetches, feeds, ctx, check_numerics=False) -> Plan:
    """Builds the Plan for `fetches` (Tensors/Operations) given fed tensors `feeds`."""
    fed = {t: f"f{i}" for i, t in enumerate(feeds)}
    order = schedule(needed_ops(fetches, fed))
    if not check_numerics:  # checking wants every op to run, in order
        order, constants, aliases = simplify(order, fed, ctx)
    else:
        constants, aliases = {}, {}
    env = {"_copy": ctx.xp.array, "_scalar": _scalar}
    names = dict(fed)
    for i, (t, value) in enumerate(constants.items()):
        names[t] = f"c{i}"
        env[f"c{i}"] = value

    def resolve(t):
        while t in aliases:
            t = aliases[t]
        return t

    def name_of(t):
        return names[resolve(t)]

    last_use = {}
    for position, op in enumerate(order):
        for t in _data_inputs(op):
            last_use[resolve(t)] = position
    for t in fetches:  # fetched values stay alive to the end
        if isinstance(t, Tensor):
            last_use[resolve(t)] = len(order)
    # fetched values never alias Session state: copy those that may as soon as they are made,
    # before a later stateful op of the run updates the variable in place
    alias_memo = {}
    copy_now = {resolve(t) for t in fetches
                if isinstance(t, Tensor) and t not in fed and _may_alias_state(t, alias_memo)}
    copy_now -= constants.keys() | fed.keys()  # made by no line of the plan (see _result)
    lines = [f"def _plan({', '.join(fed.values())}):"]
    line_ops, line_inputs, stateful_lines = {}, {}, []
    for position, op in enumerate(order):
        kernel = f"k{position}"
        if op.opdef.donates is not None and _may_donate(op, position, resolve, last_use, names):
            env[kernel] = op.opdef.compile_donating(op, ctx)
        else:
            env[kernel] = op.opdef.compile(op, ctx)
        if op in checks.UNDECIDED:  # a possible (N,) with (N, 1) mix-up: shapes checked once
            env[kernel] = checks.first_run_check(op, env[kernel], env, kernel)
        inputs = [name_of(t) for t in _data_inputs(op)]
        outs = []
        for t in op.outputs:
            names[t] = f"t{position}_{t.value_index}"
            # an output nothing reads is dropped at once, not held to the end of the run
            outs.append(names[t] if t in last_use or check_numerics else "_")
        target = f"{outs[0]} = " if len(outs) == 1 else (f"{', '.join(outs)}, = " if outs else "")
        lines.append(f"    {target}{kernel}({', '.join(inputs)})")
        line_ops[len(lines)] = op
        line_inputs[len(lines)] = inputs
        if op.opdef.mutates_state:
            stateful_lines.append(len(lines))
        for t in copy_now.intersection(op.outputs):  # later ops still take the original
            lines.append(f"    {names[t]}_fetched = _copy({names[t]})")
            line_ops[len(lines)] = op
        if check_numerics:
            for t in op.outputs:
                if t.dtype.is_floating:
                    env[f"n{position}"] = _numeric_check(op, ctx.xp)
                    ins = "".join(f"{name_of(x)}, " for x in _data_inputs(op)
                                  if x.dtype.is_floating)
                    lines.append(f"    n{position}({names[t]}, ({ins}))")
                    line_ops[len(lines)] = op
        dead = [name_of(t) for t in dict.fromkeys(map(resolve, _data_inputs(op)))
                if last_use.get(t) == position and name_of(t).startswith("t")]
        if dead:
            lines.append(f"    del {', '.join(dead)}")

    def fetched_name(t):
        return f"{name_of(t)}_fetched" if resolve(t) in copy_now else name_of(t)

    results = [_result(t, fetched_name(t)) if isinstance(t, Tensor) else "None" for t in fetches]
    lines.append(f"    return ({', '.join(results)}{',' if results else ''})")
    source = "\n".join(lines)
    code = compile(source, f"<flowgrad plan {id(env):x}>", "exec")
    exec(code, env)
    return Plan(env["_plan"], tuple(feeds), order, line_ops, line_inputs, source, graph.version,
                stateful_lines)


def _result(tensor, name) -> str:
    """The expression returning a fetched value: 0-d values become NumPy scalars (numpy.float32)
    as in TF1, and the plan's own constants are copied so that they stay private."""
    if tensor.shape.ndims == 0:
        return f"{name}[()]"
    if name.startswith("c"):
        name = f"_copy({name})"
    return f"_scalar({name})" if tensor.shape.ndims is None else name


def _scalar(value):
    return value[()] if value.ndim == 0 else value


def _may_donate(op, position, resolve, last_use, names) -> bool:
    """Whether op's input `donates` holds an array this run made and nothing reads afterwards
    (not fed, not a constant, not a view of another array or of Session state, not fetched)."""
    t = resolve(op.inputs[op.opdef.donates])
    producer = t.op.opdef
    return (names.get(t, "").startswith("t") and last_use.get(t) == position
            and not producer.forwards_input and not producer.owns_result
            and op.inputs.count(op.inputs[op.opdef.donates]) == 1)


def _data_inputs(op):
    return [t for i, t in enumerate(op.inputs) if i not in op.opdef.ref_inputs]


def _numeric_check(op, xp):
    """Raises for the first op whose inputs are finite and whose output is not."""

    def check(value, inputs):
        if xp.isfinite(value).all() or not all(xp.isfinite(x).all() for x in inputs):
            return
        what = "NaN" if xp.isnan(value).any() else "Inf"
        raise InvalidArgumentError(None, op, (
            f"check_numerics: {op.describe()} produced {what} from finite inputs "
            f"(output shape {value.shape}); this is the first op in the run to do so."))

    return check
