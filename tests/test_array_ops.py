"""TF1 behaviour of the array family that the generic suites do not see: op names and types,
strided-slice mask encoding, one_hot's out-of-range rows, Prod's gradient at zeros, runtime
sizes in concat's gradient, constant folding of shapes, and errors that name shapes."""

import numpy as np
import pytest

import flowgrad as tf
from flowgrad.errors import InvalidArgumentError, ShapeError


def run(fetches, feed=None):
    with tf.Session() as sess:
        return sess.run(fetches, feed)


def masks(t):
    keys = ("begin_mask", "end_mask", "ellipsis_mask", "new_axis_mask", "shrink_axis_mask")
    return tuple(t.op.get_attr(k) for k in keys)


def spec(t):
    return [np.asarray(i.op.get_attr("value")).tolist() for i in t.op.inputs[1:]]


# --- t[...] ------------------------------------------------------------------------------


def test_getitem_is_one_strided_slice_named_as_tf1():
    x = tf.placeholder(tf.float32, [3, 4], name="x")
    y, z = x[0], x[1:]
    assert y.op.type == "StridedSlice" and y.op.name == "strided_slice"
    assert [t.op.name for t in y.op.inputs] == ["x", "strided_slice/stack", "strided_slice/stack_1",
                                                "strided_slice/stack_2"]
    assert z.op.name == "strided_slice_1"
    assert all(t.op.type == "Const" and t.dtype == tf.int32 for t in y.op.inputs[1:])


@pytest.mark.parametrize("key, expected_spec, expected_masks, shape", [
    ((slice(None), 1), [[0, 1], [0, 2], [1, 1]], (1, 1, 0, 0, 2), [3]),
    (-1, [[-1], [0], [1]], (0, 0, 0, 0, 1), [4]),
    (slice(None, None, -1), [[0], [0], [-1]], (1, 1, 0, 0, 0), [3, 4]),
    ((Ellipsis, None), [[0, 0], [0, 0], [1, 1]], (0, 0, 1, 2, 0), [3, 4, 1]),
    ((1, Ellipsis, slice(None, 2)), [[1, 0, 0], [2, 0, 2], [1, 1, 1]], (4, 0, 2, 0, 1), [2]),
    ((None, slice(1, None, 2)), [[0, 1], [0, 0], [1, 2]], (0, 2, 0, 1, 0), [1, 1, 4]),
])
def test_getitem_encodes_masks_as_tf1(key, expected_spec, expected_masks, shape):
    x = tf.placeholder(tf.float32, [3, 4])
    y = x[key]
    assert spec(y) == expected_spec
    assert masks(y) == expected_masks
    assert y.shape.as_list() == shape


def test_getitem_values_and_shapes_match_numpy():
    a = np.arange(24.0).reshape(2, 3, 4)
    x = tf.placeholder(tf.float64, [None, 3, 4])
    keys = [(1, slice(None, None, -2)), (Ellipsis, -1), (None, 0, Ellipsis, None),
            (slice(-100, 100), 2, slice(3, 0, -1)), (0, 1, 2)]
    ys = [x[k] for k in keys]
    assert [y.shape.as_list() for y in ys] == [[2, 4], [None, 3], [1, 3, 4, 1], [None, 3], []]
    for y, got, k in zip(ys, run(ys, {x: a}), keys):
        np.testing.assert_array_equal(got, a[k])


def test_getitem_with_tensor_index_packs_it():
    x = tf.placeholder(tf.float32, [3, 4])
    i = tf.placeholder(tf.int32, [], name="i")
    y = x[i, 1:]
    names = [op.name for op in tf.get_default_graph().get_operations()]
    assert names[-8:] == ["add/y", "add", "strided_slice/stack/values_1", "strided_slice/stack",
                          "strided_slice/stack_1/values_1", "strided_slice/stack_1",
                          "strided_slice/stack_2", "strided_slice"]
    assert [t.op.type for t in y.op.inputs[1:]] == ["Pack", "Pack", "Const"]
    assert y.shape.as_list() == [None]  # begin is not constant: TF1 cannot size the slice
    a = np.arange(12.0, dtype=np.float32).reshape(3, 4)
    np.testing.assert_array_equal(run(y, {x: a, i: -1}), a[-1, 1:])


