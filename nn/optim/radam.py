"""RAdam, as torch.optim.RAdam: Adam whose adaptive step is switched on, and rectified, only once the variance
of its second moment estimate is tractable (Liu et al., 2019)."""
from autograd import arrays

from ._buffers import lerp_, scratch_like, zeros_like_param
from .optimizer import Optimizer, decay_l2_or_decoupled
from ._step_state import advance, scalar_state
from ._differentiable import radam_graph_step


class RAdam(Optimizer):
    """RAdam: m, v as Adam's; with rho_inf = 2 / (1 - beta2) - 1 and rho_t = rho_inf - 2 t beta2^t / (1 - beta2^t), p -=
    lr * m_hat * r_t * sqrt(1 - beta2^t) / (sqrt(v) + eps) when rho_t > 5 (r_t the rectification term), else p -= lr
    * m_hat. weight_decay adds weight_decay*p to g, or with decoupled_weight_decay shrinks p by 1 - lr*weight_decay
    first; `maximize` ascends; `foreach` and `capturable` are accepted, as PyTorch takes them, and change nothing;
    `differentiable=True` records the step in the graph."""

    _graph_step = staticmethod(radam_graph_step)   # differentiable=True

    _nonnegative = ("eps", "weight_decay")

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, decoupled_weight_decay=False,
                 *, foreach=None, maximize=False, capturable=False, differentiable=False):
        super().__init__(params, dict(lr=lr, betas=tuple(betas), eps=eps, weight_decay=weight_decay,
                                      maximize=maximize, foreach=foreach, capturable=capturable,
                                      decoupled_weight_decay=decoupled_weight_decay, differentiable=differentiable))

    def _version_writes(self, group):
        """PyTorch's decoupled weight decay is one more in-place write of each parameter (p.mul_(1 - lr * wd))."""
        return 2 if group["decoupled_weight_decay"] and group["weight_decay"] != 0 else 1

    def _update(self, p, grad, state, group):
        xp = p.device.xp
        param = arrays.array(p)
        if not state:
            state["step"] = scalar_state(0.0)
            state["exp_avg"] = zeros_like_param(p)
            state["exp_avg_sq"] = zeros_like_param(p)
        step, lr = advance(state), group["lr"]
        beta1, beta2 = group["betas"]
        grad = decay_l2_or_decoupled(xp, grad, param, group)
        exp_avg, exp_avg_sq = arrays.array(state["exp_avg"]), arrays.array(state["exp_avg_sq"])
        scratch = lerp_(xp, exp_avg, grad, 1 - beta1)
        exp_avg_sq *= beta2
        xp.multiply(grad, 1 - beta2, out=scratch)
        scratch *= grad
        exp_avg_sq += scratch
        correction1, correction2 = 1 - beta1 ** step, 1 - beta2 ** step
        rho_inf = 2 / (1 - beta2) - 1
        rho_t = rho_inf - 2 * step * beta2 ** step / correction2
        # the products in PyTorch's order, so that they round as its do
        xp.divide(exp_avg, correction1, out=scratch)
        scratch *= lr
        if rho_t > 5.0:
            rect = ((rho_t - 4) * (rho_t - 2) * rho_inf / ((rho_inf - 4) * (rho_inf - 2) * rho_t)) ** 0.5
            adaptive = xp.sqrt(exp_avg_sq, out=scratch_like(xp, param))
            adaptive += group["eps"]
            xp.divide(correction2 ** 0.5, adaptive, out=adaptive)
            scratch *= adaptive
            scratch *= rect
        param -= scratch
