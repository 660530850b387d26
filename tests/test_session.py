"""Session: lifecycle, default sessions, plan caching, execution order of stateful ops, errors
that name the op, and concurrent runs."""

import threading
import warnings
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

import flowgrad as tf
from flowgrad.errors import FailedPreconditionError, InvalidArgumentError


def test_session_uses_the_default_or_given_graph():
    g = tf.Graph()
    with g.as_default():
        c = tf.constant(2.0)
        inner = tf.Session()
    assert inner.graph is g
    assert inner.run(c) == 2.0
    assert tf.Session().graph is tf.get_default_graph()
    assert tf.Session(graph=g).run(c) == 2.0
    inner.close()


def test_close_and_context_manager():
    c = tf.constant(1.0)
    with tf.Session() as sess:
        assert tf.get_default_session() is sess
        assert not sess.closed
    assert sess.closed
    assert tf.get_default_session() is None
    with pytest.raises(RuntimeError, match="Attempted to use a closed Session."):
        sess.run(c)
    sess.close()  # closing twice is fine
    other = tf.Session()
    other.close()
    with pytest.raises(RuntimeError, match="closed Session"):
        other.run(c)


def test_eval_and_run_with_the_default_session():
    x = tf.placeholder(tf.float32, [])
    y = x * 2.0
    w = tf.Variable(1.0, name="w")
    bump = w.assign_add(1.0).op
    with pytest.raises(ValueError, match="no default session"):
        y.eval({x: 1.0})
    with pytest.raises(ValueError, match="no default session"):
        bump.run()
    with tf.Session() as sess:
        assert y.eval({x: 3.0}) == 6.0
        assert y.eval(feed_dict={x: 4.0}, session=sess) == 8.0
        w.initializer.run()
        assert bump.run() is None
        assert w.eval() == 2.0


def test_as_default_does_not_close():
    c = tf.constant(5.0)
    sess = tf.Session()
    with sess.as_default() as entered:
        assert entered is sess and tf.get_default_session() is sess
        assert c.eval() == 5.0
        other = tf.Session()
        with other.as_default():
            assert tf.get_default_session() is other
        assert tf.get_default_session() is sess
    assert tf.get_default_session() is None
    assert not sess.closed and sess.run(c) == 5.0
    sess.close()
    other.close()


def test_default_session_is_per_thread():
    seen = []
    with tf.Session():
        worker = threading.Thread(target=lambda: seen.append(tf.get_default_session()))
        worker.start()
        worker.join()
    assert seen == [None]


def test_interactive_session():
    c = tf.constant(3.0)
    sess = tf.InteractiveSession()
    try:
        assert tf.get_default_session() is sess
        assert c.eval() == 3.0
        with tf.Session() as inner:  # an entered session takes precedence
            assert tf.get_default_session() is inner
        assert tf.get_default_session() is sess
    finally:
        sess.close()
    assert tf.get_default_session() is None


def test_eval_in_another_graphs_session_is_refused():
    c = tf.constant(1.0)
    with (tf.Graph().as_default(), tf.Session(),
          pytest.raises(ValueError, match="another graph")):
        c.eval()


def test_config_proto_and_device_are_accepted():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        config = tf.ConfigProto(log_device_placement=True, allow_soft_placement=True,
                                gpu_options=tf.GPUOptions(allow_growth=True))
    with tf.device("/gpu:0"):
        c = tf.constant(1.0) + 1.0
    with tf.Session(config=config) as sess:
        assert sess.run(c, options=tf.RunOptions(), run_metadata=tf.RunMetadata()) == 2.0
        assert sess.list_devices()
    # TF1's usual idiom sets the nested options as attributes
    config = tf.ConfigProto()
    config.gpu_options.allow_growth = True
    config.gpu_options.per_process_gpu_memory_fraction = 0.4
    config.allow_soft_placement = True
    with tf.Session(config=config) as sess:
        assert sess.run(c) == 2.0


def test_second_identical_run_compiles_nothing():
    x = tf.placeholder(tf.float32, [None], name="x")
    y = tf.reduce_sum(x * 2.0)
    with tf.Session() as sess:
        assert sess.compile_count == 0
        sess.run(y, {x: [1.0]})
        assert sess.compile_count == 1
        for i in range(5):
            assert sess.run(y, {x: [float(i)]}) == 2.0 * i
        sess.run(y, {"x:0": [1.0, 2.0]})  # the same signature, by name
        assert sess.compile_count == 1
        sess.run([y, x], {x: [1.0]})  # another fetch set
        assert sess.compile_count == 2
        sess.run([y, x], {x: [1.0]})
        assert sess.compile_count == 2


def test_plan_is_rebuilt_after_the_graph_changes():
    x = tf.placeholder(tf.float32, [], name="x")
    y = x + 1.0
    w = tf.Variable(10.0, name="w")
    with tf.Session() as sess:
        sess.run(w.initializer)
        assert sess.run(y, {x: 1.0}) == 2.0
        count = sess.compile_count
        with tf.control_dependencies([w.assign_add(5.0)]):
            z = tf.identity(y)  # a new op in the graph
        assert sess.run(y, {x: 1.0}) == 2.0
        assert sess.compile_count == count + 1
        assert sess.run(z, {x: 1.0}) == 2.0
        assert sess.run(w) == 15.0


def test_control_dependencies_are_honored():
    counter = tf.Variable(0, name="counter")
    increment = counter.assign_add(1)
    with tf.control_dependencies([increment]):
        ticked = tf.constant(7)
        nothing = tf.no_op()
    with tf.Session() as sess:
        sess.run(counter.initializer)
        assert sess.run(ticked) == 7
        sess.run(nothing)
        assert sess.run(counter) == 2
        sess.run(tf.group(increment, ticked))
        assert sess.run(counter) == 3  # one run executes each op once