def test_getitem_list_is_a_tuple_and_bad_indices_raise_tf1_type_error():
    x = tf.placeholder(tf.float32, [3, 4])
    a = np.arange(12.0, dtype=np.float32).reshape(3, 4)
    assert run(x[[1, 2]], {x: a}) == a[1, 2]
    for bad in (1.5, "a", tf.constant([0, 1]), tf.constant(1.0)):
        with pytest.raises(TypeError, match=r"Only integers, slices \(`:`\), ellipsis"):
            x[bad]


def test_getitem_bool_mask_is_boolean_mask():
    x = tf.placeholder(tf.float32, [None, 2])
    mask = tf.placeholder(tf.bool, [None])
    a = np.arange(8.0, dtype=np.float32).reshape(4, 2)
    m = np.array([True, False, True, True])
    np.testing.assert_array_equal(run(x[mask], {x: a, mask: m}), a[m])
    g = tf.gradients(tf.reduce_sum(x[mask] * 3.0), x)[0]
    np.testing.assert_array_equal(run(g, {x: a, mask: m}), np.where(m[:, None], 3.0, 0.0)[:, [0, 0]])


def test_getitem_errors_name_the_shape():
    x = tf.placeholder(tf.float32, [3, 4], name="x")
    with pytest.raises(ShapeError, match=r"slice index 5 of dimension 0 out of bounds.*\(3, 4\)"):
        x[5]
    with pytest.raises(ShapeError, match=r"Index out of range using input dim 2"):
        x[0, 1, 2]
    with pytest.raises(ShapeError, match="strides\\[1\\] must be non-zero"):
        x[:, ::0]
    with pytest.raises(ShapeError, match="Multiple ellipses"):
        x[..., ...]
    y = tf.placeholder(tf.float32, [None])
    with pytest.raises(InvalidArgumentError, match=r"StridedSlice 'strided_slice_\d'"):
        run(y[4], {y: np.zeros(2, np.float32)})


def test_getitem_of_a_variable_reads_it_and_never_aliases_its_value():
    v = tf.Variable([[1.0, 2.0], [3.0, 4.0]])
    row, col = v[0], tf.unstack(v, axis=1)[0]
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        got_row, got_col = sess.run([row, col])
        got_row[0] = got_col[0] = 100.0
        np.testing.assert_array_equal(sess.run(v), [[1.0, 2.0], [3.0, 4.0]])
    assert row.op.inputs[0].op.name == "Variable/read"


def test_strided_slice_gradient_is_strided_slice_grad():
    x = tf.placeholder(tf.float32, [3, 4])
    y = x[1:, ::-2]
    (g,) = tf.gradients(tf.reduce_sum(y), x)
    assert g.op.type == "StridedSliceGrad"
    assert g.op.name == "gradients/strided_slice_grad/StridedSliceGrad"
    expected = np.zeros((3, 4), np.float32)
    expected[1:, ::-2] = 1.0
    np.testing.assert_array_equal(run(g, {x: np.ones((3, 4))}), expected)


def test_strided_slice_builder_takes_tf1_masks():
    x = tf.placeholder(tf.float32, [2, 3, 4])
    a = np.arange(24.0, dtype=np.float32).reshape(2, 3, 4)
    y = tf.strided_slice(x, [0, 1, 0], [0, 0, 3], [1, 1, 2], begin_mask=1, end_mask=3)
    empty = tf.strided_slice(x, [0, 1, 0], [0, 0, 3], [1, 1, 2], begin_mask=1, end_mask=2)
    assert empty.shape.as_list() == [0, 2, 2]  # end 0 on axis 0 is not masked: a[:0]
    z = tf.strided_slice(x, [1, -1], [2, 0], ellipsis_mask=0, shrink_axis_mask=3)
    assert y.op.name == "StridedSlice" and y.op.inputs[1].op.name == "StridedSlice/begin"
    np.testing.assert_array_equal(run(y, {x: a}), a[:, 1:, 0:3:2])
    np.testing.assert_array_equal(run(z, {x: a}), a[1, -1])
    assert z.shape.as_list() == [4]


# --- slice, split ------------------------------------------------------------------------


