"""Activations that multiply their input by a gate computed from it: mish, hardswish and glu, one node each.

As composites their input reached the result along two paths, so a create_graph gradient ended in the sum of the
two (AddBackward0) where PyTorch's ends in its backward formula's last op; as one node each, the backward formula
below (PyTorch's) runs on the graph under create_graph and its last node takes PyTorch's name (node_names).
Backward recomputes the gate from the saved input, so that second derivatives reach the input through it.
"""
import math

from ..function import Function


def _softplus(xp, x):
    """log(1 + exp(x)) without overflow, over arrays or (under create_graph) graph tensors."""
    return xp.log1p(xp.exp(-xp.abs(x))) + xp.maximum(x, 0.0)


def _sigmoid(ctx, x):
    """sigmoid(x): the backend's kernel on arrays; exp(-softplus(-x)) on the graph (finite slopes everywhere)."""
    if ctx.xp is ctx.device.xp:
        return ctx.device.act_forward("sigmoid", x)
    return ctx.xp.exp(-_softplus(ctx.xp, -x))


class Mish(Function):
    """x * tanh(softplus(x)); gradient tanh(sp) + x * sigmoid(x) * (1 - tanh(sp) ** 2) (PyTorch's mish_backward)."""

    op_name = "mish"

    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x * ctx.xp.tanh(_softplus(ctx.xp, x))

    def backward(ctx, gy):
        x, = ctx.saved_tensors
        xp = ctx.xp
        softplus = _softplus(xp, x)
        gate = xp.tanh(softplus)
        slope = xp.exp(xp.where(x == math.inf, 0.0, x - softplus))   # sigmoid(x), exactly 1 at +inf
        return gy * (gate + x * slope * (1.0 - gate * gate))


class Hardswish(Function):
    """x * min(max(x + 3, 0), 6) / 6 (in that order, as PyTorch's kernel rounds it); gradient 0 up to -3, x / 3 + 0.5
    between, 1 from 3 on."""

    op_name = "hardswish"

    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x * ctx.xp.clip(x + 3.0, 0.0, 6.0) / 6.0

    def backward(ctx, gy):
        x, = ctx.saved_tensors
        xp = ctx.xp
        # as PyTorch's vectorised kernel: 0 up to -3 and 1 from 3 on (both ends included), NaN for NaN
        return xp.where(x <= -3.0, 0.0, xp.where(x >= 3.0, gy, gy * (x / 3.0 + 0.5)))


class Glu(Function):
    """a * sigmoid(b) for the halves a, b of x along `axis`; gradients sigmoid(b) * g and a * sigmoid(b) *
    (1 - sigmoid(b)) * g, joined along `axis` (PyTorch's glu_backward)."""

    op_name = "glu"

    def forward(ctx, x, axis):
        half = x.shape[axis] // 2
        a, b = _halves(x, axis, half)
        ctx.axis, ctx.half = axis, half
        ctx.save_for_backward(x)
        return a * _sigmoid(ctx, b)

    def backward(ctx, gy):
        x, = ctx.saved_tensors
        a, b = _halves(x, ctx.axis, ctx.half)
        gate = _sigmoid(ctx, b)
        half = getattr(ctx, "half_in", (None,))[0]
        if half is not None and ctx.xp is ctx.device.xp:   # PyTorch stores the gate in the 16-bit dtype first
            gate = gate.astype(half).astype(gate.dtype)
        return ctx.xp.concatenate([gate * gy, (1.0 - gate) * gate * a * gy], axis=ctx.axis), None


def _halves(x, axis, half):
    """The first and the second half of x along axis (views of arrays, slices of graph tensors)."""
    lead = (slice(None),) * axis
    return x[lead + (slice(0, half),)], x[lead + (slice(half, 2 * half),)]
