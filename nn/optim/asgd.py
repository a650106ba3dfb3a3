"""ASGD, as torch.optim.ASGD: stochastic gradient descent with a decaying step size and a running average of
the iterates (Polyak & Juditsky), kept in the state as 'ax'."""
from autograd import arrays

from . import _extra_state
from ._buffers import zeros_like_param
from .optimizer import Optimizer, _with_decay
from ._step_state import advance, read, restore, scalar_state, write
from ._differentiable import asgd_graph_step


class ASGD(Optimizer):
    """ASGD: p *= 1 - lambd * eta; p -= eta * g; ax follows p (ax += mu * (p - ax), ax = p while mu is 1); then eta = lr
    / (1 + lambd * lr * t) ** alpha and mu = 1 / max(1, t - t0). weight_decay adds weight_decay*p to g; `maximize`
    ascends; `foreach` and `capturable` are accepted, as PyTorch takes them, and change nothing; `differentiable=True`
    records the step in the graph."""

    _graph_step = staticmethod(asgd_graph_step)   # differentiable=True

    _nonnegative = ("weight_decay",)

    def __init__(self, params, lr=1e-2, lambd=1e-4, alpha=0.75, t0=1e6, weight_decay=0, foreach=None,
                 maximize=False, differentiable=False, capturable=False):
        super().__init__(params, dict(lr=lr, lambd=lambd, alpha=alpha, t0=t0, weight_decay=weight_decay,
                                      foreach=foreach, maximize=maximize, differentiable=differentiable,
                                      capturable=capturable))

    def _version_writes(self, group):
        """PyTorch's ASGD writes each parameter twice: its decay p.mul_(1 - lambd * eta), then the step."""
        return 2

    def _update(self, p, grad, state, group):
        xp = p.device.xp
        param = arrays.array(p)
        lr, lambd = group["lr"], group["lambd"]
        if not state:
            state["step"] = scalar_state(0.0)
            state["eta"] = scalar_state(lr)
            state["mu"] = scalar_state(1.0)
            state["ax"] = zeros_like_param(p)
        step = advance(state)
        if group["weight_decay"] != 0:
            grad = _with_decay(xp, grad, param, group["weight_decay"])
        eta, mu = read(state, "eta"), read(state, "mu")
        param *= 1 - lambd * eta
        param -= grad * eta
        ax = arrays.array(state["ax"])
        if mu != 1:
            ax += (param - ax) * mu
        else:
            ax[...] = param
        write(state, "eta", lr / ((1 + lambd * lr * step) ** group["alpha"]))   # rounded as PyTorch's tensors
        write(state, "mu", 1 / max(1, step - group["t0"]))

    def load_state_dict(self, state_dict):
        """As Optimizer.load_state_dict; the scalars 'eta' and 'mu' (numbers or 0-d tensors) are kept as 0-d
        tensors, as PyTorch keeps them."""
        _extra_state.load_state_dict(self, state_dict, {"eta": restore, "mu": restore})
