"""TF1 variable scopes: `variable_scope`, `get_variable` and reuse (True/False/AUTO_REUSE).

A variable scope opens a name scope of the same name (uniquified as name scopes are: re-entering
`variable_scope("layer", reuse=True)` puts ops under `layer_1/`), while variables are named by the
variable scope alone (`layer/w`). Per graph: `graph._vars` (full name -> Variable) and
`graph._var_scope_counts` (scope name -> times opened, for `default_name` uniquifying); the
current scope is thread-local state (`graph._state().var_scope`)."""

from __future__ import annotations

import enum
import inspect

from flowgrad import dtypes
from flowgrad.framework.graph import GraphKeys, _graph_of, get_default_graph
from flowgrad.framework.registry import convert_to_tensor
from flowgrad.framework.shapes import as_shape
from flowgrad.ops import init_ops
from flowgrad.ops.variables import Variable


class _ReuseMode(enum.Enum):
    """The reuse modes besides True and False."""

    AUTO_REUSE = 1


AUTO_REUSE = _ReuseMode.AUTO_REUSE


class VariableScope:
    """A variable scope's settings: name, reuse, and defaults for get_variable."""

    def __init__(self, reuse, name="", initializer=None, regularizer=None, caching_device=None,
                 partitioner=None, custom_getter=None, name_scope="", dtype=dtypes.float32,
                 use_resource=None, constraint=None):
        self._name = name
        self._reuse = reuse
        self._initializer = initializer
        self._regularizer = regularizer
        self._custom_getter = custom_getter
        self._name_scope = name_scope
        self._dtype = dtypes.as_dtype(dtype)
        self._constraint = constraint
        self.caching_device = caching_device
        self.partitioner = partitioner
        self.use_resource = use_resource

    @property
    def name(self) -> str:
        """The full variable-scope name ('outer/inner'; '' at the root)."""
        return self._name

    @property
    def original_name_scope(self) -> str:
        """The name scope opened when this scope was first entered ('layer/')."""
        return self._name_scope

    @property
    def reuse(self):
        """True, False or AUTO_REUSE."""
        return self._reuse

    @property
    def initializer(self):
        """The default initializer of get_variable in this scope."""
        return self._initializer

    @property
    def regularizer(self):
        """The default regularizer of get_variable in this scope."""
        return self._regularizer

    @property
    def dtype(self):
        """The default dtype of get_variable in this scope."""
        return self._dtype

    @property
    def custom_getter(self):
        """The custom getter get_variable calls in this scope."""
        return self._custom_getter

    @property
    def constraint(self):
        """The default constraint of get_variable in this scope."""
        return self._constraint

    def reuse_variables(self) -> None:
        """Makes get_variable in this scope return existing variables."""
        self._reuse = True

    def set_initializer(self, initializer) -> None:
        """Sets the default initializer."""
        self._initializer = initializer

    def set_regularizer(self, regularizer) -> None:
        """Sets the default regularizer."""
        self._regularizer = regularizer

    def set_dtype(self, dtype) -> None:
        """Sets the default dtype."""
        self._dtype = dtypes.as_dtype(dtype)

    def set_custom_getter(self, custom_getter) -> None:
        """Sets the custom getter."""
        self._custom_getter = custom_getter

    def get_variable(self, name, shape=None, dtype=None, initializer=None, regularizer=None,
                     reuse=None, trainable=None, collections=None, caching_device=None,
                     partitioner=None, validate_shape=True, use_resource=None,
                     custom_getter=None, constraint=None, synchronization=None,
                     aggregation=None, graph=None):
        """The variable `<scope>/<name>`: created, or returned when reusing."""
        graph = graph or get_default_graph()
        if partitioner is not None or self.partitioner is not None:
            raise NotImplementedError("partitioned variables (partitioner=) are not supported "
                                      "by flowgrad")
        if dtype is not None and initializer is not None and not callable(initializer):
            init_dtype = convert_to_tensor(initializer).dtype
            if init_dtype != dtypes.as_dtype(dtype):
                raise ValueError(f"Initializer type '{init_dtype.name}' and explicit dtype "
                                 f"'{dtypes.as_dtype(dtype).name}' don't match.")
        full_name = f"{self._name}/{name}" if self._name else name
        kwargs = {
            "shape": shape, "dtype": dtypes.as_dtype(dtype or self._dtype),
            "initializer": self._initializer if initializer is None else initializer,
            "regularizer": self._regularizer if regularizer is None else regularizer,
            "reuse": self._reuse if reuse is None else reuse,
            "trainable": True if trainable is None else trainable, "collections": collections,
            "validate_shape": validate_shape,
            "constraint": self._constraint if constraint is None else constraint}
        getter = custom_getter or self._custom_getter
        # variable names depend on the variable scope only: clear the name scope
        with graph.as_default(), graph.name_scope(None), graph.control_dependencies(None):
            if getter is not None:
                return getter(_true_getter, full_name, **kwargs)
            return _true_getter(full_name, **kwargs)

    def global_variables(self) -> list:
        """The global variables under this scope."""
        return get_default_graph().get_collection(GraphKeys.GLOBAL_VARIABLES, self._prefix())

    def trainable_variables(self) -> list:
        """The trainable variables under this scope."""
        return get_default_graph().get_collection(GraphKeys.TRAINABLE_VARIABLES, self._prefix())

    def local_variables(self) -> list:
        """The local variables under this scope."""
        return get_default_graph().get_collection(GraphKeys.LOCAL_VARIABLES, self._prefix())

    def get_collection(self, name) -> list:
        """Collection `name`, filtered to this scope."""
        return get_default_graph().get_collection(name, self._prefix())

    def _prefix(self):
        return f"{self._name}/" if self._name else None

    def __repr__(self) -> str:
        return f"<VariableScope '{self._name}' reuse={self._reuse}>"


