"""tf.train: optimizers, the global step and learning-rate schedules. This module only
re-exports."""

from flowgrad.summary.writer import FileWriter as FileWriter  # tf.train.FileWriter (TF1 alias)
from flowgrad.summary.writer import summary_iterator
from flowgrad.train.adagrad import AdagradOptimizer
from flowgrad.train.adam import AdamOptimizer
from flowgrad.train.checkpoint_management import (
    CheckpointReader,
    NewCheckpointReader,
    checkpoint_exists,
    get_checkpoint_state,
    latest_checkpoint,
    list_variables,
    load_checkpoint,
    load_variable,
)
from flowgrad.train.gradient_descent import GradientDescentOptimizer
from flowgrad.train.graph_io import write_graph
from flowgrad.train.learning_rate_decay import (
    exponential_decay,
    inverse_time_decay,
    natural_exp_decay,
    piecewise_constant,
    polynomial_decay,
)
from flowgrad.train.momentum import MomentumOptimizer
from flowgrad.train.moving_averages import ExponentialMovingAverage
from flowgrad.train.optimizer import Optimizer
from flowgrad.train.rmsprop import RMSPropOptimizer
from flowgrad.train.saver import Saver
from flowgrad.train.training_util import (
    assert_global_step,
    create_global_step,
    get_global_step,
    get_or_create_global_step,
    global_step,
)


def __getattr__(name):
    """TF1's MetaGraph functions raise an error naming the feature (flowgrad.unsupported)."""
    from flowgrad.unsupported import TRAIN_FEATURES, missing

    raise missing(name, "tf.train", TRAIN_FEATURES)
