"""Graph, Operation and Tensor: default graphs, lookup, collections, control dependencies,
devices, Tensor identity and the Python operators with TF1's op names."""

import pathlib
import threading

import numpy as np
import pytest

import flowgrad as tf


def test_default_graph_and_as_default():
    outer = tf.get_default_graph()
    g = tf.Graph()
    with g.as_default() as entered:
        assert entered is g
        assert tf.get_default_graph() is g
        c = tf.constant(1.0)
    assert c.graph is g and c.op.graph is g
    assert tf.get_default_graph() is outer
    assert g.get_operations() == [c.op]
    assert outer.get_operations() == []


def test_default_graph_stack_is_per_thread():
    g = tf.Graph()
    seen = []
    with g.as_default():
        worker = threading.Thread(target=lambda: seen.append(tf.get_default_graph()))
        worker.start()
        worker.join()
    assert seen[0] is not g


def test_reset_default_graph():
    old = tf.get_default_graph()
    tf.constant(1)
    tf.reset_default_graph()
    assert tf.get_default_graph() is not old
    assert tf.get_default_graph().get_operations() == []
    assert tf.constant(1).name == "Const:0"
    with tf.Graph().as_default(), pytest.raises(AssertionError, match="reset_default_graph"):
        tf.reset_default_graph()


def test_finalize_makes_the_graph_read_only():
    g = tf.Graph()
    with g.as_default():
        c = tf.constant(1.0)
    g.finalize()
    assert g.finalized
    with g.as_default():
        with pytest.raises(RuntimeError, match="Graph is finalized and cannot be modified: an "
                                               "op is being added at test_graph.py:\\d+, after "
                                               "graph.finalize"):
            tf.constant(2.0)
        with pytest.raises(RuntimeError, match="finalized"):
            c + 1.0
    assert len(g.get_operations()) == 1
    with tf.Session(graph=g) as sess:  # running a finalized graph is fine
        assert sess.run(c) == 1.0


def test_graph_def_of_graph_and_session_and_write_graph(tmp_path):
    x = tf.placeholder(tf.float32, [None, 2], name="x")
    tf.reduce_sum(x * 2.0, name="total")
    graph_def = tf.get_default_graph().as_graph_def()
    assert [n.name for n in graph_def.node] == ["x", "mul/y", "mul", "Const", "total"]
    assert graph_def.node[4].op == "Sum" and list(graph_def.node[4].input) == ["mul", "Const"]
    assert "_output_shapes" not in graph_def.node[0].attr
    with tf.Session() as sess:
        assert sess.graph_def == graph_def
        text = tf.train.write_graph(sess.graph_def, str(tmp_path / "out"), "graph.pbtxt")
        binary = tf.train.write_graph(sess.graph, str(tmp_path), "graph.pb", as_text=False)
    assert text == str(tmp_path / "out" / "graph.pbtxt")
    assert pathlib.Path(text).read_text().startswith('node {\n  name: "x"\n  op: "Placeholder"')
    assert type(graph_def).FromString(pathlib.Path(binary).read_bytes()) == graph_def


def test_get_operations_in_creation_order():
    a = tf.constant(1.0, name="a")
    b = tf.constant(2.0, name="b")
    c = tf.add(a, b, name="c")
    assert [op.name for op in tf.get_default_graph().get_operations()] == ["a", "b", "c"]
    assert tf.get_default_graph().get_operations() is not tf.get_default_graph().get_operations()
    assert c.op.inputs == (a, b)


def test_get_operation_and_tensor_by_name():
    g = tf.get_default_graph()
    with tf.name_scope("loss"):
        s = tf.reduce_sum(tf.constant([1.0, 2.0]))
    assert s.name == "loss/Sum:0"
    assert g.get_tensor_by_name("loss/Sum:0") is s
    assert g.get_operation_by_name("loss/Sum") is s.op
    assert g.as_graph_element("loss/Sum:0") is s


