"""Numeric checks: tf.check_numerics / tf.debugging.check_numerics, tf.add_check_numerics_ops(),
and the Session mode (check_numerics=True or FLOWGRAD_CHECK_NUMERICS=1) that names the first op,
forward or gradient, whose inputs are finite and whose output is not. NaN and Inf are injected
at every float op of a small training graph: the injected op is named every time."""

from __future__ import annotations

import numpy as np
import pytest

import flowgrad as tf
from flowgrad.errors import InvalidArgumentError
from flowgrad.session.plan import needed_ops, schedule

pytestmark = pytest.mark.filterwarnings("ignore::RuntimeWarning")  # the NaNs are the point


def _model():
    """A two-layer classifier trained with Adam: forward ops, gradient ops and updates."""
    x = tf.placeholder(tf.float32, [4, 3], name="x")
    y = tf.placeholder(tf.int32, [4], name="y")
    with tf.name_scope("hidden"):
        h = tf.layers.dense(x, 5, activation=tf.nn.relu)
    with tf.name_scope("output"):
        logits = tf.layers.dense(h, 3)
    with tf.name_scope("loss"):
        loss = tf.reduce_mean(
            tf.nn.sparse_softmax_cross_entropy_with_logits(labels=y, logits=logits))
    with tf.name_scope("optim"):
        train = tf.train.AdamOptimizer(0.01).minimize(loss)
    rng = np.random.default_rng(0)
    feed = {x: rng.normal(size=(4, 3)).astype(np.float32), y: np.array([0, 1, 2, 1])}
    return loss, train, feed


