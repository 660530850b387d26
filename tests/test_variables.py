"""tf.Variable: TF1's op structure, initializers, assignments, collections, values that live in
each Session, uninitialized reads, and values that never alias what the user holds."""

import numpy as np
import pytest

import flowgrad as tf
from flowgrad.errors import FailedPreconditionError, InvalidArgumentError


def test_op_structure_and_types():
    w = tf.Variable(np.zeros((2, 3), np.float32), name="W")
    ops = tf.get_default_graph().get_operations()
    assert [(op.name, op.type) for op in ops] == [
        ("W/initial_value", "Const"), ("W", "VariableV2"), ("W/Assign", "Assign"),
        ("W/read", "Identity")]
    assert w.op is ops[1]
    assert w.initializer is ops[2]
    assert w.initializer.inputs == (w.op.outputs[0], w.initial_value)
    assert w.value().op is ops[3] and w.value().op.inputs == (w.op.outputs[0],)
    assert w.name == "W:0" and w.dtype is tf.float32 and w.shape.as_list() == [2, 3]
    assert w.get_shape() == w.shape and w.graph is tf.get_default_graph()
    assert repr(w) == "<tf.Variable 'W:0' shape=(2, 3) dtype=float32_ref>"


def test_initializer_and_initial_value():
    w = tf.Variable([1.0, 2.0], name="w")
    with tf.Session() as sess:
        assert sess.run(w.initializer) is None
        np.testing.assert_array_equal(sess.run(w.initial_value), [1.0, 2.0])
        np.testing.assert_array_equal(sess.run(w), [1.0, 2.0])


def test_variable_from_another_variable():
    a = tf.Variable(3.0, name="a")
    b = tf.Variable(a.initialized_value() * 2.0, name="b")
    with tf.Session() as sess:
        sess.run(a.initializer)
        sess.run(b.initializer)
        assert sess.run(b) == 6.0


def test_variable_needs_a_known_shape():
    x = tf.placeholder(tf.float32, [None, 2])
    with pytest.raises(ValueError, match="must have a fully defined shape"):
        tf.Variable(x)
    v = tf.Variable(x, validate_shape=False, name="v")
    with tf.Session() as sess:
        sess.run(v.initializer, {x: np.ones((3, 2))})
        assert sess.run(v).shape == (3, 2)
    with pytest.raises(ValueError, match="initial_value must be specified"):
        tf.Variable()


def test_dtype_argument_converts_the_initial_value():
    w = tf.Variable(np.random.rand(3), dtype=tf.float32)
    assert w.dtype is tf.float32
    with pytest.raises(TypeError):
        tf.Variable([1.5, 2.5], dtype=tf.int32)


def test_variable_built_inside_control_dependencies_has_none():
    x = tf.placeholder(tf.float32, name="x")
    step = tf.identity(x)
    with tf.control_dependencies([step]):
        w = tf.Variable(1.0, name="w")
    assert all(not op.control_inputs for op in tf.get_default_graph().get_operations())
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())  # does not need x
        assert sess.run(w) == 1.0


def test_assign_ops_and_their_names():
    w = tf.Variable([1.0, 2.0], name="w")
    set_op = w.assign([5.0, 5.0])
    add_op = w.assign_add([1.0, 2.0])
    sub_op = w.assign_sub([0.5, 0.5])
    assert (set_op.op.name, set_op.op.type) == ("Assign", "Assign")
    assert (add_op.op.name, add_op.op.type) == ("AssignAdd", "AssignAdd")
    assert (sub_op.op.name, sub_op.op.type) == ("AssignSub", "AssignSub")
    assert w.assign([0.0, 0.0], name="reset").op.name == "reset"
    assert tf.assign(w, [1.0, 1.0]).op.name == "Assign_1"
    with tf.Session() as sess:
        sess.run(w.initializer)
        np.testing.assert_array_equal(sess.run(set_op), [5.0, 5.0])
        np.testing.assert_array_equal(sess.run(add_op), [6.0, 7.0])
        np.testing.assert_array_equal(sess.run(sub_op), [5.5, 6.5])
        np.testing.assert_array_equal(sess.run(tf.assign_add(w, [1.0, 1.0])), [6.5, 7.5])
        np.testing.assert_array_equal(sess.run(tf.assign_sub(w, [1.0, 1.0])), [5.5, 6.5])
        np.testing.assert_array_equal(sess.run(w), [5.5, 6.5])


