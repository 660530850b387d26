"""TF1's smaller namespaces, made of names defined elsewhere: tf.math, tf.random, tf.linalg,
tf.logging and tf.compat.v1 (the whole flowgrad namespace, for `import ... compat.v1 as tf`)."""

from __future__ import annotations

import logging as _logging
import sys
import types


def namespace(name: str, doc: str, **members) -> types.ModuleType:
    """A module object `flowgrad.<name>` holding `members` (also importable by that name)."""
    module = types.ModuleType(f"flowgrad.{name}", doc)
    module.__dict__.update(members)
    module.__all__ = sorted(members)
    sys.modules[module.__name__] = module
    return module


def math_namespace(tf) -> types.ModuleType:
    """tf.math: elementwise math and reductions (TF 1.13+ spellings)."""
    names = ["abs", "add", "add_n", "argmax", "argmin", "ceil", "cos", "count_nonzero", "cumprod",
             "cumsum", "divide", "equal", "exp", "floor", "floordiv", "floormod", "greater",
             "greater_equal", "is_finite", "is_inf", "is_nan", "less", "less_equal", "log",
             "log1p", "log_sigmoid", "logical_and", "logical_not", "logical_or", "logical_xor",
             "maximum", "minimum",
             "multiply", "negative", "not_equal", "pow", "reciprocal", "reduce_all",
             "reduce_any", "reduce_logsumexp", "reduce_max", "reduce_mean", "reduce_min",
             "reduce_prod", "reduce_sum", "round", "rsqrt", "scalar_mul", "sigmoid", "sign",
             "sin", "sqrt", "square", "squared_difference", "subtract", "tanh", "truediv"]
    members = {n: getattr(tf, n) for n in names}
    members.update(softplus=tf.nn.softplus, mod=tf.floormod, top_k=tf.nn.top_k,
                   in_top_k=tf.nn.in_top_k, divide_no_nan=tf.div_no_nan)
    return namespace("math", "tf.math: elementwise math and reductions.", **members)


def random_namespace(tf) -> types.ModuleType:
    """tf.random: samplers and the graph seed (TF 1.13+ spellings)."""
    return namespace("random", "tf.random: random samplers and seeds.",
                     normal=tf.random_normal, uniform=tf.random_uniform,
                     truncated_normal=tf.truncated_normal, shuffle=tf.random_shuffle,
                     set_random_seed=tf.set_random_seed)


def linalg_namespace(tf) -> types.ModuleType:
    """tf.linalg: matrix products and diagonals."""
    return namespace("linalg", "tf.linalg: matrix products and diagonals.", matmul=tf.matmul,
                     norm=tf.norm,
                     tensordot=tf.tensordot, transpose=tf.matrix_transpose, eye=tf.eye,
                     diag=tf.matrix_diag, diag_part=tf.matrix_diag_part,
                     set_diag=tf.matrix_set_diag, tensor_diag=tf.diag,
                     tensor_diag_part=tf.diag_part, trace=tf.trace)


def io_namespace(tf) -> types.ModuleType:
    """tf.io: gfile and write_graph (TF 1.13+ spellings)."""
    return namespace("io", "tf.io: file helpers.", gfile=tf.gfile, write_graph=tf.train.write_graph)


def _set_verbosity(level) -> None:
    """Sets the level of the `flowgrad` logger."""
    _logging.getLogger("flowgrad").setLevel(level)


def logging_namespace() -> types.ModuleType:
    """tf.logging: TF1's logging calls, on Python's logging ('flowgrad' logger)."""
    log = _logging.getLogger("flowgrad")
    return namespace(
        "logging", "tf.logging: TF1's logging calls on Python's logging module.",
        DEBUG=_logging.DEBUG, INFO=_logging.INFO, WARN=_logging.WARNING,
        ERROR=_logging.ERROR, FATAL=_logging.CRITICAL, set_verbosity=_set_verbosity,
        get_verbosity=log.getEffectiveLevel, debug=log.debug, info=log.info, warn=log.warning,
        warning=log.warning, error=log.error, fatal=log.critical)


def executing_eagerly() -> bool:
    """Always False: flowgrad builds graphs and runs them in Sessions."""
    return False


def disable_eager_execution() -> None:
    """Accepted for TF2-era scripts written for graph mode; flowgrad is always graph mode."""


disable_v2_behavior = disable_eager_execution


def compat_namespace(tf) -> types.ModuleType:
    """tf.compat.v1 is flowgrad itself, so `import flowgrad.compat.v1 as tf` programs run."""
    sys.modules["flowgrad.compat.v1"] = tf
    return namespace("compat", "tf.compat: v1 is flowgrad's whole (TF1) namespace.", v1=tf)
