"""tf.nn by topic: TF1 names and op types, gradients at kinks, cross-entropy stability at
±1e4/±1e30, v1 vs v2 label gradients, keyword-only arguments, and dropout statistics."""

import numpy as np
import pytest

import flowgrad as tf
from flowgrad.errors import InvalidArgumentError


def run(fetches, feed=None):
    with tf.Session() as sess:
        return sess.run(fetches, feed)


def grad_of(y, x):
    (g,) = tf.gradients(y, x)
    return g


# --- activations ----------------------------------------------------------------------------


@pytest.mark.parametrize("fn, x, expected", [
    (tf.nn.relu, [-1.0, 0.0, 2.0], [0.0, 0.0, 1.0]),
    (tf.nn.relu6, [-1.0, 0.0, 3.0, 6.0, 7.0], [0.0, 0.0, 1.0, 0.0, 0.0]),
    (tf.nn.leaky_relu, [-1.0, 0.0, 2.0], [0.2, 0.2, 1.0]),
    (tf.nn.elu, [-1.0, 0.0, 2.0], [np.exp(-1.0), 1.0, 1.0]),
])
def test_gradients_at_kinks_are_tf1s(fn, x, expected):
    x = tf.constant(x)
    np.testing.assert_allclose(run(grad_of(tf.reduce_sum(fn(x)), x)), expected, rtol=1e-6)


def test_activation_op_types_and_values():
    x = tf.constant([-2.0, -0.5, 0.5, 3.0])
    ops = {"Relu": tf.nn.relu(x), "Relu6": tf.nn.relu6(x), "Elu": tf.nn.elu(x),
           "Selu": tf.nn.selu(x), "Softplus": tf.nn.softplus(x),
           "LeakyRelu": tf.nn.leaky_relu(x, alpha=0.1), "Sigmoid": tf.nn.sigmoid(x),
           "Tanh": tf.nn.tanh(x)}
    for op_type, t in ops.items():
        assert t.op.type == op_type
        assert t.op.name == op_type
    v = np.array([-2.0, -0.5, 0.5, 3.0])
    got = run(ops)
    np.testing.assert_allclose(got["Softplus"], np.log1p(np.exp(v)), rtol=1e-6)
    np.testing.assert_allclose(got["LeakyRelu"], np.where(v > 0, v, 0.1 * v), rtol=1e-6)
    np.testing.assert_allclose(got["Selu"], 1.0507009873554805 * np.where(
        v > 0, v, 1.6732632423543772 * np.expm1(v)), rtol=1e-6)


def test_softplus_does_not_overflow():
    x = tf.constant([-1e30, -100.0, 100.0, 1e30])
    value, grad = run([tf.nn.softplus(x), grad_of(tf.reduce_sum(tf.nn.softplus(x)), x)])
    np.testing.assert_allclose(value, [0.0, np.exp(-100.0), 100.0, 1e30], rtol=1e-6, atol=1e-40)
    np.testing.assert_allclose(grad, [0.0, 0.0, 1.0, 1.0], atol=1e-30)


def test_softmax_axis_and_tf1_dim_alias():
    v = np.random.default_rng(0).normal(size=(2, 3)).astype(np.float32)
    x = tf.constant(v)
    last, first, dim = run([tf.nn.softmax(x), tf.nn.softmax(x, axis=0), tf.nn.softmax(x, dim=0)])
    e = np.exp(v - v.max(-1, keepdims=True))
    np.testing.assert_allclose(last, e / e.sum(-1, keepdims=True), rtol=1e-6)
    e0 = np.exp(v - v.max(0, keepdims=True))
    np.testing.assert_allclose(first, e0 / e0.sum(0, keepdims=True), rtol=1e-6)
    np.testing.assert_array_equal(first, dim)
    assert tf.nn.softmax(x).op.type == "Softmax"
    assert tf.nn.log_softmax(x).op.type == "LogSoftmax"


def test_softmax_is_stable_for_huge_logits():
    x = tf.constant([[1e30, 0.0, -1e30], [1e4, 1e4, -1e4]])
    soft, log_soft = run([tf.nn.softmax(x), tf.nn.log_softmax(x)])
    np.testing.assert_allclose(soft, [[1, 0, 0], [0.5, 0.5, 0]], atol=1e-7)
    np.testing.assert_allclose(log_soft[1, :2], np.log(0.5), rtol=1e-6)
    assert np.all(np.isfinite(log_soft))


