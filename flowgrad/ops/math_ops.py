"""Math ops: elementwise arithmetic, comparisons and logic, casts and selection, reductions and
arg-extrema, and the shape helpers that gradient rules use (matrix products: linalg_ops.py)."""

from __future__ import annotations

import builtins
import functools
import math

from flowgrad import dtypes
from flowgrad.backend.compat import reducer
from flowgrad.errors import DTypeError, UnimplementedError
from flowgrad.framework import values
from flowgrad.framework.graph import Tensor, name_scope
from flowgrad.framework.registry import (
    NotDifferentiable,
    OpDef,
    Spec,
    convert_to_tensor,
    is_graph_value,
    register_op,
)
from flowgrad.framework.source import format_site, user_site
from flowgrad.ops import array_ops
from flowgrad.ops.array_ops import (
    _shape_input,
    _static_shape_from,
    ones_like,
    reshape,
    shape,
    zeros_like,
)
from flowgrad.ops.control_ops import stop_gradient
from flowgrad.ops.rules import (
    binary,
    broadcast_shape,
    constant_value,
    merged_shape,
    normalize_axes,
    require,
    same_dtype,
    unary,
)


def _to_tensors(x, y, op_type, scope):
    """Converts operands: a Python/NumPy value takes the other side's dtype (TF1's rule) when
    that is lossless, and raises TypeError otherwise. Constants are named 'x' and 'y', inside
    the op's scope as in TF1 (`add/y`)."""
    if not is_graph_value(x) and not is_graph_value(y):
        x = convert_to_tensor(x, name="x")
    x = convert_to_tensor(x) if is_graph_value(x) else x
    y = convert_to_tensor(y) if is_graph_value(y) else y
    if not isinstance(x, Tensor):
        x = _like(x, y, "x", op_type, scope)
    if not isinstance(y, Tensor):
        y = _like(y, x, "y", op_type, scope)
    return x, y


def _like(value, ref: Tensor, param: str, op_type: str, scope: str) -> Tensor:
    try:
        return array_ops.constant(values.convert(value, ref.dtype), dtype=ref.dtype, name=param)
    except (values.ConversionError, TypeError) as e:
        raise DTypeError(
            f"Expected {ref.dtype.name} passed to parameter '{param}' of op {op_type} "
            f"'{scope.rstrip('/')}' (created at {format_site(user_site())}), got {value!r} of "
            f"type '{type(value).__name__}' instead: {e}. Use a value that {ref.dtype.name} can "
            f"represent, or tf.cast the tensor '{ref.name}'."
        ) from None


def _apply_binary(opdef_cls, x, y, name, default_name=None):
    """Applies a binary op; Python operands are converted inside the op's name scope."""
    if isinstance(x, Tensor) and isinstance(y, Tensor):
        return opdef_cls.apply(x, y, name=name or default_name)
    with name_scope(name, default_name or opdef_cls.type, [x, y]) as scope:
        x, y = _to_tensors(x, y, opdef_cls.type, scope)
        return opdef_cls.apply(x, y, name=scope)


def _binary_builder(opdef_cls, doc, default_name=None):
    def builder(x, y, name=None):
        return _apply_binary(opdef_cls, x, y, name, default_name)

    builder.__doc__ = doc
    return builder


@register_op
class AddV2(OpDef):
    """x + y, elementwise with broadcasting."""

    broadcasts = True

    def infer(self, x, y):
        return binary(x, y)

    def forward(self, xp, x, y):
        return xp.add(x, y)

    def gradient(self, op, grad):
        return [grad, grad]


@register_op
class Sub(OpDef):
    """x - y."""

    broadcasts = True

    def infer(self, x, y):
        return binary(x, y)

    def forward(self, xp, x, y):
        return xp.subtract(x, y)

    def gradient(self, op, grad):
        return [grad, -grad]


@register_op
class Mul(OpDef):
    """x * y."""

    broadcasts = True

    def infer(self, x, y):
        return binary(x, y)

    def forward(self, xp, x, y):
        return xp.multiply(x, y)

    def gradient(self, op, grad):
        x, y = op.inputs
        return [grad * y, x * grad]


@register_op
class RealDiv(OpDef):
    """x / y for floats."""

    broadcasts = True

    def infer(self, x, y):
        return binary(x, y, "float")

    def forward(self, xp, x, y):
        return xp.true_divide(x, y)

    def gradient(self, op, grad):
        y = op.inputs[1]
        return [grad / y, -grad * op.outputs[0] / y]


@register_op
class DivNoNan(OpDef):
    """x / y for floats, 0 where y is 0."""

    broadcasts = True

    def infer(self, x, y):
        return binary(x, y, "float")

    def forward(self, xp, x, y):
        zero = y == 0
        return xp.where(zero, xp.zeros((), x.dtype), x / xp.where(zero, xp.ones((), y.dtype), y))

    def gradient(self, op, grad):
        x, y = op.inputs
        return [div_no_nan(grad, y), grad * div_no_nan(div_no_nan(-x, y), y)]


@register_op
class FloorDiv(NotDifferentiable):
    """x // y (rounds toward -inf)."""

    def infer(self, x, y):
        return binary(x, y)

    def forward(self, xp, x, y):
        if x.dtype.kind == "f":
            return xp.floor(xp.true_divide(x, y))  # TF1: floor(x / y); NumPy's differs (1 // 0.1)
        _refuse_integer_division_by_zero(xp, y)
        return xp.floor_divide(x, y)


def _refuse_integer_division_by_zero(xp, y):
    """TF1 raises where NumPy returns 0 with a warning; the plan's error names the op."""
    if not xp.all(y):
        raise ZeroDivisionError("Integer division by zero")


@register_op
class FloorMod(OpDef):
    """x % y with the sign of y (Python's rule)."""

    broadcasts = True

    def infer(self, x, y):
        return binary(x, y)

    def forward(self, xp, x, y):
        if x.dtype.kind != "f":
            _refuse_integer_division_by_zero(xp, y)
        return xp.mod(x, y)

    def gradient(self, op, grad):
        x, y = op.inputs
        return [grad, -grad * floor(x / y)]


