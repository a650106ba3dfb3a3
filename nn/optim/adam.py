"""Adam and AdamW, as torch.optim.Adam / AdamW (bias-corrected moments, optional AMSGrad)."""
from autograd import Tensor

from .optimizer import Optimizer


class Adam(Optimizer):
    """Adam: m, v = running averages of g and g*g (betas), p -= lr * m_hat / (sqrt(v_hat) + eps) with
    bias-corrected m_hat, v_hat; weight_decay adds weight_decay*p to g (L2); `amsgrad` divides by the
    running maximum of v instead; `maximize` ascends."""

    _nonnegative = ("eps", "weight_decay")
    #: True for AdamW: weight decay shrinks p directly (p *= 1 - lr*weight_decay) instead of entering g
    _decoupled = False

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, amsgrad=False,
                 maximize=False):
        super().__init__(params, dict(lr=lr, betas=tuple(betas), eps=eps, weight_decay=weight_decay,
                                      amsgrad=amsgrad, maximize=maximize))

    def _check_group(self, group):
        super()._check_group(group)
        betas = group["betas"]
        if len(betas) != 2 or not all(0.0 <= b < 1.0 for b in betas):
            raise ValueError(f"{self._name}: invalid betas {betas!r}; give two values, each in [0, 1)")

    def _update(self, p, grad, state, group):
        device = p.device
        if not state:
            state["step"] = 0
            for key in ("exp_avg", "exp_avg_sq") + (("max_exp_avg_sq",) if group["amsgrad"] else ()):
                state[key] = Tensor._make(device.xp.zeros_like(p._data), device, None, 0, False)
        state["step"] += 1
        amsgrad = group["amsgrad"]
        if amsgrad and "max_exp_avg_sq" not in state:  # amsgrad switched on after the first step
            state["max_exp_avg_sq"] = Tensor._make(device.xp.zeros_like(p._data), device, None, 0, False)
        beta1, beta2 = group["betas"]
        device.adam_step(p._data, grad, state["exp_avg"]._data, state["exp_avg_sq"]._data,
                         state["max_exp_avg_sq"]._data if amsgrad else None, state["step"], group["lr"],
                         beta1, beta2, group["eps"], group["weight_decay"], self._decoupled, amsgrad)


class AdamW(Adam):
    """Adam with decoupled weight decay (Loshchilov & Hutter): p *= 1 - lr*weight_decay before the Adam step."""

    _decoupled = True

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2, amsgrad=False,
                 maximize=False):
        super().__init__(params, lr=lr, betas=betas, eps=eps, weight_decay=weight_decay, amsgrad=amsgrad,
                         maximize=maximize)
