"""tf.initializers: TF1's initializer namespace (`tf.initializers.he_normal()`, `zeros`, ...).
Re-exports only."""

from flowgrad.ops import init_ops, variables
from flowgrad.ops.init_ops import he_normal, he_uniform, lecun_normal, lecun_uniform

zeros = init_ops.Zeros
ones = init_ops.Ones
constant = init_ops.Constant
random_normal = init_ops.RandomNormal
random_uniform = init_ops.RandomUniform
truncated_normal = init_ops.TruncatedNormal
uniform_unit_scaling = init_ops.UniformUnitScaling
variance_scaling = init_ops.VarianceScaling
glorot_normal = init_ops.GlorotNormal
glorot_uniform = init_ops.GlorotUniform
global_variables = variables.global_variables_initializer
local_variables = variables.local_variables_initializer
variables = variables.variables_initializer

__all__ = [
    "constant", "global_variables", "glorot_normal", "glorot_uniform", "he_normal",
    "he_uniform", "lecun_normal", "lecun_uniform", "local_variables", "ones", "random_normal",
    "random_uniform", "truncated_normal", "uniform_unit_scaling", "variables",
    "variance_scaling", "zeros",
]
