"""variable_scope and get_variable with TF1's names, reuse rules and messages, and the
initializers (tf.*_initializer, tf.initializers.*)."""

import numpy as np
import pytest

import flowgrad as tf


def op_names():
    return [op.name for op in tf.get_default_graph().get_operations()]


def init_and_run(fetches):
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        return sess.run(fetches)


def test_get_variable_names_its_ops_by_the_variable_scope_only():
    with tf.name_scope("outer"), tf.variable_scope("layer"):
        w = tf.get_variable("w", [2, 3])
        y = tf.identity(w)
    assert w.name == "layer/w:0"
    assert y.name == "outer/layer/Identity:0"
    names = op_names()
    for name in ["layer/w", "layer/w/Initializer/random_uniform", "layer/w/Assign",
                 "layer/w/read"]:
        assert name in names
    assert w.op.type == "VariableV2"
    assert w in tf.trainable_variables() and w in tf.global_variables()


def test_reentering_with_reuse_shares_variables_and_uniquifies_the_name_scope():
    with tf.variable_scope("layer"):
        w = tf.get_variable("w", [2])
        a = tf.identity(w)
    with tf.variable_scope("layer", reuse=True):
        w2 = tf.get_variable("w", [2])
        b = tf.identity(w2)
    assert w2 is w
    assert a.name == "layer/Identity:0"
    assert b.name == "layer_1/Identity:0"
    assert [v.name for v in tf.global_variables()] == ["layer/w:0"]


def test_creating_twice_raises_tf1s_message():
    with tf.variable_scope("layer"):
        tf.get_variable("w", [2])
    message = (r"^Variable layer/w already exists, disallowed\. Did you mean to set reuse=True "
               r"or reuse=tf\.AUTO_REUSE in VarScope\?")
    with pytest.raises(ValueError, match=message), tf.variable_scope("layer"):
        tf.get_variable("w", [2])


def test_reusing_a_missing_variable_raises_tf1s_message():
    message = (r"^Variable layer/v does not exist, or was not created with "
               r"tf\.get_variable\(\)\. Did you mean to set reuse=tf\.AUTO_REUSE in VarScope\?")
    with pytest.raises(ValueError, match=message), tf.variable_scope("layer", reuse=True):
        tf.get_variable("v", [2])


def test_auto_reuse_creates_then_returns():
    def block():
        with tf.variable_scope("shared", reuse=tf.AUTO_REUSE):
            return tf.get_variable("w", [3])

    assert block() is block()
    assert len(tf.global_variables()) == 1


def test_reuse_variables_and_inheritance():
    with tf.variable_scope("a") as scope:
        w = tf.get_variable("w", [1])
        scope.reuse_variables()
        assert tf.get_variable("w", [1]) is w
        with tf.variable_scope("inner"):
            assert tf.get_variable_scope().reuse is True
            with pytest.raises(ValueError, match="does not exist"):
                tf.get_variable("x", [1])
    with tf.variable_scope("b", reuse=True), tf.variable_scope("c", reuse=False):
        assert tf.get_variable_scope().reuse is True  # False means inherit, as in TF1


def test_reentering_a_captured_scope_object():
    with tf.variable_scope("model") as captured:
        w = tf.get_variable("w", [1])
    with tf.variable_scope("elsewhere"), tf.variable_scope(captured, reuse=True) as scope:
        assert scope.name == "model"
        assert scope.original_name_scope == "model/"
        assert tf.get_variable("w", [1]) is w
        t = tf.identity(w)
    assert t.name == "elsewhere/model/Identity:0"


def test_default_names_are_uniquified_and_counts_reset_on_exit():
    with tf.variable_scope(None, default_name="dense") as first:
        pass
    with tf.variable_scope(None, default_name="dense") as second:
        pass
    assert (first.name, second.name) == ("dense", "dense_1")
    names = []
    for reuse in (None, True):
        with tf.variable_scope("outer", reuse=reuse), \
                tf.variable_scope(None, default_name="block") as inner:
            names.append(inner.name)
            tf.get_variable("w", [1])
    assert names == ["outer/block", "outer/block"]
    with pytest.raises(ValueError, match="reuse=True cannot be used without a name_or_scope"), \
            tf.variable_scope(None, default_name="x", reuse=True):
        pass
    with pytest.raises(TypeError, match="If default_name is None then name_or_scope is required"):
        tf.variable_scope(None)


def test_shape_and_dtype_checks_on_share_and_create():
    with tf.variable_scope("s"):
        tf.get_variable("w", [2, 3])
    message = r"Trying to share variable s/w, but specified shape \(3, 3\) and found shape \(2, 3\)\."
    with pytest.raises(ValueError, match=message), tf.variable_scope("s", reuse=True):
        tf.get_variable("w", [3, 3])
    with pytest.raises(ValueError, match=r"Shape of a new variable \(v\) must be fully defined"):
        tf.get_variable("v")
    with pytest.raises(ValueError, match="If initializer is a constant, do not specify shape"):
        tf.get_variable("c", [2], initializer=np.zeros(2))


