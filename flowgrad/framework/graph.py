"""Graph, Operation and Tensor; the default-graph stack, name scopes, collections and
control dependencies. Graphs only describe computation: values live in a Session."""

from __future__ import annotations

import contextlib
import re
import threading

from flowgrad.errors import DTypeError, ShapeError
from flowgrad.framework.shapes import TensorShape, as_shape
from flowgrad.framework.source import format_site, user_site

_SCOPE_NAME = re.compile(r"^[A-Za-z0-9_.\-/>]*$")
# op names, and scope names at the root, may not start with '_', '-', '/' or '>' (as TF1)
_OP_NAME = re.compile(r"^[A-Za-z0-9.][A-Za-z0-9_.\-/>]*$")


class GraphKeys:
    """Standard collection names, as TF1 spells them."""

    GLOBAL_VARIABLES = VARIABLES = "variables"
    LOCAL_VARIABLES = "local_variables"
    METRIC_VARIABLES = "metric_variables"
    MOVING_AVERAGE_VARIABLES = "moving_average_variables"
    TRAINABLE_VARIABLES = "trainable_variables"
    MODEL_VARIABLES = "model_variables"
    SUMMARIES = "summaries"
    LOSSES = "losses"
    REGULARIZATION_LOSSES = "regularization_losses"
    UPDATE_OPS = "update_ops"
    GLOBAL_STEP = "global_step"
    TRAIN_OP = "train_op"
    INIT_OP = "init_op"
    SAVERS = "savers"
    QUEUE_RUNNERS = "queue_runners"
    ACTIVATIONS = "activations"
    WEIGHTS = "weights"
    BIASES = "biases"


class Tensor:
    """One output of an Operation: a symbolic value with a static shape and dtype."""

    __slots__ = ("__weakref__", "_shape", "dtype", "op", "value_index")
    # Make NumPy defer to Tensor's reflected operators (np_array + tensor gives a Tensor).
    __array_priority__ = 100
    __array_ufunc__ = None

    def __init__(self, op: Operation, value_index: int, dtype, shape: TensorShape):
        self.op = op
        self.value_index = value_index
        self.dtype = dtype
        self._shape = shape

    @property
    def name(self) -> str:
        """'scope/op:index', the tensor's unique name."""
        return f"{self.op.name}:{self.value_index}"

    @property
    def graph(self) -> Graph:
        """The graph this tensor belongs to."""
        return self.op.graph

    @property
    def shape(self) -> TensorShape:
        """The static shape (dims may be None)."""
        return self._shape

    @property
    def device(self) -> str:
        """The device string of the producing op."""
        return self.op.device

    def get_shape(self) -> TensorShape:
        """The static shape (TF1 spelling)."""
        return self._shape

    def set_shape(self, shape) -> None:
        """Refines the static shape; raises ValueError if incompatible."""
        try:
            self._shape = self._shape.merge_with(as_shape(shape))
        except ValueError:
            raise ValueError(
                f"Shapes {self._shape} and {as_shape(shape)} are incompatible "
                f"(set_shape on '{self.name}')"
            ) from None

    def consumers(self) -> list[Operation]:
        """The operations that take this tensor as an input."""
        return list(self.op.graph._consumers.get(self, ()))

    def eval(self, feed_dict=None, session=None):
        """Runs the default (or given) session to compute this tensor."""
        return _session_for(session, self.graph, "Tensor.eval()").run(self, feed_dict)

    def _as_graph_element(self):
        return self

    def __bool__(self):
        raise TypeError(
            f"Using a flowgrad Tensor ('{self.name}') as a Python bool is not allowed: its value "
            "exists only when a Session runs it. Use tf.cond-free logic or run it first."
        )

    def __iter__(self):
        raise TypeError(
            f"Tensor '{self.name}' is not iterable in a graph: use tf.unstack or index it."
        )

    def __array__(self, dtype=None, copy=None):
        raise NotImplementedError(
            f"Cannot convert a symbolic Tensor ({self.name}) to a numpy array: its value exists "
            "only when a Session runs it (sess.run or .eval())."
        )

    def __repr__(self) -> str:
        return f"<tf.Tensor '{self.name}' shape={self._shape} dtype={self.dtype.name}>"