@register_op
class Pow(OpDef):
    """x ** y."""

    broadcasts = True

    def infer(self, x, y):
        return binary(x, y)

    def compile(self, op, ctx):
        # a constant exponent is common (x ** 2 in every squared loss): specialise it once
        xp, exponent = ctx.xp, constant_value(op.inputs[1])
        if exponent is None or exponent.ndim or not op.inputs[0].dtype.is_floating:
            return functools.partial(self.forward, xp)
        e = float(exponent)
        special = {2.0: lambda x, _: xp.multiply(x, x), 1.0: lambda x, _: xp.positive(x),
                   0.5: lambda x, _: xp.sqrt(x)}
        return special.get(e, lambda x, _: xp.power(x, e, dtype=x.dtype))

    def forward(self, xp, x, y):
        return xp.power(x, y)

    def gradient(self, op, grad):
        x, y = op.inputs
        dx = grad * y * pow(x, y - 1)
        # TF1: d/dy is 0 where the base is <= 0 (log undefined)
        safe_x = where(x > 0, x, ones_like(x))
        dy = grad * op.outputs[0] * where(x > 0, log(safe_x), zeros_like(x))
        return [dx, dy]


@register_op
class Maximum(OpDef):
    """max(x, y) elementwise; ties send the gradient to x."""

    broadcasts = True

    def infer(self, x, y):
        return binary(x, y)

    def forward(self, xp, x, y):
        return xp.maximum(x, y)

    def gradient(self, op, grad):
        x, y = op.inputs
        return _routed(grad, greater_equal(x, y))


@register_op
class Minimum(OpDef):
    """min(x, y) elementwise; ties send the gradient to x."""

    broadcasts = True

    def infer(self, x, y):
        return binary(x, y)

    def forward(self, xp, x, y):
        return xp.minimum(x, y)

    def gradient(self, op, grad):
        x, y = op.inputs
        return _routed(grad, less_equal(x, y))


def _routed(grad, mask):
    """[grad where mask, else 0; grad where not mask, else 0]: the gradients of the two inputs
    an elementwise choice (maximum, minimum, where) took its values from."""
    zeros = zeros_like(grad)
    return [where_v2(mask, grad, zeros), where_v2(mask, zeros, grad)]


@register_op
class SquaredDifference(OpDef):
    """(x - y)²."""

    broadcasts = True

    def infer(self, x, y):
        return binary(x, y)

    def forward(self, xp, x, y):
        d = xp.subtract(x, y)
        return xp.multiply(d, d)

    def gradient(self, op, grad):
        x, y = op.inputs
        dx = grad * (2 * (x - y))
        return [dx, -dx]


add = _binary_builder(AddV2, "x + y, elementwise with broadcasting.")
subtract = _binary_builder(Sub, "x - y, elementwise with broadcasting.")
multiply = _binary_builder(Mul, "x * y, elementwise with broadcasting.")
floordiv = _binary_builder(FloorDiv, "x // y, rounding toward minus infinity.", "floordiv")
floor_div = _binary_builder(FloorDiv, "x // y (the raw op: named FloorDiv).")
floormod = _binary_builder(FloorMod, "x % y, with the sign of y.")
mod = floormod
maximum = _binary_builder(Maximum, "max(x, y), elementwise.")
minimum = _binary_builder(Minimum, "min(x, y), elementwise.")
squared_difference = _binary_builder(SquaredDifference, "(x - y)², elementwise.")
realdiv = _binary_builder(RealDiv, "x / y for floating tensors.")
div_no_nan = _binary_builder(DivNoNan, "x / y, or 0 where y is 0 (floats).", "div_no_nan")
pow = _binary_builder(Pow, "x ** y, elementwise.")

# TF1's _TRUEDIV_TABLE: small ints divide in float32, 32/64-bit ints in float64
_TRUEDIV_DTYPE = {dtypes.int8: dtypes.float32, dtypes.uint8: dtypes.float32,
                  dtypes.int16: dtypes.float32, dtypes.uint16: dtypes.float32,
                  dtypes.int32: dtypes.float64, dtypes.int64: dtypes.float64}


def _same_dtype_or_raise(x, y, what):
    if x.dtype != y.dtype:
        raise DTypeError(f"{what}: x and y must have the same dtype, got {x.dtype.name} and "
                         f"{y.dtype.name} (created at {format_site(user_site())}); flowgrad "
                         "never promotes implicitly, use tf.cast on one side")


def truediv(x, y, name=None):
    """x / y; integers are cast first (int32 → float64, int16 → float32, as TF1 does)."""
    with name_scope(name, "truediv", [x, y]) as scope:
        x, y = _to_tensors(x, y, "RealDiv", scope)
        _same_dtype_or_raise(x, y, "truediv")
        target = _TRUEDIV_DTYPE.get(x.dtype)
        if target is not None:
            x, y = cast(x, target), cast(y, target)
        return RealDiv.apply(x, y, name=scope)


def divide(x, y, name=None):
    """x / y, true division (TF1's `tf.divide`: the `/` operator)."""
    return truediv(x, y, name=name)


def div(x, y, name=None):
    """Python 2 division: floor division for integers, true division for floats."""
    with name_scope(name, "div", [x, y]) as scope:
        x, y = _to_tensors(x, y, "RealDiv", scope)
        _same_dtype_or_raise(x, y, "div")
        op = RealDiv if x.dtype.is_floating else FloorDiv
        return op.apply(x, y, name=scope)


def scalar_mul(scalar, x, name=None):
    """scalar * x for a 0-d scalar (converted to x's dtype)."""
    x = convert_to_tensor(x)
    with name_scope(name, "scalar_mul", [scalar, x]) as scope:
        scalar, x = _to_tensors(scalar, x, "Mul", scope)
        if scalar.shape.ndims != 0:
            raise ValueError(f"Only scalar multiply works, got shape {scalar.shape}")
        return Mul.apply(scalar, x, name=scope)


def _bool_op(type_name, kernel_name, doc, allowed=None):
    """Registers a broadcasting binary op with a bool result; inputs of one dtype, of kind
    `allowed` when given (see rules.require)."""

    def infer(self, x, y):
        dtype = same_dtype(x, y)
        if allowed is not None:
            require(dtype, allowed, "inputs")
        return Spec(broadcast_shape(x.shape, y.shape), dtypes.bool)

    def forward(self, xp, x, y):
        return getattr(xp, kernel_name)(x, y)

    attrs = {"infer": infer, "forward": forward, "__doc__": doc}
    return register_op(type(type_name, (NotDifferentiable,), attrs))