def test_softmax_axis_out_of_range():
    with pytest.raises(ValueError, match=r"Dimension \(2\) must be in the range \[-2, 2\)"):
        tf.nn.softmax(tf.zeros([2, 3]), axis=2)


def test_softmax_needs_a_class_axis():
    with pytest.raises(ValueError, match="at least one dimension"):
        tf.nn.softmax(tf.constant(1.0))


def test_bias_add_names_gradient_and_shape_errors():
    x = tf.constant(np.ones((4, 3), np.float32))
    b = tf.constant([1.0, 2.0, 3.0])
    y = tf.nn.bias_add(x, b)
    assert y.name == "BiasAdd:0" and y.op.type == "BiasAdd"
    db = grad_of(tf.reduce_sum(y * 2.0), b)
    assert "BiasAddGrad" in [op.type for op in tf.get_default_graph().get_operations()]
    np.testing.assert_allclose(run(db), [8.0, 8.0, 8.0])
    with pytest.raises(ValueError, match="at least rank 2"):
        tf.nn.bias_add(b, b)
    with pytest.raises(ValueError, match="Dimensions must be equal, but are 3 and 2"):
        tf.nn.bias_add(x, tf.constant([1.0, 2.0]))
    with pytest.raises(NotImplementedError, match="NCHW"):
        tf.nn.bias_add(x, b, data_format="NCHW")


def test_l2_loss_xw_plus_b_moments_l2_normalize():
    v = np.arange(6, dtype=np.float64).reshape(2, 3)
    x = tf.constant(v)
    loss = tf.nn.l2_loss(x)
    assert loss.op.type == "L2Loss" and loss.shape == tf.TensorShape([])
    w = tf.constant(np.ones((3, 2)))
    affine = tf.nn.xw_plus_b(x, w, tf.constant([1.0, -1.0], tf.float64))
    assert affine.name == "xw_plus_b:0"
    mean, var = tf.nn.moments(x, axes=[0])
    normal = tf.nn.l2_normalize(x, axis=1)
    got = run([loss, grad_of(loss, x), affine, mean, var, normal])
    assert got[0] == pytest.approx((v ** 2).sum() / 2)
    np.testing.assert_allclose(got[1], v)
    np.testing.assert_allclose(got[2], v @ np.ones((3, 2)) + [1.0, -1.0])
    np.testing.assert_allclose(got[3], v.mean(0))
    np.testing.assert_allclose(got[4], v.var(0))
    np.testing.assert_allclose(got[5], v / np.linalg.norm(v, axis=1, keepdims=True))


# --- cross-entropies ------------------------------------------------------------------------


def test_sigmoid_cross_entropy_is_named_logistic_loss_and_matches_tf1_formula():
    x = np.array([-3.0, -0.5, 0.0, 2.0], np.float32)
    z = np.array([0.0, 1.0, 0.5, 1.0], np.float32)
    loss = tf.nn.sigmoid_cross_entropy_with_logits(labels=z, logits=tf.constant(x))
    assert loss.name == "logistic_loss:0"
    expected = np.maximum(x, 0) - x * z + np.log1p(np.exp(-np.abs(x)))
    np.testing.assert_allclose(run(loss), expected, rtol=1e-6)


def test_weighted_cross_entropy_accepts_labels_or_tf1_targets():
    x, z = tf.constant([-1.0, 2.0]), tf.constant([1.0, 0.0])
    a = tf.nn.weighted_cross_entropy_with_logits(labels=z, logits=x, pos_weight=2.0)
    b = tf.nn.weighted_cross_entropy_with_logits(targets=z, logits=x, pos_weight=2.0)
    v, t = np.array([-1.0, 2.0]), np.array([1.0, 0.0])
    expected = (1 - t) * v + (1 + t) * (np.log1p(np.exp(-np.abs(v))) + np.maximum(-v, 0))
    got = run([a, b])
    np.testing.assert_allclose(got[0], expected, rtol=1e-6)
    np.testing.assert_array_equal(got[0], got[1])
    with pytest.raises(ValueError, match="exactly one of labels= and targets="):
        tf.nn.weighted_cross_entropy_with_logits(labels=z, targets=z, logits=x, pos_weight=2.0)