@pytest.mark.parametrize("name, error, words", [
    ("nothing:0", KeyError, "The operation, 'nothing', does not exist"),
    ("loss/Sum:3", KeyError, "has 1 outputs"),
    ("loss/Sum", ValueError, "looks like an operation name, not a tensor name"),
])
def test_get_tensor_by_name_errors(name, error, words):
    with tf.name_scope("loss"):
        tf.reduce_sum(tf.constant([1.0, 2.0]))
    with pytest.raises(error, match=words):
        tf.get_default_graph().get_tensor_by_name(name)


def test_get_operation_by_name_errors():
    tf.constant(1.0, name="c")
    g = tf.get_default_graph()
    with pytest.raises(KeyError, match="'nothing' refers to an Operation not in the graph"):
        g.get_operation_by_name("nothing")
    with pytest.raises(ValueError, match="looks like a tensor name"):
        g.get_operation_by_name("c:0")


def test_elements_of_another_graph_are_refused():
    with tf.Graph().as_default():
        foreign = tf.constant(1.0)
    with pytest.raises(ValueError, match="not an element of this graph"):
        tf.get_default_graph().as_graph_element(foreign)
    with pytest.raises(ValueError, match="another graph"):
        tf.constant(1.0) + foreign


def test_collections_and_graph_keys():
    assert tf.GraphKeys.GLOBAL_VARIABLES == "variables"
    assert tf.GraphKeys.TRAINABLE_VARIABLES == "trainable_variables"
    assert tf.GraphKeys.SUMMARIES == "summaries"
    assert tf.GraphKeys.LOSSES == "losses"
    assert tf.GraphKeys.UPDATE_OPS == "update_ops"
    a = tf.constant(1.0, name="a")
    with tf.name_scope("s"):
        b = tf.constant(2.0, name="b")
    tf.add_to_collection("mine", a)
    tf.add_to_collections(["mine", "other"], b)
    assert tf.get_collection("mine") == [a, b]
    assert tf.get_collection("other") == [b]
    assert tf.get_collection("mine", scope="s") == [b]
    assert tf.get_collection("missing") == []
    copy = tf.get_collection("mine")
    copy.append("x")
    assert tf.get_collection("mine") == [a, b]
    ref = tf.get_collection_ref("mine")
    ref.append(a)
    assert tf.get_collection("mine") == [a, b, a]
    assert set(tf.get_default_graph().get_all_collection_keys()) == {"mine", "other"}
    tf.get_default_graph().clear_collection("other")
    assert tf.get_collection("other") == []


def test_variables_join_their_collections():
    w = tf.Variable(1.0, name="w")
    c = tf.Variable(2.0, name="c", trainable=False)
    assert tf.get_collection(tf.GraphKeys.GLOBAL_VARIABLES) == [w, c]
    assert tf.get_collection(tf.GraphKeys.TRAINABLE_VARIABLES) == [w]


def test_control_dependencies():
    a = tf.constant(1.0, name="a")
    b = tf.constant(2.0, name="b")
    with tf.control_dependencies([a, b.op]):
        c = tf.constant(3.0, name="c")
        with tf.control_dependencies(None):
            d = tf.constant(4.0, name="d")
        with tf.control_dependencies([d]):
            e = tf.constant(5.0, name="e")
    f = tf.constant(6.0, name="f")
    assert c.op.control_inputs == [a.op, b.op]
    assert d.op.control_inputs == []
    assert e.op.control_inputs == [a.op, b.op, d.op]
    assert f.op.control_inputs == []


def test_control_dependency_not_repeated_for_a_data_input():
    a = tf.constant(1.0, name="a")
    with tf.control_dependencies([a]):
        b = tf.identity(a)
    assert b.op.control_inputs == []


def test_device_is_recorded_on_ops():
    with tf.device("/cpu:0"):
        a = tf.constant(1.0)
        with tf.device("/gpu:0"):
            b = tf.constant(2.0)
        with tf.device(None):
            c = tf.constant(3.0)
    d = tf.constant(4.0)
    assert a.op.device == "/cpu:0" and a.device == "/cpu:0"
    assert b.op.device == "/gpu:0"
    assert c.op.device == "" and d.op.device == ""


