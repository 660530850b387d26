"""dtypes: as_dtype, NumPy equality, TF1's Python-value rules and the absence of promotion."""

import pickle

import numpy as np
import pytest

import flowgrad as tf
from flowgrad import dtypes


@pytest.mark.parametrize("name", ["float16", "float32", "float64", "int8", "int16", "int32",
                                  "int64", "uint8", "bool", "string"])
def test_public_dtypes_round_trip_by_name(name):
    dtype = getattr(tf, name)
    assert tf.as_dtype(name) is dtype
    assert dtype.name == name
    assert repr(dtype) == f"tf.{name}"
    assert pickle.loads(pickle.dumps(dtype)) is dtype


@pytest.mark.parametrize("value, expected", [
    (np.float32, tf.float32), (np.dtype("float64"), tf.float64), ("double", tf.float64),
    ("half", tf.float16), (np.int64, tf.int64), (np.uint8, tf.uint8), (np.bool_, tf.bool),
    ("float", tf.float32), (float, tf.float32), (bool, tf.bool), (int, tf.int64), (str, tf.string),
    (np.dtype("<U3"), tf.string), (np.object_, tf.string), (1, tf.float32), (3, tf.int32),
    (tf.float32, tf.float32),
])
def test_as_dtype(value, expected):
    # TF1: the Python type float is float32, the type int goes through NumPy (int64)
    assert tf.as_dtype(value) is expected


@pytest.mark.parametrize("bad", ["foo", "f4", "int", 1234, object(), np.complex64])
def test_as_dtype_refuses_unknown_types(bad):
    with pytest.raises(TypeError, match="Cannot convert"):
        tf.as_dtype(bad)


def test_dtype_compares_with_numpy_and_names():
    assert tf.float32 == np.float32
    assert tf.float32 == np.dtype("float32")
    assert tf.float32 == "float32"
    assert tf.float32 != tf.float64
    assert tf.float32 != np.float64
    assert tf.float32 != "no such dtype"
    assert tf.float32 != None
    assert tf.float64 is tf.double
    assert len({tf.float32, tf.as_dtype("float32"), tf.as_dtype(np.float32)}) == 1


def test_dtype_properties():
    assert tf.float32.as_numpy_dtype is np.float32
    assert tf.float32.is_floating and not tf.float32.is_integer
    assert tf.int32.is_integer and not tf.int32.is_unsigned
    assert tf.uint8.is_unsigned
    assert tf.bool.is_bool and not tf.bool.is_numeric
    assert tf.int8.min == -128 and tf.int8.max == 127
    assert tf.float16.max == np.finfo(np.float16).max
    assert tf.float64.size == 8
    assert tf.float32.base_dtype is tf.float32
    assert tf.float32.as_datatype_enum == 1
    assert tf.as_dtype(tf.float32.as_datatype_enum) is tf.float32
    assert set(dtypes.ALL) >= {tf.float16, tf.float32, tf.float64, tf.int8, tf.int16, tf.int32,
                               tf.int64, tf.uint8, tf.bool, tf.string}


def test_dtype_prints_as_tf1_does():
    assert str(tf.float32) == "<dtype: 'float32'>" and repr(tf.float32) == "tf.float32"
    assert f"{tf.constant([1, 2]).dtype}" == "<dtype: 'int32'>"


@pytest.mark.parametrize("value, expected", [
    (1.5, tf.float32), (2, tf.int32), (2**31 - 1, tf.int32), (2**31, tf.int64),
    (-(2**31) - 1, tf.int64), (True, tf.bool), ([1, 2], tf.int32), ([1, 2.5], tf.float32),
    ([[True, False]], tf.bool), ("text", tf.string), ([b"a", b"b"], tf.string),
    (np.float64(2.0), tf.float64), (np.array([1, 2], np.int64), tf.int64),
    (np.arange(3, dtype=np.uint8), tf.uint8), (np.zeros(2, np.float16), tf.float16),
])
def test_python_and_numpy_values_take_tf1_dtypes(value, expected):
    assert tf.constant(value).dtype is expected


def test_numpy_float64_variable_stays_float64():
    assert tf.Variable(np.random.rand(3)).dtype is tf.float64
    assert tf.Variable(0.5).dtype is tf.float32
    assert tf.Variable(np.random.rand(3), dtype=tf.float32).dtype is tf.float32


def test_integer_beyond_int64_is_refused():
    with pytest.raises(TypeError, match="outside int64's range"):
        tf.constant(2**70)


def test_no_implicit_promotion_between_tensors():
    a = tf.constant(1.0)
    b = tf.constant(2.0, dtype=tf.float64)
    with pytest.raises(TypeError) as info:
        a + b
    message = str(info.value)
    assert "AddV2" in message and "'add'" in message
    assert "float32" in message and "float64" in message
    assert "test_dtypes.py:" in message  # the user's line that built the op


def test_no_promotion_int_float():
    with pytest.raises(TypeError, match="int32.*float32|float32.*int32"):
        tf.constant(1) * tf.constant(1.0)


@pytest.mark.parametrize("tensor_dtype", [tf.float16, tf.float32, tf.float64, tf.int32, tf.int64])
def test_python_scalar_takes_the_tensor_dtype(tensor_dtype):
    t = tf.constant(np.ones(2, tensor_dtype.as_numpy_dtype))
    for out in (t + 2, 2 + t, t * 3, t - 1, 5 - t):
        assert out.dtype is tensor_dtype


def test_python_float_scalar_on_float64_tensor_keeps_float64():
    t = tf.constant(np.ones(2))
    assert (t * 0.1).dtype is tf.float64
    with tf.Session() as sess:
        assert sess.run(t * 0.1).dtype == np.float64


@pytest.mark.parametrize("value, words", [
    (2.5, "non-integral"), (2**40, "outside int32's range"), (True, "bool"), ("s", "string"),
])
def test_unrepresentable_python_scalar_raises(value, words):
    int_t = tf.constant([1, 2])
    with pytest.raises(TypeError) as info:
        int_t * value
    assert words in str(info.value)
    assert "int32" in str(info.value)


def test_float_scalar_overflowing_float16_raises():
    with pytest.raises(TypeError, match="overflow"):
        tf.constant(np.ones(2, np.float16)) + 1e6


def test_true_division_of_ints_is_float64():
    out = tf.constant(7) / tf.constant(2)
    assert out.dtype is tf.float64
    with tf.Session() as sess:
        assert sess.run(out) == 3.5
        assert sess.run(tf.constant(7) // 2) == 3
        assert sess.run(tf.constant(-7) % 3) == 2
