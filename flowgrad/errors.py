"""tf.errors: the exception types a Session run raises, as TensorFlow 1 names them."""

from __future__ import annotations


class OpError(Exception):
    """A failure while running an op; `op` is the Operation involved, if known."""

    def __init__(self, node_def=None, op=None, message: str = "", error_code: int = 2):
        super().__init__(message)
        self.node_def = node_def
        self.op = op
        self.message = message
        self.error_code = error_code

    def __str__(self) -> str:
        return self.message


def _subclass(name: str, code: int, doc: str):
    def __init__(self, node_def=None, op=None, message=""):
        OpError.__init__(self, node_def, op, message, code)

    return type(name, (OpError,), {"__init__": __init__, "__doc__": doc})


CancelledError = _subclass("CancelledError", 1, "The run was cancelled.")
UnknownError = _subclass("UnknownError", 2, "An error of unknown kind.")
InvalidArgumentError = _subclass("InvalidArgumentError", 3, "A bad or missing argument/feed.")
DeadlineExceededError = _subclass("DeadlineExceededError", 4, "A deadline passed.")
NotFoundError = _subclass("NotFoundError", 5, "A file or entity was not found.")
AlreadyExistsError = _subclass("AlreadyExistsError", 6, "An entity already exists.")
PermissionDeniedError = _subclass("PermissionDeniedError", 7, "Permission denied.")
ResourceExhaustedError = _subclass("ResourceExhaustedError", 8,
                                   "Out of memory or another resource.")
FailedPreconditionError = _subclass("FailedPreconditionError", 9,
                                    "The state is not ready (e.g. uninitialized).")
AbortedError = _subclass("AbortedError", 10, "The operation was aborted.")
OutOfRangeError = _subclass("OutOfRangeError", 11, "Iteration past the end.")
UnimplementedError = _subclass("UnimplementedError", 12, "The operation is not implemented.")
InternalError = _subclass("InternalError", 13, "An internal invariant broke.")
UnavailableError = _subclass("UnavailableError", 14, "A service is unavailable.")
DataLossError = _subclass("DataLossError", 15, "Unrecoverable data loss or corruption.")


class FeedValueError(InvalidArgumentError, ValueError):
    """A feed refused before the run (wrong shape, unconvertible value): TF1 raised ValueError
    there, so `except ValueError` catches it as well as `except InvalidArgumentError`."""


class FeedTypeError(InvalidArgumentError, TypeError):
    """A graph element given as a feed value (TF1 raised TypeError)."""


class MissingCheckpointError(NotFoundError, ValueError):
    """Saver.restore of a checkpoint that does not exist: TF 1.15 raises ValueError there,
    earlier TF1 NotFoundError; this is both."""


class ShapeError(ValueError):
    """A build-time shape mismatch, naming the op, its shapes and where it was created."""


class DTypeError(TypeError):
    """A build-time dtype mismatch, naming the op, its dtypes and where it was created."""


class FlowgradWarning(UserWarning):
    """The category of every warning flowgrad gives (silence them all with this)."""


class BroadcastWarning(FlowgradWarning):
    """An elementwise op broadcast an (N,) operand against an (N, 1) one into (N, N)."""


class GraphGrowthWarning(FlowgradWarning):
    """The same ops were added to the graph before each of many runs (built inside the loop)."""


class ClosedSessionError(RuntimeError):
    """A run on a closed Session (a RuntimeError, as TF1 raises)."""


class UnsupportedFeatureError(NotImplementedError, AttributeError):
    """A TF1 feature flowgrad does not have (an AttributeError too: hasattr says False)."""