Equal = _bool_op("Equal", "equal", "x == y, elementwise.")
NotEqual = _bool_op("NotEqual", "not_equal", "x != y, elementwise.")
Less = _bool_op("Less", "less", "x < y, elementwise.", "numeric")
LessEqual = _bool_op("LessEqual", "less_equal", "x <= y, elementwise.", "numeric")
Greater = _bool_op("Greater", "greater", "x > y, elementwise.", "numeric")
GreaterEqual = _bool_op("GreaterEqual", "greater_equal", "x >= y, elementwise.", "numeric")

equal = _binary_builder(Equal, "x == y, elementwise (a bool tensor).")
not_equal = _binary_builder(NotEqual, "x != y, elementwise (a bool tensor).")
less = _binary_builder(Less, "x < y, elementwise.")
less_equal = _binary_builder(LessEqual, "x <= y, elementwise.")
greater = _binary_builder(Greater, "x > y, elementwise.")
greater_equal = _binary_builder(GreaterEqual, "x >= y, elementwise.")


LogicalAnd = _bool_op("LogicalAnd", "logical_and", "x AND y for bool tensors.", "bool")
LogicalOr = _bool_op("LogicalOr", "logical_or", "x OR y for bool tensors.", "bool")
logical_and = _binary_builder(LogicalAnd, "Elementwise AND of bool tensors.")
logical_or = _binary_builder(LogicalOr, "Elementwise OR of bool tensors.")


@register_op
class LogicalNot(NotDifferentiable):
    """NOT x for a bool tensor."""

    def infer(self, x):
        return unary(x, "bool")

    def forward(self, xp, x):
        return xp.logical_not(x)


def logical_not(x, name=None):
    """Elementwise NOT of a bool tensor."""
    return LogicalNot.apply(x, name=name)


def logical_xor(x, y, name="LogicalXor"):
    """Elementwise XOR of bool tensors (composed, as TF1 does)."""
    with name_scope(name, "LogicalXor", [x, y]) as scope:
        return logical_and(logical_or(x, y), logical_not(logical_and(x, y)), name=scope)


def _unary_op(type_name, kernel, grad_rule, doc, allowed="numeric"):
    """Registers a one-input elementwise op: kernel(xp, x) and grad_rule(x, out, grad)."""

    def infer(self, x):
        return unary(x, allowed)

    def forward(self, xp, x):
        return kernel(xp, x)

    attrs = {"infer": infer, "forward": forward, "__doc__": doc}
    if grad_rule is None:
        base = NotDifferentiable
    else:
        base = OpDef
        attrs["gradient"] = lambda self, op, grad: [grad_rule(op.inputs[0], op.outputs[0], grad)]
    return register_op(type(type_name, (base,), attrs))


Neg = _unary_op("Neg", lambda xp, x: xp.negative(x), lambda x, y, g: -g, "-x.")
Abs = _unary_op("Abs", lambda xp, x: xp.abs(x), lambda x, y, g: g * sign(x), "|x|; abs'(0) = 0.")
# TF1 gives Sign a zero gradient (not None), so sums through it stay connected
Sign = _unary_op("Sign", lambda xp, x: xp.sign(x), lambda x, y, g: zeros_like(x),
                 "The sign of x: -1, 0 or 1.")
Square = _unary_op("Square", lambda xp, x: xp.square(x), lambda x, y, g: g * (2 * x), "x².")
Sqrt = _unary_op("Sqrt", lambda xp, x: xp.sqrt(x), lambda x, y, g: g * 0.5 / y, "√x.", "float")
Rsqrt = _unary_op("Rsqrt", lambda xp, x: 1 / xp.sqrt(x), lambda x, y, g: g * -0.5 * y * y * y,
                  "1/√x.", "float")
Exp = _unary_op("Exp", lambda xp, x: xp.exp(x), lambda x, y, g: g * y, "eˣ.", "float")
Log = _unary_op("Log", lambda xp, x: xp.log(x), lambda x, y, g: g / x, "Natural log.", "float")
Log1p = _unary_op("Log1p", lambda xp, x: xp.log1p(x), lambda x, y, g: g / (1 + x),
                  "log(1 + x), accurate near 0.", "float")
Sin = _unary_op("Sin", lambda xp, x: xp.sin(x), lambda x, y, g: g * cos(x), "sin x.", "float")
Cos = _unary_op("Cos", lambda xp, x: xp.cos(x), lambda x, y, g: -g * sin(x), "cos x.", "float")
Tanh = _unary_op("Tanh", lambda xp, x: xp.tanh(x), lambda x, y, g: g * (1 - y * y), "tanh x.",
                 "float")
Reciprocal = _unary_op("Reciprocal", lambda xp, x: 1 / x, lambda x, y, g: -g * y * y, "1/x.",
                       "float")
Floor = _unary_op("Floor", lambda xp, x: xp.floor(x), None, "Rounds down.", "float")
Ceil = _unary_op("Ceil", lambda xp, x: xp.ceil(x), None, "Rounds up.", "float")
Round = _unary_op("Round", lambda xp, x: xp.round(x), None, "Rounds half to even.")


@register_op
class Sigmoid(OpDef):
    """1 / (1 + e⁻ˣ), computed without overflow."""

    def infer(self, x):
        return unary(x, "float")

    def forward(self, xp, x):
        # exp(min(x, 0)) / (1 + exp(-|x|)): both exponents are <= 0, so nothing overflows, and
        # the left tail keeps full precision (unlike 0.5 * (1 + tanh(x / 2))); no slow where
        return xp.exp(xp.minimum(x, 0)) / (1 + xp.exp(-xp.abs(x)))

    def gradient(self, op, grad):
        y = op.outputs[0]
        return [grad * y * (1 - y)]


def log_sigmoid(x, name=None):
    """log(sigmoid(x)), computed as -softplus(-x) so it never overflows."""
    from flowgrad.ops.nn_ops import softplus  # nn_ops builds on this module

    with name_scope(name, "LogSigmoid", [x]) as scope:
        x = convert_to_tensor(x, name="x")
        return Neg.apply(softplus(Neg.apply(x)), name=scope)


def _unary_builder(opdef_cls, doc):
    def builder(x, name=None):
        return opdef_cls.apply(x, name=name)

    builder.__doc__ = doc
    return builder


