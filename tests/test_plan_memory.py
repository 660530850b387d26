"""Plans free each intermediate after its last use (issue 2): a long elementwise chain on a large
array peaks at a few arrays' worth of memory, not at one array per op."""

import tracemalloc

import numpy as np

import flowgrad as tf

N = 1_000_000  # 8 MB per float64 array
LENGTH = 12


def test_a_long_chain_holds_only_a_few_intermediates_at_once():
    x = tf.placeholder(tf.float64, (None,), name="x")
    t = x
    for i in range(LENGTH):
        t = tf.sin(t) if i % 2 else t * 1.0001
    total = tf.reduce_sum(t)
    x_np = np.full(N, 0.5)
    with tf.Session() as sess:
        sess.run(total, {x: x_np[:10]})  # compile first: the measured run only executes
        tracemalloc.start()
        try:
            tracemalloc.reset_peak()
            got = sess.run(total, {x: x_np})
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
        (plan,) = sess._plans.values()
    assert np.isfinite(got)
    array = x_np.nbytes
    assert peak < 5 * array, f"peak {peak / array:.1f} arrays for a chain of {LENGTH} ops"
    assert plan.source.count("    del ") >= LENGTH - 1
