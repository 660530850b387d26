"""tf.train optimizers: TF1's update formulas, slots, names, global step, learning-rate tensors."""

import numpy as np
import pytest

import flowgrad as tf
from flowgrad.errors import FailedPreconditionError, InvalidArgumentError
from flowgrad.testing.records import training_ops as formulas

APPLY_RECORDS = formulas.RECORDS


# each Apply* op against its NumPy formula (records: flowgrad/testing/records/training_ops.py)
@pytest.mark.parametrize("record", APPLY_RECORDS, ids=[r.name for r in APPLY_RECORDS])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_apply_op_matches_formula(record, dtype):
    rng = np.random.default_rng(0)
    for sample in record.make_samples(rng, dtype):
        graph = tf.Graph()
        with graph.as_default():
            out = record.op(*[tf.constant(a) for a in sample.args], **sample.kwargs)
            assert out.op.type == record.types[0] and out.op.opdef.kind == "stateful"
            refs = [v for v in tf.global_variables()]
            init = tf.global_variables_initializer()
        with tf.Session(graph=graph) as sess:
            sess.run(init)
            returned = sess.run(out)
            got = sess.run(refs)
        want = record.ref(*[np.asarray(a, np.float64) for a in sample.args], **sample.kwargs)
        tol = 1e-6 if dtype == "float32" else 1e-12
        for g, w in zip(got, want):
            assert g.dtype == np.dtype(dtype)
            np.testing.assert_allclose(g, w, rtol=tol, atol=tol, err_msg=sample.note)
        np.testing.assert_array_equal(returned, got[0])


def test_apply_ops_check_shapes_and_dtypes():
    v = tf.Variable(np.zeros((2, 3), np.float32), name="v")
    with pytest.raises(ValueError, match=r"ApplyGradientDescent.*has shape \(3,\).*\(2, 3\)"):
        tf.train.training_ops.ApplyGradientDescent.apply(v._variable, tf.constant(0.1),
                                                         tf.zeros([3]))
    with pytest.raises(TypeError, match="variable's dtype float32"):
        tf.train.training_ops.ApplyGradientDescent.apply(
            v._variable, tf.constant(0.1, tf.float64), tf.zeros([2, 3]))
    g = tf.placeholder(tf.float32, None)
    step = tf.train.training_ops.ApplyGradientDescent.apply(v._variable, tf.constant(0.1), g)
    with tf.Session() as sess:
        sess.run(v.initializer)
        with pytest.raises(InvalidArgumentError, match="var and grad do not have the same shape"):
            sess.run(step, {g: np.ones(3)})


# optimizers, step by step, against NumPy
OPTIMIZERS = {
    "GradientDescent": (lambda: tf.train.GradientDescentOptimizer(0.1), []),
    "Momentum": (lambda: tf.train.MomentumOptimizer(0.1, 0.9), ["momentum"]),
    "Nesterov": (lambda: tf.train.MomentumOptimizer(0.1, 0.9, use_nesterov=True), ["momentum"]),
    "Adam": (lambda: tf.train.AdamOptimizer(0.1), ["m", "v"]),
    "Adagrad": (lambda: tf.train.AdagradOptimizer(0.1), ["accumulator"]),
    "RMSProp": (lambda: tf.train.RMSPropOptimizer(0.01, momentum=0.5), ["momentum", "rms"]),
    "CenteredRMSProp": (lambda: tf.train.RMSPropOptimizer(0.01, centered=True),
                        ["mg", "momentum", "rms"]),
}


def f32(value):
    """A Python float hyperparameter as TF1 holds it: a float32 constant, cast to the variable's
    dtype where used."""
    return float(np.float32(value))