def test_operation_fields():
    x = tf.placeholder(tf.float32, [None, 2], name="x")
    y = tf.constant([1.0, 2.0], name="y")
    with tf.control_dependencies([y]):
        z = tf.add(x, x, name="z")
    op = z.op
    assert op.name == "z" and op.type == "AddV2"
    assert op.inputs == (x, x)
    assert op.outputs == (z,) and op.values() == (z,)
    assert op.control_inputs == [y.op]
    assert op.device == ""
    assert op.graph is tf.get_default_graph()
    assert x.op.type == "Placeholder"
    assert x.op.get_attr("dtype") is tf.float32
    with pytest.raises(ValueError, match="no attr named 'nope'"):
        x.op.get_attr("nope")
    assert repr(op) == "<tf.Operation 'z' type=AddV2>"


def test_tensor_fields():
    with tf.name_scope("loss"):
        x = tf.placeholder(tf.float32, [None, 3])
        s = tf.reduce_sum(x, axis=1)
    assert s.name == "loss/Sum:0"
    assert s.op.name == "loss/Sum" and s.op.type == "Sum"
    assert s.value_index == 0
    assert s.dtype is tf.float32
    assert s.shape.as_list() == [None] and s.get_shape().as_list() == [None]
    assert s.graph is tf.get_default_graph()
    assert x.consumers() == [s.op]
    assert s.consumers() == []
    assert repr(s) == "<tf.Tensor 'loss/Sum:0' shape=(?,) dtype=float32>"


def test_multi_output_op_tensor_names():
    parts = tf.unstack(tf.constant([[1.0, 2.0], [3.0, 4.0]]))
    assert [t.name for t in parts] == ["unstack:0", "unstack:1"]
    assert [t.value_index for t in parts] == [0, 1]
    assert tf.get_default_graph().get_tensor_by_name("unstack:1") is parts[1]


def test_tensor_equality_is_identity_and_tensors_hash():
    a = tf.constant(1.0)
    b = tf.constant(1.0)
    same = a
    assert (a == same) is True and (a == b) is False and (a != b) is True
    assert {a: 1, b: 2}[a] == 1
    assert len({a, b, a}) == 2
    assert a in [a] and a not in [b]


def test_tensor_as_python_bool_raises():
    t = tf.constant(True)
    with pytest.raises(TypeError, match="Python bool"):
        bool(t)
    with pytest.raises(TypeError):
        if t:
            pass
    with pytest.raises(TypeError, match="not iterable"):
        list(tf.constant([1, 2]))


def test_numpy_array_on_either_side_gives_a_tensor():
    t = tf.constant([1.0, 2.0])
    array = np.array([10.0, 20.0], np.float32)
    for out in (array + t, t + array, array * t, array - t, array / t, np.float32(2) * t):
        assert isinstance(out, tf.Tensor)
    with tf.Session() as sess:
        np.testing.assert_allclose(sess.run(array - t), [9.0, 18.0])
        np.testing.assert_allclose(sess.run(array / t), [10.0, 10.0])


