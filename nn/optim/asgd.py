"""ASGD, as torch.optim.ASGD: stochastic gradient descent with a decaying step size and a running average of
the iterates (Polyak & Juditsky), kept in the state as 'ax'."""
import numpy as np

from autograd import arrays, float64, get_default_dtype

from . import _extra_state
from ._buffers import zeros_like_param
from .optimizer import Optimizer, _with_decay


def _scalar(value):
    """value rounded as PyTorch's scalar state tensors hold it (float32 unless the default dtype is float64)."""
    return float(value) if get_default_dtype() == float64 else float(np.float32(value))


class ASGD(Optimizer):
    """ASGD: p *= 1 - lambd * eta; p -= eta * g; ax follows p (ax += mu * (p - ax), ax = p while mu is 1);
    then eta = lr / (1 + lambd * lr * t) ** alpha and mu = 1 / max(1, t - t0). weight_decay adds
    weight_decay*p to g; `maximize` ascends; `foreach` is accepted and changes nothing."""

    _nonnegative = ("weight_decay",)

    def __init__(self, params, lr=1e-2, lambd=1e-4, alpha=0.75, t0=1e6, weight_decay=0, foreach=None,
                 maximize=False):
        super().__init__(params, dict(lr=lr, lambd=lambd, alpha=alpha, t0=t0, weight_decay=weight_decay,
                                      foreach=foreach, maximize=maximize))

    def _update(self, p, grad, state, group):
        xp = p.device.xp
        param = arrays.array(p)
        lr, lambd = group["lr"], group["lambd"]
        if not state:
            state["step"] = 0
            state["eta"] = _scalar(lr)
            state["mu"] = 1.0
            state["ax"] = zeros_like_param(p)
        state["step"] += 1
        if group["weight_decay"] != 0:
            grad = _with_decay(xp, grad, param, group["weight_decay"])
        eta = state["eta"]
        param *= 1 - lambd * eta
        param -= grad * eta
        ax = arrays.array(state["ax"])
        if state["mu"] != 1:
            ax += (param - ax) * state["mu"]
        else:
            ax[...] = param
        step = state["step"]
        state["eta"] = _scalar(lr / ((1 + lambd * lr * step) ** group["alpha"]))
        state["mu"] = _scalar(1 / max(1, step - group["t0"]))

    def load_state_dict(self, state_dict):
        """As Optimizer.load_state_dict; the scalars 'eta' and 'mu' (numbers or 0-d tensors) are kept as floats."""
        _extra_state.load_state_dict(self, state_dict, {"eta": _extra_state.as_number, "mu": _extra_state.as_number})
