"""TensorShape and Dimension: unknown dims and rank, merging, errors, and Tensor.set_shape."""

import numpy as np
import pytest

import flowgrad as tf


def test_known_shape():
    s = tf.TensorShape([2, 3])
    assert s.ndims == 2 and s.rank == 2 and len(s) == 2
    assert s.as_list() == [2, 3]
    assert s.is_fully_defined() and s.num_elements() == 6
    assert s[0].value == 2 and s[-1].value == 3
    assert [d.value for d in s] == [2, 3]
    assert s[1:] == tf.TensorShape([3])
    assert s == [2, 3] and s != [3, 2]
    assert str(s) == "(2, 3)" and str(tf.TensorShape([4])) == "(4,)"


def test_unknown_dims():
    s = tf.TensorShape([None, 3])
    assert s.as_list() == [None, 3]
    assert s[0].value is None and s.dims[1].value == 3
    assert not s.is_fully_defined() and s.num_elements() is None
    assert str(s) == "(?, 3)"


def test_unknown_rank():
    s = tf.TensorShape(None)
    assert s.ndims is None and s.dims is None
    assert not s.is_fully_defined()
    assert s[0].value is None
    assert str(s) == "<unknown>"
    with pytest.raises(ValueError, match=r"as_list\(\) is not defined on an unknown TensorShape"):
        s.as_list()
    with pytest.raises(ValueError, match="unknown rank"):
        len(s)


def test_scalar_shape():
    s = tf.TensorShape([])
    assert s.ndims == 0 and s.as_list() == [] and s.num_elements() == 1
    assert s.is_fully_defined()
    assert str(s) == "()"


def test_shapes_print_as_tf1():
    # the book's chapter 2 shows a.get_shape() as TensorShape([Dimension(2)])
    assert repr(tf.ones(2).get_shape()) == "TensorShape([Dimension(2)])"
    assert repr(tf.TensorShape([None, 3])) == "TensorShape([Dimension(None), Dimension(3)])"
    assert repr(tf.TensorShape(None)) == "TensorShape(None)" and repr(tf.TensorShape([])) == \
        "TensorShape([])"
    assert str(tf.TensorShape([None, 3])) == "(?, 3)"


def test_dimension():
    assert tf.Dimension(3).value == 3
    assert tf.Dimension(None).value is None
    assert int(tf.Dimension(4)) == 4
    assert tf.Dimension(3) == 3 and tf.Dimension(3) != 4
    assert (tf.Dimension(None) == 3) is None  # unknown: neither equal nor different
    assert str(tf.Dimension(None)) == "?"
    with pytest.raises(ValueError, match="must be >= 0"):
        tf.Dimension(-2)
    with pytest.raises(TypeError):
        int(tf.Dimension(None))
    assert np.zeros([tf.Dimension(2)]).shape == (2,)  # usable as an index


def test_compatibility_and_merge():
    a = tf.TensorShape([None, 3])
    assert a.is_compatible_with([5, 3])
    assert a.is_compatible_with(tf.TensorShape(None))
    assert not a.is_compatible_with([5, 4])
    assert not a.is_compatible_with([3])
    assert a.merge_with([5, None]).as_list() == [5, 3]
    assert tf.TensorShape(None).merge_with(a) == a
    assert a.merge_with(tf.TensorShape(None)) == a
    with pytest.raises(ValueError, match=r"Shapes \(\?, 3\) and \(5, 4\) are not compatible"):
        a.merge_with([5, 4])
    with pytest.raises(ValueError, match="incompatible"):
        a.assert_is_compatible_with([1, 2, 3])


def test_concatenate_and_with_rank():
    assert tf.TensorShape([1]).concatenate([None, 2]).as_list() == [1, None, 2]
    assert tf.TensorShape([1]).concatenate(tf.TensorShape(None)).ndims is None
    assert tf.TensorShape(None).with_rank(2).as_list() == [None, None]
    with pytest.raises(ValueError, match="must have rank 3"):
        tf.TensorShape([1, 2]).with_rank(3)


def test_shapes_are_hashable_and_equal_by_value():
    assert len({tf.TensorShape([1, None]), tf.TensorShape([1, None])}) == 1
    assert tf.TensorShape([1, None]) == tf.TensorShape([1, None])
    assert tf.TensorShape(None) != tf.TensorShape([])


def test_tensor_shape_from_placeholder():
    x = tf.placeholder(tf.float32, [None, 784])
    assert x.shape.as_list() == [None, 784]
    assert x.get_shape() == x.shape
    assert x.shape[1].value == 784
    y = tf.placeholder(tf.float32)
    assert y.shape.ndims is None
    z = tf.placeholder(tf.float32, tf.TensorShape([2, None]))
    assert z.shape.as_list() == [2, None]


def test_set_shape_refines_static_shape():
    x = tf.placeholder(tf.float32)
    x.set_shape([None, 3])
    assert x.shape.as_list() == [None, 3]
    x.set_shape([4, None])
    assert x.shape.as_list() == [4, 3]
    with pytest.raises(ValueError) as info:
        x.set_shape([4, 5])
    assert "(4, 3)" in str(info.value) and "(4, 5)" in str(info.value)
    assert "Placeholder:0" in str(info.value)


def test_static_shapes_flow_through_ops():
    x = tf.placeholder(tf.float32, [None, 3])
    w = tf.zeros([3, 2])
    assert tf.matmul(x, w).shape.as_list() == [None, 2]
    assert (x + tf.zeros([1, 3])).shape.as_list() == [None, 3]
    assert (tf.placeholder(tf.float32) * 2.0).shape.ndims is None


def test_dimension_arithmetic_and_comparison():
    x = tf.placeholder(tf.float32, [None, 3, 4])
    rows, height, width = x.shape
    assert (height * width).value == 12
    assert (2 * height).value == 6 and (height + 1).value == 4 and (1 + height).value == 4
    assert (height - 1).value == 2 and (10 - height).value == 7
    assert (width // 3).value == 1 and (width % 3).value == 1
    assert (rows * 2).value is None and (height + rows).value is None
    assert (height < 4) is True and (height >= 4) is False
    assert (rows < 4) is None


def test_shape_concatenation_with_plus():
    s = tf.TensorShape([2, None])
    assert (s + [5]).as_list() == [2, None, 5]
    assert ([7] + s).as_list() == [7, 2, None]
    assert (s + tf.TensorShape(None)).ndims is None
