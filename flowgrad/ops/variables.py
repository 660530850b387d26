"""tf.Variable: a VariableV2 op (`W`), its initializer (`W/Assign`) and its read (`W/read`)."""

from __future__ import annotations

from flowgrad.framework.graph import (
    GraphKeys,
    Tensor,
    _session_for,
    control_dependencies,
    get_default_graph,
    name_scope,
)
from flowgrad.framework.registry import convert_to_tensor
from flowgrad.ops import array_ops, state_ops
from flowgrad.ops.control_ops import group


class Variable:
    """A tensor whose value persists across Session runs; each Session holds its own value."""

    def __init__(self, initial_value=None, trainable=True, collections=None, validate_shape=True,
                 caching_device=None, name=None, variable_def=None, dtype=None,
                 expected_shape=None, import_scope=None, constraint=None, use_resource=None,
                 synchronization=None, aggregation=None, shape=None):
        if initial_value is None:
            raise ValueError("initial_value must be specified.")
        init_from_fn = callable(initial_value)
        # as TF1's init_scope: outside any control_dependencies block, so that running the
        # initializer never runs the ops that block waits for (a train op, update ops)
        with (control_dependencies(None),
              name_scope(name, "Variable", [] if init_from_fn else [initial_value]) as scope):
            if init_from_fn:
                with name_scope("Initializer"):
                    initial_value = initial_value()
            initial = convert_to_tensor(initial_value, dtype=dtype, name="initial_value")
            static = initial.shape if shape is None else array_ops.as_shape(shape)
            if validate_shape and not static.is_fully_defined():
                raise ValueError(
                    f"initial_value of Variable '{scope[:-1]}' must have a fully defined shape, "
                    f"got {initial.shape}: pass validate_shape=False or a known shape.")
            self._variable = state_ops.VariableV2.apply(shape=static, dtype=initial.dtype,
                                                        name=scope)
            self._initial_value = initial
            self._initializer_op = state_ops.Assign.create(
                self._variable, initial, validate_shape=validate_shape, name="Assign")
            self._snapshot = array_ops.identity(self._variable, name="read")
        self._trainable = trainable
        if collections is None:
            collections = [GraphKeys.GLOBAL_VARIABLES]
        if trainable and GraphKeys.TRAINABLE_VARIABLES not in collections:
            collections = list(collections) + [GraphKeys.TRAINABLE_VARIABLES]
        self.graph.add_to_collections(collections, self)

    # identity
    @property
    def name(self) -> str:
        """'W:0'."""
        return self._variable.name

    @property
    def op(self):
        """The VariableV2 operation."""
        return self._variable.op

    @property
    def graph(self):
        """The graph holding this variable."""
        return self._variable.graph

    @property
    def dtype(self):
        """The element type."""
        return self._variable.dtype

    @property
    def shape(self):
        """The static shape."""
        return self._variable.shape

    @property
    def device(self) -> str:
        """The device string."""
        return self._variable.device

    @property
    def trainable(self) -> bool:
        """Whether optimizers update it by default."""
        return self._trainable

    @property
    def initializer(self):
        """The Assign op that sets the initial value."""
        return self._initializer_op

    @property
    def initial_value(self) -> Tensor:
        """The tensor the variable is initialized from."""
        return self._initial_value

    def get_shape(self):
        """The static shape."""
        return self.shape

    def value(self) -> Tensor:
        """The `W/read` tensor."""
        return self._snapshot

    def read_value(self) -> Tensor:
        """A new read of the variable (`read`), ordered by the enclosing control dependencies."""
        return array_ops.identity(self._variable, name="read")

    def initialized_value(self) -> Tensor:
        """The initial value as the initializer assigns it (early TF1's form: evaluating it
        runs the initializer), so a variable initialized from it gets the same value even
        inside the same global_variables_initializer()."""
        with control_dependencies(None), self.graph.name_scope(self.op.name + "/"):
            return array_ops.identity(self._initializer_op.outputs[0], name="initialized_value")

    def eval(self, session=None):
        """The current value in the default (or given) session."""
        return self._variable.eval(session=session)

    def load(self, value, session=None) -> None:
        """Sets the value in a session by feeding the initializer (no new ops)."""
        session = _session_for(session, self.graph, "Variable.load()")
        session.run(self._initializer_op, {self._initializer_op.inputs[1]: value})

    def assign(self, value, use_locking=False, name=None, read_value=True):
        """An op setting the value."""
        return state_ops.assign(self._variable, value, name=name)

    def assign_add(self, delta, use_locking=False, name=None, read_value=True):
        """An op adding `delta`."""
        return state_ops.assign_add(self._variable, delta, name=name)

    def assign_sub(self, delta, use_locking=False, name=None, read_value=True):
        """An op subtracting `delta`."""
        return state_ops.assign_sub(self._variable, delta, name=name)

    def set_shape(self, shape):
        """Refines the static shape."""
        self._variable.set_shape(shape)
        self._snapshot.set_shape(shape)

    # conversion: graph element is the variable itself; math reads go through W/read
    def _as_graph_element(self):
        return self._variable

    def _as_tensor(self) -> Tensor:
        return self._snapshot

    def __repr__(self) -> str:
        return f"<tf.Variable '{self.name}' shape={self.shape} dtype={self.dtype.name}_ref>"

    def __bool__(self):
        raise TypeError(f"Using Variable '{self.name}' as a Python bool is not allowed.")

    def __iter__(self):
        raise TypeError(f"Variable '{self.name}' is not iterable in a graph.")

    def __array__(self, dtype=None, copy=None):
        raise NotImplementedError(f"Cannot convert Variable '{self.name}' to a numpy array: run "
                                  "it in a Session (sess.run or .eval()).")

    __array_priority__ = 100
    __array_ufunc__ = None