def test_assign_checks_shape_and_dtype_at_build_time():
    w = tf.Variable([1.0, 2.0], name="w")
    with pytest.raises(ValueError) as info:
        w.assign([1.0, 2.0, 3.0])
    assert "Assign" in str(info.value) and "(2,)" in str(info.value)
    assert "(3,)" in str(info.value)
    with pytest.raises(TypeError, match="float64"):
        w.assign(tf.constant([1.0, 2.0], tf.float64))
    with pytest.raises(TypeError):
        w.assign([1.5j, 2.0])


def test_a_lossy_assign_value_names_the_op():
    count = tf.Variable(1, name="count")
    tf.assign(count, 2)
    with pytest.raises(TypeError, match=r"Expected int32 .* of op Assign 'Assign_1' .*got 1.5"):
        tf.assign(count, 1.5)
    with pytest.raises(TypeError, match=r"of op AssignAdd 'bump' .*got 2.5"):
        count.assign_add(2.5, name="bump")


def test_assign_of_an_unknown_shape_is_checked_at_run_time():
    w = tf.Variable([1.0, 2.0], name="w")
    x = tf.placeholder(tf.float32, name="x")
    with tf.Session() as sess:
        sess.run(w.initializer)
        with pytest.raises(InvalidArgumentError) as info:
            sess.run(w.assign(x), {x: [1.0, 2.0, 3.0]})
        assert "variable 'w' has shape (2,)" in str(info.value)
        assert "(3,)" in str(info.value)
        np.testing.assert_array_equal(sess.run(w), [1.0, 2.0])


def test_eval_and_load():
    w = tf.Variable([1.0, 2.0], name="w")
    ops_before = len(tf.get_default_graph().get_operations())
    with tf.Session() as sess:
        sess.run(w.initializer)
        np.testing.assert_array_equal(w.eval(), [1.0, 2.0])
        w.load([3.0, 4.0])
        np.testing.assert_array_equal(w.eval(session=sess), [3.0, 4.0])
        w.load(np.array([7.0, 8.0]), sess)
        np.testing.assert_array_equal(sess.run(w), [7.0, 8.0])
    assert len(tf.get_default_graph().get_operations()) == ops_before  # load adds no ops
    with pytest.raises(ValueError, match="no default session"):
        w.eval()


def test_read_value_is_ordered_by_control_dependencies():
    w = tf.Variable([1.0, 2.0], name="w")
    bump = w.assign_add([10.0, 10.0])
    with tf.control_dependencies([bump]):
        after = w.read_value()
    reset = w.assign([0.0, 1.0])
    with tf.control_dependencies([reset]):
        after_reset = w.read_value()
    assert after.op.type == "Identity" and after.op.name == "read"
    with tf.Session() as sess:
        sess.run(w.initializer)
        old, new = sess.run([w.value(), after])
        np.testing.assert_array_equal(old, [1.0, 2.0])
        np.testing.assert_array_equal(new, [11.0, 12.0])
        old, new = sess.run([w.value(), after_reset])
        np.testing.assert_array_equal(old, [11.0, 12.0])
        np.testing.assert_array_equal(new, [0.0, 1.0])


def test_initializers_and_collections():
    a = tf.Variable(1.0, name="a")
    b = tf.Variable(2.0, name="b", trainable=False)
    with tf.name_scope("layer"):
        c = tf.Variable(3.0, name="c")
    assert tf.global_variables() == [a, b, c]
    assert tf.trainable_variables() == [a, c]
    assert tf.global_variables(scope="layer") == [c]
    assert tf.trainable_variables(scope="a") == [a]
    assert a.trainable and not b.trainable
    init = tf.global_variables_initializer()
    assert init.name == "init" and init.type == "NoOp"
    assert init.control_inputs == [a.initializer, b.initializer, c.initializer]
    some = tf.variables_initializer([a, c], name="some")
    assert some.name == "some" and some.control_inputs == [a.initializer, c.initializer]
    with tf.Session() as sess:
        sess.run(some)
        assert sess.run([a, c]) == [1.0, 3.0]
        with pytest.raises(FailedPreconditionError):
            sess.run(b)
        sess.run(init)
        assert sess.run(b) == 2.0
    local = tf.Variable(0, name="local", collections=[tf.GraphKeys.LOCAL_VARIABLES])
    assert local not in tf.global_variables()
    assert tf.get_collection(tf.GraphKeys.LOCAL_VARIABLES) == [local]


