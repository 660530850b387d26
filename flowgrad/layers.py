"""tf.layers: Dense, Dropout and Flatten, as classes and as TF1's functions.

A layer creates its variables with get_variable in its own variable scope on first call
(`dense/kernel`, `dense/bias`, then `dense_1/...`) and builds its ops under that scope's
original name scope (`dense/MatMul`, `dense/BiasAdd`)."""

from __future__ import annotations

import math
import re

from flowgrad import dtypes
from flowgrad.framework.graph import GraphKeys, add_to_collection, name_scope
from flowgrad.framework.registry import convert_to_tensor
from flowgrad.ops import array_ops, init_ops, math_ops, nn_ops
from flowgrad.ops.linalg_ops import matmul
from flowgrad.ops.rules import constant_value
from flowgrad.ops.variable_scope import get_variable, variable_scope

_ZEROS = init_ops.zeros_initializer()


def _snake_case(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


class Layer:
    """Base of the layers: a callable owning variables in its own variable scope."""

    def __init__(self, trainable=True, name=None, dtype=None, _scope=None, _reuse=None,
                 **kwargs):
        self.trainable = trainable
        self._dtype = None if dtype is None else dtypes.as_dtype(dtype)
        self._base_name = name or _snake_case(type(self).__name__)
        self._reuse = _reuse
        self._variables = []
        self.built = False
        self._scope = None
        if _scope:  # TF1's functional layers name their scope exactly (no uniquifying)
            with variable_scope(_scope) as captured:
                self._scope = captured

    @property
    def name(self) -> str:
        """The layer's name: its variable scope's last component once called."""
        return self._scope.name.split("/")[-1] if self._scope else self._base_name

    @property
    def dtype(self):
        """The dtype of the layer's variables (taken from the first inputs when not given)."""
        return self._dtype

    @property
    def scope_name(self) -> str:
        """The full variable-scope name."""
        return self._scope.name if self._scope else None

    @property
    def variables(self) -> list:
        """Every variable of the layer."""
        return list(self._variables)

    weights = variables

    @property
    def trainable_variables(self) -> list:
        """The variables optimizers update."""
        return [v for v in self._variables if v.trainable] if self.trainable else []

    trainable_weights = trainable_variables

    @property
    def non_trainable_variables(self) -> list:
        """The variables optimizers leave alone."""
        return [v for v in self._variables if v not in self.trainable_variables]

    non_trainable_weights = non_trainable_variables

    def build(self, input_shape) -> None:
        """Creates the variables (subclasses); called once, on the first call."""

    def call(self, inputs, **kwargs):
        """The layer's computation (subclasses)."""
        return inputs

    def add_weight(self, name, shape, dtype=None, initializer=None, regularizer=None,
                   trainable=True, constraint=None):
        """A variable `<layer scope>/<name>` made with get_variable."""
        variable = get_variable(name, shape, dtype or self.dtype, initializer, regularizer,
                                trainable and self.trainable, constraint=constraint)
        if variable not in self._variables:
            self._variables.append(variable)
        return variable

    def __call__(self, inputs, *args, **kwargs):
        inputs = convert_to_tensor(inputs)
        if self._dtype is None:
            self._dtype = inputs.dtype if inputs.dtype.is_floating else dtypes.float32
        if self._scope is None:
            if self._reuse:
                scope = variable_scope(self._base_name)
            else:
                scope = variable_scope(None, default_name=self._base_name)
            with scope as captured:
                self._scope = captured
        reuse = True if self.built else self._reuse
        with variable_scope(self._scope, reuse=reuse, auxiliary_name_scope=False), \
                name_scope(self._scope.original_name_scope):
            if not self.built:
                self.build(inputs.shape)
                self.built = True
            return self.call(inputs, *args, **kwargs)

    apply = __call__


class Dense(Layer):
    """outputs = activation(inputs @ kernel + bias)."""

    def __init__(self, units, activation=None, use_bias=True, kernel_initializer=None,
                 bias_initializer=_ZEROS, kernel_regularizer=None,
                 bias_regularizer=None, activity_regularizer=None, kernel_constraint=None,
                 bias_constraint=None, trainable=True, name=None, **kwargs):
        super().__init__(trainable=trainable, name=name, **kwargs)
        self.units = int(units)
        self.activation = activation
        self.use_bias = use_bias
        self.kernel_initializer = kernel_initializer
        self.bias_initializer = bias_initializer
        self.kernel_regularizer = kernel_regularizer
        self.bias_regularizer = bias_regularizer
        self.activity_regularizer = activity_regularizer
        self.kernel_constraint = kernel_constraint
        self.bias_constraint = bias_constraint
        self.kernel = self.bias = None

    def build(self, input_shape):
        last = input_shape[-1].value if input_shape.ndims else None
        if last is None:
            raise ValueError("The last dimension of the inputs to `Dense` should be defined. "
                             "Found `None`.")
        self.kernel = self.add_weight("kernel", [last, self.units],
                                      initializer=self.kernel_initializer,
                                      regularizer=self.kernel_regularizer,
                                      constraint=self.kernel_constraint)
        if self.use_bias:
            self.bias = self.add_weight("bias", [self.units], initializer=self.bias_initializer,
                                        regularizer=self.bias_regularizer,
                                        constraint=self.bias_constraint)

    def call(self, inputs):
        inputs = math_ops.cast(inputs, self.dtype)
        rank = inputs.shape.ndims
        if rank is not None and rank > 2:
            inner = inputs.shape.as_list()[1:-1]
            if None in inner:
                raise ValueError(f"Dense on rank-{rank} inputs needs known inner dims, got "
                                 f"{inputs.shape}")
            flat = array_ops.reshape(inputs, [-1, inputs.shape[-1].value])
            outputs = array_ops.reshape(matmul(flat, self.kernel), [-1] + inner + [self.units])
        else:
            outputs = matmul(inputs, self.kernel)
        if self.use_bias:
            outputs = nn_ops.bias_add(outputs, self.bias)
        if self.activation is not None:
            outputs = self.activation(outputs)
        if self.activity_regularizer is not None:
            with name_scope("ActivityRegularizer"):
                add_to_collection(GraphKeys.REGULARIZATION_LOSSES,
                                  self.activity_regularizer(outputs))
        return outputs


class Dropout(Layer):
    """Drops each input with probability `rate` while training; the identity otherwise."""

    def __init__(self, rate=0.5, noise_shape=None, seed=None, name=None, **kwargs):
        super().__init__(name=name, **kwargs)
        self.rate, self.noise_shape, self.seed = rate, noise_shape, seed

    def call(self, inputs, training=False):
        training_value = training
        if hasattr(training, "_as_graph_element"):
            known = constant_value(convert_to_tensor(training))
            training_value = bool(known) if known is not None else training
        if training_value is False or training_value is None:
            return array_ops.identity(inputs)
        dropped = nn_ops.dropout(inputs, noise_shape=self.noise_shape, seed=self.seed,
                                 rate=self.rate)
        if training_value is True:
            return dropped
        # a bool tensor: both branches are built and one is selected (no tf.cond here)
        return math_ops.where_v2(training_value, dropped, inputs)


class Flatten(Layer):
    """Reshapes [batch, d1, d2, ...] to [batch, d1 * d2 * ...]."""

    def __init__(self, data_format="channels_last", name=None, **kwargs):
        super().__init__(name=name, **kwargs)
        self.data_format = data_format

    def call(self, inputs):
        inner = inputs.shape.as_list()[1:] if inputs.shape.ndims is not None else [None]
        if None in inner:
            raise ValueError(f"flatten needs every dim but the first known, got {inputs.shape}")
        return array_ops.reshape(inputs, [-1, math.prod(inner)])


def dense(inputs, units, activation=None, use_bias=True, kernel_initializer=None,
          bias_initializer=_ZEROS, kernel_regularizer=None,
          bias_regularizer=None, activity_regularizer=None, kernel_constraint=None,
          bias_constraint=None, trainable=True, name=None, reuse=None):
    """A fully connected layer: activation(inputs @ kernel + bias); kernel glorot-uniform."""
    layer = Dense(units, activation=activation, use_bias=use_bias,
                  kernel_initializer=kernel_initializer, bias_initializer=bias_initializer,
                  kernel_regularizer=kernel_regularizer, bias_regularizer=bias_regularizer,
                  activity_regularizer=activity_regularizer, kernel_constraint=kernel_constraint,
                  bias_constraint=bias_constraint, trainable=trainable, name=name, _scope=name,
                  _reuse=reuse)
    return layer.apply(inputs)


def dropout(inputs, rate=0.5, noise_shape=None, seed=None, training=False, name=None):
    """Dropout with drop probability `rate`, applied only when `training` (bool or tensor)."""
    layer = Dropout(rate, noise_shape=noise_shape, seed=seed, name=name)
    return layer.apply(inputs, training=training)


def flatten(inputs, name=None, data_format="channels_last"):
    """Flattens every dim but the first."""
    return Flatten(data_format=data_format, name=name).apply(inputs)


def __getattr__(name):
    """tf.layers names flowgrad lacks (convolutions, pooling, batch normalization) raise an
    error naming the feature."""
    from flowgrad.unsupported import LAYERS_FEATURES, missing

    raise missing(name, "tf.layers", LAYERS_FEATURES)