def global_variables(scope=None) -> list:
    """Every global variable of the default graph."""
    return get_default_graph().get_collection(GraphKeys.GLOBAL_VARIABLES, scope)


all_variables = global_variables


def trainable_variables(scope=None) -> list:
    """Variables that optimizers update by default."""
    return get_default_graph().get_collection(GraphKeys.TRAINABLE_VARIABLES, scope)


def local_variables(scope=None) -> list:
    """Variables in the LOCAL_VARIABLES collection."""
    return get_default_graph().get_collection(GraphKeys.LOCAL_VARIABLES, scope)


def model_variables(scope=None) -> list:
    """Variables in the MODEL_VARIABLES collection."""
    return get_default_graph().get_collection(GraphKeys.MODEL_VARIABLES, scope)


def variables_initializer(var_list, name="init"):
    """One op running the initializers of `var_list`."""
    return group(*[v.initializer for v in var_list], name=name)


def global_variables_initializer():
    """One op (`init`) initializing every global variable."""
    return variables_initializer(global_variables(), name="init")


initialize_all_variables = global_variables_initializer


def local_variables_initializer():
    """One op initializing every local variable."""
    return variables_initializer(local_variables(), name="init")


def is_variable_initialized(variable):
    """A bool tensor: whether `variable` has a value in the running Session."""
    return state_ops.IsVariableInitialized.apply(variable._variable)


def report_uninitialized_variables(var_list=None, name="report_uninitialized_variables"):
    """A 1-D string tensor: the names of the variables (global and local by default) that
    have no value yet in the running Session."""
    from flowgrad.ops.gather_ops import boolean_mask
    from flowgrad.ops.math_ops import logical_not

    if var_list is None:
        var_list = global_variables() + local_variables()
    with name_scope(name):
        names = array_ops.constant([v.op.name for v in var_list], dtype="string")
        if not var_list:
            return names
        initialized = array_ops.stack([is_variable_initialized(v) for v in var_list])
        return boolean_mask(names, logical_not(initialized))
