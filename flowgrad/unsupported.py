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


_CONVOLUTIONS = ("convolutional and pooling layers (the book's chapter 5); flowgrad covers "
                 "fully connected networks")
_BATCH_NORM = "batch normalization; normalize the inputs in NumPy"
_RECURRENT = "recurrent networks (the book's chapter 7); flowgrad covers fully connected networks"
NN_FEATURES = {
    **dict.fromkeys(["conv1d", "conv2d", "conv3d", "conv2d_transpose", "depthwise_conv2d",
                     "separable_conv2d", "atrous_conv2d", "max_pool", "avg_pool", "pool",
                     "max_pool_with_argmax", "local_response_normalization", "lrn"],
                    _CONVOLUTIONS),
    **dict.fromkeys(["rnn_cell", "dynamic_rnn", "static_rnn", "bidirectional_dynamic_rnn",
                     "embedding_lookup", "ctc_loss"], _RECURRENT),
    **dict.fromkeys(["batch_normalization", "fused_batch_norm"], _BATCH_NORM),
}

LAYERS_FEATURES = {
    **dict.fromkeys(["conv1d", "conv2d", "conv3d", "conv2d_transpose", "conv3d_transpose",
                     "separable_conv1d", "separable_conv2d", "max_pooling1d", "max_pooling2d",
                     "max_pooling3d", "average_pooling1d", "average_pooling2d",
                     "average_pooling3d", "Conv1D", "Conv2D", "Conv3D", "MaxPooling2D",
                     "AveragePooling2D"], _CONVOLUTIONS),
    **dict.fromkeys(["batch_normalization", "BatchNormalization"], _BATCH_NORM),
}

_META_GRAPH = ("MetaGraph files (.meta); build the model again in Python, then restore its "
               "variables with tf.train.Saver().restore(sess, tf.train.latest_checkpoint(dir))")
TRAIN_FEATURES = dict.fromkeys(["import_meta_graph", "export_meta_graph"], _META_GRAPH)


def missing(name: str, namespace: str = "tf", features=None):
    """The error for `<namespace>.<name>`: UnsupportedFeatureError naming the feature, or an
    AttributeError for a name TF1 does not have either."""
    features = FEATURES if features is None else features
    if name in features:
        return UnsupportedFeatureError(f"{namespace}.{name} is not supported by flowgrad: "
                                       f"{features[name]}.")
    module = "flowgrad" if namespace == "tf" else f"flowgrad.{namespace.split('.', 1)[1]}"
    return AttributeError(f"module '{module}' has no attribute '{name}'")