def _true_getter(name, shape=None, dtype=dtypes.float32, initializer=None, regularizer=None,
                 reuse=None, trainable=True, collections=None, validate_shape=True,
                 constraint=None, **_unused):
    """Returns the existing variable `name` or creates it, by TF1's reuse rules."""
    graph = get_default_graph()
    initializing_from_value = initializer is not None and not callable(initializer)
    if shape is not None and initializing_from_value:
        raise ValueError("If initializer is a constant, do not specify shape.")
    dtype = dtypes.as_dtype(dtype)
    shape = as_shape(shape)
    if name in graph._vars:
        found = graph._vars[name]
        if reuse is False or reuse is None:
            raise ValueError(f"Variable {name} already exists, disallowed. Did you mean to set "
                             "reuse=True or reuse=tf.AUTO_REUSE in VarScope? Originally defined "
                             f"at:\n\n  {found.op.where}")
        if not shape.is_compatible_with(found.shape):
            raise ValueError(f"Trying to share variable {name}, but specified shape {shape} and "
                             f"found shape {found.shape}.")
        if not initializing_from_value and dtype != found.dtype:
            raise ValueError(f"Trying to share variable {name}, but specified dtype {dtype.name} "
                             f"and found dtype {found.dtype.name}.")
        return found
    if reuse is True:
        raise ValueError(f"Variable {name} does not exist, or was not created with "
                         "tf.get_variable(). Did you mean to set reuse=tf.AUTO_REUSE in VarScope?")
    if initializer is None:
        initializer = _default_initializer(name, dtype)
    if initializing_from_value:
        init_val, variable_dtype = initializer, None
    else:
        if inspect.isclass(initializer):
            initializer = initializer()
        if not shape.is_fully_defined():
            raise ValueError(f"Shape of a new variable ({name}) must be fully defined, but "
                             f"instead was {shape}.")
        dims = shape.as_list()

        def init_val():
            return initializer(dims, dtype=dtype, partition_info=None)

        variable_dtype = dtype
    variable = Variable(initial_value=init_val, name=name, trainable=trainable,
                        collections=collections, validate_shape=validate_shape,
                        dtype=variable_dtype, constraint=constraint)
    graph._vars[name] = variable
    if regularizer is not None:
        with graph.name_scope(f"{name}/Regularizer/"):
            loss = regularizer(variable)
        if loss is not None:
            graph.add_to_collection(GraphKeys.REGULARIZATION_LOSSES, loss)
    return variable


