"""tf.nn: activations, softmax, bias_add, dropout, moments, top_k/in_top_k and the
cross-entropies with logits. Re-exports only."""

from flowgrad.ops.loss_ops import (
    sigmoid_cross_entropy_with_logits,
    softmax_cross_entropy_with_logits,
    softmax_cross_entropy_with_logits_v2,
    sparse_softmax_cross_entropy_with_logits,
    weighted_cross_entropy_with_logits,
)
from flowgrad.ops.math_ops import sigmoid, tanh
from flowgrad.ops.nn_ops import (
    bias_add,
    dropout,
    elu,
    l2_loss,
    l2_normalize,
    leaky_relu,
    log_softmax,
    moments,
    relu,
    relu6,
    selu,
    softmax,
    softplus,
    softsign,
    xw_plus_b,
    zero_fraction,
)
from flowgrad.ops.sort_ops import in_top_k, top_k

__all__ = [
    "bias_add", "dropout", "elu", "in_top_k", "l2_loss", "l2_normalize", "leaky_relu",
    "log_softmax", "moments", "relu", "relu6", "selu", "sigmoid",
    "sigmoid_cross_entropy_with_logits", "softmax", "softmax_cross_entropy_with_logits",
    "softmax_cross_entropy_with_logits_v2", "softplus", "softsign",
    "sparse_softmax_cross_entropy_with_logits", "tanh", "top_k",
    "weighted_cross_entropy_with_logits", "xw_plus_b", "zero_fraction",
]


def __getattr__(name):
    """tf.nn names flowgrad lacks (convolutions, RNNs) raise an error naming the feature."""
    from flowgrad.unsupported import NN_FEATURES, missing

    raise missing(name, "tf.nn", NN_FEATURES)
