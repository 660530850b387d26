"""Every differentiable op: float64 central differences (step 1e-6) against tf.gradients, the
full Jacobian on small inputs and a random direction on large ones; second order where the
record asks for it. Error: max|Jn - Ja| / max(1, |Ja|) <= 1e-6."""

import numpy as np
import pytest
from op_harness import PURE, build, float_args, ids

import flowgrad as tf

STEP = 1e-6
TOLERANCE = 1e-6
FULL_JACOBIAN_MAX = 40  # elements per input up to which every coordinate is perturbed

DIFFERENTIABLE = [r for r in PURE if r.grad >= 1]
SECOND_ORDER = [r for r in PURE if r.grad >= 2]


def _as_float64(sample):
    args = tuple(np.asarray(a, np.float64) if np.asarray(a).dtype.kind == "f" else np.asarray(a)
                 for a in sample.args)
    return type(sample)(args, sample.kwargs, sample.note)


class Probe:
    """f(args) = sum_k <out_k, v_k> and its gradient, for one sample in one session."""

    def __init__(self, record, sample, order):
        self.graph, self.phs, outputs = build(record, sample)
        self.args = [np.array(a) for a in sample.args]
        self.wrt = float_args(record, sample)
        rng = np.random.default_rng(1)
        with self.graph.as_default():
            floats = [o for o in outputs if o.dtype.is_floating]
            self.directions = [rng.standard_normal(o.shape.as_list()) for o in floats]
            self.f = tf.add_n([tf.reduce_sum(o * d) for o, d in zip(floats, self.directions)])
            xs = [self.phs[i] for i in self.wrt]
            grads = tf.gradients(self.f, xs)
            self.grads = [tf.zeros_like(x) if g is None else g for g, x in zip(grads, xs)]
            if order == 2:
                ws = [rng.standard_normal(np.shape(self.args[i])) for i in self.wrt]
                self.f = tf.add_n([tf.reduce_sum(g * w) for g, w in zip(self.grads, ws)])
                grads = tf.gradients(self.f, xs)
                self.grads = [tf.zeros_like(x) if g is None else g for g, x in zip(grads, xs)]
        self.sess = tf.Session(graph=self.graph)

    def value(self, args):
        return float(self.sess.run(self.f, dict(zip(self.phs, args))))

    def analytic(self):
        return self.sess.run(self.grads, dict(zip(self.phs, self.args)))

    def numeric_along(self, index, direction):
        plus = [a.copy() for a in self.args]
        minus = [a.copy() for a in self.args]
        plus[index] = plus[index] + STEP * direction
        minus[index] = minus[index] - STEP * direction
        return (self.value(plus) - self.value(minus)) / (2 * STEP)


def _check_sample(record, sample, order):
    probe = Probe(record, _as_float64(sample), order)
    if not probe.directions:
        return
    analytic = probe.analytic()
    rng = np.random.default_rng(2)
    for slot, index in enumerate(probe.wrt):
        ja = np.asarray(analytic[slot], np.float64)
        x = probe.args[index]
        assert ja.shape == x.shape, f"{record.name} {sample.note}: gradient shape {ja.shape} vs {x.shape}"
        where = f"{record.name} {sample.note} input {index} (order {order})"
        if x.size == 0:
            continue
        if x.size <= FULL_JACOBIAN_MAX:
            jn = np.zeros(x.shape)  # C order: reshape(-1) below must be a view
            for flat in range(x.size):
                e = np.zeros(x.size)
                e[flat] = 1.0
                jn.reshape(-1)[flat] = probe.numeric_along(index, e.reshape(x.shape))
            error = np.max(np.abs(jn - ja)) / max(1.0, np.max(np.abs(ja)))
        else:
            u = rng.standard_normal(x.shape)
            jn_u = probe.numeric_along(index, u)
            ja_u = float(np.sum(ja * u))
            error = abs(jn_u - ja_u) / max(1.0, abs(ja_u))
        assert error <= TOLERANCE, f"{where}: gradient error {error:.3g}"
    probe.sess.close()


@pytest.mark.parametrize("record", DIFFERENTIABLE, ids=ids(DIFFERENTIABLE))
def test_gradient_matches_central_differences(record):
    rng = np.random.default_rng(0)
    for sample in record.make_samples(rng, "float64"):
        _check_sample(record, sample, order=1)


@pytest.mark.parametrize("record", SECOND_ORDER, ids=ids(SECOND_ORDER))
def test_second_order_gradient(record):
    rng = np.random.default_rng(0)
    samples = [s for s in record.make_samples(rng, "float64")
               if all(np.asarray(a).size for a in s.args)][:3]
    for sample in samples:
        _check_sample(record, sample, order=2)