class Operation:
    """A node of the graph: an op type applied to input tensors, with attributes."""

    __slots__ = ("__weakref__", "_id", "attrs", "control_inputs", "device", "graph", "inputs",
                 "name", "opdef", "outputs", "site", "type")

    def __init__(self, graph, name, opdef, inputs, specs, attrs, control_inputs, device, site):
        self.graph = graph
        self.name = name
        self.opdef = opdef
        self.type = opdef.type
        self.inputs = tuple(inputs)
        self.attrs = attrs
        self.control_inputs = list(control_inputs)
        self.device = device
        self.site = site
        self._id = len(graph._operations)
        self.outputs = tuple(Tensor(self, i, s.dtype, s.shape) for i, s in enumerate(specs))

    @property
    def where(self) -> str:
        """'file.py:line' of the user code that created this op."""
        return format_site(self.site)

    def describe(self) -> str:
        """"Type 'scope/name' (created at file.py:14)", for error messages."""
        return f"{self.type} '{self.name}' (created at {self.where})"

    def values(self) -> tuple:
        """The output tensors."""
        return self.outputs

    def get_attr(self, name: str):
        """The value of attribute `name`."""
        try:
            return self.attrs[name]
        except KeyError:
            raise ValueError(f"Operation '{self.name}' has no attr named '{name}'.") from None

    def run(self, feed_dict=None, session=None) -> None:
        """Runs this operation in the default (or given) session."""
        _session_for(session, self.graph, "Operation.run()").run(self, feed_dict)

    def _add_control_input(self, op: Operation) -> None:
        self.graph._check_not_finalized()
        if op not in self.control_inputs:
            self.control_inputs.append(op)
            self.graph._version += 1

    def _as_graph_element(self):
        return self

    def __repr__(self) -> str:
        return f"<tf.Operation '{self.name}' type={self.type}>"


