"""TF1 features flowgrad does not have: `tf.<name>` raises a NotImplementedError naming the
feature and what to use instead (an AttributeError too, so `hasattr(tf, name)` is False)."""

from __future__ import annotations

from flowgrad.errors import UnsupportedFeatureError

_CONTROL_FLOW = "graph control flow; compute both branches and use tf.where, or loop in Python"
FEATURES = {
    "while_loop": _CONTROL_FLOW,
    "cond": _CONTROL_FLOW,
    "case": _CONTROL_FLOW,
    "map_fn": _CONTROL_FLOW,
    "scan": _CONTROL_FLOW,
    "foldl": _CONTROL_FLOW,
    "foldr": _CONTROL_FLOW,
    "TensorArray": _CONTROL_FLOW,
    "data": "the tf.data input pipeline; feed NumPy batches (flowgrad.datasets.minibatches)",
    "py_func": "Python ops inside the graph; compute in NumPy and feed the result",
    "py_function": "Python ops inside the graph; compute in NumPy and feed the result",
    "numpy_function": "Python ops inside the graph; compute in NumPy and feed the result",
    "SparseTensor": "sparse tensors; use dense arrays",
    "sparse": "sparse tensors; use dense arrays",
    "estimator": "the Estimator API; write the Session loop (as the book does)",
    "keras": "Keras; build the graph with tf.layers or ops",
    "contrib": "tf.contrib",
    "feature_column": "feature columns; build the inputs as NumPy arrays",
    "app": "tf.app; use argparse",
    "flags": "tf.flags; use argparse",
}


def missing(name: str):
    """The error for `tf.<name>`, or an AttributeError for a name TF1 does not have either."""
    if name in FEATURES:
        return UnsupportedFeatureError(f"tf.{name} is not supported by flowgrad: "
                                       f"{FEATURES[name]}.")
    return AttributeError(f"module 'flowgrad' has no attribute '{name}'")