def test_slice_names_size_minus_one_and_gradient_via_pad():
    x = tf.placeholder(tf.float32, [3, 4], name="x")
    y = tf.slice(x, [1, 1], [-1, 2])
    assert (y.op.type, y.op.name) == ("Slice", "Slice")
    assert [t.op.name for t in y.op.inputs] == ["x", "Slice/begin", "Slice/size"]
    assert y.shape.as_list() == [2, 2]
    a = np.arange(12.0, dtype=np.float32).reshape(3, 4)
    np.testing.assert_array_equal(run(y, {x: a}), a[1:, 1:3])
    (g,) = tf.gradients(tf.reduce_sum(y), x)
    assert g.op.type == "Pad"
    np.testing.assert_array_equal(run(g, {x: a}), np.pad(np.ones((2, 2)), [[1, 0], [1, 1]]))


def test_slice_errors_name_shapes_at_build_and_run_time():
    x = tf.placeholder(tf.float32, [3, 4])
    with pytest.raises(ShapeError, match=r"Expected size\[1\] in \[0, 2\], but got 3.*\(3, 4\)"):
        tf.slice(x, [0, 2], [1, 3])
    with pytest.raises(ShapeError, match=r"Expected begin and size arguments to be 1-D tensors "
                                         r"of size 2"):
        tf.slice(x, [0], [1])
    y = tf.placeholder(tf.float32, [None])
    with pytest.raises(InvalidArgumentError, match=r"Expected begin\[0\] in \[0, 2\], but got 3"):
        run(tf.slice(y, [3], [-1]), {y: np.zeros(2)})


def test_split_op_types_names_and_sizes():
    x = tf.placeholder(tf.float32, [2, 6], name="x")
    a, _ = tf.split(x, 2, axis=1)
    assert a.op.type == "Split" and a.op.name == "split"
    assert [t.op.name for t in a.op.inputs] == ["split/split_dim", "x"]
    p, q, r = tf.split(x, [1, -1, 2], 1)
    assert p.op.type == "SplitV" and p.op.name == "split_1"
    assert [t.shape.as_list() for t in (p, q, r)] == [[2, 1], [2, 3], [2, 2]]
    v = np.arange(12.0, dtype=np.float32).reshape(2, 6)
    np.testing.assert_array_equal(run(q, {x: v}), v[:, 1:4])
    with pytest.raises(ShapeError, match=r"evenly divisible by 4 but is 6.*\(2, 6\)"):
        tf.split(x, 4, axis=1)
    with pytest.raises(ShapeError, match=r"do not add up to 6.*\(2, 6\)"):
        tf.split(x, [1, 2], axis=1)
    (single,) = tf.split(x, 1)
    assert run(single, {x: v}).shape == (2, 6)


def test_concat_gradient_uses_runtime_sizes():
    x = tf.placeholder(tf.float32, [None, 2])
    y = tf.placeholder(tf.float32, [None, 2])
    c = tf.concat([x, y], 0)
    gx, gy = tf.gradients(tf.reduce_sum(c * tf.range(1.0, 3.0)), [x, y])
    got = run([gx, gy], {x: np.zeros((1, 2)), y: np.zeros((3, 2))})
    np.testing.assert_array_equal(got[0], [[1, 2]])
    np.testing.assert_array_equal(got[1], [[1, 2]] * 3)


# --- reductions' helpers: Prod's gradient, scans -----------------------------------------


def _prod_others(a, axes):
    out = np.zeros_like(a)
    for i in np.ndindex(*a.shape):
        group = tuple(slice(None) if d in axes else i[d] for d in range(a.ndim))
        mask = np.ones(a.shape, bool)
        mask[i] = False
        out[i] = np.prod(a[group][mask[group]])
    return out


@pytest.mark.parametrize("axes", [[1], [0, 2], [-1]])
def test_prod_gradient_is_right_at_zeros(axes):
    a = np.array([[[0.0, 2.0], [3.0, 0.0], [1.5, 2.0]], [[0.0, 0.0], [2.0, 1.0], [4.0, 0.5]]])
    x = tf.placeholder(tf.float64, a.shape)
    (g,) = tf.gradients(tf.reduce_prod(x, axes), x)
    np.testing.assert_allclose(run(g, {x: a}), _prod_others(a, [d % 3 for d in axes]))