negative = neg = _unary_builder(Neg, "-x, elementwise.")
abs = _unary_builder(Abs, "|x|, elementwise.")
sign = _unary_builder(Sign, "The sign of x, elementwise.")
square = _unary_builder(Square, "x², elementwise.")
sqrt = _unary_builder(Sqrt, "√x, elementwise.")
rsqrt = _unary_builder(Rsqrt, "1/√x, elementwise.")
exp = _unary_builder(Exp, "eˣ, elementwise.")
log = _unary_builder(Log, "Natural logarithm, elementwise.")
log1p = _unary_builder(Log1p, "log(1 + x), elementwise.")
sin = _unary_builder(Sin, "sin x, elementwise.")
cos = _unary_builder(Cos, "cos x, elementwise.")
tanh = _unary_builder(Tanh, "tanh x, elementwise.")
sigmoid = _unary_builder(Sigmoid, "The logistic function, elementwise.")
reciprocal = _unary_builder(Reciprocal, "1/x, elementwise.")
floor = _unary_builder(Floor, "Rounds down, elementwise.")
ceil = _unary_builder(Ceil, "Rounds up, elementwise.")


def round(x, name=None):
    """Rounds half to even (banker's rounding), elementwise; integers are returned as they are."""
    x = convert_to_tensor(x)
    return x if x.dtype.is_integer else Round.apply(x, name=name)


@register_op
class Cast(OpDef):
    """Converts to another dtype (explicit, may lose precision)."""

    def infer(self, x, *, DstT):
        return Spec(x.shape, DstT)

    def compile(self, op, ctx):
        source, target = op.inputs[0].dtype, op.attrs["DstT"]
        if (source == dtypes.string) == (target == dtypes.string):
            return functools.partial(self.forward, ctx.xp, DstT=target)

        def refuse(x):  # TF1 builds it, then refuses to run it
            raise UnimplementedError(None, op, f"Cast {source.name} to {target.name} is not "
                                               f"supported ({op.describe()})")

        return refuse

    def forward(self, xp, x, *, DstT):
        return x.astype(DstT.as_numpy_dtype)

    def gradient(self, op, grad):
        src = op.inputs[0].dtype
        if src.is_floating and op.outputs[0].dtype.is_floating:
            return [cast(grad, src)]
        return [None]


def cast(x, dtype, name=None):
    """`x` converted to `dtype` (an explicit, possibly lossy conversion); `x` itself when it
    already has that dtype, as in TF1."""
    dtype = dtypes.as_dtype(dtype)
    if isinstance(x, Tensor) and x.dtype == dtype:
        return x
    with name_scope(name, "Cast", [x]) as scope:
        x = convert_to_tensor(x, name="x")
        return x if x.dtype == dtype else Cast.apply(x, DstT=dtype, name=scope)


def to_float(x, name="ToFloat"):
    """Casts to float32."""
    return cast(x, dtypes.float32, name=name)


def to_double(x, name="ToDouble"):
    """Casts to float64."""
    return cast(x, dtypes.float64, name=name)


def to_int32(x, name="ToInt32"):
    """Casts to int32."""
    return cast(x, dtypes.int32, name=name)


def to_int64(x, name="ToInt64"):
    """Casts to int64."""
    return cast(x, dtypes.int64, name=name)


@register_op
class Select(OpDef):
    """TF1 where(c, x, y): c of x's shape, or 1-D selecting rows."""

    def infer(self, c, x, y):
        require(c.dtype, "bool", "condition")
        dtype = same_dtype(x, y)
        if not x.shape.is_compatible_with(y.shape):
            raise ValueError(f"x and y must have equal shapes, got {x.shape} and {y.shape}")
        shape = x.shape.merge_with(y.shape)
        if c.shape.ndims is not None and shape.ndims is not None:
            if c.shape.ndims == 1 and shape.ndims > 1:
                if not c.shape.is_compatible_with(shape[:1]):
                    raise ValueError(f"a 1-D condition {c.shape} must match the first dim of "
                                     f"{shape}")
            elif not c.shape.is_compatible_with(shape):
                raise ValueError(f"condition {c.shape} must have the shape of x and y {shape}")
        return Spec(shape, dtype)

    def forward(self, xp, c, x, y):
        if c.ndim == 1 and x.ndim > 1:
            c = c.reshape(c.shape + (1,) * (x.ndim - 1))
        return xp.where(c, x, y)

    def gradient(self, op, grad):
        c, _, _ = op.inputs
        zeros = zeros_like(grad)
        return [None, where(c, grad, zeros), where(c, zeros, grad)]


@register_op
class SelectV2(OpDef):
    """where(c, x, y) with NumPy broadcasting of all three."""

    broadcasts = True

    def infer(self, c, x, y):
        require(c.dtype, "bool", "condition")
        dtype = same_dtype(x, y)
        return Spec(broadcast_shape(c.shape, broadcast_shape(x.shape, y.shape)), dtype)

    def forward(self, xp, c, x, y):
        return xp.where(c, x, y)

    def gradient(self, op, grad):
        return [None, *_routed(grad, op.inputs[0])]


@register_op
class Where(NotDifferentiable):
    """The int64 coordinates of true elements, shape (n, rank)."""

    def infer(self, c):
        return Spec([None, c.shape.ndims], dtypes.int64)

    def forward(self, xp, c):
        return xp.argwhere(c).astype(xp.int64)


def _select(opdef_cls, condition, x, y, name):
    if x is None and y is None:
        return Where.apply(convert_to_tensor(condition), name=name)
    if x is None or y is None:
        raise ValueError("x and y must both be given, or neither")
    with name_scope(name, opdef_cls.type, [condition, x, y]) as scope:
        condition = convert_to_tensor(condition, name="condition")
        x, y = _to_tensors(x, y, opdef_cls.type, scope)
        return opdef_cls.apply(condition, x, y, name=scope)


def where(condition, x=None, y=None, name=None):
    """v1 where: select from x/y by condition (equal shapes or 1-D row selector), or the int64
    coordinates of true elements when x and y are omitted."""
    return _select(Select, condition, x, y, name)


def where_v2(condition, x=None, y=None, name=None):
    """TF2 where: selects with broadcasting of condition, x and y."""
    return _select(SelectV2, condition, x, y, name)


