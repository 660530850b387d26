"""Records of the optimizer update ops (Apply*): stateful, so tests/test_optimizers.py runs them.

`op(var, *slots, *hyperparameters, grad, **attrs)` builds Variables from the first `refs`
tensors and applies the update; `ref` is TF1's formula in float64 NumPy, returning the new
(var, *slots)."""

from __future__ import annotations

import numpy as np

from flowgrad.ops.variables import Variable
from flowgrad.testing.op_info import OpInfo, Sample
from flowgrad.train import training_ops


def gradient_descent(var, alpha, delta):
    """TF1 ApplyGradientDescent."""
    return (var - alpha * delta,)


def momentum(var, accum, lr, grad, momentum, use_nesterov=False):
    """TF1 ApplyMomentum."""
    accum = accum * momentum + grad
    if use_nesterov:
        return var - grad * lr - accum * momentum * lr, accum
    return var - lr * accum, accum


def adam(var, m, v, beta1_power, beta2_power, lr, beta1, beta2, epsilon, grad):
    """TF1 ApplyAdam: the bias correction scales lr; epsilon is added after it (epsilon-hat)."""
    lr_t = lr * np.sqrt(1 - beta2_power) / (1 - beta1_power)
    m = beta1 * m + (1 - beta1) * grad
    v = beta2 * v + (1 - beta2) * grad * grad
    return var - lr_t * m / (np.sqrt(v) + epsilon), m, v


def adagrad(var, accum, lr, grad, update_slots=True):
    """TF1 ApplyAdagrad."""
    accum = accum + grad * grad
    return var - lr * grad / np.sqrt(accum), accum


def rmsprop(var, ms, mom, lr, rho, momentum, epsilon, grad):
    """TF1 ApplyRMSProp."""
    ms = rho * ms + (1 - rho) * grad * grad
    mom = momentum * mom + lr * grad / np.sqrt(ms + epsilon)
    return var - mom, ms, mom


def centered_rmsprop(var, mg, ms, mom, lr, rho, momentum, epsilon, grad):
    """TF1 ApplyCenteredRMSProp."""
    mg = rho * mg + (1 - rho) * grad
    ms = rho * ms + (1 - rho) * grad * grad
    mom = momentum * mom + lr * grad / np.sqrt(ms - mg * mg + epsilon)
    return var - mom, mg, ms, mom


def _builder(type_name):
    def build(*tensors, **attrs):
        opdef = getattr(training_ops, type_name)
        variables = [Variable(t, name=f"ref{i}") for i, t in enumerate(tensors[:opdef.refs])]
        return opdef.apply(*[v._variable for v in variables], *tensors[opdef.refs:], **attrs)

    return build


def _samples(slots, hypers, positive_slots=(), after=(), small_slots=()):
    """A variable, its slots (some kept positive, some small), scalar hyperparameters, the
    gradient and the hyperparameters TF1 puts after it (`after`)."""

    def samples(rng, dtype, info):
        out = []
        for shape in [(2, 3), (), (4,)]:
            var = rng.uniform(-1, 1, shape).astype(dtype)
            refs = [rng.uniform(0.1, 1.0, shape) if i in positive_slots
                    else rng.uniform(-1, 1, shape) * (0.1 if i in small_slots else 1.0)
                    for i in range(slots)]
            refs = [r.astype(dtype) for r in refs]
            scalars = [np.asarray(h, dtype=dtype) for h in hypers]
            grad = rng.uniform(-1, 1, shape).astype(dtype)
            later = [np.asarray(h, dtype=dtype) for h in after]
            out.append(Sample((var, *refs, *scalars, grad, *later), note=str(shape)))
        return out

    return samples


def _record(name, type_name, ref, slots, hypers, positive_slots=(), kwargs=None, after=(),
            small_slots=()):
    samples = _samples(slots, hypers, positive_slots, after, small_slots)
    info = OpInfo(name, _builder(type_name), ref, types=(type_name,), samples=samples, grad=0,
                  kind="stateful",
                  rtol=1e-5, atol=1e-6)
    if kwargs:
        base = info.samples
        info.samples = lambda rng, dtype, i: [Sample(s.args, dict(kwargs), s.note)
                                              for s in base(rng, dtype, i)]
    return info


RECORDS = [
    _record("apply_gradient_descent", "ApplyGradientDescent", gradient_descent, 0, [0.1]),
    _record("apply_momentum", "ApplyMomentum", momentum, 1, [0.1], after=[0.9]),
    _record("apply_momentum_nesterov", "ApplyMomentum", momentum, 1, [0.1], after=[0.9],
            kwargs={"use_nesterov": True}),
    _record("apply_adam", "ApplyAdam", adam, 2, [0.9**3, 0.999**3, 0.01, 0.9, 0.999, 1e-8],
            positive_slots=(1,)),
    _record("apply_adagrad", "ApplyAdagrad", adagrad, 1, [0.1], positive_slots=(0,)),
    _record("apply_rmsprop", "ApplyRMSProp", rmsprop, 2, [0.01, 0.9, 0.5, 1e-10],
            positive_slots=(0,)),
    _record("apply_centered_rmsprop", "ApplyCenteredRMSProp", centered_rmsprop, 3,
            [0.01, 0.9, 0.5, 1e-3], positive_slots=(1,), small_slots=(0,)),  # ms > mg²
]