def test_prod_gradient_with_a_runtime_axis_uses_setdiff1d():
    a = np.array([[0.0, 2.0, 3.0], [1.0, 2.0, 0.5]])
    x = tf.placeholder(tf.float64, a.shape)
    axis = tf.placeholder(tf.int32, [1])
    (g,) = tf.gradients(tf.reduce_prod(x, axis), x)
    assert "ListDiff" in {op.type for op in tf.get_default_graph().get_operations()}
    np.testing.assert_allclose(run(g, {x: a, axis: [-1]}), _prod_others(a, [1]))
    np.testing.assert_allclose(run(g, {x: a, axis: [0]}), _prod_others(a, [0]))


def test_cumsum_and_cumprod_attrs():
    x = tf.constant([1.0, 2.0, 3.0, 4.0])
    ops = [tf.cumsum(x), tf.cumsum(x, exclusive=True), tf.cumsum(x, reverse=True),
           tf.cumsum(x, exclusive=True, reverse=True), tf.cumprod(x, exclusive=True)]
    assert ops[1].op.get_attr("exclusive") and ops[1].op.name == "Cumsum_1"
    assert ops[0].op.inputs[1].op.name == "Cumsum/axis"
    got = run(ops)
    for row, want in zip(got, [[1, 3, 6, 10], [0, 1, 3, 6], [10, 9, 7, 4], [9, 7, 4, 0],
                               [1, 1, 2, 6]]):
        np.testing.assert_array_equal(row, want)
    assert got[0].dtype == np.float32
    assert run(tf.cumsum(tf.constant([1, 2], tf.int32))).dtype == np.int32


# --- gather, segment sums, one_hot -------------------------------------------------------


def test_gather_names_errors_and_gradient_type():
    p = tf.placeholder(tf.float32, [3, 2], name="params")
    y = tf.gather(p, [2, 0, 2])
    assert (y.op.type, y.op.name) == ("GatherV2", "GatherV2")
    assert [t.op.name for t in y.op.inputs] == ["params", "GatherV2/indices", "GatherV2/axis"]
    (g,) = tf.gradients(tf.reduce_sum(y), p)
    assert g.op.type == "UnsortedSegmentSum"
    np.testing.assert_array_equal(run(g, {p: np.ones((3, 2))}), [[1, 1], [0, 0], [2, 2]])
    bad = tf.gather(p, tf.constant([[0, 7]]))
    with pytest.raises(InvalidArgumentError, match=r"indices\[0,1\] = 7 is not in \[0, 3\)"):
        run(bad, {p: np.ones((3, 2))})
    with pytest.raises(ShapeError, match=r"axis 2 is out of range.*\(3, 2\)"):
        tf.gather(p, [0], axis=2)


def test_unsorted_segment_sum_drops_negative_ids_and_checks_range():
    data = tf.placeholder(tf.float32, [4])
    feed = {data: [1.0, 2.0, 3.0, 4.0]}
    out = tf.unsorted_segment_sum(data, [0, -1, 2, 0], 3)
    assert out.op.inputs[2].op.name == "UnsortedSegmentSum/num_segments"
    np.testing.assert_array_equal(run(out, feed), [5.0, 0.0, 3.0])
    (g,) = tf.gradients(tf.reduce_sum(out * [1.0, 2.0, 3.0]), data)
    np.testing.assert_array_equal(run(g, feed), [1.0, 0.0, 3.0, 1.0])
    with pytest.raises(InvalidArgumentError, match=r"segment_ids\[1\] = 3 is out of range"):
        run(tf.unsorted_segment_sum(data, [0, 3, 1, 1], 3), feed)
    with pytest.raises(ShapeError, match=r"does not start with segment_ids.shape"):
        tf.unsorted_segment_sum(data, [[0, 1]], 2)


def test_one_hot_out_of_range_rows_are_all_off():
    idx = tf.placeholder(tf.int32, [None])
    y = tf.one_hot(idx, 3)
    assert (y.op.type, y.op.name, y.dtype) == ("OneHot", "one_hot", tf.float32)
    assert [t.op.name for t in y.op.inputs[1:]] == ["one_hot/depth", "one_hot/on_value",
                                                    "one_hot/off_value"]
    np.testing.assert_array_equal(run(y, {idx: [0, 3, -1, 2]}),
                                  [[1, 0, 0], [0, 0, 0], [0, 0, 0], [0, 0, 1]])