class NumpyOptimizer:
    """TF1's optimizers written out in float64 NumPy from the formulas (with TF1's defaults)."""

    def __init__(self, kind, shape):
        self.kind = kind
        self.beta_powers = np.float32(0.9), np.float32(0.999)  # float32 variables in TF1
        zeros = np.zeros(shape)
        self.slots = {"GradientDescent": [], "Momentum": [zeros], "Nesterov": [zeros],
                      "Adam": [zeros, zeros], "Adagrad": [np.full(shape, 0.1)],
                      "RMSProp": [np.ones(shape), zeros],
                      "CenteredRMSProp": [zeros, np.ones(shape), zeros]}[kind]

    def step(self, var, g):
        k, s = self.kind, self.slots
        if k == "GradientDescent":
            out = formulas.gradient_descent(var, f32(0.1), g)
        elif k in ("Momentum", "Nesterov"):
            out = formulas.momentum(var, *s, f32(0.1), g, f32(0.9), use_nesterov=k == "Nesterov")
        elif k == "Adam":
            b1p, b2p = self.beta_powers
            out = formulas.adam(var, *s, float(b1p), float(b2p), f32(0.1), f32(0.9), f32(0.999),
                                f32(1e-8), g)
            self.beta_powers = b1p * np.float32(0.9), b2p * np.float32(0.999)
        elif k == "Adagrad":
            out = formulas.adagrad(var, *s, f32(0.1), g)
        elif k == "RMSProp":
            out = formulas.rmsprop(var, *s, f32(0.01), f32(0.9), f32(0.5), f32(1e-10), g)
        else:
            out = formulas.centered_rmsprop(var, *s, f32(0.01), f32(0.9), 0.0, f32(1e-10), g)
        self.slots = list(out[1:])
        return out[0]


@pytest.mark.parametrize("kind", list(OPTIMIZERS))
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_first_steps_match_numpy(kind, dtype):
    w0 = np.array([[0.5, -1.0, 2.0]])
    scale, target = np.array([[1.0, 3.0, 0.5]]), np.array([[1.0, 1.0, -1.0]])
    w = tf.Variable(w0.astype(dtype), name="w")
    loss = tf.reduce_sum(tf.constant(scale.astype(dtype)) * tf.square(w - target.astype(dtype)))
    train = OPTIMIZERS[kind][0]().minimize(loss)
    ref, value = NumpyOptimizer(kind, w0.shape), w0
    tol = 1e-6 if dtype == np.float32 else 1e-12
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for _ in range(5):
            value = ref.step(value, 2 * scale * (value - target))
            sess.run(train)
            np.testing.assert_allclose(sess.run(w), value, rtol=tol, atol=tol)


def _logistic_problem():
    """Overlapping blobs (so the minimum is finite) and the float64 Newton solution."""
    rng = np.random.default_rng(1)
    x = np.vstack([rng.normal(-0.5, 1.0, (40, 2)), rng.normal(0.5, 1.0, (40, 2))])
    y = np.concatenate([np.zeros(40), np.ones(40)])
    xb = np.hstack([x, np.ones((80, 1))])
    theta = np.zeros(3)
    for _ in range(30):
        p = 1 / (1 + np.exp(-xb @ theta))
        hessian = xb.T @ (xb * (p * (1 - p))[:, None]) / 80
        theta -= np.linalg.solve(hessian, xb.T @ (p - y) / 80)
    return x, y, theta


MINIMIZE = {  # optimizer, steps, tolerance on the parameters
    "GradientDescent": (lambda: tf.train.GradientDescentOptimizer(0.2), 300, 1e-3),
    "Momentum": (lambda: tf.train.MomentumOptimizer(0.05, 0.9), 300, 1e-3),
    "Nesterov": (lambda: tf.train.MomentumOptimizer(0.05, 0.9, use_nesterov=True), 300, 1e-3),
    "Adam": (lambda: tf.train.AdamOptimizer(0.05), 600, 1e-3),
    "Adagrad": (lambda: tf.train.AdagradOptimizer(0.5), 600, 1e-3),
    # RMSProp's normalized steps keep it within about lr of the minimum
    "RMSProp": (lambda: tf.train.RMSPropOptimizer(0.01), 600, 1e-2),
    "CenteredRMSProp": (lambda: tf.train.RMSPropOptimizer(0.01, centered=True), 600, 1e-2),
}


@pytest.mark.parametrize("kind", list(MINIMIZE))
def test_minimizes_convex_quadratic(kind):
    make, steps, tol = MINIMIZE[kind]
    target = np.array([1.0, -2.0, 0.5], np.float32)
    w = tf.Variable(np.zeros(3, np.float32))
    loss = tf.reduce_sum(tf.constant([1.0, 2.0, 0.5]) * tf.square(w - target))
    train = make().minimize(loss)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for _ in range(steps):
            sess.run(train)
        np.testing.assert_allclose(sess.run(w), target, atol=tol)