@pytest.mark.parametrize("fn", [tf.nn.sigmoid_cross_entropy_with_logits,
                                tf.nn.softmax_cross_entropy_with_logits,
                                tf.nn.softmax_cross_entropy_with_logits_v2,
                                tf.nn.sparse_softmax_cross_entropy_with_logits])
def test_cross_entropies_take_keyword_arguments_only(fn):
    logits = tf.zeros([2, 3])
    with pytest.raises(ValueError, match=f"Only call `{fn.__name__}` with named arguments"):
        fn(tf.zeros([2, 3]), logits)
    with pytest.raises(ValueError, match="Both labels and logits must be provided"):
        fn(logits=logits)


def test_xent_op_names_are_tf1s():
    logits, onehot = tf.zeros([2, 3]), tf.constant([[0.0, 1.0, 0.0], [1.0, 0.0, 0.0]])
    v1 = tf.nn.softmax_cross_entropy_with_logits(labels=onehot, logits=logits)
    v2 = tf.nn.softmax_cross_entropy_with_logits_v2(labels=onehot, logits=logits)
    sparse = tf.nn.sparse_softmax_cross_entropy_with_logits(labels=[1, 0], logits=logits)
    assert v1.name == "softmax_cross_entropy_with_logits_sg:0"
    assert v2.name == "softmax_cross_entropy_with_logits:0"
    assert v1.op.type == "SoftmaxCrossEntropyWithLogits"
    assert sparse.name == ("SparseSoftmaxCrossEntropyWithLogits/"
                           "SparseSoftmaxCrossEntropyWithLogits:0")
    np.testing.assert_allclose(run([v1, v2, sparse]), [[np.log(3)] * 2] * 3, rtol=1e-6)


def test_v1_softmax_xent_blocks_label_gradients_and_v2_does_not():
    logits = tf.constant([[1.0, 2.0, 0.5]])
    labels = tf.constant([[0.2, 0.3, 0.5]])
    v1 = tf.nn.softmax_cross_entropy_with_logits(labels=labels, logits=logits)
    v2 = tf.nn.softmax_cross_entropy_with_logits_v2(labels=labels, logits=logits)
    assert tf.gradients(v1, labels) == [None]
    d_labels, d_logits_v1, d_logits_v2 = run(
        [grad_of(v2, labels), grad_of(v1, logits), grad_of(v2, logits)])
    x = np.array([1.0, 2.0, 0.5])
    log_p = x - np.log(np.exp(x).sum())
    np.testing.assert_allclose(d_labels, [-log_p], rtol=1e-6)
    np.testing.assert_allclose(d_logits_v1, [np.exp(log_p) - [0.2, 0.3, 0.5]], atol=1e-7)
    np.testing.assert_array_equal(d_logits_v1, d_logits_v2)


def _xent_losses(logits, float_labels, int_labels):
    return {
        "sigmoid": tf.nn.sigmoid_cross_entropy_with_logits(labels=float_labels, logits=logits),
        "weighted": tf.nn.weighted_cross_entropy_with_logits(
            labels=float_labels, logits=logits, pos_weight=3.0),
        "softmax_v1": tf.nn.softmax_cross_entropy_with_logits(labels=float_labels,
                                                              logits=logits),
        "softmax_v2": tf.nn.softmax_cross_entropy_with_logits_v2(labels=float_labels,
                                                                 logits=logits),
        "sparse": tf.nn.sparse_softmax_cross_entropy_with_logits(labels=int_labels,
                                                                 logits=logits),
    }


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("magnitude", [1e4, 1e30])
def test_cross_entropies_are_finite_at_huge_logits(dtype, magnitude):
    m = magnitude
    logits_value = np.array([[m, -m], [-m, m], [m, m], [-m, -m], [0.0, m]], dtype)
    onehot = np.array([[0, 1], [0, 1], [1, 0], [0, 1], [1, 0]], dtype)
    logits = tf.placeholder(dtype, [5, 2])
    losses = _xent_losses(logits, tf.constant(onehot), tf.constant([1, 1, 0, 1, 0]))
    grads = {k: grad_of(tf.reduce_sum(v), logits) for k, v in losses.items()}
    got_losses, got_grads = run([losses, grads], {logits: logits_value})
    for name in losses:
        assert np.all(np.isfinite(got_losses[name])), f"{name} loss {got_losses[name]}"
        assert np.all(np.isfinite(got_grads[name])), f"{name} gradient {got_grads[name]}"
    # wrong-class rows cost 2m (softmax) and the gradient saturates at ±1
    np.testing.assert_allclose(got_losses["softmax_v2"][:3], [2 * m, 0.0, np.log(2)], rtol=1e-6)
    np.testing.assert_allclose(got_losses["sparse"], got_losses["softmax_v2"], rtol=1e-6)
    np.testing.assert_allclose(got_grads["softmax_v2"][0], [1.0, -1.0])
    np.testing.assert_allclose(got_losses["sigmoid"][:3], [[m, m], [0, 0], [0, m]], rtol=1e-6)
    np.testing.assert_allclose(got_grads["sigmoid"][:3], [[1, -1], [0, 0], [0, 1]])


