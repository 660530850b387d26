"""tf.train.ExponentialMovingAverage: shadow variables, their names, decay and num_updates."""

import numpy as np
import pytest

import flowgrad as tf


def test_shadows_follow_variables_and_tensors():
    w = tf.Variable(10.0, name="w")
    b = tf.Variable([1.0, 2.0], name="b")
    step = tf.Variable(0, trainable=False, name="global_step")
    loss = tf.square(w, name="loss")
    ema = tf.train.ExponentialMovingAverage(0.9, num_updates=step)
    update = ema.apply([w, b, loss])
    assert update.name == "ExponentialMovingAverage" and update.type == "NoOp"
    assert ema.average(w).name == "w/ExponentialMovingAverage:0"
    assert ema.average(loss).name == "loss/ExponentialMovingAverage:0"
    assert ema.average_name(b) == "b/ExponentialMovingAverage"
    assert tf.get_collection(tf.GraphKeys.MOVING_AVERAGE_VARIABLES) == [w, b]
    assert ema.average(w) not in tf.trainable_variables()
    step_down = tf.assign(w, w - 1.0)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        assert sess.run([ema.average(w), ema.average(loss)]) == [10.0, 0.0]
        sess.run(step_down)
        sess.run(update)  # decay = min(0.9, (1 + 0) / (10 + 0)) = 0.1
        got = sess.run([ema.average(w), ema.average(loss), ema.average(b)])
    assert got[0] == pytest.approx(10.0 - 0.9 * (10.0 - 9.0))
    assert got[1] == pytest.approx(0.9 * 81.0)
    np.testing.assert_array_equal(got[2], [1.0, 2.0])
    with pytest.raises(ValueError, match="already computed for: w:0"):
        ema.apply([w])


def test_variables_to_restore_maps_averages_onto_the_variables():
    w = tf.Variable(1.0, name="w")
    step = tf.Variable(0, trainable=False, name="step")
    ema = tf.train.ExponentialMovingAverage(0.99)
    ema.apply([w])
    restore = ema.variables_to_restore()
    assert restore == {"w/ExponentialMovingAverage": w, "step": step}
    with pytest.raises(TypeError, match="must be half, float, or double: step:0"):
        ema.apply([step])
