"""Name scopes and op names, exactly as TensorFlow 1 gives them (TensorBoard shows them)."""

import threading

import pytest

import flowgrad as tf


def _names():
    return [op.name for op in tf.get_default_graph().get_operations()]


def test_default_names_are_uniquified():
    assert [tf.constant(1.0).name for _ in range(3)] == ["Const:0", "Const_1:0", "Const_2:0"]
    assert tf.placeholder(tf.float32).name == "Placeholder:0"
    assert tf.placeholder(tf.float32).name == "Placeholder_1:0"
    assert tf.zeros([2]).name == "zeros:0"
    assert tf.ones([2]).name == "ones:0"
    assert tf.zeros([2]).name == "zeros_1:0"


def test_explicit_names_are_uniquified_too():
    assert tf.constant(1, name="x").name == "x:0"
    assert tf.constant(1, name="x").name == "x_1:0"
    assert tf.constant(1, name="x_1").name == "x_1_1:0"
    assert tf.constant(1, name="x").name == "x_2:0"


def test_uniquification_ignores_case():
    # as TF1: names differing only in case would collide on case-insensitive file systems
    assert tf.constant(1, name="Foo").name == "Foo:0"
    assert tf.constant(1, name="foo").name == "foo_1:0"


def test_nested_scopes():
    with tf.name_scope("outer") as outer:
        assert outer == "outer/"
        with tf.name_scope("inner") as inner:
            assert inner == "outer/inner/"
            assert tf.get_default_graph().get_name_scope() == "outer/inner"
            c = tf.constant(1.0)
        d = tf.constant(2.0, name="d")
    assert c.name == "outer/inner/Const:0"
    assert d.name == "outer/d:0"
    assert tf.get_default_graph().get_name_scope() == ""


def test_reentering_a_scope_uniquifies_it():
    with tf.name_scope("loss"):
        a = tf.reduce_sum(tf.constant([1.0]))
    with tf.name_scope("loss") as scope:
        assert scope == "loss_1/"
        b = tf.reduce_sum(tf.constant([1.0]))
    with tf.name_scope("loss") as scope:
        assert scope == "loss_2/"
    assert a.name == "loss/Sum:0" and b.name == "loss_1/Sum:0"


def test_absolute_scope_ending_in_slash_reenters_it():
    with tf.name_scope("loss") as scope:
        tf.constant(1.0, name="a")
    with tf.name_scope("elsewhere"), tf.name_scope(scope) as again:
        assert again == "loss/"
        b = tf.constant(2.0, name="b")
        a = tf.constant(3.0, name="a")
    assert b.name == "loss/b:0"
    assert a.name == "loss/a_1:0"


def test_scope_none_resets_to_the_root():
    with tf.name_scope("outer"), tf.name_scope(None) as scope:
        assert scope == ""
        assert tf.constant(1.0).name == "Const:0"


def test_scope_and_op_names_share_one_namespace():
    tf.constant(1.0, name="layer")
    with tf.name_scope("layer") as scope:
        assert scope == "layer_1/"
    with tf.name_scope("block"):
        pass
    assert tf.constant(1.0, name="block").name == "block_1:0"


def test_name_scope_default_name_and_values():
    x = tf.constant(1.0)
    with tf.name_scope(None, "Default", [x]) as scope:
        assert scope == "Default/"
    with tf.name_scope("given", "Default", [x]) as scope:
        assert scope == "given/"
    g = tf.Graph()
    with g.as_default():
        y = tf.constant(2.0)
    with tf.name_scope("other", values=[y]):  # the scope opens in y's graph
        z = tf.constant(3.0)
    assert z.graph is tf.get_default_graph()
    with g.as_default():
        assert tf.constant(1.0, name="other").name == "other_1:0"


@pytest.mark.parametrize("name", ["layer-1", "conv.2", "a_b", "A9", "x/y", "1st"])
def test_valid_scope_names(name):
    with tf.name_scope(name) as scope:
        assert scope == f"{name}/"
        assert tf.constant(1.0, name="c").name == f"{name}/c:0"


@pytest.mark.parametrize("name", ["has space", "tab\t", "semi;colon", "a:b", "ünï", "/abs",
                                  "_private", "-dash"])
def test_invalid_scope_names_raise(name):
    with pytest.raises(ValueError, match="is not a valid scope name"), tf.name_scope(name):
        pass


def test_nested_scope_may_start_with_underscore_or_dash():
    # TF1: only scopes at the root must start like an op name
    with tf.name_scope("outer"), tf.name_scope("_inner") as scope:
        assert scope == "outer/_inner/"


@pytest.mark.parametrize("name", ["bad name", "_x", "a:b"])
def test_invalid_op_names_raise(name):
    with pytest.raises(ValueError, match=f"'{name}' is not a valid node name"):
        tf.constant(1.0, name=name)


def test_variable_op_structure_in_a_scope():
    with tf.name_scope("weights"):
        w = tf.Variable([[1.0, 2.0]], name="W")
    assert _names() == ["weights/W/initial_value", "weights/W", "weights/W/Assign",
                        "weights/W/read"]
    assert w.name == "weights/W:0"
    assert w.op.name == "weights/W" and w.op.type == "VariableV2"
    assert w.initializer.name == "weights/W/Assign" and w.initializer.type == "Assign"
    assert w.initial_value.name == "weights/W/initial_value:0"
    assert w.value().name == "weights/W/read:0" and w.value().op.type == "Identity"


def test_variable_default_names():
    a = tf.Variable(1.0)
    b = tf.Variable(2.0)
    assert a.name == "Variable:0" and b.name == "Variable_1:0"
    assert b.initializer.name == "Variable_1/Assign"
    c = tf.Variable(tf.zeros([2]), name="c")
    assert c.initial_value.name == "zeros:0"  # built outside the variable's scope
    assert c.initializer.inputs[1] is c.initial_value


def test_variable_from_a_callable_uses_initializer_scope():
    w = tf.Variable(lambda: tf.zeros([2]), name="w")
    assert w.initial_value.name == "w/Initializer/zeros:0"


def test_tf1_builder_default_names():
    assert tf.constant(1.0).op.name == "Const"
    assert tf.placeholder(tf.float32).op.name == "Placeholder"
    assert tf.zeros([2, 3]).op.name == "zeros"
    assert tf.identity(tf.constant(1.0)).op.name == "Identity"
    assert tf.reduce_sum(tf.constant([1.0])).op.name == "Sum"
    assert tf.no_op().name == "NoOp"
    assert tf.group(tf.constant(1.0)).name == "group_deps"
    assert tf.global_variables_initializer().name == "init"


def test_python_operand_constants_are_named():
    x = tf.placeholder(tf.float32)
    y = x + 1.0
    z = 2.0 * x
    assert _names() == ["Placeholder", "add/y", "add", "mul/x", "mul"]
    assert y.op.inputs[1].op.type == "Const" and z.op.inputs[0].name == "mul/x:0"


def test_each_thread_has_its_own_scope():
    results = {}
    barrier = threading.Barrier(2)

    def build(scope):
        with tf.name_scope(scope):
            barrier.wait()
            results[scope] = tf.get_default_graph().get_name_scope()

    threads = [threading.Thread(target=build, args=(s,)) for s in ("a", "b")]
    [t.start() for t in threads]
    [t.join() for t in threads]
    assert results == {"a": "a", "b": "b"}