@pytest.mark.parametrize("kind", list(MINIMIZE))
def test_minimizes_logistic_loss(kind):
    make, steps, tol = MINIMIZE[kind]
    x_np, y_np, theta = _logistic_problem()
    x, y = tf.placeholder(tf.float32, (80, 2)), tf.placeholder(tf.float32, (80,))
    W, b = tf.Variable(tf.zeros((2, 1))), tf.Variable(tf.zeros((1,)))
    z = tf.squeeze(tf.matmul(x, W) + b)
    # the stable form of sigmoid cross-entropy, from core ops only
    loss = tf.reduce_mean(tf.maximum(z, 0.0) - z * y + tf.log1p(tf.exp(-tf.abs(z))))
    train = make().minimize(loss)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for _ in range(steps * 2):
            sess.run(train, {x: x_np, y: y_np})
        got = np.concatenate([sess.run(W).ravel(), sess.run(b)])
    np.testing.assert_allclose(got, theta, atol=tol)


# names, slots and collections
def test_minimize_names_as_tf1():
    with tf.name_scope("weights"):
        W = tf.Variable(tf.random_normal((1, 1)))
        b = tf.Variable(tf.random_normal((1,)))
    with tf.name_scope("loss"):
        loss = tf.reduce_sum(tf.square(W + b))
    with tf.name_scope("optim"):
        opt = tf.train.AdamOptimizer(0.001)
        train = opt.minimize(loss)
    assert train.name == "optim/Adam" and train.type == "NoOp"
    graph = tf.get_default_graph()
    names = {op.name: op.type for op in graph.get_operations()}
    assert any(n.startswith("optim/gradients/") for n in names)
    assert names["optim/Adam/update_weights/Variable/ApplyAdam"] == "ApplyAdam"
    assert names["optim/Adam/update_weights/Variable_1/ApplyAdam"] == "ApplyAdam"
    assert names["optim/Adam/learning_rate"] == "Const"
    assert names["optim/Adam/Assign"] == "Assign"  # beta1_power *= beta1
    assert names["optim/beta1_power"] == names["optim/beta2_power"] == "VariableV2"
    assert names["weights/Variable/Adam/Initializer/zeros"] == "Const"
    assert [op for op in graph.get_operations() if op.type == "ApplyAdam"].__len__() == 2
    assert opt.get_slot_names() == ["m", "v"]
    assert opt.get_slot(W, "m").name == "weights/Variable/Adam:0"
    assert opt.get_slot(W, "v").name == "weights/Variable/Adam_1:0"
    assert opt.get_slot(b, "m").name == "weights/Variable_1/Adam:0"
    assert opt.get_slot(W, "nope") is None
    assert [v.name for v in opt.variables()] == [
        "optim/beta1_power:0", "optim/beta2_power:0", "weights/Variable/Adam:0",
        "weights/Variable/Adam_1:0", "weights/Variable_1/Adam:0", "weights/Variable_1/Adam_1:0"]
    assert set(opt.variables()) <= set(tf.global_variables())
    assert not set(opt.variables()) & set(tf.trainable_variables())
    assert tf.get_collection(tf.GraphKeys.TRAIN_OP) == [train]


def test_slot_names_of_each_optimizer():
    w = tf.Variable(np.ones((2,), np.float32), name="w")
    loss = tf.reduce_sum(w * w)
    slot_ops = {}
    for kind, (make, slots) in OPTIMIZERS.items():
        opt = make()
        opt.minimize(loss)
        assert opt.get_slot_names() == slots, kind
        slot_ops[kind] = [opt.get_slot(w, s).op.name for s in slots]
    assert slot_ops["Momentum"] == ["w/Momentum"]
    assert slot_ops["Nesterov"] == ["w/Momentum_1"]
    assert slot_ops["Adam"] == ["w/Adam", "w/Adam_1"]
    assert slot_ops["Adagrad"] == ["w/Adagrad"]
    assert slot_ops["RMSProp"] == ["w/RMSProp_1", "w/RMSProp"]
    with tf.Session() as sess:  # slots start as TF1's: Adagrad at 0.1, rms at ones
        sess.run(tf.global_variables_initializer())
        assert sess.run(tf.get_default_graph().get_tensor_by_name("w/Adagrad:0")).tolist() == \
            pytest.approx([0.1, 0.1])
        assert sess.run(tf.get_default_graph().get_tensor_by_name("w/RMSProp:0")).tolist() == \
            [1.0, 1.0]
        assert sess.run("beta1_power:0") == pytest.approx(0.9)