def test_stateful_ops_run_after_the_pure_computation_they_do_not_feed():
    w = tf.Variable([1.0, 2.0], name="w")
    x = tf.placeholder(tf.float32, [2], name="x")
    loss = tf.reduce_sum(w * x)
    update = w.assign_sub(x)
    reset = w.assign([1.0, 2.0])
    with tf.Session() as sess:
        sess.run(w.initializer)
        old, new = sess.run([w.value(), update], {x: [1.0, 1.0]})
        np.testing.assert_array_equal(old, [1.0, 2.0])
        np.testing.assert_array_equal(new, [0.0, 1.0])
        sess.run(reset)
        before, _ = sess.run([w, update], {x: [1.0, 1.0]})
        np.testing.assert_array_equal(before, [1.0, 2.0])
        sess.run(reset)
        loss_value, _ = sess.run([loss, update], {x: [1.0, 1.0]})
        assert loss_value == 3.0  # computed with the old w


def test_a_failure_before_the_first_stateful_kernel_changes_nothing():
    a = tf.Variable([1.0, 2.0], name="a")
    b = tf.Variable([3.0, 4.0], name="b")
    x = tf.placeholder(tf.float32, [2], name="x")
    checked = tf.check_numerics(x * 2.0, "gradient")
    train = tf.group(a.assign_sub(checked), b.assign_add(checked))
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        with pytest.raises(InvalidArgumentError, match="gradient : Tensor had NaN values"):
            sess.run(train, {x: [np.nan, 1.0]})
        np.testing.assert_array_equal(sess.run(a), [1.0, 2.0])
        np.testing.assert_array_equal(sess.run(b), [3.0, 4.0])
        sess.run(train, {x: [1.0, 1.0]})
        np.testing.assert_array_equal(sess.run(a), [-1.0, 0.0])


def test_a_failing_stateful_kernel_names_the_variables_already_updated():
    a = tf.Variable([1.0, 2.0], name="a")
    b = tf.Variable([3.0, 4.0], name="b")
    x = tf.placeholder(tf.float32, name="x")  # unknown shape: only the run can check it
    train = tf.group(a.assign_add([1.0, 1.0]), b.assign_add(x))
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        with pytest.raises(InvalidArgumentError) as info:
            sess.run(train, {x: np.ones(3, np.float32)})
        message = str(info.value)
        assert "AssignAdd 'AssignAdd_1'" in message
        assert "Variables already updated in this run: a." in message
        np.testing.assert_array_equal(sess.run(a), [2.0, 3.0])
        np.testing.assert_array_equal(sess.run(b), [3.0, 4.0])


def test_run_time_errors_name_the_op_and_shapes():
    x = tf.placeholder(tf.float32, [None, None], name="x")
    y = tf.placeholder(tf.float32, [None, None], name="y")
    with tf.name_scope("dense"):
        product = tf.matmul(x, y)
    with tf.Session() as sess, pytest.raises(InvalidArgumentError) as info:
        sess.run(product, {x: np.ones((2, 3)), y: np.ones((4, 5))})
    message = str(info.value)
    assert "MatMul 'dense/MatMul'" in message
    assert "test_session.py:" in message
    assert "(2, 3)" in message and "(4, 5)" in message
    assert info.value.op is product.op


def test_uninitialized_error_is_failed_precondition():
    w = tf.Variable(1.0, name="w")
    with tf.Session() as sess, pytest.raises(FailedPreconditionError, match="value w"):
        sess.run(w + 1.0)


def test_make_callable():
    x = tf.placeholder(tf.float32, [], name="x")
    y = x * 3.0
    with tf.Session() as sess:
        triple = sess.make_callable(y, [x])
        assert triple(2.0) == 6.0 and triple(3.0) == 9.0
        assert sess.compile_count == 1


def test_concurrent_runs_on_one_session():
    x = tf.placeholder(tf.float32, [3], name="x")
    y = tf.reduce_sum(x * 2.0) + 1.0
    counter = tf.Variable(0, name="counter")
    tick = counter.assign_add(1)
    sess = tf.Session()
    sess.run(counter.initializer)

    def worker(k):
        wrong = []
        for i in range(200):
            value = float(k * 1000 + i)
            got, _ = sess.run([y, tick], {x: [value, 0.0, 1.0]})
            if got != 2.0 * (value + 1.0) + 1.0:
                wrong.append((i, got))
        return wrong

    with ThreadPoolExecutor(8) as pool:  # result() re-raises a worker's exception
        assert [f.result() for f in [pool.submit(worker, k) for k in range(8)]] == [[]] * 8
    assert sess.compile_count == 2  # the initializer's plan and the workers' one
    assert sess.run(counter) == 8 * 200
    sess.close()


def test_inf_and_nan_are_made_silently_as_in_tf1():
    x = tf.placeholder(tf.float32, [2])
    outs = [tf.log(x), x / 0.0, tf.exp(x * 1000.0), tf.sqrt(x), tf.log(tf.constant(-1.0))]
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # NumPy's RuntimeWarnings would raise here
        with tf.Session() as sess:
            got = sess.run(outs, {x: [-1.0, 0.0]})
    assert np.isnan(got[0][0]) and got[0][1] == -np.inf and np.isnan(got[1][1])
    assert np.geterr()["invalid"] == "warn"  # the user's NumPy settings are untouched