@register_op
class AddN(OpDef):
    """The sum of N tensors of one shape and dtype."""

    def infer(self, *xs):
        if not xs:
            raise ValueError("add_n needs at least one tensor")
        dtype = same_dtype(*xs)
        return Spec(merged_shape(xs), dtype)

    def forward(self, xp, *xs):
        total = xs[0] + xs[1] if len(xs) > 1 else xs[0].copy()
        for x in xs[2:]:
            total += x
        return total

    def gradient(self, op, grad):
        return [grad] * len(op.inputs)


def add_n(inputs, name=None):
    """The elementwise sum of a list of tensors."""
    if not inputs:
        raise ValueError("add_n: inputs must be a non-empty list of tensors")
    inputs = [convert_to_tensor(x) for x in inputs]
    if len(inputs) == 1:
        return inputs[0] if name is None else array_ops.identity(inputs[0], name=name)
    return AddN.apply(*inputs, name=name)


def _axis_input(x, axis):
    """The reduction-indices tensor for `axis` (None means every axis)."""
    if axis is None:
        if x.shape.ndims is not None:
            return array_ops.constant(list(range(x.shape.ndims)), dtype=dtypes.int32,
                                      name="Const")
        return range_(0, array_ops.rank(x), 1)
    if is_graph_value(axis):
        return convert_to_tensor(axis)
    return array_ops.constant(axis, dtype=dtypes.int32, name="Const")


def _reduced_spec(x, axes_t, keep_dims, dtype=None):
    axes = constant_value(axes_t)
    dtype = dtype or x.dtype
    if x.shape.ndims is None:
        return Spec(None, dtype)
    if axes is None:
        return Spec(None if not keep_dims else [None] * x.shape.ndims, dtype)
    axes = normalize_axes(axes.reshape(-1).tolist(), x.shape.ndims)
    dims = x.shape.as_tuple()
    if keep_dims:
        return Spec([1 if i in axes else d for i, d in enumerate(dims)], dtype)
    return Spec([d for i, d in enumerate(dims) if i not in axes], dtype)


def _axes_tuple(axes, ndims):
    """Reduction axes as a sorted tuple of non-negative ints (duplicates merged)."""
    axes = [int(a) for a in (axes.reshape(-1).tolist() if hasattr(axes, "reshape") else axes)]
    if ndims and any(not -ndims <= a < ndims for a in axes):  # TF1 refuses, never wraps
        raise ValueError(f"Invalid reduction axes {axes} for an input of rank {ndims}")
    if ndims and len({a % ndims for a in axes}) != len(axes):
        raise ValueError(f"Reduction axes {axes} repeat a dimension (input of rank {ndims})")
    return tuple(sorted({a % ndims for a in axes})) if ndims else tuple(axes)


class _Reduction(OpDef):
    """A reduction over the axes given by a second input; keep_dims as an attr."""

    allowed = "numeric"
    kernel = ""

    def infer(self, x, axes, *, keep_dims):
        require(x.dtype, self.allowed, "input")
        return _reduced_spec(x, axes, keep_dims)

    def reduce(self, xp, x, axes, keep):
        """The kernel for concrete, normalized axes."""
        return getattr(xp, self.kernel)(x, axis=axes, keepdims=keep)

    def bind(self, xp):
        """The kernel for concrete axes, f(x, axes, keep), bound to the array module once."""
        reduce = self.reduce
        return lambda x, axes, keep: reduce(xp, x, axes, keep)

    def compile(self, op, ctx):
        keep, reduce = op.attrs["keep_dims"], self.bind(ctx.xp)
        static, ndims = constant_value(op.inputs[1]), op.inputs[0].shape.ndims
        if static is not None and ndims is not None:
            axes = _axes_tuple(static, ndims)
            return lambda x, _: reduce(x, axes, keep)
        return lambda x, a: reduce(x, _axes_tuple(a, x.ndim), keep)

    def forward(self, xp, x, axes, *, keep_dims):
        return self.reduce(xp, x, _axes_tuple(axes, x.ndim), keep_dims)


def _grad_to_input_shape(op, grad):
    """Reshapes a reduction's gradient to keep-dims form, then broadcasts it to x's shape."""
    x, axes = op.inputs
    if not op.attrs["keep_dims"]:
        grad = reshape(grad, reduced_shape(shape(x), axes))
    return broadcast_to(grad, shape(x))


@register_op
class Sum(_Reduction):
    """Sum over axes (in the input's dtype: int32 sums stay int32, as in TF1)."""

    def reduce(self, xp, x, axes, keep):
        return self.bind(xp)(x, axes, keep)

    def bind(self, xp):
        add = reducer(xp, "add", "sum")  # ufunc.reduce on NumPy: no np.sum wrapper per call
        return lambda x, axes, keep: add(x, axes, keep, x.dtype)

    def gradient(self, op, grad):
        return [_grad_to_input_shape(op, grad), None]