def _poisoning(target, value):
    """An OpDef.compile replacement: `target`'s kernel returns its output with one bad entry."""
    original = type(target.opdef).compile

    def compile(self, op, ctx):
        kernel = original(self, op, ctx)
        if op is not target:
            return kernel

        def poisoned(*arrays):
            out = kernel(*arrays)
            first = out[0] if isinstance(out, tuple) else out
            bad = np.array(first, copy=True)
            bad.reshape(-1)[bad.size // 2] = value
            return (bad, *out[1:]) if isinstance(out, tuple) else bad

        return poisoned

    return compile


def test_injected_nan_and_inf_are_named_at_every_op(monkeypatch, capsys):
    loss, train, feed = _model()
    order = schedule(needed_ops([loss, train], set(feed)))
    targets = [op for op in order if op.outputs and op.outputs[0].dtype.is_floating
               and op.outputs[0].shape.num_elements() != 0]
    kinds = {"forward": 0, "gradient": 0, "update": 0}
    named = 0
    init = tf.global_variables_initializer()
    for i, target in enumerate(targets):
        value = np.nan if i % 2 else np.inf
        with monkeypatch.context() as patch:
            patch.setattr(type(target.opdef), "compile", _poisoning(target, value))
            with tf.Session(check_numerics=True) as sess:
                sess.run(init)
                with pytest.raises(InvalidArgumentError) as info:
                    sess.run([loss, train], feed)
        message = str(info.value)
        assert info.value.op is target, f"{target.name}: {message}"
        assert f"{target.describe()} produced {'NaN' if i % 2 else 'Inf'}" in message
        assert "test_check_numerics.py:" in message
        named += 1
        kind = ("update" if target.opdef.mutates_state else
                "gradient" if "gradients/" in target.name else "forward")
        kinds[kind] += 1
    with capsys.disabled():
        print(f"\ncheck_numerics: NaN/Inf injected at {len(targets)} float ops ({kinds['forward']} "
              f"forward, {kinds['gradient']} gradient, {kinds['update']} updates): the first bad "
              f"op named {named}/{len(targets)} times")
    assert named == len(targets) and kinds["gradient"] >= 10 and kinds["update"] >= 4


def test_the_mode_names_a_forward_op_and_leaves_variables_unchanged():
    x = tf.placeholder(tf.float32, [3], name="x")
    w = tf.Variable([1.0, 2.0, 3.0], name="w")
    with tf.name_scope("loss"):
        loss = tf.reduce_sum(tf.log(x * w))
    train = tf.train.GradientDescentOptimizer(0.1).minimize(loss)
    with tf.Session(check_numerics=True) as sess:
        sess.run(w.initializer)
        with pytest.raises(InvalidArgumentError) as info:
            sess.run([loss, train], {x: [1.0, -1.0, 1.0]})
        message = str(info.value)
        assert message.startswith("check_numerics: Log 'loss/Log' (created at "
                                  "test_check_numerics.py:")
        assert "produced NaN from finite inputs" in message
        np.testing.assert_array_equal(sess.run(w), [1.0, 2.0, 3.0])  # no update ran
        sess.run(train, {x: [1.0, 1.0, 1.0]})
        assert sess.run(w)[0] != 1.0


def test_the_mode_names_a_gradient_op():
    x = tf.placeholder(tf.float32, [2], name="x")
    with tf.name_scope("model"):
        y = tf.reduce_sum(tf.sqrt(x))
    (grad,) = tf.gradients(y, [x])
    with tf.Session(check_numerics=True) as sess:
        assert sess.run(y, {x: [0.0, 4.0]}) == 2.0  # sqrt(0) is fine forward
        with pytest.raises(InvalidArgumentError) as info:
            sess.run(grad, {x: [0.0, 4.0]})
    assert info.value.op.name.startswith("gradients/model/Sqrt_grad/")
    assert "produced Inf from finite inputs" in str(info.value)


def test_the_mode_reports_a_fed_nan_and_is_off_by_default():
    x = tf.placeholder(tf.float32, [2], name="x")
    y = x * 2.0
    with (tf.Session(check_numerics=True) as sess,
          pytest.raises(InvalidArgumentError, match="the value fed to 'x:0'.*holds NaN")):
        sess.run(y, {x: [np.nan, 1.0]})
    with tf.Session() as sess:
        assert np.isnan(sess.run(y, {x: [np.nan, 1.0]})[0])
        assert sess.run(tf.log(x), {x: [-1.0, 1.0]})[0] != 0.0  # NaN, silently: off
        plan = next(iter(sess._plans.values()))
        assert "n0(" not in plan.source and "n1(" not in plan.source


def test_the_environment_variable_turns_the_mode_on(monkeypatch):
    monkeypatch.setenv("FLOWGRAD_CHECK_NUMERICS", "1")
    x = tf.placeholder(tf.float64, [], name="x")
    with tf.name_scope("ratio"):
        r = 1.0 / x
    with tf.Session() as sess:
        assert sess.check_numerics
        with pytest.raises(InvalidArgumentError, match="RealDiv 'ratio/truediv'"):
            sess.run(r, {x: 0.0})
    monkeypatch.setenv("FLOWGRAD_CHECK_NUMERICS", "0")
    assert not tf.Session().check_numerics


def test_check_numerics_op_and_its_debugging_alias():
    x = tf.placeholder(tf.float32, [2], name="x")
    checked = tf.debugging.check_numerics(tf.log(x), "log of the input")
    assert tf.debugging.check_numerics is tf.check_numerics
    assert checked.op.type == "CheckNumerics"
    with tf.Session() as sess:
        np.testing.assert_allclose(sess.run(checked, {x: [1.0, np.e]}), [0.0, 1.0], rtol=1e-6)
        with pytest.raises(InvalidArgumentError, match="log of the input : Tensor had NaN"):
            sess.run(checked, {x: [1.0, -1.0]})
        with pytest.raises(InvalidArgumentError, match="log of the input : Tensor had Inf"):
            sess.run(checked, {x: [1.0, 0.0]})


def test_add_check_numerics_ops_names_the_first_bad_op():
    _, train, feed = _model()
    x = next(k for k in feed if k.name == "x:0")
    check = tf.add_check_numerics_ops()
    assert tf.debugging.add_check_numerics_ops is tf.add_check_numerics_ops
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        sess.run([train, check], feed)
        bad = dict(feed)
        bad[x] = np.where(np.arange(12).reshape(4, 3) == 5, np.inf, feed[x]).astype(np.float32)
        with pytest.raises(InvalidArgumentError) as info:
            sess.run([train, check], bad)
    # every float tensor is checked, in creation order: the fed placeholder first
    assert str(info.value).startswith("Placeholder 'x' : Tensor had Inf values")


def _cross_entropies(logits, onehot, sparse):
    """Every cross-entropy of tf.nn and tf.losses on (5, 2) logits."""
    return {
        "nn.sigmoid": tf.nn.sigmoid_cross_entropy_with_logits(labels=onehot, logits=logits),
        "nn.weighted": tf.nn.weighted_cross_entropy_with_logits(
            labels=onehot, logits=logits, pos_weight=3.0),
        "nn.softmax": tf.nn.softmax_cross_entropy_with_logits(labels=onehot, logits=logits),
        "nn.softmax_v2": tf.nn.softmax_cross_entropy_with_logits_v2(labels=onehot,
                                                                    logits=logits),
        "nn.sparse_softmax": tf.nn.sparse_softmax_cross_entropy_with_logits(labels=sparse,
                                                                            logits=logits),
        "losses.sigmoid": tf.losses.sigmoid_cross_entropy(onehot, logits),
        "losses.sigmoid_smoothed": tf.losses.sigmoid_cross_entropy(onehot, logits,
                                                                   label_smoothing=0.1),
        "losses.softmax": tf.losses.softmax_cross_entropy(onehot, logits),
        "losses.softmax_smoothed": tf.losses.softmax_cross_entropy(onehot, logits,
                                                                   label_smoothing=0.1),
        "losses.sparse_softmax": tf.losses.sparse_softmax_cross_entropy(sparse, logits),
    }


def test_cross_entropies_stay_finite_at_huge_logits(capsys):
    finite = total = 0
    for dtype in (tf.float32, tf.float64):
        logits = tf.placeholder(dtype, [5, 2])
        onehot = tf.constant(np.array([[0, 1], [0, 1], [1, 0], [0, 1], [1, 0]]), dtype)
        losses = _cross_entropies(logits, onehot, tf.constant([1, 1, 0, 1, 0]))
        grads = {k: tf.gradients(tf.reduce_sum(v), logits)[0] for k, v in losses.items()}
        with tf.Session() as sess:
            for m in (1e4, -1e4, 1e30, -1e30):
                value = np.array([[m, -m], [-m, m], [m, m], [-m, -m], [0.0, m]])
                got = sess.run([losses, grads], {logits: value})
                for name in losses:
                    total += 1
                    ok = np.isfinite(got[0][name]).all() and np.isfinite(got[1][name]).all()
                    assert ok, f"{name} [{dtype.name}, {m:g}]: {got[0][name]}, {got[1][name]}"
                    finite += 1
    with capsys.disabled():
        print(f"\nlogit stability: {len(losses)} cross-entropies x float32/float64 x logits "
              f"±1e4, ±1e30: finite losses and gradients in {finite}/{total} cases")
    assert finite == total == len(losses) * 8