def test_default_initializers_constant_values_and_scope_defaults():
    w = tf.get_variable("w", [50, 30])
    n = tf.get_variable("n", [4], dtype=tf.int32)
    c = tf.get_variable("c", initializer=np.arange(3.0))
    with tf.variable_scope("s", initializer=tf.constant_initializer(3.0), dtype=tf.float64):
        s = tf.get_variable("v", [2])
    assert (n.dtype, c.dtype, s.dtype) == (tf.int32, tf.float64, tf.float64)
    wv, nv, cv, sv = init_and_run([w, n, c, s])
    limit = np.sqrt(6 / 80)
    assert np.all(np.abs(wv) <= limit) and wv.std() > limit / 3
    np.testing.assert_array_equal(nv, 0)
    np.testing.assert_array_equal(cv, [0.0, 1.0, 2.0])
    np.testing.assert_array_equal(sv, [3.0, 3.0])


def test_regularizer_goes_to_regularization_losses():
    with tf.variable_scope("layer"):
        w = tf.get_variable("w", [3], initializer=tf.ones_initializer(),
                            regularizer=lambda v: tf.nn.l2_loss(v))
    (loss,) = tf.get_collection(tf.GraphKeys.REGULARIZATION_LOSSES)
    assert loss.name == "layer/w/Regularizer/L2Loss:0"
    assert init_and_run(loss) == pytest.approx(1.5)
    assert w.trainable


def test_variables_ignore_control_dependencies_and_local_variables():
    with tf.control_dependencies([tf.no_op(name="gate")]):
        w = tf.get_variable("w", [1])
    assert w.initializer.control_inputs == []
    local = tf.get_local_variable("counter", [], dtype=tf.int32)
    assert local in tf.local_variables() and local not in tf.global_variables()
    assert local not in tf.trainable_variables()


def test_custom_getter_sees_the_full_name():
    seen = []

    def getter(next_getter, name, *args, **kwargs):
        seen.append(name)
        return next_getter(name, *args, **kwargs)

    with tf.variable_scope("g", custom_getter=getter):
        tf.get_variable("w", [1])
    assert seen == ["g/w"]


# --- initializers ---------------------------------------------------------------------------


def test_initializer_names_and_tf_initializers_namespace():
    assert tf.initializers.zeros is tf.zeros_initializer
    assert tf.initializers.glorot_uniform is tf.glorot_uniform_initializer
    assert tf.initializers.global_variables is tf.global_variables_initializer
    he = tf.initializers.he_normal(seed=1)
    assert (he.scale, he.mode, he.distribution) == (2.0, "fan_in", "truncated_normal")


def _stats(initializer, shape=(400, 300)):
    value = tf.Session().run(initializer(list(shape)))
    return value, value.mean(), value.std()


def test_initializer_distributions():
    fan_in, fan_out = 400, 300
    value, _, std = _stats(tf.glorot_normal_initializer(seed=1))
    assert np.abs(value).max() <= 2 * np.sqrt(2 / (fan_in + fan_out)) / 0.87962566103423978 + 1e-6
    assert std == pytest.approx(np.sqrt(2 / (fan_in + fan_out)), rel=0.02)
    _, _, std = _stats(tf.initializers.he_normal(seed=2))
    assert std == pytest.approx(np.sqrt(2 / fan_in), rel=0.02)
    value, _, _ = _stats(tf.initializers.he_uniform(seed=3))
    assert np.abs(value).max() <= np.sqrt(6 / fan_in)
    _, _, std = _stats(tf.initializers.lecun_normal(seed=4))
    assert std == pytest.approx(np.sqrt(1 / fan_in), rel=0.02)
    _, mean, std = _stats(tf.random_normal_initializer(mean=1.0, stddev=0.5, seed=5))
    assert (mean, std) == (pytest.approx(1.0, abs=0.01), pytest.approx(0.5, rel=0.02))
    value, _, _ = _stats(tf.random_uniform_initializer(-0.1, 0.1, seed=6))
    assert value.min() >= -0.1 and value.max() < 0.1
    value, _, std = _stats(tf.truncated_normal_initializer(stddev=0.1, seed=7))
    assert np.abs(value).max() <= 0.2 and std == pytest.approx(0.1 * 0.8796, rel=0.02)
    value, _, std = _stats(tf.variance_scaling_initializer(
        scale=2.0, mode="fan_out", distribution="untruncated_normal", seed=8))
    assert std == pytest.approx(np.sqrt(2 / fan_out), rel=0.02)


def test_seeded_initializers_are_reproducible_across_graphs():
    def draw():
        with tf.Graph().as_default():
            return tf.Session().run(tf.glorot_uniform_initializer(seed=42)([5, 5]))

    np.testing.assert_array_equal(draw(), draw())


def test_constant_zeros_ones_initializers():
    sess = tf.Session()
    np.testing.assert_array_equal(sess.run(tf.constant_initializer([1, 2])([4])), [1, 2, 2, 2])
    np.testing.assert_array_equal(sess.run(tf.constant_initializer(7)([2, 2])), np.full((2, 2), 7))
    ones = tf.ones_initializer()([2], dtype=tf.float64)
    assert ones.dtype == tf.float64
    np.testing.assert_array_equal(sess.run(ones), [1.0, 1.0])
    with pytest.raises(TypeError, match="Too many elements provided. Needed at most 2"):
        tf.constant_initializer([1, 2, 3])([2])
    with pytest.raises(ValueError, match="Invalid `mode` argument"):
        tf.variance_scaling_initializer(mode="fan_sideways")
