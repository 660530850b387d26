"""The collective ops: MpiAllreduce (the average or sum of tensors over every worker) and
MpiBroadcast (root's tensors on every worker).

Each takes N tensors and returns N, and its kernel packs them into one contiguous buffer per
dtype, so that a training step makes one MPI call however many variables the model has. Both
are kind 'io': a Plan never folds them into constants. Every worker must run them in the same
order, which holds when every worker builds the same graph and runs the same fetches."""

from __future__ import annotations

import time

from flowgrad.backend.compat import to_numpy
from flowgrad.distributed import state
from flowgrad.framework.graph import name_scope
from flowgrad.framework.registry import NotDifferentiable, OpDef, Spec, register_op
from flowgrad.ops.control_ops import group
from flowgrad.ops.state_ops import assign


def _check_inputs(tensors, what, bools=False):
    if not tensors:
        raise ValueError(f"{what} needs at least one tensor")
    for t in tensors:
        if not (t.dtype.is_floating or t.dtype.is_integer or (bools and t.dtype.is_bool)):
            raise TypeError(f"{what} takes numbers, got {t.name} of dtype {t.dtype.name}")
    return [Spec(t.shape, t.dtype) for t in tensors]


def _collective(ctx, call, stats=None):
    """A kernel packing its inputs per dtype, calling `call(host_buffer, world)`, and
    unpacking; it adds its time to `stats` when given."""
    xp, w = ctx.xp, state.world()

    def kernel(*arrays):
        started, nbytes = time.perf_counter(), 0
        out = [None] * len(arrays)
        groups: dict = {}
        for i, a in enumerate(arrays):
            groups.setdefault(a.dtype, []).append(i)
        for members in groups.values():
            # concatenate copies, so the buffer is ours to reduce in place
            buffer = xp.concatenate([xp.ravel(arrays[i]) for i in members])
            if w.size > 1:
                buffer = xp.asarray(call(to_numpy(xp, buffer), w))
                nbytes += buffer.nbytes
            offset = 0
            for i in members:
                n = arrays[i].size
                out[i] = buffer[offset:offset + n].reshape(arrays[i].shape)
                offset += n
        if stats is not None:
            stats.add(started, nbytes)
        return out[0] if len(out) == 1 else tuple(out)

    return kernel


@register_op
class MpiAllreduce(OpDef):
    """Each input summed over every worker, divided by the number of workers if `average`."""

    kind = "io"

    def infer(self, *tensors, average):
        specs = _check_inputs(tensors, "allreduce")
        if average and not all(t.dtype.is_floating for t in tensors):
            raise TypeError("allreduce(average=True) needs floating tensors; use average=False "
                            "to sum integers")
        return specs

    def compile(self, op, ctx):
        average = op.attrs["average"]

        def reduce(host, w):
            from mpi4py import MPI

            wire = host.astype("float32") if host.dtype.itemsize < 4 else host  # no MPI float16
            w.comm.Allreduce(MPI.IN_PLACE, wire, op=MPI.SUM)
            if average:
                wire /= w.size
            return wire.astype(host.dtype, copy=False)

        return _collective(ctx, reduce, state.stats)

    def gradient(self, op, *grads):
        # d(mean over workers of x)/dx, summed over the workers' losses: the mean of their grads
        floating = [i for i, t in enumerate(op.inputs) if t.dtype.is_floating]
        reduced = allreduce([grads[i] for i in floating], average=op.attrs["average"])
        result = [None] * len(op.inputs)
        for i, g in zip(floating, reduced):
            result[i] = g
        return result


@register_op
class MpiBroadcast(NotDifferentiable):
    """Each input as worker `root_rank` holds it."""

    kind = "io"

    def infer(self, *tensors, root_rank):
        return _check_inputs(tensors, "broadcast", bools=True)

    def compile(self, op, ctx):
        root = op.attrs["root_rank"]
        if not 0 <= root < state.world().size:
            raise ValueError(f"broadcast: root_rank {root} is not a worker (there are "
                             f"{state.world().size}) in {op.describe()}")

        def bcast(host, w):
            w.comm.Bcast(host, root=root)
            return host

        return _collective(ctx, bcast)


def _apply_collective(opdef_cls, tensors, name, **attrs):
    """One `opdef_cls` op over a tensor or a list of tensors; a tensor or a list to match."""
    state.world()
    many = isinstance(tensors, (list, tuple))
    tensors = list(tensors) if many else [tensors]
    if not tensors:
        return []
    out = opdef_cls.apply(*tensors, name=name or opdef_cls.type, **attrs)
    out = list(out) if len(tensors) > 1 else [out]
    return out if many else out[0]


def allreduce(tensors, average=True, name=None):
    """The average (or sum) over every worker of a tensor or a list of tensors, in one MPI call
    per dtype; returns a tensor or a list to match."""
    return _apply_collective(MpiAllreduce, tensors, name, average=bool(average))


def broadcast(tensors, root_rank=0, name=None):
    """Worker `root_rank`'s value of a tensor or a list of tensors, on every worker."""
    return _apply_collective(MpiBroadcast, tensors, name, root_rank=int(root_rank))


def broadcast_variables(variables, root_rank=0, name=None):
    """An op setting every variable in `variables` to its value on worker `root_rank`."""
    variables = list(variables)
    with name_scope(name, "broadcast_variables") as scope:
        if not variables:
            return group(name=scope)
        values = broadcast([v.value() for v in variables], root_rank)
        return group(*[assign(v, x) for v, x in zip(variables, values)], name=scope)