class Graph:
    """A dataflow graph: operations, their names, collections and seed."""

    def __init__(self):
        self._operations: list[Operation] = []
        self._ops_by_name: dict[str, Operation] = {}
        self._names_in_use: dict[str, int] = {}
        self._consumers: dict[Tensor, list[Operation]] = {}
        self._collections: dict[str, list] = {}
        self._unfeedable: set = set()
        self._local = threading.local()
        self._finalized = False
        self._version = 0
        self.seed = None
        # variable_scope state: full name -> Variable, and scope-name use counts
        self._vars: dict = {}
        self._var_scope_counts: dict[str, int] = {}

    # thread-local builder state: each thread builds under its own scopes
    def _state(self):
        local = self._local
        if not hasattr(local, "name_stack"):
            local.name_stack = ""
            local.control_stack = []
            local.device_stack = [""]
            local.var_scope = None
        return local

    @property
    def version(self) -> int:
        """Grows whenever the graph changes; Session plans compiled earlier are then rebuilt."""
        return self._version

    @property
    def finalized(self) -> bool:
        """True once finalize() was called."""
        return self._finalized

    def finalize(self) -> None:
        """Makes the graph read-only: adding an op raises RuntimeError."""
        self._finalized = True

    def _unsafe_unfinalize(self) -> None:
        self._finalized = False

    def _check_not_finalized(self) -> None:
        if self._finalized:
            raise RuntimeError(
                f"Graph is finalized and cannot be modified: an op is being added at "
                f"{format_site(user_site())}, after graph.finalize(). Build every op (the "
                "initializer, savers, summaries) before finalizing and before the training loop."
            )

    @contextlib.contextmanager
    def as_default(self):
        """Makes this graph the default graph inside the `with` block."""
        _graph_stack().append(self)
        try:
            yield self
        finally:
            _graph_stack().pop()

    # names and scopes
    def unique_name(self, name: str, mark_as_used: bool = True) -> str:
        """`name` under the current name scope, suffixed _1, _2, ... if taken (as TF1 does)."""
        stack = self._state().name_stack
        if stack:
            name = f"{stack}/{name}"
        key = name.lower()
        i = self._names_in_use.get(key, 0)
        if mark_as_used:
            self._names_in_use[key] = i + 1
        if i > 0:
            base = key
            while key in self._names_in_use:
                key = f"{base}_{i}"
                i += 1
            if mark_as_used:
                self._names_in_use[key] = 1
            name = f"{name}_{i - 1}"
        return name

    def get_name_scope(self) -> str:
        """The current name scope, without a trailing '/'."""
        return self._state().name_stack

    @contextlib.contextmanager
    def name_scope(self, name):
        """Opens a name scope; yields 'scope/' (re-entering 'abs/' when name ends in '/')."""
        state = self._state()
        old = state.name_stack
        if name:
            pattern = _SCOPE_NAME if old else _OP_NAME
            if not pattern.match(name) or name.startswith("/"):
                raise ValueError(f"'{name}' is not a valid scope name")
            new = name[:-1] if name.endswith("/") else self.unique_name(name)
        else:
            new = ""
        state.name_stack = new
        try:
            yield f"{new}/" if new else ""
        finally:
            state.name_stack = old

    # control dependencies and devices
    @contextlib.contextmanager
    def control_dependencies(self, control_inputs):
        """Ops created inside run after `control_inputs`; None clears the outer ones."""
        state = self._state()
        old = state.control_stack
        if control_inputs is None:
            state.control_stack = []
        else:
            ops = []
            for c in control_inputs:
                element = self.as_graph_element(c, allow_tensor=True, allow_operation=True)
                ops.append(element.op if isinstance(element, Tensor) else element)
            state.control_stack = old + ops
        try:
            yield
        finally:
            state.control_stack = old

    @contextlib.contextmanager
    def device(self, device_name):
        """Records a device string on the ops created inside (kept, not enforced)."""
        state = self._state()
        state.device_stack.append("" if device_name is None else str(device_name))
        try:
            yield
        finally:
            state.device_stack.pop()

    # ops
    def _create_op(self, opdef, inputs, specs, attrs, name, site) -> Operation:
        self._check_not_finalized()
        if not _OP_NAME.match(name):
            raise ValueError(f"'{name}' is not a valid node name")
        state = self._state()
        input_ops = {t.op for t in inputs}
        controls = [c for c in dict.fromkeys(state.control_stack) if c not in input_ops]
        op = Operation(self, name, opdef, inputs, specs, attrs, controls,
                       state.device_stack[-1], site)
        self._operations.append(op)
        self._ops_by_name[name] = op
        for t in op.inputs:
            self._consumers.setdefault(t, []).append(op)
        self._version += 1
        return op

    def _last_op_id(self) -> int:
        return len(self._operations)

    def as_graph_def(self, add_shapes: bool = False):
        """The graph as a TensorFlow GraphDef protobuf (what TensorBoard draws)."""
        from flowgrad.summary.graph_def import as_graph_def

        return as_graph_def(self, add_shapes=add_shapes)

    def get_operations(self) -> list[Operation]:
        """Every operation, in creation order."""
        return list(self._operations)

    def get_operation_by_name(self, name: str) -> Operation:
        """The operation called `name`."""
        return self.as_graph_element(name, allow_tensor=False, allow_operation=True)

    def get_tensor_by_name(self, name: str) -> Tensor:
        """The tensor called 'op_name:index'."""
        if not isinstance(name, str) or ":" not in name:
            raise ValueError(
                f"The name {name!r} looks like an operation name, not a tensor name: "
                "tensor names look like 'op_name:0'."
            )
        return self.as_graph_element(name, allow_tensor=True, allow_operation=False)

    def as_graph_element(self, obj, allow_tensor=True, allow_operation=True):
        """Resolves a Tensor, Operation, Variable or name to this graph's element."""
        convert = getattr(obj, "_as_graph_element", None)
        if convert is not None:
            obj = convert()
        if isinstance(obj, str):
            return self._element_by_name(obj, allow_tensor, allow_operation)
        if (isinstance(obj, Tensor) and allow_tensor
                or isinstance(obj, Operation) and allow_operation):
            if obj.graph is not self:
                raise ValueError(f"{obj!r} is not an element of this graph.")
            return obj
        kinds = (("Tensor", allow_tensor), ("Operation", allow_operation))
        wanted = " or ".join(kind for kind, ok in kinds if ok)
        raise TypeError(f"Can not convert a {type(obj).__name__} into a {wanted}: {obj!r}")

    def _element_by_name(self, name, allow_tensor, allow_operation):
        if ":" in name and allow_tensor:
            op_name, _, index = name.rpartition(":")
            op = self._ops_by_name.get(op_name)
            if op is None:
                raise KeyError(f"The name '{name}' refers to a Tensor which does not exist. "
                               f"The operation, '{op_name}', does not exist in the graph.")
            try:
                return op.outputs[int(index)]
            except (ValueError, IndexError):
                raise KeyError(f"The name '{name}' refers to a Tensor which does not exist: "
                               f"'{op_name}' has {len(op.outputs)} outputs.") from None
        if ":" not in name and allow_operation:
            op = self._ops_by_name.get(name)
            if op is None:
                raise KeyError(f"The name '{name}' refers to an Operation not in the graph.")
            return op
        if allow_tensor:
            raise ValueError(f"The name '{name}' looks like an operation name, not a tensor "
                             f"name: did you mean '{name}:0'?")
        raise ValueError(f"The name '{name}' looks like a tensor name, not an operation name.")

    # feeding
    def prevent_feeding(self, tensor: Tensor) -> None:
        """Marks `tensor` as not feedable."""
        self._unfeedable.add(tensor)

    def is_feedable(self, tensor: Tensor) -> bool:
        """Whether `tensor` may be fed."""
        return tensor not in self._unfeedable

    # collections
    def add_to_collection(self, name: str, value) -> None:
        """Appends `value` to collection `name`."""
        self._collections.setdefault(name, []).append(value)

    def add_to_collections(self, names, value) -> None:
        """Appends `value` to each collection in `names` (once each)."""
        names = (names,) if isinstance(names, str) else set(names)
        for name in names:
            self.add_to_collection(name, value)

    def get_collection_ref(self, name: str) -> list:
        """The collection list itself (mutable)."""
        return self._collections.setdefault(name, [])

    def get_collection(self, name: str, scope=None) -> list:
        """A copy of collection `name`, filtered to names matching `scope` if given."""
        items = list(self._collections.get(name, ()))
        if scope is None:
            return items
        pattern = re.compile(scope)
        return [i for i in items if hasattr(i, "name") and pattern.match(i.name)]

    def get_all_collection_keys(self) -> list[str]:
        """Names of the non-empty collections."""
        return [k for k, v in self._collections.items() if v]

    def clear_collection(self, name: str) -> None:
        """Empties collection `name`."""
        self._collections.pop(name, None)