def test_one_hot_dtype_axis_and_values():
    y = tf.one_hot([1, 0], 2, on_value=5, off_value=-1, axis=0)
    assert y.dtype == tf.int32 and y.shape.as_list() == [2, 2]
    np.testing.assert_array_equal(run(y), [[-1, 5], [5, -1]])
    assert tf.one_hot([1], 2, dtype=tf.float64).dtype == tf.float64
    with pytest.raises(TypeError, match="dtype float32 of on_value does not match dtype "
                                        "parameter int32"):
        tf.one_hot([1], 2, on_value=tf.constant(1.0), dtype=tf.int32)
    with pytest.raises(ShapeError, match="Expected axis to be -1 or between"):
        tf.one_hot([1], 2, axis=3)


# --- tile, pad, reverse ------------------------------------------------------------------


def test_tile_pad_reverse_names():
    x = tf.placeholder(tf.float32, [2, 3], name="x")
    assert [t.op.name for t in tf.tile(x, [2, 1]).op.inputs] == ["x", "Tile/multiples"]
    p = tf.pad(x, [[1, 0], [0, 2]])
    assert (p.op.type, p.op.inputs[1].op.name, p.shape.as_list()) == ("Pad", "Pad/paddings", [3, 5])
    assert tf.pad(x, [[1, 0], [0, 2]], constant_values=2.0).op.type == "PadV2"
    m = tf.pad(x, [[1, 1], [2, 2]], "REFLECT")
    assert (m.op.type, m.op.get_attr("mode")) == ("MirrorPad", "REFLECT")
    assert tf.reverse(x, [1]).op.type == "ReverseV2"
    with pytest.raises(ShapeError, match=r"must be less than the dimension size: 3, 3 not less "
                                         r"than 3.*\(2, 3\)"):
        tf.pad(x, [[0, 0], [3, 3]], "REFLECT")
    with pytest.raises(ValueError, match="Unknown padding mode: WRAP"):
        tf.pad(x, [[0, 0], [1, 1]], "wrap")
    with pytest.raises(ShapeError, match=r"vector of length 2 but got length 3"):
        tf.tile(x, [1, 2, 3])


def test_tile_refuses_multiples_of_another_length_than_a_runtime_rank():
    x = tf.placeholder(tf.float32, None, name="x")  # unknown rank: only the run can check
    y = tf.tile(x, [2, 1])
    with pytest.raises(InvalidArgumentError, match=r"Tile 'Tile'.*vector of length 3 but got "
                                                   r"length 2 \(input shape \(2, 2, 3\)\)"):
        run(y, {x: np.ones((2, 2, 3))})
    assert run(y, {x: np.ones((2, 3))}).shape == (4, 3)


def test_tile_gradient_with_unknown_dims_sums_the_copies():
    x = tf.placeholder(tf.float32, [None, 2])
    (g,) = tf.gradients(tf.reduce_sum(tf.tile(x, [3, 2])), x)
    np.testing.assert_array_equal(run(g, {x: np.ones((2, 2))}), np.full((2, 2), 6.0))


# --- constants, shapes, fills ------------------------------------------------------------


def test_shape_size_rank_fold_to_constants_when_static():
    known = tf.placeholder(tf.float32, [2, 3])
    unknown = tf.placeholder(tf.float32, [None, 3])
    assert [tf.shape(known).op.type, tf.size(known).op.type, tf.rank(unknown).op.type] == \
        ["Const", "Const", "Const"]
    assert [tf.shape(unknown).op.type, tf.size(unknown).op.type] == ["Shape", "Size"]
    assert tf.shape(known).op.name == "Shape_2"  # Shape, Shape_1 taken above
    assert tf.size(tf.placeholder(tf.float32, [None, 0])).op.type == "Const"
    np.testing.assert_array_equal(run(tf.shape(unknown), {unknown: np.zeros((4, 3))}), [4, 3])


