"""Adamax, as torch.optim.Adamax: Adam with the infinity norm of past gradients in the denominator."""
from autograd import arrays

from ._buffers import lerp_, scratch_like, zeros_like_param
from .optimizer import Optimizer, _with_decay
from ._step_state import advance, scalar_state
from ._differentiable import adamax_graph_step


class Adamax(Optimizer):
    """Adamax: m = lerp(m, g, 1-beta1); u = max(beta2*u, |g| + eps); p -= lr / (1 - beta1**step) * m / u. weight_decay
    adds weight_decay*p to g. `foreach` and `capturable` are accepted, as PyTorch takes them, and change nothing;
    `differentiable=True` records the step in the graph."""

    _graph_step = staticmethod(adamax_graph_step)   # differentiable=True

    _nonnegative = ("eps", "weight_decay")

    def __init__(self, params, lr=2e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, foreach=None, *,
                 maximize=False, differentiable=False, capturable=False):
        super().__init__(params, dict(lr=lr, betas=tuple(betas), eps=eps, weight_decay=weight_decay,
                                      foreach=foreach, maximize=maximize, differentiable=differentiable,
                                      capturable=capturable))

    def _update(self, p, grad, state, group):
        xp = p.device.xp
        param = arrays.array(p)
        if not state:
            state["step"] = scalar_state(0.0)
            state["exp_avg"] = zeros_like_param(p)
            state["exp_inf"] = zeros_like_param(p)
        step = advance(state)
        if group["weight_decay"] != 0:
            grad = _with_decay(xp, grad, param, group["weight_decay"])
        beta1, beta2 = group["betas"]
        exp_avg, exp_inf = arrays.array(state["exp_avg"]), arrays.array(state["exp_inf"])
        lerp_(xp, exp_avg, grad, 1 - beta1)
        bound = xp.abs(grad, out=scratch_like(xp, param))
        bound += group["eps"]
        exp_inf *= beta2
        xp.maximum(exp_inf, bound, out=exp_inf)
        step_size = group["lr"] / (1 - beta1 ** step)
        xp.divide(exp_avg, exp_inf, out=bound)
        bound *= step_size
        param -= bound