def _default_initializer(name, dtype):
    """glorot_uniform for floats, zeros for integers, bools and strings (TF1)."""
    if dtype.is_floating:
        return init_ops.glorot_uniform_initializer()
    if dtype.is_integer or dtype.is_bool or dtype == dtypes.string:
        return init_ops.zeros_initializer()
    raise ValueError(f"An initializer for variable {name} of {dtype.name} is required")


def _current(graph) -> VariableScope:
    state = graph._state()
    if state.var_scope is None:
        state.var_scope = VariableScope(False)
    return state.var_scope


def get_variable_scope() -> VariableScope:
    """The current variable scope of the default graph."""
    return _current(get_default_graph())


def get_variable(name, shape=None, dtype=None, initializer=None, regularizer=None,
                 trainable=None, collections=None, caching_device=None, partitioner=None,
                 validate_shape=True, use_resource=None, custom_getter=None, constraint=None,
                 synchronization=None, aggregation=None):
    """An existing variable `<scope>/<name>` when the scope reuses, else a new one.

    The default initializer is glorot_uniform for floats and zeros for ints; a regularizer's
    loss goes to the REGULARIZATION_LOSSES collection."""
    return get_variable_scope().get_variable(
        name, shape=shape, dtype=dtype, initializer=initializer, regularizer=regularizer,
        trainable=trainable, collections=collections, partitioner=partitioner,
        validate_shape=validate_shape, custom_getter=custom_getter, constraint=constraint)


def get_local_variable(name, shape=None, dtype=None, initializer=None, regularizer=None,
                       trainable=False, collections=None, **kwargs):
    """get_variable for a variable in LOCAL_VARIABLES (not trained, not global)."""
    collections = list(collections or []) + [GraphKeys.LOCAL_VARIABLES]
    return get_variable(name, shape, dtype, initializer, regularizer, False, collections,
                        **kwargs)


def _unique_scope_name(graph, prefix) -> str:
    """`prefix`, or `prefix_1`, `prefix_2`, ... if that scope was already opened here."""
    parent = _current(graph).name
    name = f"{parent}/{prefix}" if parent else prefix
    counts = graph._var_scope_counts
    if counts.get(name, 0) == 0:
        return prefix
    i = 1
    while counts.get(f"{name}_{i}", 0) > 0:
        i += 1
    return f"{prefix}_{i}"