def test_stack_of_python_values_is_a_const():
    s = tf.stack([1, 2, 3])
    assert (s.op.type, s.op.name, s.dtype) == ("Const", "stack", tf.int32)
    t = tf.placeholder(tf.int64, [])
    p = tf.stack([t, 2])
    assert (p.op.type, p.op.name, p.dtype) == ("Pack", "stack_1", tf.int64)
    assert run(p, {t: 5}).tolist() == [5, 2]


def test_constant_with_shape_as_tf1():
    np.testing.assert_array_equal(run(tf.constant([1, 2], shape=[2, 2])), [[1, 2], [2, 2]])
    np.testing.assert_array_equal(run(tf.constant(7.0, shape=[2])), [7.0, 7.0])
    assert run(tf.constant(0.0, shape=[0, 3])).shape == (0, 3)
    with pytest.raises(ValueError, match="Too many elements provided. Needed at most 2, but "
                                         "received 3"):
        tf.constant([1, 2, 3], shape=[2])
    with pytest.raises(TypeError, match=r"Expected Tensor's shape: \(2,\), got \(1,\)"):
        tf.constant([1], shape=[2], verify_shape=True)


def test_zeros_are_const_when_small_and_fill_when_large():
    small, large = tf.zeros([2, 3]), tf.ones([100, 20], tf.int32)
    assert (small.op.type, small.op.name) == ("Const", "zeros")
    assert (large.op.type, large.op.name) == ("Fill", "ones")
    assert [t.op.name for t in large.op.inputs] == ["ones/shape_as_tensor", "ones/Const"]
    assert run(large).sum() == 2000 and run(large).dtype == np.int32
    assert tf.zeros_like(small).op.type == "Const"
    z = tf.zeros_like(tf.placeholder(tf.float32, [None]))
    assert (z.op.type, z.op.name) == ("ZerosLike", "zeros_like_1")
    assert run(tf.zeros([2], tf.bool)).tolist() == [False, False]


def test_reshape_transpose_expand_dims_name_their_inputs_as_tf1():
    x = tf.placeholder(tf.float32, [2, 3], name="x")
    assert tf.reshape(x, [3, 2]).op.inputs[1].op.name == "Reshape/shape"
    assert tf.reshape(x, [x.shape[1], -1]).shape.as_list() == [3, 2]  # Dimensions in a shape
    batch = tf.placeholder(tf.float32, [None, 2, 3])
    flat = tf.reshape(batch, [tf.shape(batch)[0], 6])
    assert flat.shape.as_list() == [None, 6]
    assert tf.zeros(tf.stack([tf.shape(batch)[1], 4])).shape.as_list() == [2, 4]
    assert tf.transpose(x).op.inputs[1].op.name == "transpose/perm"
    assert tf.expand_dims(x, 0).op.inputs[1].op.name == "ExpandDims/dim"
    assert tf.concat([x, x], 1).op.inputs[2].op.name == "concat/axis"
    with pytest.raises(ShapeError, match=r"Can't concatenate scalars"):
        tf.concat([tf.constant(1.0), tf.constant(2.0)], 0)
    with pytest.raises(ShapeError, match=r"dimension 1 differs: shapes \(2, 3\), \(2, 4\)"):
        tf.concat([x, tf.zeros([2, 4])], 0)


def test_setdiff1d():
    out, idx = tf.setdiff1d([1, 5, 2, 5, 7], [5, 3])
    assert out.op.type == "ListDiff"
    assert run([out, idx])[0].tolist() == [1, 2, 7] and run(idx).tolist() == [0, 2, 4]


def test_shapes_built_from_tf_shape_keep_the_known_dims():
    # TF1's constant_value_as_shape: tf.zeros(tf.shape(x)) is (?, 20) when x is
    x = tf.placeholder(tf.float32, (None, 20))
    noise = tf.random_normal(tf.shape(x))
    assert tf.zeros(tf.shape(x)).shape.as_list() == [None, 20]
    assert noise.shape.as_list() == [None, 20]
    assert tf.layers.dense(noise, 3).shape.as_list() == [None, 3]  # needs the last dim
    with tf.Session() as sess:
        assert sess.run(tf.zeros(tf.shape(x)), {x: np.ones((2, 20))}).shape == (2, 20)