@pytest.mark.parametrize("build, name, op_type", [
    (lambda a, b: a + b, "add", "AddV2"),
    (lambda a, b: a - b, "sub", "Sub"),
    (lambda a, b: a * b, "mul", "Mul"),
    (lambda a, b: a / b, "truediv", "RealDiv"),
    (lambda a, b: a // b, "floordiv", "FloorDiv"),
    (lambda a, b: a % b, "mod", "FloorMod"),
    (lambda a, b: a ** b, "pow", "Pow"),
    (lambda a, b: a @ b, "matmul", "MatMul"),
    (lambda a, b: -a, "Neg", "Neg"),
    (lambda a, b: a < b, "Less", "Less"),
    (lambda a, b: a <= b, "LessEqual", "LessEqual"),
    (lambda a, b: a > b, "Greater", "Greater"),
    (lambda a, b: a >= b, "GreaterEqual", "GreaterEqual"),
])
def test_operator_op_names(build, name, op_type):
    a = tf.constant([[1.0, 2.0], [3.0, 4.0]])
    b = tf.constant([[2.0, 1.0], [1.0, 2.0]])
    out = build(a, b)
    assert out.op.name == name and out.op.type == op_type
    assert out.name == f"{name}:0"
    again = build(a, b)
    assert again.op.name == f"{name}_1"


@pytest.mark.parametrize("build, name, op_type, expected", [
    (lambda p, q: p & q, "and", "LogicalAnd", [True, False, False, False]),
    (lambda p, q: p | q, "or", "LogicalOr", [True, True, True, False]),
    (lambda p, q: p ^ q, "xor", "LogicalAnd", [False, True, True, False]),
    (lambda p, q: ~p, "LogicalNot", "LogicalNot", [False, False, True, True]),
])
def test_logical_operators_on_bool(build, name, op_type, expected):
    p = tf.constant([True, True, False, False])
    q = tf.constant([True, False, True, False])
    out = build(p, q)
    assert out.op.name == name and out.op.type == op_type
    with tf.Session() as sess:
        assert sess.run(out).tolist() == expected


def test_reflected_operators_keep_order():
    t = tf.constant([2.0, 4.0])
    with tf.Session() as sess:
        np.testing.assert_allclose(sess.run(1.0 - t), [-1.0, -3.0])
        np.testing.assert_allclose(sess.run(8.0 / t), [4.0, 2.0])
        np.testing.assert_allclose(sess.run(2.0 ** t), [4.0, 16.0])
        np.testing.assert_allclose(sess.run(9.0 // t), [4.0, 2.0])
        np.testing.assert_allclose(sess.run(9.0 % t), [1.0, 1.0])
        np.testing.assert_allclose(sess.run(-t), [-2.0, -4.0])
        np.testing.assert_allclose(sess.run(abs(-t)), [2.0, 4.0])
        assert sess.run(t < 3.0).tolist() == [True, False]
        assert sess.run(3.0 > t).tolist() == [True, False]


def test_operators_on_variables_read_through_read():
    w = tf.Variable([1.0, 2.0], name="W")
    out = w * 2.0
    assert out.op.name == "mul"
    assert w.value() in out.op.inputs
    with tf.Session() as sess:
        sess.run(w.initializer)
        np.testing.assert_allclose(sess.run(out), [2.0, 4.0])


def test_lists_holding_tensors_are_packed():
    n = tf.shape(tf.placeholder(tf.float32, [None, 3], name="x"))[0]
    packed = tf.convert_to_tensor([n, 3])
    assert packed.op.type == "Pack" and packed.name == "packed:0"
    assert packed.dtype is tf.int32 and packed.shape.as_list() == [2]
    a = tf.constant(1.5)
    nested = tf.convert_to_tensor([[a, 2], [3, a]], name="grid")
    assert nested.name == "grid:0" and nested.dtype is tf.float32
    tiled = tf.tile(tf.constant([[1.0]]), [tf.constant(2), 3])
    with tf.Session() as sess:
        np.testing.assert_array_equal(sess.run(nested), [[1.5, 2.0], [3.0, 1.5]])
        np.testing.assert_array_equal(sess.run(tiled), np.ones((2, 3)))
        np.testing.assert_array_equal(sess.run(packed, {"x:0": np.ones((4, 3))}), [4, 3])
    with pytest.raises(TypeError):
        tf.convert_to_tensor([a, 2.5], dtype=tf.int32)


def test_tensors_are_not_numpy_arrays():
    a = tf.constant([1.0, 2.0])
    w = tf.Variable(1.0, name="w")
    for value in (a, w):
        with pytest.raises(NotImplementedError, match="Cannot convert"):
            np.array(value)
    with pytest.raises(NotImplementedError, match=r"symbolic Tensor \(Const:0\)"):
        np.mean(a)