def test_update_op_types_and_one_kernel_per_variable():
    w, v = tf.Variable([1.0, 2.0], name="w"), tf.Variable([3.0], name="v")
    loss = tf.reduce_sum(w * w) + tf.reduce_sum(v * v)
    expected = {"GradientDescent": "ApplyGradientDescent", "Momentum": "ApplyMomentum",
                "Adam": "ApplyAdam", "Adagrad": "ApplyAdagrad", "RMSProp": "ApplyRMSProp",
                "CenteredRMSProp": "ApplyCenteredRMSProp"}
    for kind, op_type in expected.items():
        before = len(tf.get_default_graph().get_operations())
        OPTIMIZERS[kind][0]().minimize(loss, var_list=[w, v])
        new = tf.get_default_graph().get_operations()[before:]
        updates = [op for op in new if op.type.startswith("Apply")]
        assert [op.type for op in updates] == [op_type, op_type], kind
        assert all(op.opdef.kind == "stateful" for op in updates)


def test_unreached_variable_gets_no_update():
    w = tf.Variable(1.0, name="w")
    unused = tf.Variable(5.0, name="unused")
    opt = tf.train.AdamOptimizer(0.1)
    grads_and_vars = opt.compute_gradients(w * w)
    assert [(g is None, v) for g, v in grads_and_vars] == [(False, w), (True, unused)]
    train = opt.minimize(w * w)
    assert opt.get_slot(unused, "m") is None
    assert not [op for op in tf.get_default_graph().get_operations()
                if op.name.startswith("Adam_1/update_unused")]
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        sess.run(train)
        assert sess.run(unused) == 5.0 and sess.run(w) < 1.0


def test_no_gradient_for_any_variable_raises():
    w = tf.Variable(1.0, name="w")
    loss = tf.stop_gradient(w) * 2.0
    with pytest.raises(ValueError, match=r"No gradients provided for any variable, check your "
                                         r"graph.*between variables .*'w:0'.* and loss"):
        tf.train.GradientDescentOptimizer(0.1).minimize(loss)
    with pytest.raises(ValueError, match="No gradients provided for any variable: "):
        tf.train.GradientDescentOptimizer(0.1).apply_gradients([(None, w)])
    with pytest.raises(ValueError, match="No variables to optimize"):
        tf.train.GradientDescentOptimizer(0.1).minimize(tf.constant(1.0), var_list=[])
    with pytest.raises(ValueError, match="Invalid type int32"):
        tf.train.GradientDescentOptimizer(0.1).minimize(tf.constant(1))
    with pytest.raises(ValueError, match="gate_gradients must be one of"):
        tf.train.GradientDescentOptimizer(0.1).minimize(w * w, gate_gradients=7)


def test_compute_then_apply_gradients_with_keywords():
    w = tf.Variable([1.0, -1.0], name="w")
    loss = tf.reduce_sum(w * w)
    opt = tf.train.GradientDescentOptimizer(0.25)
    gvs = opt.compute_gradients(loss, var_list=[w], gate_gradients=opt.GATE_GRAPH,
                                aggregation_method=None, colocate_gradients_with_ops=True,
                                grad_loss=tf.constant(2.0))
    clipped = [(tf.maximum(g, -1.0), v) for g, v in gvs]
    train = opt.apply_gradients(clipped, name="apply")
    assert train.name == "apply"
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        sess.run(train)  # grad 2 * 2w = [4, -4], clipped to [4, -1]
        np.testing.assert_allclose(sess.run(w), [0.0, -0.75])