@register_op
class Mean(_Reduction):
    """Mean over axes; integer means truncate toward zero, as TF1's integer division does."""

    def reduce(self, xp, x, axes, keep):
        count = math.prod(x.shape[a] for a in axes)  # the elements of each reduction group
        if count == 0:  # TF1: NaN for floats (0/0); NumPy would warn
            dims = [1 if i in axes else d for i, d in enumerate(x.shape) if keep or i not in axes]
            return xp.full(dims, float("nan") if x.dtype.kind == "f" else 0, dtype=x.dtype)
        if x.dtype.kind == "f":  # sum then scale: np.mean costs 4 us on small arrays
            return reducer(xp, "add", "sum")(x, axes, keep, x.dtype) * (1.0 / count)
        total = xp.sum(x, axis=axes, keepdims=keep, dtype=x.dtype)
        floor = total // count
        return floor + ((floor * count != total) & (total < 0)).astype(x.dtype)

    def gradient(self, op, grad):
        x, y = op.inputs[0], op.outputs[0]
        full = _grad_to_input_shape(op, grad)
        if x.shape.is_fully_defined() and y.shape.is_fully_defined():
            count = x.shape.num_elements() // builtins.max(y.shape.num_elements(), 1)
            return [full / builtins.max(count, 1), None]
        count = cast(array_ops.size(x) // maximum(array_ops.size(y), 1), grad.dtype)
        return [full / count, None]


@register_op
class Prod(_Reduction):
    """Product over axes (in the input's dtype)."""

    def reduce(self, xp, x, axes, keep):
        return xp.prod(x, axis=axes, keepdims=keep, dtype=x.dtype)

    def gradient(self, op, grad):
        # d/dx_i prod = prod of the others: exclusive cumprods from both sides (safe with zeros)
        x, axes = op.inputs
        g = _grad_to_input_shape(op, grad)
        return [g * _prod_of_others(x, axes), None]


def _prod_of_others(x, axes):
    """For each element, the product of the other elements of its reduction group over `axes`.

    TF1's Prod gradient: move the reduced axes to the front, flatten them, and multiply the
    exclusive cumulative products from both sides (right even where x holds zeros)."""
    from flowgrad.ops.gather_ops import gather  # gather_ops builds on this module

    ndims, static_axes = x.shape.ndims, constant_value(axes)
    if ndims is not None and static_axes is not None:
        reduced = list(normalize_axes(static_axes.reshape(-1).tolist(), ndims))
        other = [i for i in range(ndims) if i not in reduced]
        perm = reduced + other
    else:
        x_rank = array_ops.rank(x)
        reduced = (reshape(axes, [-1]) + x_rank) % x_rank
        other, _ = array_ops.setdiff1d(range_(0, x_rank), reduced)
        perm = array_ops.concat([reduced, other], 0)
    if x.shape.is_fully_defined() and isinstance(perm, list):
        dims = x.shape.as_list()
        flat_shape = [math.prod(dims[i] for i in reduced), math.prod(dims[i] for i in other)]
    else:
        x_shape = shape(x)
        flat_shape = array_ops.stack([reduce_prod(gather(x_shape, reduced)),
                                      reduce_prod(gather(x_shape, other))])
    permuted = array_ops.transpose(x, perm)
    flat = reshape(permuted, flat_shape)
    left = array_ops.cumprod(flat, 0, exclusive=True)
    right = array_ops.cumprod(flat, 0, exclusive=True, reverse=True)
    y = reshape(left * right, shape(permuted))
    return array_ops.transpose(y, invert_permutation(perm))


class _Extremum(_Reduction):
    """Max/Min: the gradient is split equally between tied extremes (TF1)."""

    def reduce(self, xp, x, axes, keep):
        if x.size:
            return getattr(xp, self.kernel)(x, axis=axes, keepdims=keep)
        # TF1: the max over an empty axis is -inf (the lowest int); NumPy raises instead
        dtype = dtypes.as_dtype(x.dtype)
        fill = (dtype.min if self.kernel == "max" else dtype.max) if dtype.is_integer else (
            -float("inf") if self.kernel == "max" else float("inf"))
        dims = [1 if i in axes else d for i, d in enumerate(x.shape) if keep or i not in axes]
        return xp.full(dims, fill, dtype=x.dtype)

    def gradient(self, op, grad):
        x, axes = op.inputs
        y = op.outputs[0]
        if not op.attrs["keep_dims"]:
            y = reshape(y, reduced_shape(shape(x), axes))
            grad = reshape(grad, reduced_shape(shape(x), axes))
        hits = cast(equal(x, y), grad.dtype)
        count = Sum.apply(hits, axes, keep_dims=True)
        return [hits / count * grad, None]


@register_op
class Max(_Extremum):
    """Maximum over axes."""

    kernel = "max"


@register_op
class Min(_Extremum):
    """Minimum over axes."""

    kernel = "min"


@register_op
class Any(_Reduction, NotDifferentiable):
    """Logical OR over axes."""

    allowed = "bool"
    kernel = "any"


@register_op
class All(_Reduction, NotDifferentiable):
    """Logical AND over axes."""

    allowed = "bool"
    kernel = "all"


def _reduction_builder(opdef_cls, default_name, doc):
    def builder(input_tensor, axis=None, keepdims=None, name=None, reduction_indices=None,
                keep_dims=None):
        axis = reduction_indices if axis is None else axis
        keep = bool(keepdims if keepdims is not None else keep_dims)
        x = convert_to_tensor(input_tensor)
        return opdef_cls.apply(x, _axis_input(x, axis), keep_dims=keep, name=name or default_name)

    builder.__doc__ = doc
    return builder


reduce_sum = _reduction_builder(Sum, "Sum", "Sum over `axis` (all axes when None).")
reduce_mean = _reduction_builder(Mean, "Mean", "Mean over `axis`; integer means truncate.")
reduce_max = _reduction_builder(Max, "Max", "Maximum over `axis`; -inf over an empty axis.")
reduce_min = _reduction_builder(Min, "Min", "Minimum over `axis`; +inf over an empty axis.")
reduce_prod = _reduction_builder(Prod, "Prod", "Product over `axis`.")
reduce_any = _reduction_builder(Any, "Any", "Logical OR over `axis`.")
reduce_all = _reduction_builder(All, "All", "Logical AND over `axis`.")


class _ArgExtremum(NotDifferentiable):
    """The index of the extreme value along one axis (a scalar int input)."""

    kernel = ""

    def infer(self, x, dimension, *, output_type):
        require(x.dtype, "numeric", "input")
        if output_type not in (dtypes.int32, dtypes.int64):
            raise TypeError(f"output_type must be int32 or int64, got {output_type.name}")
        if dimension.shape.ndims not in (None, 0):
            raise ValueError(f"dimension must be a scalar, got shape {dimension.shape}")
        axis = constant_value(dimension)
        if x.shape.ndims is None:
            return Spec(None, output_type)
        if axis is None:
            return Spec([None] * (x.shape.ndims - 1), output_type)
        (axis,) = normalize_axes(int(axis), x.shape.ndims, "dimension")
        return Spec([d for i, d in enumerate(x.shape.as_tuple()) if i != axis], output_type)

    def forward(self, xp, x, dimension, *, output_type):
        axis = int(dimension)
        if not -x.ndim <= axis < x.ndim:  # TF1 refuses, never wraps
            raise ValueError(f"Invalid dimension {axis} for an input of rank {x.ndim}")
        axis %= builtins.max(x.ndim, 1)
        if x.shape[axis] == 0:
            raise ValueError(f"Reduction axis {axis} is empty in shape {list(x.shape)}")
        return getattr(xp, self.kernel)(x, axis=axis).astype(output_type.as_numpy_dtype)


@register_op
class ArgMax(_ArgExtremum):
    """The index of the largest value along an axis (the first, on ties)."""

    kernel = "argmax"


@register_op
class ArgMin(_ArgExtremum):
    """The index of the smallest value along an axis (the first, on ties)."""

    kernel = "argmin"


def _arg_builder(opdef_cls, doc):
    def builder(input, axis=None, name=None, dimension=None, output_type=dtypes.int64):
        if axis is not None and dimension is not None:
            raise ValueError("Cannot specify both 'axis' and 'dimension'")
        axis = dimension if axis is None else axis
        with name_scope(name, opdef_cls.type, [input]) as scope:
            x = convert_to_tensor(input, name="input")
            axis_t = (convert_to_tensor(axis) if is_graph_value(axis) else
                      array_ops.constant(0 if axis is None else axis, dtype=dtypes.int32,
                                         name="dimension"))
            return opdef_cls.apply(x, axis_t, output_type=dtypes.as_dtype(output_type),
                                   name=scope)

    builder.__doc__ = doc
    return builder


argmax = _arg_builder(ArgMax, "Index of the largest value along `axis` (default 0), as int64.")
argmin = _arg_builder(ArgMin, "Index of the smallest value along `axis` (default 0), as int64.")


def arg_max(input, dimension, name=None, output_type=dtypes.int64):
    """TF1's older spelling of argmax (dimension required)."""
    return argmax(input, dimension=dimension, name=name, output_type=output_type)


def arg_min(input, dimension, name=None, output_type=dtypes.int64):
    """TF1's older spelling of argmin (dimension required)."""
    return argmin(input, dimension=dimension, name=name, output_type=output_type)


def count_nonzero(input_tensor, axis=None, keepdims=None, dtype=dtypes.int64, name=None,
                  reduction_indices=None, keep_dims=None):
    """The number of non-zero elements along `axis` (int64 by default)."""
    with name_scope(name, "count_nonzero", [input_tensor]) as scope:
        x = convert_to_tensor(input_tensor, name="input_tensor")
        nonzero = cast(not_equal(x, array_ops.zeros([], dtype=x.dtype)), dtypes.int64)
        counts = reduce_sum(nonzero, axis, keepdims, reduction_indices=reduction_indices,
                            keep_dims=keep_dims,
                            name=scope if dtypes.as_dtype(dtype) == dtypes.int64 else None)
        return cast(counts, dtype, name=scope)


def reduce_logsumexp(input_tensor, axis=None, keepdims=None, name=None, reduction_indices=None,
                     keep_dims=None):
    """log(sum(exp(x))) over `axis`, computed stably."""
    axis = reduction_indices if axis is None else axis
    keep = bool(keepdims if keepdims is not None else keep_dims)
    with name_scope(name, "ReduceLogSumExp", [input_tensor]) as scope:
        x = convert_to_tensor(input_tensor)
        raw_max = reduce_max(x, axis, keepdims=True)
        my_max = stop_gradient(where_v2(is_finite(raw_max), raw_max, zeros_like(raw_max)))
        result = log(reduce_sum(exp(x - my_max), axis, keepdims=keep))
        if not keep:
            my_max = reshape(my_max, shape(result))
        return add(result, my_max, name=scope)


def _float_test(type_name, kernel_name, doc):
    """Registers an elementwise test of a float tensor with a bool result (IsFinite, ...)."""

    def infer(self, x):
        require(x.dtype, "float", "x")
        return Spec(x.shape, dtypes.bool)

    def forward(self, xp, x):
        return getattr(xp, kernel_name)(x)

    attrs = {"infer": infer, "forward": forward, "__doc__": doc}
    return register_op(type(type_name, (NotDifferentiable,), attrs))


IsFinite = _float_test("IsFinite", "isfinite", "True where x is neither inf nor NaN.")
IsNan = _float_test("IsNan", "isnan", "True where x is NaN.")
IsInf = _float_test("IsInf", "isinf", "True where x is +inf or -inf.")


def is_finite(x, name=None):
    """Elementwise: neither inf nor NaN."""
    return IsFinite.apply(x, name=name)


def is_nan(x, name=None):
    """Elementwise: x is NaN."""
    return IsNan.apply(x, name=name)


def is_inf(x, name=None):
    """Elementwise: x is +inf or -inf."""
    return IsInf.apply(x, name=name)


@register_op
class ReducedShape(NotDifferentiable):
    """input_shape with the reduced axes set to 1 (for keep-dims reshapes)."""

    def infer(self, input_shape, axes):
        return Spec(input_shape.shape, dtypes.int32)

    def forward(self, xp, input_shape, axes):
        out = xp.array(input_shape, dtype=xp.int32)
        n = out.shape[0]
        for a in axes.reshape(-1):
            out[int(a) % n] = 1
        return out


def reduced_shape(input_shape, axes):
    """The keep-dims shape of a reduction of a tensor of shape `input_shape` over `axes`."""
    static_shape, static_axes = constant_value(input_shape), constant_value(axes)
    if static_shape is not None and static_axes is not None:
        out = [int(d) for d in static_shape]
        for a in static_axes.reshape(-1):
            out[int(a) % len(out)] = 1
        return array_ops.constant(out, dtype=dtypes.int32)
    return ReducedShape.apply(input_shape, axes)


@register_op
class BroadcastTo(OpDef):
    """x broadcast to a shape."""

    forwards_input = True

    def infer(self, x, shape_t):
        target = _static_shape_from(shape_t)
        value = constant_value(shape_t)
        if value is not None and (value < 0).any():  # a run would refuse it (-1 is no wildcard)
            raise ValueError(f"shape {value.tolist()} has a negative dimension")
        if target.ndims is not None and x.shape.ndims is not None:
            if x.shape.ndims > target.ndims:
                raise ValueError(f"cannot broadcast shape {x.shape} to the lower rank {target}")
            out = broadcast_shape(x.shape, target)
            if not out.is_compatible_with(target):
                raise ValueError(f"cannot broadcast shape {x.shape} to {target}")
            return Spec(target.merge_with(out), x.dtype)
        return Spec(target, x.dtype)

    def forward(self, xp, x, shape_t):
        return xp.broadcast_to(x, tuple(int(d) for d in shape_t))

    def gradient(self, op, grad):
        return [grad, None]


def broadcast_to(input, shape, name=None):
    """`input` broadcast to `shape`."""
    input = convert_to_tensor(input)
    target = _shape_input(shape)
    static = constant_value(target)
    if static is not None and input.shape.is_fully_defined() and \
            tuple(int(d) for d in static) == tuple(input.shape.as_list()):
        return input
    return BroadcastTo.apply(input, target, name=name)


@register_op
class BroadcastGradientArgs(NotDifferentiable):
    """The axes to sum over to undo broadcasting of shapes s0 and s1 (two int32 vectors)."""

    def infer(self, s0, s1):
        return [Spec([None], dtypes.int32), Spec([None], dtypes.int32)]

    def forward(self, xp, s0, s1):
        return broadcast_gradient_axes(xp, tuple(int(d) for d in s0), tuple(int(d) for d in s1))


def broadcast_gradient_axes(xp, s0, s1):
    """(axes of s0's broadcast, axes of s1's) over the broadcast result's rank."""
    n = builtins.max(len(s0), len(s1))
    p0 = (1,) * (n - len(s0)) + tuple(s0)
    p1 = (1,) * (n - len(s1)) + tuple(s1)
    r0 = [i for i in range(n) if i < n - len(s0) or (p0[i] == 1 and p1[i] != 1)]
    r1 = [i for i in range(n) if i < n - len(s1) or (p1[i] == 1 and p0[i] != 1)]
    return xp.array(r0, dtype=xp.int32), xp.array(r1, dtype=xp.int32)


@register_op
class InvertPermutation(NotDifferentiable):
    """The inverse of a permutation vector."""

    def infer(self, p):
        require(p.dtype, "int", "x")
        if p.shape.ndims not in (None, 1):
            raise ValueError(f"x must be a 1-D vector, got shape {p.shape}")
        return Spec(p.shape, p.dtype)

    def forward(self, xp, p):
        if p.ndim != 1:
            raise ValueError(f"x must be a 1-D vector, got shape {p.shape}")
        return xp.argsort(p).astype(p.dtype)


def invert_permutation(x, name=None):
    """The inverse permutation (computed at build time when x is a constant)."""
    x = convert_to_tensor(x, preferred_dtype=None if is_graph_value(x) else dtypes.int32)
    static = constant_value(x)
    is_permutation = static is not None and static.ndim == 1 and \
        sorted(static.tolist()) == list(range(static.size))
    if is_permutation:
        inverse = [0] * static.size
        for i, p in enumerate(static.tolist()):
            inverse[p] = i
        return array_ops.constant(inverse, dtype=x.dtype, name=name or "InvertPermutation")
    return InvertPermutation.apply(x, name=name)


@register_op
class Range(NotDifferentiable):
    """start, start + delta, ... up to (not including) limit."""

    def infer(self, start, limit, delta):
        dtype = same_dtype(start, limit, delta)
        values_ = [constant_value(t) for t in (start, limit, delta)]
        if None in values_:
            return Spec([None], dtype)
        s, l, d = (v.item() for v in values_)
        if d == 0:
            raise ValueError("delta must not be 0")
        return Spec([builtins.max(0, math.ceil((l - s) / d))], dtype)

    def forward(self, xp, start, limit, delta):
        return xp.arange(start.item(), limit.item(), delta.item(), dtype=start.dtype)


@register_op
class LinSpace(NotDifferentiable):
    """num evenly spaced values from start to stop, both included."""

    def infer(self, start, stop, num):
        dtype = same_dtype(start, stop)
        require(dtype, "float", "start")
        if num.dtype not in (dtypes.int32, dtypes.int64) or num.shape.ndims not in (None, 0):
            raise TypeError(f"num must be an int32 or int64 scalar, got {num.dtype.name}")
        n = constant_value(num)
        if n is not None and int(n) <= 0:
            raise ValueError(f"Requires num > 0: {int(n)}")
        return Spec([None if n is None else int(n)], dtype)

    def forward(self, xp, start, stop, num):
        return xp.linspace(start.item(), stop.item(), int(num), dtype=start.dtype)


def linspace(start, stop, num, name=None):
    """num evenly spaced values from start to stop, both included (tf.linspace, tf.lin_space)."""
    with name_scope(name, "LinSpace", [start, stop, num]) as scope:
        start = convert_to_tensor(start, name="start")
        stop = convert_to_tensor(stop, name="stop", dtype=start.dtype)
        num = convert_to_tensor(num, name="num")
        return LinSpace.apply(start, stop, num, name=scope)


def norm(tensor, ord="euclidean", axis=None, keepdims=None, name=None, keep_dims=None):
    """The vector norm of tensor (all of it, or along `axis`): ord 'euclidean' (2, or 'fro'
    over two axes), 1 or np.inf; matrix norms other than 'fro' are not supported."""
    keep = bool(keepdims if keepdims is not None else keep_dims)
    axes = None if axis is None else (list(axis) if isinstance(axis, (list, tuple)) else [axis])
    vector = axes is None or len(axes) == 1
    if not (ord in ("euclidean", 2, 1, builtins.float("inf")) and vector or
            ord in ("euclidean", "fro") and axes is not None and len(axes) == 2):
        raise NotImplementedError(f"tf.norm with ord={ord!r} over axis={axis!r} is not supported "
                                  "by flowgrad: vector norms (euclidean, 1, inf) and 'fro'.")
    with name_scope(name, "norm", [tensor]):
        tensor = convert_to_tensor(tensor, name="tensor")
        if ord == 1:
            result = reduce_sum(abs(tensor), axes, keepdims=True)
        elif ord == builtins.float("inf"):
            result = reduce_max(abs(tensor), axes, keepdims=True)
        else:
            result = sqrt(reduce_sum(tensor * tensor, axes, keepdims=True))
        return result if keep else array_ops.squeeze(result, axes)


def range_(start, limit=None, delta=1, dtype=None, name="range"):
    """Like Python's range, as a 1-D tensor."""
    if limit is None:
        start, limit = 0, start
    items = [start, limit, delta]
    tensors = [x for x in items if isinstance(x, Tensor)]
    if dtype is None:
        dtype = tensors[0].dtype if tensors else (
            dtypes.float32 if any(isinstance(x, float) for x in items) else dtypes.int32)
    dtype = dtypes.as_dtype(dtype)
    items = [x if isinstance(x, Tensor) else array_ops.constant(x, dtype=dtype) for x in items]
    return Range.apply(*items, name=name)