def test_softmax_xent_second_derivative_is_the_softmax_jacobian():
    x = np.array([0.3, -1.2, 2.0])
    logits = tf.constant(x)
    loss = tf.nn.sparse_softmax_cross_entropy_with_logits(labels=2, logits=logits)
    (hessian,) = tf.hessians(loss, logits)
    p = np.exp(x) / np.exp(x).sum()
    np.testing.assert_allclose(run(hessian), np.diag(p) - np.outer(p, p), rtol=1e-9)


def test_sparse_xent_rejects_out_of_range_labels_at_run_time():
    labels = tf.placeholder(tf.int32, [2])
    loss = tf.nn.sparse_softmax_cross_entropy_with_logits(labels=labels, logits=tf.zeros([2, 3]))
    with pytest.raises(InvalidArgumentError,
                       match=r"Received a label value of 5 which is outside the valid range "
                             r"of \[0, 3\)"):
        run(loss, {labels: [0, 5]})


def test_sparse_xent_checks_ranks_at_build_time():
    with pytest.raises(ValueError, match="Rank mismatch: Rank of labels"):
        tf.nn.sparse_softmax_cross_entropy_with_logits(labels=tf.zeros([2, 3], tf.int32),
                                                       logits=tf.zeros([2, 3]))


def test_sigmoid_xent_refuses_mixed_dtypes_as_tf1_does():
    with pytest.raises(TypeError, match="float32 and float64 differ"):
        tf.nn.sigmoid_cross_entropy_with_logits(labels=tf.zeros([2], tf.float64),
                                                logits=tf.zeros([2]))
    # softmax v2 casts labels to the logits' dtype, as TF1 does
    loss = tf.nn.softmax_cross_entropy_with_logits_v2(labels=tf.ones([2], tf.float64),
                                                      logits=tf.zeros([2]))
    assert loss.dtype == tf.float32


def test_sigmoid_xent_shape_mismatch():
    with pytest.raises(ValueError, match=r"logits and labels must have the same shape"):
        tf.nn.sigmoid_cross_entropy_with_logits(labels=tf.zeros([3]), logits=tf.zeros([2]))


# --- dropout --------------------------------------------------------------------------------


def test_dropout_keep_prob_one_returns_the_input_itself():
    x = tf.placeholder(tf.float32, [3])
    assert tf.nn.dropout(x, 1.0) is x
    assert tf.nn.dropout(x, keep_prob=1) is x
    assert tf.nn.dropout(x, rate=0.0) is x


def test_dropout_statistics_and_scaling():
    x = tf.ones([400, 500])
    y = tf.nn.dropout(x, 0.5)
    assert y.shape == tf.TensorShape([400, 500])
    assert y.name == "dropout/mul:0"
    value = run(y)
    zeros = np.mean(value == 0)
    assert abs(zeros - 0.5) < 0.02
    np.testing.assert_array_equal(np.unique(value), [0.0, 2.0])