class variable_scope:
    """Opens a variable scope (and a name scope of the same name) for get_variable.

    `reuse=True` returns existing variables (creating one is an error), `AUTO_REUSE` creates or
    returns, None/False inherit the enclosing scope's reuse. With name_or_scope None,
    `default_name` is made unique (`dense`, `dense_1`, ...)."""

    def __init__(self, name_or_scope, default_name=None, values=None, initializer=None,
                 regularizer=None, caching_device=None, partitioner=None, custom_getter=None,
                 reuse=None, dtype=None, use_resource=None, constraint=None,
                 auxiliary_name_scope=True):
        if default_name is None and name_or_scope is None:
            raise TypeError("If default_name is None then name_or_scope is required")
        if name_or_scope is not None and not isinstance(name_or_scope, (str, VariableScope)):
            raise TypeError("VariableScope: name_or_scope must be a string or VariableScope.")
        if reuse is False:  # scopes never turn reuse off: False means inherit
            reuse = None
        if not (reuse is True or reuse is None or reuse is AUTO_REUSE):
            raise ValueError("The reuse parameter must be True or False or None.")
        if not isinstance(auxiliary_name_scope, bool):
            raise TypeError("The auxiliary_name_scope must be `True` or `False`, while get "
                            f"{auxiliary_name_scope}")
        self._name_or_scope = name_or_scope
        self._default_name = default_name
        self._reuse = reuse
        self._overrides = {"initializer": initializer, "regularizer": regularizer,
                           "custom_getter": custom_getter, "dtype": dtype,
                           "constraint": constraint, "caching_device": caching_device,
                           "partitioner": partitioner}
        self._graph = _graph_of(values) if values else get_default_graph()
        self._auxiliary = auxiliary_name_scope
        self._name_scope_cm = None
        self._graph_cm = None

    def __enter__(self) -> VariableScope:
        graph = self._graph
        self._graph_cm = graph.as_default()
        self._graph_cm.__enter__()
        if self._name_or_scope is None and self._reuse:
            raise ValueError("reuse=True cannot be used without a name_or_scope")
        if isinstance(self._name_or_scope, VariableScope):
            scope_name = self._name_or_scope.name.split("/")[-1]
        else:
            scope_name = self._name_or_scope or self._default_name
        opened = self._enter_name_scope(graph, scope_name)
        old = _current(graph)
        self._old = old
        reentering = isinstance(self._name_or_scope, VariableScope)
        if reentering:  # the given scope's name, settings and original name scope
            base = self._name_or_scope
            new_name, original_name_scope = base.name, base.original_name_scope
        else:  # a child of the current scope, inheriting its settings
            base, original_name_scope = old, opened
            relative = self._name_or_scope
            if relative is None:
                relative = _unique_scope_name(graph, self._default_name)
            new_name = f"{old.name}/{relative}" if old.name else relative
        scope = VariableScope(self._reuse or base.reuse, new_name, base.initializer,
                              base.regularizer, base.caching_device, base.partitioner,
                              base.custom_getter, original_name_scope, base.dtype,
                              base.use_resource, base.constraint)
        self._count(graph, new_name)
        self._saved_counts = dict(graph._var_scope_counts) if reentering else None
        self._apply_overrides(scope)
        self._new_name = new_name
        graph._state().var_scope = scope
        return scope

    def __exit__(self, *exc):
        graph = self._graph
        if self._saved_counts is not None:
            graph._var_scope_counts.clear()
            graph._var_scope_counts.update(self._saved_counts)
        else:  # leaving a scope forgets its sub-scopes, so re-entering it names them again
            for key in graph._var_scope_counts:
                if key.startswith(self._new_name + "/"):
                    graph._var_scope_counts[key] = 0
        graph._state().var_scope = self._old
        if self._name_scope_cm is not None:
            self._name_scope_cm.__exit__(*exc)
        self._graph_cm.__exit__(*exc)
        return False

    def _enter_name_scope(self, graph, scope_name) -> str:
        """Opens the auxiliary name scope; returns it as 'scope/' ('' for the root)."""
        if not self._auxiliary or not scope_name:
            current = graph.get_name_scope()
            return f"{current}/" if current else ""
        self._name_scope_cm = graph.name_scope(scope_name)
        return self._name_scope_cm.__enter__()

    @staticmethod
    def _count(graph, name):
        graph._var_scope_counts[name] = graph._var_scope_counts.get(name, 0) + 1

    def _apply_overrides(self, scope):
        o = self._overrides
        for key, setter in (("initializer", scope.set_initializer),
                            ("regularizer", scope.set_regularizer),
                            ("custom_getter", scope.set_custom_getter),
                            ("dtype", scope.set_dtype)):
            if o[key] is not None:
                setter(o[key])
        if o["constraint"] is not None:
            scope._constraint = o["constraint"]
        if o["caching_device"] is not None:
            scope.caching_device = o["caching_device"]
        if o["partitioner"] is not None:
            scope.partitioner = o["partitioner"]


def variable_op_scope(values, name_or_scope, default_name=None, **kwargs):
    """TF1's older spelling of variable_scope(name_or_scope, default_name, values)."""
    return variable_scope(name_or_scope, default_name=default_name, values=values, **kwargs)
