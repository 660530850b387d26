"""Random ops draw from per-Session generators: kind 'random', so the generic suites skip them
and tests/test_random.py covers them (values, seeds, reruns, processes) by topic."""

from flowgrad.ops import random_ops
from flowgrad.testing.op_info import OpInfo

RECORDS = [
    OpInfo("random_normal", lambda x: random_ops.random_normal([3]),
           types=("RandomStandardNormal",), kind="random", grad=0),
    OpInfo("random_uniform_int",
           lambda x: random_ops.random_uniform([3], maxval=5, dtype="int32"),
           types=("RandomUniformInt",), kind="random", grad=0),
    OpInfo("truncated_normal", lambda x: random_ops.truncated_normal([3]),
           types=("TruncatedNormal",), kind="random", grad=0),
    OpInfo("random_shuffle", random_ops.random_shuffle, types=("RandomShuffle",),
           kind="random", grad=0),
]
