"""Adadelta, as torch.optim.Adadelta: step sizes from running averages of squared gradients and updates."""
from autograd import arrays

from ._buffers import scratch_like, zeros_like_param
from .optimizer import Optimizer, _with_decay
from ._step_state import advance, scalar_state
from ._differentiable import adadelta_graph_step


class Adadelta(Optimizer):
    """Adadelta: sq = rho*sq + (1-rho)*g*g; delta = sqrt(acc + eps) / sqrt(sq + eps) * g; acc = rho*acc +
    (1-rho)*delta*delta; p -= lr * delta. weight_decay adds weight_decay*p to g. `foreach` and `capturable` are
    accepted, as PyTorch takes them, and change nothing; `differentiable=True` records the step in the graph."""

    _graph_step = staticmethod(adadelta_graph_step)   # differentiable=True

    _nonnegative = ("eps", "weight_decay")

    def __init__(self, params, lr=1.0, rho=0.9, eps=1e-6, weight_decay=0, foreach=None, *, capturable=False,
                 maximize=False, differentiable=False):
        super().__init__(params, dict(lr=lr, rho=rho, eps=eps, weight_decay=weight_decay, maximize=maximize,
                                      capturable=capturable, foreach=foreach, differentiable=differentiable))

    def _check_group(self, group):
        super()._check_group(group)
        if not 0.0 <= group["rho"] <= 1.0:
            raise ValueError(f"{self._name}: invalid rho {group['rho']!r}; it must be in [0, 1]")

    def _update(self, p, grad, state, group):
        xp = p.device.xp
        param = arrays.array(p)
        if not state:
            state["step"] = scalar_state(0.0)
            state["square_avg"] = zeros_like_param(p)
            state["acc_delta"] = zeros_like_param(p)
        advance(state)
        if group["weight_decay"] != 0:
            grad = _with_decay(xp, grad, param, group["weight_decay"])
        rho, eps = group["rho"], group["eps"]
        square_avg, acc_delta = arrays.array(state["square_avg"]), arrays.array(state["acc_delta"])
        scratch = xp.multiply(grad, grad, out=scratch_like(xp, param))
        scratch *= 1 - rho
        square_avg *= rho
        square_avg += scratch
        std = xp.sqrt(square_avg + eps)
        delta = xp.sqrt(acc_delta + eps)
        delta /= std
        delta *= grad
        xp.multiply(delta, delta, out=scratch)
        scratch *= 1 - rho
        acc_delta *= rho
        acc_delta += scratch
        delta *= group["lr"]
        param -= delta