def test_uninitialized_read_names_the_variable():
    with tf.name_scope("weights"):
        w = tf.Variable(np.ones((2, 2)), name="W")
    y = tf.reduce_sum(w * 2.0)
    with tf.Session() as sess:
        for fetch in (w, w.value(), y, w.assign_add(np.ones((2, 2)))):
            with pytest.raises(FailedPreconditionError) as info:
                sess.run(fetch)
            message = str(info.value)
            assert message.startswith("Attempting to use uninitialized value weights/W")
            assert "VariableV2 'weights/W'" in message
            assert "test_variables.py:" in message
            assert "global_variables_initializer" in message
            assert info.value.op.type in ("VariableV2", "AssignAdd")


def test_is_variable_initialized():
    w = tf.Variable(1.0, name="w")
    ready = tf.is_variable_initialized(w)
    assert ready.dtype is tf.bool
    with tf.Session() as sess:
        assert not sess.run(ready)
        sess.run(w.initializer)
        assert sess.run(ready)


def test_each_session_holds_its_own_values():
    w = tf.Variable(1.0, name="w")
    bump = w.assign_add(1.0)
    first, second = tf.Session(), tf.Session()
    first.run(w.initializer)
    second.run(w.initializer)
    first.run(bump)
    first.run(bump)
    assert first.run(w) == 3.0 and second.run(w) == 1.0
    first.close()
    second.close()
    with tf.Session() as third, pytest.raises(FailedPreconditionError):
        third.run(w)


def test_fetched_values_never_alias_the_variable():
    w = tf.Variable(np.arange(3, dtype=np.float32), name="w")
    bump = w.assign_add(np.ones(3, np.float32))
    with tf.Session() as sess:
        sess.run(w.initializer)
        value = sess.run(w)
        value[:] = 100.0
        np.testing.assert_array_equal(sess.run(w), [0.0, 1.0, 2.0])
        held = sess.run(w.value())
        sess.run(bump)
        np.testing.assert_array_equal(held, [0.0, 1.0, 2.0])
        out = sess.run(bump)
        out[:] = -1.0
        np.testing.assert_array_equal(sess.run(w), [2.0, 3.0, 4.0])


def test_stored_values_never_alias_fed_or_loaded_arrays():
    w = tf.Variable(np.zeros(2, np.float32), name="w")
    x = tf.placeholder(tf.float32, [2])
    with tf.Session() as sess:
        sess.run(w.initializer)
        fed = np.array([1.0, 2.0], np.float32)
        sess.run(w.assign(x), {x: fed})
        fed[:] = 9.0
        np.testing.assert_array_equal(sess.run(w), [1.0, 2.0])
        loaded = np.array([3.0, 4.0], np.float32)
        w.load(loaded, sess)
        sess.run(w.assign_add([1.0, 1.0]))
        np.testing.assert_array_equal(loaded, [3.0, 4.0])
        np.testing.assert_array_equal(sess.run(w), [4.0, 5.0])


def test_variable_operators_and_bool():
    w = tf.Variable(2.0, name="w")
    with pytest.raises(TypeError, match="Python bool"):
        bool(w)
    with tf.Session() as sess:
        sess.run(w.initializer)
        assert sess.run(w + 1.0) == 3.0 and sess.run(-w) == -2.0
        assert sess.run(tf.identity(w)) == 2.0


def test_report_uninitialized_variables_names_those_without_a_value():
    assert tf.Session().run(tf.report_uninitialized_variables()).tolist() == []
    v = tf.Variable(1.0, name="v")
    w = tf.Variable(2.0, name="w")
    local = tf.Variable(0, name="local", collections=[tf.GraphKeys.LOCAL_VARIABLES])
    report = tf.report_uninitialized_variables()
    assert report.name == "report_uninitialized_variables_1/boolean_mask/GatherV2:0"
    assert report.dtype is tf.string and report.shape.as_list() == [None]
    with tf.Session() as sess:
        assert sess.run(report).tolist() == [b"v", b"w", b"local"]
        sess.run(v.initializer)
        assert sess.run(report).tolist() == [b"w", b"local"]
        sess.run([tf.global_variables_initializer(), tf.local_variables_initializer()])
        assert sess.run(report).tolist() == []
        assert sess.run(tf.report_uninitialized_variables([w, local])).tolist() == []


def test_initialized_value_inside_one_global_initializer():
    # TF1's guide: a variable initialized from another, both by global_variables_initializer()
    weights = tf.Variable(tf.random_normal([4, 3], stddev=0.35), name="weights")
    w2 = tf.Variable(weights.initialized_value(), name="w2")
    w_twice = tf.Variable(weights.initialized_value() * 2.0, name="w_twice")
    assert w2.initial_value.name == "weights/initialized_value:0"
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        got, copy, twice = sess.run([weights, w2, w_twice])
    np.testing.assert_array_equal(copy, got)
    np.testing.assert_allclose(twice, 2 * got)
