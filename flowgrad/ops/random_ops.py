"""Random ops with TF1's graph-level and op-level seed rules."""

from __future__ import annotations

from flowgrad import dtypes
from flowgrad.backend.compat import make_rng
from flowgrad.framework.graph import get_default_graph, name_scope
from flowgrad.framework.registry import NotDifferentiable, Spec, convert_to_tensor, register_op
from flowgrad.ops.array_ops import _shape_input, _static_shape_from
from flowgrad.ops.math_ops import add, multiply, subtract
from flowgrad.ops.rules import require

DEFAULT_GRAPH_SEED = 87654321


def set_random_seed(seed) -> None:
    """Sets the graph-level seed of the default graph."""
    get_default_graph().seed = seed


def get_seed(op_seed):
    """(graph_seed, op_seed) by TF1's rules; (None, None) means not deterministic."""
    graph = get_default_graph()
    if graph.seed is not None:
        return graph.seed, graph._last_op_id() if op_seed is None else op_seed
    if op_seed is not None:
        return DEFAULT_GRAPH_SEED, op_seed
    return None, None


class _RandomOp(NotDifferentiable):
    """A random op: each Session keeps one generator per op, so every run draws anew."""

    kind = "random"

    def compile(self, op, ctx):
        seeds = (op.attrs["seed"], op.attrs["seed2"])
        rng = ctx.rngs.get(op.name)
        if rng is None:
            rng = ctx.rngs[op.name] = make_rng(ctx.xp, seeds)
        return lambda *arrays: self.sample(ctx.xp, rng, op.attrs, *arrays)


class _FloatSampler(_RandomOp):
    """A random op drawing floats of `dtype` in the shape its input gives."""

    def infer(self, shape, *, dtype, seed, seed2):
        require(dtype, "float", "dtype")
        return Spec(_static_shape_from(shape), dtype)


@register_op
class RandomStandardNormal(_FloatSampler):
    """Samples of N(0, 1) (scaled and shifted by the builder)."""

    def sample(self, xp, rng, attrs, shape):
        return rng.standard_normal(tuple(int(d) for d in shape)).astype(
            attrs["dtype"].as_numpy_dtype, copy=False)


@register_op
class RandomUniform(_FloatSampler):
    """Samples of U[0, 1)."""

    def sample(self, xp, rng, attrs, shape):
        # drawn in the target precision: float64 draws cast to float32 round to 1.0 about once
        # in 3e7, which made dropout with keep_prob=1.0 keep an element twice
        dtype = xp.dtype(attrs["dtype"].as_numpy_dtype)
        out = rng.random(tuple(int(d) for d in shape),
                         dtype=xp.float64 if dtype == xp.float64 else xp.float32)
        if out.dtype != dtype:  # float16: rounding may still reach 1.0
            out = xp.minimum(out.astype(dtype), xp.nextafter(dtype.type(1), dtype.type(0)))
        return out


@register_op
class RandomUniformInt(_RandomOp):
    """Integers uniform in [minval, maxval)."""

    def infer(self, shape, minval, maxval, *, seed, seed2):
        return Spec(_static_shape_from(shape), minval.dtype)

    def sample(self, xp, rng, attrs, shape, minval, maxval):
        return rng.integers(minval, maxval, tuple(int(d) for d in shape)).astype(minval.dtype)


@register_op
class TruncatedNormal(_FloatSampler):
    """N(0, 1) samples, redrawn until within two standard deviations."""

    def sample(self, xp, rng, attrs, shape):
        out = rng.standard_normal(tuple(int(d) for d in shape))
        bad = xp.abs(out) > 2
        while bad.any():
            out[bad] = rng.standard_normal(int(bad.sum()))
            bad = xp.abs(out) > 2
        return out.astype(attrs["dtype"].as_numpy_dtype, copy=False)


@register_op
class RandomShuffle(_RandomOp):
    """The input with its first dimension shuffled."""

    def infer(self, x, *, seed, seed2):
        return Spec(x.shape, x.dtype)

    def sample(self, xp, rng, attrs, x):
        return x[rng.permutation(x.shape[0])] if x.ndim else x.copy()


def _seed_attrs(seed):
    graph_seed, op_seed = get_seed(seed)
    return {"seed": graph_seed, "seed2": op_seed}


def _scaled(op_cls, shape, scale, shift, dtype, seed, name, default_name):
    dtype = dtypes.as_dtype(dtype)
    with name_scope(name, default_name, [shape]) as scope:
        shape_t = _shape_input(shape)
        shift_t = convert_to_tensor(shift, dtype=dtype, name="mean")
        scale_t = convert_to_tensor(scale, dtype=dtype, name="stddev")
        sample = op_cls.apply(shape_t, dtype=dtype, **_seed_attrs(seed))
        return add(multiply(sample, scale_t), shift_t, name=scope)


def random_normal(shape, mean=0.0, stddev=1.0, dtype=dtypes.float32, seed=None, name=None):
    """Samples of N(mean, stddev²)."""
    return _scaled(RandomStandardNormal, shape, stddev, mean, dtype, seed, name, "random_normal")


def truncated_normal(shape, mean=0.0, stddev=1.0, dtype=dtypes.float32, seed=None, name=None):
    """Samples of N(mean, stddev²) within two standard deviations of the mean."""
    return _scaled(TruncatedNormal, shape, stddev, mean, dtype, seed, name, "truncated_normal")


def random_uniform(shape, minval=0, maxval=None, dtype=dtypes.float32, seed=None, name=None):
    """Samples uniform in [minval, maxval) (maxval defaults to 1 for floats)."""
    dtype = dtypes.as_dtype(dtype)
    if dtype.is_integer:
        if maxval is None:
            raise ValueError("random_uniform with an integer dtype needs maxval")
        with name_scope(name, "random_uniform", [shape]) as scope:
            return RandomUniformInt.apply(
                _shape_input(shape), convert_to_tensor(minval, dtype=dtype),
                convert_to_tensor(maxval, dtype=dtype), name=scope, **_seed_attrs(seed))
    maxval = 1.0 if maxval is None else maxval
    with name_scope(name, "random_uniform", [shape]) as scope:
        lo = convert_to_tensor(minval, dtype=dtype, name="min")
        hi = convert_to_tensor(maxval, dtype=dtype, name="max")
        sample = RandomUniform.apply(_shape_input(shape), dtype=dtype, **_seed_attrs(seed))
        return add(multiply(sample, subtract(hi, lo)), lo, name=scope)


def random_shuffle(value, seed=None, name=None):
    """`value` with its first dimension randomly shuffled."""
    return RandomShuffle.apply(value, name=name, **_seed_attrs(seed))
