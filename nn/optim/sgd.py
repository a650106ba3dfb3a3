"""Stochastic gradient descent with momentum, dampening, Nesterov and weight decay, as torch.optim.SGD.

`sgd_update` is the formula, on raw arrays through the device's array module; a device that offers
a fused `sgd_step` kernel of it (cpu: BLAS axpy; numba, cuda) runs that instead.
"""
from autograd import arrays
from autograd.bf16_dtype import is_half

from . import _half_steps as half
from ._buffers import zeros_like_param
from ._differentiable import sgd_graph_step
from .optimizer import Optimizer, _check_grad, _with_decay


def sgd_update(xp, param, grad, buf, lr, momentum, dampening, nesterov, weight_decay, first):
    """One SGD step as torch.optim.SGD, updating param (and buf when momentum != 0) in place; grad is
    only read, and each step allocates at most two scratch arrays of the parameter's shape.

    d = grad + wd * param; buf = d on the first step, else momentum * buf + (1 - dampening) * d;
    the step is d + momentum * buf with nesterov, else buf; param -= lr * step.
    """
    _check_grad("sgd_update", param, grad)
    if is_half(param.dtype):
        return _sgd_update_half(xp, param, grad, buf, lr, momentum, dampening, nesterov, weight_decay, first)
    if param.ndim == 0:   # 1-element views: NumPy's ufuncs return scalars, not arrays, for 0-d operands
        return sgd_update(xp, param.reshape(1), grad.reshape(1), None if buf is None else buf.reshape(1), lr,
                          momentum, dampening, nesterov, weight_decay, first)
    d = _with_decay(xp, grad, param, weight_decay) if weight_decay != 0 else grad
    if momentum != 0:
        if first:
            xp.copyto(buf, d)
        else:
            buf *= momentum
            buf += d if dampening == 0 else (1 - dampening) * d
        if nesterov:
            step = xp.multiply(buf, momentum)
            step += d
            d = step
        else:
            d = buf
    if d is grad or d is buf:
        param -= lr * d
    else:
        d *= lr
        param -= d


@half.quiet
def _sgd_update_half(xp, param, grad, buf, lr, momentum, dampening, nesterov, weight_decay, first):
    """sgd_update for float16 / bfloat16 arrays: PyTorch's op sequence, each op rounded to the dtype as its CPU
    kernel rounds it (_half_steps: an add's alpha rounded to the dtype, a scaling's factor not). NumPy's half
    arithmetic rounded the coefficient's product and the sum apart (param -= lr * d)."""
    d = half.plus(grad, weight_decay, param) if weight_decay != 0 else grad
    if momentum != 0:
        if first:
            xp.copyto(buf, d)
        else:
            buf[...] = half.plus(half.scaled(buf, momentum), 1 - dampening, d)
        d = half.plus(d, momentum, buf) if nesterov else buf
    param[...] = half.plus(param, -lr, d)


class SGD(Optimizer):
    """SGD: d = g + weight_decay*p; with momentum, buf = momentum*buf + (1-dampening)*d (buf = d at first)
    and d = d + momentum*buf (nesterov) or buf; then p -= lr*d. `maximize` ascends instead; `foreach` and
    `fused` are accepted and change nothing (the devices pick their kernels); `differentiable=True` records the
    step in the graph (the parameters may then be non-leaf tensors)."""

    _nonnegative = ("momentum", "dampening", "weight_decay")
    _graph_step = staticmethod(sgd_graph_step)   # differentiable=True
    _sparse_gradients = "dense"   # the momentum buffer is dense; its values are PyTorch's sparse buffer's

    def __init__(self, params, lr=1e-3, momentum=0, dampening=0, weight_decay=0, nesterov=False, *, maximize=False,
                 foreach=None, differentiable=False, fused=None):
        super().__init__(params, dict(lr=lr, momentum=momentum, dampening=dampening, weight_decay=weight_decay,
                                      nesterov=nesterov, maximize=maximize, foreach=foreach,
                                      differentiable=differentiable, fused=fused))

    def _check_group(self, group):
        super()._check_group(group)
        if group["nesterov"] and (group["momentum"] <= 0 or group["dampening"] != 0):
            raise ValueError(f"SGD: nesterov=True needs momentum > 0 and dampening = 0, got momentum="
                             f"{group['momentum']}, dampening={group['dampening']}")

    def _update(self, p, grad, state, group):
        momentum = group["momentum"]
        buf = None
        first = False
        if momentum != 0:
            holder = state.get("momentum_buffer")
            if holder is None:
                first = True
                holder = state["momentum_buffer"] = zeros_like_param(p)
                listed = self.__dict__.get("_listings", {}).get(id(p), 1)
                if listed > 1:   # listed twice (PyTorch warns): each listing of the first step starts the buffer
                    state["_first_listings_left"] = listed - 1
            elif state.get("_first_listings_left"):
                first = True
                state["_first_listings_left"] -= 1
                if not state["_first_listings_left"]:
                    del state["_first_listings_left"]
            buf = arrays.array(holder)
        device = p.device
        step = (arrays.array(p), grad, buf, group["lr"], momentum, group["dampening"], group["nesterov"],
                group["weight_decay"], first)
        fused = device.sgd_step
        if fused is None or not fused(*step):
            sgd_update(device.xp, *step)
