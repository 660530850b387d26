"""flowgrad: a TensorFlow-1-style dataflow-graph deep learning library on NumPy.

`import flowgrad as tf` gives TF1's public names. This module only re-exports."""

from flowgrad import dtypes, errors
from flowgrad.dtypes import (DType, as_dtype, bool, double, float16, float32, float64, half, int8,
                             int16, int32, int64, string, uint8, uint16)
from flowgrad.framework.graph import (Graph, GraphKeys, Operation, Tensor, add_to_collection,
                                      add_to_collections, control_dependencies, device,
                                      get_collection, get_collection_ref, get_default_graph,
                                      name_scope, reset_default_graph)
from flowgrad.framework.registry import convert_to_tensor
from flowgrad.framework.shapes import Dimension, TensorShape
from flowgrad.ops import overloads as _overloads  # noqa: F401  (installs Tensor operators)
from flowgrad.ops.array_ops import (constant, expand_dims, fill, identity, ones, ones_like,
                                    placeholder, placeholder_with_default, rank, reshape, shape,
                                    size, squeeze, stack, transpose, unstack, zeros, zeros_like,
                                    concat)
from flowgrad.ops.array_ops import (cumprod, cumsum, pad, reverse, reverse_v2, setdiff1d,
                                    tile)
from flowgrad.ops.gather_ops import boolean_mask, gather, one_hot, unsorted_segment_sum
from flowgrad.ops.slicing import slice_ as slice, split, strided_slice
from flowgrad.ops.control_ops import (Print_ as Print, add_check_numerics_ops, check_numerics,
                                      group, no_op, print_ as print, stop_gradient, tuple_ as tuple)
from flowgrad.ops.linalg_ops import matmul
from flowgrad.ops.clip_ops import clip_by_global_norm, clip_by_norm, clip_by_value, global_norm
from flowgrad.ops.linalg_ops import tensordot
from flowgrad.ops.math_ops import (arg_max, arg_min, argmax, argmin, count_nonzero, floor_div,
                                   log_sigmoid, scalar_mul, to_double)
from flowgrad.ops.math_ops import (abs, add, add_n, broadcast_to, cast, ceil, cos, div, divide,
                                   equal, exp, floor, floordiv, floormod, greater, greater_equal,
                                   invert_permutation, is_finite, less, less_equal, log, log1p,
                                   logical_and, logical_not, logical_or, logical_xor, maximum,
                                   minimum, mod, multiply, negative, not_equal, pow, range_ as range,
                                   realdiv, reciprocal, reduce_all, reduce_any, reduce_logsumexp,
                                   reduce_max, reduce_mean, reduce_min, reduce_prod, reduce_sum,
                                   round, rsqrt, sigmoid, sign, sin, sqrt, square,
                                   squared_difference, subtract, tanh, to_float, to_int32, to_int64,
                                   truediv, where, where_v2)
from flowgrad.ops.random_ops import (random_normal, random_shuffle, random_uniform, set_random_seed,
                                     truncated_normal)
from flowgrad.ops.state_ops import assign, assign_add, assign_sub
from flowgrad.ops.variables import (Variable, all_variables, global_variables,
                                    global_variables_initializer, initialize_all_variables,
                                    is_variable_initialized, local_variables,
                                    local_variables_initializer, model_variables,
                                    trainable_variables, variables_initializer)
from flowgrad.autodiff import gradients, hessians
from flowgrad.session.session import (ConfigProto, GPUOptions, InteractiveSession, RunMetadata,
                                      RunOptions, Session, get_default_session)
from flowgrad import summary
from flowgrad import train
from flowgrad import initializers, layers, losses, nn
from flowgrad import debugging
from flowgrad import test
from flowgrad.framework.warnings import allow_broadcast, allow_graph_growth
from flowgrad.ops.init_ops import (constant_initializer, glorot_normal_initializer,
                                   glorot_uniform_initializer, ones_initializer,
                                   random_normal_initializer, random_uniform_initializer,
                                   truncated_normal_initializer, uniform_unit_scaling_initializer,
                                   variance_scaling_initializer, zeros_initializer)
from flowgrad.ops.variable_scope import (AUTO_REUSE, VariableScope, get_local_variable,
                                         get_variable, get_variable_scope, variable_op_scope,
                                         variable_scope)

newaxis = None
__version__ = "0.1.0"


def __getattr__(name):
    """TF1 names flowgrad lacks raise an error naming the feature (flowgrad.unsupported)."""
    from flowgrad.unsupported import missing

    raise missing(name)