def test_slots_need_the_initializer():
    w = tf.Variable(1.0, name="w")
    opt = tf.train.AdamOptimizer()
    with tf.Session() as sess:
        sess.run(w.initializer)
        train = opt.minimize(w * w)
        with pytest.raises(FailedPreconditionError, match="uninitialized value"):
            sess.run(train)


def test_several_optimizers_in_one_graph():
    with tf.name_scope("a"):
        u = tf.Variable(3.0, name="u")
    with tf.name_scope("b"):
        v = tf.Variable(-3.0, name="v")
    loss = u * u + v * v
    with tf.name_scope("optim"):
        adam_u = tf.train.AdamOptimizer(0.1).minimize(loss, var_list=[u])
    with tf.name_scope("optim"):
        adam_v = tf.train.AdamOptimizer(0.1).minimize(loss, var_list=[v])
    sgd = tf.train.GradientDescentOptimizer(0.1).minimize(loss)
    assert (adam_u.name, adam_v.name, sgd.name) == ("optim/Adam", "optim_1/Adam",
                                                    "GradientDescent")
    graph = tf.get_default_graph()
    assert graph.get_tensor_by_name("optim_1/beta1_power:0") is not None
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for _ in range(200):
            sess.run([adam_u, adam_v])
        for _ in range(20):
            sess.run(sgd)
        assert abs(sess.run(u)) < 0.05 and abs(sess.run(v)) < 0.05


def test_float64_variables_and_cast_hyperparameters():
    w = tf.Variable(np.array([2.0]), name="w")  # float64
    train = tf.train.AdamOptimizer(0.5).minimize(tf.reduce_sum(w * w))
    casts = [op.name for op in tf.get_default_graph().get_operations() if op.type == "Cast"]
    assert "Adam/update_w/Cast" in casts  # beta1_power is float32, as in TF1
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        sess.run(train)
        np.testing.assert_allclose(sess.run(w), [1.5], rtol=1e-6)
        assert sess.run(w).dtype == np.float64


# global step
def test_global_step():
    assert tf.train.get_global_step() is None
    step = tf.train.get_or_create_global_step()
    assert step.name == "global_step:0" and step.dtype == tf.int64 and step.shape.as_list() == []
    assert tf.train.get_or_create_global_step() is step
    assert tf.train.get_global_step() is step
    assert tf.get_collection(tf.GraphKeys.GLOBAL_STEP) == [step]
    assert step in tf.global_variables() and step not in tf.trainable_variables()
    names = [op.name for op in tf.get_default_graph().get_operations()]
    assert names == ["global_step/Initializer/zeros", "global_step", "global_step/Assign",
                     "global_step/read"]
    with pytest.raises(ValueError, match='"global_step" already exists'):
        tf.train.create_global_step()

    w = tf.Variable(4.0, name="w")
    with tf.name_scope("optim"):
        train = tf.train.GradientDescentOptimizer(0.1).minimize(w * w, global_step=step)
    assert train.name == "optim/GradientDescent" and train.type == "AssignAdd"
    assert tf.get_default_graph().get_operation_by_name("optim/GradientDescent/update").type \
        == "NoOp"
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for _ in range(3):
            sess.run(train)
        assert tf.train.global_step(sess, step) == 3
        assert sess.run(w) == pytest.approx(4.0 * 0.8**3)


def test_global_step_in_a_name_scope_is_at_the_root():
    with tf.name_scope("somewhere"):
        step = tf.train.create_global_step()
    assert step.name == "global_step:0"


def test_global_step_found_by_name_and_checked():
    tf.Variable(0.5, name="global_step")
    with pytest.raises(TypeError, match='"global_step" does not have integer type'):
        tf.train.get_global_step()


# learning rates that are tensors
def _values_over_steps(lr, step_var, steps):
    out = []
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for s in steps:
            step_var.load(s, sess)
            out.append(float(sess.run(lr)))
    return out


