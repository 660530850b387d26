"""flowgrad: a TensorFlow-1-style dataflow-graph deep learning library on NumPy.

`import flowgrad as tf` gives TF1's public names. This module only re-exports."""

import sys as _sys

# namespaces: tf.nn, tf.train, tf.summary, ... and the small ones built in namespaces.py
from flowgrad import (
    debugging,
    dtypes,
    errors,
    gfile,
    initializers,
    layers,
    losses,
    metrics,
    nn,
    summary,
    test,
    train,
)
from flowgrad import namespaces as _namespaces
from flowgrad.autodiff import AggregationMethod, gradients, hessians
from flowgrad.dtypes import (
    DType,
    as_dtype,
    bool,
    double,
    float16,
    float32,
    float64,
    half,
    int8,
    int16,
    int32,
    int64,
    string,
    uint8,
    uint16,
)
from flowgrad.framework.graph import (
    Graph,
    GraphKeys,
    Operation,
    Tensor,
    add_to_collection,
    add_to_collections,
    control_dependencies,
    device,
    get_collection,
    get_collection_ref,
    get_default_graph,
    name_scope,
    reset_default_graph,
)
from flowgrad.framework.registry import convert_to_tensor
from flowgrad.framework.shapes import Dimension, TensorShape
from flowgrad.framework.warnings import allow_broadcast, allow_graph_growth
from flowgrad.namespaces import disable_eager_execution, disable_v2_behavior, executing_eagerly
from flowgrad.ops import overloads as _overloads  # installs the Tensor operators
from flowgrad.ops.array_ops import (
    concat,
    constant,
    cumprod,
    cumsum,
    expand_dims,
    fill,
    identity,
    ones,
    ones_like,
    pad,
    placeholder,
    placeholder_with_default,
    rank,
    reshape,
    reverse,
    reverse_v2,
    setdiff1d,
    shape,
    size,
    squeeze,
    stack,
    tile,
    transpose,
    unstack,
    zeros,
    zeros_like,
)
from flowgrad.ops.check_ops import (
    Assert,
    assert_equal,
    assert_greater,
    assert_greater_equal,
    assert_less,
    assert_less_equal,
    assert_negative,
    assert_non_negative,
    assert_non_positive,
    assert_none_equal,
    assert_positive,
    assert_rank,
    assert_type,
    verify_tensor_all_finite,
)
from flowgrad.ops.clip_ops import clip_by_global_norm, clip_by_norm, clip_by_value, global_norm
from flowgrad.ops.control_ops import Print_ as Print
from flowgrad.ops.control_ops import (
    add_check_numerics_ops,
    check_numerics,
    group,
    no_op,
    stop_gradient,
)
from flowgrad.ops.control_ops import print_ as print  # TF1's tf.print shadows the builtin
from flowgrad.ops.control_ops import tuple_ as tuple
from flowgrad.ops.diag_ops import (
    diag,
    diag_part,
    eye,
    matrix_diag,
    matrix_diag_part,
    matrix_set_diag,
    trace,
)
from flowgrad.ops.gather_ops import boolean_mask, gather, one_hot, unsorted_segment_sum
from flowgrad.ops.init_ops import (
    constant_initializer,
    glorot_normal_initializer,
    glorot_uniform_initializer,
    ones_initializer,
    random_normal_initializer,
    random_uniform_initializer,
    truncated_normal_initializer,
    uniform_unit_scaling_initializer,
    variance_scaling_initializer,
    zeros_initializer,
)
from flowgrad.ops.linalg_ops import matmul, matrix_transpose, tensordot
from flowgrad.ops.math_ops import (
    abs,
    add,
    add_n,
    arg_max,
    arg_min,
    argmax,
    argmin,
    broadcast_to,
    cast,
    ceil,
    cos,
    count_nonzero,
    div,
    div_no_nan,
    divide,
    equal,
    exp,
    floor,
    floor_div,
    floordiv,
    floormod,
    greater,
    greater_equal,
    invert_permutation,
    is_finite,
    is_inf,
    is_nan,
    less,
    less_equal,
    linspace,
    log,
    log1p,
    log_sigmoid,
    logical_and,
    logical_not,
    logical_or,
    logical_xor,
    maximum,
    minimum,
    mod,
    multiply,
    negative,
    norm,
    not_equal,
    pow,
    realdiv,
    reciprocal,
    reduce_all,
    reduce_any,
    reduce_logsumexp,
    reduce_max,
    reduce_mean,
    reduce_min,
    reduce_prod,
    reduce_sum,
    round,
    rsqrt,
    scalar_mul,
    sigmoid,
    sign,
    sin,
    sqrt,
    square,
    squared_difference,
    subtract,
    tanh,
    to_double,
    to_float,
    to_int32,
    to_int64,
    truediv,
    where,
    where_v2,
)
from flowgrad.ops.math_ops import linspace as lin_space
from flowgrad.ops.math_ops import range_ as range
from flowgrad.ops.random_ops import (
    random_normal,
    random_shuffle,
    random_uniform,
    set_random_seed,
    truncated_normal,
)
from flowgrad.ops.slicing import slice_ as slice
from flowgrad.ops.slicing import split, strided_slice
from flowgrad.ops.state_ops import assign, assign_add, assign_sub
from flowgrad.ops.variable_scope import (
    AUTO_REUSE,
    VariableScope,
    get_local_variable,
    get_variable,
    get_variable_scope,
    variable_op_scope,
    variable_scope,
)
from flowgrad.ops.variables import (
    Variable,
    all_variables,
    global_variables,
    global_variables_initializer,
    initialize_all_variables,
    is_variable_initialized,
    local_variables,
    local_variables_initializer,
    model_variables,
    report_uninitialized_variables,
    trainable_variables,
    variables_initializer,
)
from flowgrad.session.config import ConfigProto, GPUOptions, RunMetadata, RunOptions
from flowgrad.session.session import (
    InteractiveSession,
    Session,
    get_default_session,
)

math = _namespaces.math_namespace(_sys.modules[__name__])
random = _namespaces.random_namespace(_sys.modules[__name__])
linalg = _namespaces.linalg_namespace(_sys.modules[__name__])
logging = _namespaces.logging_namespace()
io = _namespaces.io_namespace(_sys.modules[__name__])
compat = _namespaces.compat_namespace(_sys.modules[__name__])

newaxis = None
__version__ = "0.1.0"


def __getattr__(name):
    """Summary protobufs load lazily (tf.Summary, tf.Event); TF1 names flowgrad lacks raise an
    error naming the feature (flowgrad.unsupported)."""
    if name in ("Summary", "Event", "SessionLog", "HistogramProto"):
        return getattr(summary, name)
    from flowgrad.unsupported import missing

    raise missing(name)
