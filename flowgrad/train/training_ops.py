"""Optimizer update kernels (TF1's training_ops): one fused, in-place kernel per variable.

Each op takes its variable and slots by reference (inputs 0..n-1, looked up in the Session's
variable store) and the hyperparameters and gradient as values; it updates the arrays in place
and returns the variable's new value. Formulas are TF1's, written as its C++ kernels write them.
"""

from __future__ import annotations

from flowgrad.errors import FailedPreconditionError, InvalidArgumentError
from flowgrad.framework.registry import NotDifferentiable, Spec, register_op
from flowgrad.ops.state_ops import uninitialized_message, variable_of


class _ApplyOp(NotDifferentiable):
    """Base of the Apply* ops: `refs` variables by reference, then scalars and the gradient."""

    kind = "stateful"
    owns_result = True
    refs = 1
    grad_index = -1  # TF1's ApplyMomentum takes the gradient before `momentum`

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        cls.ref_inputs = tuple(range(cls.refs))

    def infer(self, *inputs, **attrs):
        grad_at = self.grad_index % len(inputs)
        var, grad = inputs[0], inputs[grad_at]
        scalars = [t for i, t in enumerate(inputs) if i >= self.refs and i != grad_at]
        for t in inputs:
            if t.dtype != var.dtype:
                raise TypeError(f"all inputs must have the variable's dtype {var.dtype.name}; "
                                f"'{t.name}' has dtype {t.dtype.name}")
        for t in (*inputs[1:self.refs], grad):
            if not t.shape.is_compatible_with(var.shape):
                raise ValueError(f"'{t.name}' has shape {t.shape}, the variable "
                                 f"'{var.op.name}' has shape {var.shape}: they must match")
        for t in scalars:
            if t.shape.rank not in (None, 0):
                raise ValueError(f"hyperparameter '{t.name}' must be a scalar, got shape {t.shape}")
        return Spec(var.shape, var.dtype)

    def compile(self, op, ctx):
        return self._compile_with(op, ctx, self.update)

    def _compile_with(self, op, ctx, update):
        store, xp = ctx.variables, ctx.xp
        variables = [variable_of(op, i) for i in range(self.refs)]
        names = [v.name for v in variables]
        attrs = {k: v for k, v in op.attrs.items() if k != "use_locking"}
        grad_at = self.grad_index % len(op.inputs) - self.refs
        # On NumPy the 0-d hyperparameters become Python floats: arithmetic on 0-d arrays costs
        # about 1 us an operation, more than the whole update of a small variable. On a GPU
        # they stay device arrays, so that reading them never waits for the device.
        on_host = xp.__name__ == "numpy"

        def kernel(*values):
            try:
                refs = [store[name] for name in names]
            except KeyError as e:
                var = variables[names.index(e.args[0])]
                raise FailedPreconditionError(None, op, uninitialized_message(var)) from None
            grad = values[grad_at]
            if grad.shape != refs[0].shape:
                raise InvalidArgumentError(None, op, (
                    f"var and grad do not have the same shape: variable '{names[0]}' has shape "
                    f"{refs[0].shape}, grad has shape {grad.shape}"))
            if on_host:
                values = [v if i == grad_at else float(v) for i, v in enumerate(values)]
            update(xp, *refs, *values, **attrs)
            return refs[0]

        return kernel

    def update(self, xp, *arrays, **attrs):
        raise NotImplementedError


@register_op
class ApplyGradientDescent(_ApplyOp):
    """var -= alpha * delta; where the plan donates delta's buffer, the product goes there and
    the update allocates nothing (a fresh temporary of a 784x512 kernel costs ~0.2 ms)."""

    donates = 2

    def update(self, xp, var, alpha, delta):
        var -= alpha * delta

    def compile_donating(self, op, ctx):
        def update(xp, var, alpha, delta):
            delta *= alpha
            var -= delta

        return self._compile_with(op, ctx, update)


@register_op
class ApplyMomentum(_ApplyOp):
    """accum = accum * momentum + grad; var -= lr * accum (Nesterov: lr * (grad + m * accum))."""

    refs = 2
    grad_index = 3

    def update(self, xp, var, accum, lr, grad, momentum, use_nesterov=False):
        accum *= momentum
        accum += grad
        if use_nesterov:
            var -= grad * lr + accum * momentum * lr
        else:
            var -= accum * lr


@register_op
class ApplyAdam(_ApplyOp):
    """Adam with the bias correction folded into the step size (TF1's epsilon-hat form)."""

    refs = 3

    def update(self, xp, var, m, v, beta1_power, beta2_power, lr, beta1, beta2, epsilon, grad,
               use_nesterov=False):
        alpha = lr * (1 - beta2_power) ** 0.5 / (1 - beta1_power)
        m += (grad - m) * (1 - beta1)
        v += (grad * grad - v) * (1 - beta2)
        if use_nesterov:
            var -= (grad * (1 - beta1) + beta1 * m) * alpha / (xp.sqrt(v) + epsilon)
        else:
            var -= m * alpha / (xp.sqrt(v) + epsilon)


@register_op
class ApplyAdagrad(_ApplyOp):
    """accum += grad²; var -= lr * grad / sqrt(accum)."""

    refs = 2

    def update(self, xp, var, accum, lr, grad, update_slots=True):
        if update_slots:
            accum += grad * grad
        var -= lr * grad / xp.sqrt(accum)


@register_op
class ApplyRMSProp(_ApplyOp):
    """ms += (grad² - ms)(1 - rho); mom = mom * momentum + lr * grad / sqrt(ms + eps);
    var -= mom."""

    refs = 3

    def update(self, xp, var, ms, mom, lr, rho, momentum, epsilon, grad):
        ms += (grad * grad - ms) * (1 - rho)
        mom *= momentum
        mom += grad * lr / xp.sqrt(ms + epsilon)
        var -= mom


@register_op
class ApplyCenteredRMSProp(_ApplyOp):
    """RMSProp normalized by the variance estimate ms - mg² instead of the second moment ms."""

    refs = 4

    def update(self, xp, var, mg, ms, mom, lr, rho, momentum, epsilon, grad):
        mg += (grad - mg) * (1 - rho)
        ms += (grad * grad - ms) * (1 - rho)
        mom *= momentum
        mom += grad * lr / xp.sqrt(ms - mg * mg + epsilon)
        var -= mom