def test_exponential_decay():
    step = tf.train.get_or_create_global_step()
    lr = tf.train.exponential_decay(0.1, step, 100, 0.5)
    stair = tf.train.exponential_decay(0.1, step, 100, 0.5, staircase=True)
    assert lr.name == "ExponentialDecay:0" and stair.name == "ExponentialDecay_1:0"
    assert lr.dtype == tf.float32
    steps = [0, 50, 100, 250]
    assert _values_over_steps(lr, step, steps) == pytest.approx(
        [0.1 * 0.5 ** (s / 100) for s in steps], rel=1e-6)
    assert _values_over_steps(stair, step, steps) == pytest.approx(
        [0.1 * 0.5 ** (s // 100) for s in steps], rel=1e-6)
    with pytest.raises(ValueError, match="global_step is required"):
        tf.train.exponential_decay(0.1, None, 100, 0.5)


def test_other_decays():
    step = tf.train.get_or_create_global_step()
    inverse = tf.train.inverse_time_decay(0.1, step, 10, 0.5)
    poly = tf.train.polynomial_decay(0.1, step, 100, end_learning_rate=0.01, power=2.0)
    natural = tf.train.natural_exp_decay(0.1, step, 10, 0.5)
    steps = [0, 20, 50, 200]
    assert _values_over_steps(inverse, step, steps) == pytest.approx(
        [0.1 / (1 + 0.5 * s / 10) for s in steps], rel=1e-6)
    assert _values_over_steps(poly, step, steps) == pytest.approx(
        [0.09 * (1 - min(s, 100) / 100) ** 2 + 0.01 for s in steps], rel=1e-6)
    assert _values_over_steps(natural, step, steps) == pytest.approx(
        [0.1 * np.exp(-0.5 * s / 10) for s in steps], rel=1e-6)


def test_piecewise_constant():
    step = tf.train.get_or_create_global_step()
    lr = tf.train.piecewise_constant(step, [100, 200], [1.0, 0.5, 0.1])
    assert lr.name == "PiecewiseConstant:0"
    got = _values_over_steps(lr, step, [0, 100, 101, 200, 201, 10**6])
    assert got == pytest.approx([1.0, 1.0, 0.5, 0.5, 0.1, 0.1])
    with pytest.raises(ValueError, match="1 less than the length of values"):
        tf.train.piecewise_constant(step, [100], [1.0])


def test_decayed_learning_rate_drives_the_optimizer():
    step = tf.train.get_or_create_global_step()
    lr = tf.train.exponential_decay(0.1, step, 1, 0.5)  # halves every step
    w = tf.Variable(1.0, name="w")
    train = tf.train.GradientDescentOptimizer(lr).minimize(w, global_step=step)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for _ in range(3):
            sess.run(train)
        assert sess.run(w) == pytest.approx(1.0 - 0.1 - 0.05 - 0.025)
        assert tf.train.global_step(sess, step) == 3


def test_callable_and_tensor_learning_rate():
    rate = tf.placeholder(tf.float32, [])
    w = tf.Variable(1.0, name="w")
    train = tf.train.GradientDescentOptimizer(rate).minimize(w)
    other = tf.train.MomentumOptimizer(lambda: 0.5, 0.0).minimize(w)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        sess.run(train, {rate: 0.25})
        sess.run(other)
        assert sess.run(w) == pytest.approx(0.25)


def test_sgd_writes_into_a_gradient_buffer_only_when_nothing_else_can_see_it():
    x = tf.Variable([1.0, 2.0], name="x")
    loss = tf.reduce_sum(x * x)
    opt = tf.train.GradientDescentOptimizer(0.5)
    ((grad, var),) = opt.compute_gradients(loss, [x])
    train = opt.apply_gradients([(grad, var)])
    fed = np.array([10.0, 20.0], np.float32)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        fetched, _ = sess.run([grad, train])  # fetched: the plan may not scale it in place
        np.testing.assert_array_equal(fetched, [2.0, 4.0])
        np.testing.assert_array_equal(sess.run(x), [0.0, 0.0])
        sess.run(train, {grad: fed})  # fed: the user's array is never written
        np.testing.assert_array_equal(fed, [10.0, 20.0])
        np.testing.assert_array_equal(sess.run(x), [-5.0, -10.0])
        sess.run(train)  # the gradient's own buffer: donated, same result
        np.testing.assert_allclose(sess.run(x), [0.0, 0.0])