def test_dropout_rate_and_keep_prob_placeholder():
    x = tf.ones([300, 300])
    keep = tf.placeholder(tf.float32)
    y = tf.nn.dropout(x, keep_prob=keep)
    z = tf.nn.dropout(x, rate=0.25)
    assert y.shape == tf.TensorShape([300, 300])
    with tf.Session() as sess:
        train = sess.run(y, {keep: 0.5})
        test = sess.run(y, {keep: 1.0})
        rated = sess.run(z)
    assert abs(np.mean(train == 0) - 0.5) < 0.02
    np.testing.assert_array_equal(test, np.ones((300, 300)))
    assert abs(np.mean(rated == 0) - 0.25) < 0.02
    np.testing.assert_allclose(np.unique(rated), [0.0, 1 / 0.75], rtol=1e-6)


def test_dropout_noise_shape_drops_whole_rows():
    y = tf.nn.dropout(tf.ones([200, 5]), 0.5, noise_shape=[200, 1])
    value = run(y)
    assert np.all((value == 0).all(1) | (value == 2).all(1))


def test_dropout_is_reproducible_with_seeds_and_differs_between_runs():
    def masks():
        graph = tf.Graph()
        with graph.as_default():
            tf.set_random_seed(7)
            y = tf.nn.dropout(tf.ones([1000]), 0.5, seed=3)
            with tf.Session() as sess:
                return sess.run(y), sess.run(y)

    first, second = masks()
    again, _ = masks()
    np.testing.assert_array_equal(first, again)
    assert not np.array_equal(first, second)


def test_dropout_gradient_is_the_mask_over_keep_prob():
    x = tf.ones([1000])
    y = tf.nn.dropout(x, 0.25)
    value, grad = run([y, grad_of(tf.reduce_sum(y), x)])
    np.testing.assert_array_equal(grad, value)


def test_dropout_argument_errors():
    x = tf.ones([3])
    with pytest.raises(ValueError, match=r"keep_prob must be a scalar tensor or a float in the "
                                         r"range \(0, 1\], got 1.5"):
        tf.nn.dropout(x, 1.5)
    with pytest.raises(ValueError, match="Cannot specify both 'keep_prob' and 'rate'"):
        tf.nn.dropout(x, 0.5, rate=0.5)
    with pytest.raises(ValueError, match="You must provide a rate to dropout"):
        tf.nn.dropout(x)
    with pytest.raises(ValueError, match="x has to be a floating point tensor"):
        tf.nn.dropout(tf.ones([3], tf.int32), 0.5)


def test_in_top_k_evaluation_as_in_the_mnist_tutorial():
    logits = tf.placeholder(tf.float32, [None, 3], name="logits")
    labels = tf.placeholder(tf.int32, [None], name="labels")
    correct = tf.nn.in_top_k(logits, labels, 1)
    assert correct.op.type == "InTopKV2" and correct.name == "InTopKV2:0"
    assert correct.dtype is tf.bool and correct.shape.as_list() == [None]
    count = tf.reduce_sum(tf.cast(correct, tf.int32))
    feed = {logits: [[0.1, 0.8, 0.1], [0.5, 0.5, 0.0], [0.2, 0.3, 0.5]], labels: [1, 1, 0]}
    assert run(count, feed) == 2  # a tie counts for the target


def test_top_k_returns_values_and_indices_largest_first():
    values, indices = result = tf.nn.top_k(tf.constant([[1.0, 3.0, 3.0, 2.0]]), k=3)
    assert result.values is values and type(result).__name__ == "TopKV2"
    assert values.name == "TopKV2:0" and indices.name == "TopKV2:1" and indices.dtype is tf.int32
    got_values, got_indices = run([values, indices])
    np.testing.assert_array_equal(got_values, [[3.0, 3.0, 2.0]])
    np.testing.assert_array_equal(got_indices, [[1, 2, 3]])
    with pytest.raises(ValueError, match="input must have at least k=5 columns"):
        tf.nn.top_k(tf.ones([2, 4]), 5)


def test_zero_fraction_of_relu_activations():
    x = tf.placeholder(tf.float32, [None, 2])
    sparsity = tf.nn.zero_fraction(tf.nn.relu(x))
    assert sparsity.name == "zero_fraction/fraction:0" and sparsity.dtype is tf.float32
    assert run(sparsity, {x: [[-1.0, 2.0], [0.0, -3.0]]}) == 0.75