# The default-graph stack: one global default graph, plus per-thread `as_default` stacks.
_default_graph = Graph()
_stacks = threading.local()


def _graph_stack() -> list:
    if not hasattr(_stacks, "graphs"):
        _stacks.graphs = []
    return _stacks.graphs


def get_default_graph() -> Graph:
    """The graph new ops go into."""
    stack = _graph_stack()
    return stack[-1] if stack else _default_graph


def reset_default_graph() -> None:
    """Replaces the global default graph with a new, empty one."""
    global _default_graph
    if _graph_stack():
        raise AssertionError("Do not use reset_default_graph() inside a Graph.as_default() block.")
    _default_graph = Graph()


@contextlib.contextmanager
def name_scope(name, default_name=None, values=None):
    """Opens a name scope in the default graph (or the graph of `values`)."""
    graph = _graph_of(values) if values else get_default_graph()
    with graph.name_scope(name if name is not None else default_name) as scope:
        if default_name is None:  # a user's scope: the ops inside say where they fail
            yield scope
            return
        with located(default_name, values, scope):  # a composite's own checks
            yield scope


_LOCATABLE = (ValueError, TypeError, ShapeError, DTypeError)


@contextlib.contextmanager
def located(what, values=None, scope=None):
    """A ValueError/TypeError raised inside becomes a ShapeError/DTypeError saying `what` (an op
    type or builder name), the scope its op gets, the user's line and the shapes of the tensors
    among `values`; errors that already say where they were made pass unchanged."""
    try:
        yield
    except (ValueError, TypeError) as e:
        if type(e) not in _LOCATABLE or "(created at " in str(e):
            raise
        if not (scope and scope.endswith("/")):  # the name its op would get
            scope = get_default_graph().unique_name(scope or what, mark_as_used=False)
        scope = scope.rstrip("/")
        shapes = ", ".join(f"{v.dtype.name}{v.shape}" for v in values or ()
                           if isinstance(v, Tensor))
        error = DTypeError if isinstance(e, TypeError) else ShapeError  # as the registry's
        raise error(f"{what} '{scope}' (created at {format_site(user_site())}): {e}"
                    + (f" [inputs: {shapes}]" if shapes else "")) from None


def _graph_of(values):
    for v in values:
        element = getattr(v, "_as_graph_element", None)
        if element is not None:
            return element().graph
    return get_default_graph()


def control_dependencies(control_inputs):
    """Ops created inside run after `control_inputs` (default graph)."""
    return get_default_graph().control_dependencies(control_inputs)


def device(device_name):
    """Records a device on the ops created inside (kept on the op; all run on the backend)."""
    return get_default_graph().device(device_name)


def get_collection(key, scope=None) -> list:
    """A copy of collection `key` of the default graph."""
    return get_default_graph().get_collection(key, scope)


def get_collection_ref(key) -> list:
    """Collection `key` of the default graph, mutable."""
    return get_default_graph().get_collection_ref(key)


def add_to_collection(name, value) -> None:
    """Adds `value` to collection `name` of the default graph."""
    get_default_graph().add_to_collection(name, value)


def add_to_collections(names, value) -> None:
    """Adds `value` to each named collection of the default graph."""
    get_default_graph().add_to_collections(names, value)


def _session_for(session, graph, what):
    if session is None:
        from flowgrad.session.session import get_default_session

        session = get_default_session()
        if session is None:
            raise ValueError(
                f"Cannot evaluate with {what}: no default session is registered. Use "
                "`with sess.as_default()` or pass an explicit session."
            )
    if session.graph is not graph:
        raise ValueError(f"Cannot use the given session for {what}: it runs another graph.")
    return session
