"""Stochastic gradient descent with momentum, dampening, Nesterov and weight decay, as torch.optim.SGD."""
from autograd import Tensor

from .optimizer import Optimizer


class SGD(Optimizer):
    """SGD: d = g + weight_decay*p; with momentum, buf = momentum*buf + (1-dampening)*d (buf = d at first)
    and d = d + momentum*buf (nesterov) or buf; then p -= lr*d. `maximize` ascends instead."""

    _nonnegative = ("momentum", "dampening", "weight_decay")

    def __init__(self, params, lr=1e-3, momentum=0, dampening=0, nesterov=False, weight_decay=0, maximize=False):
        super().__init__(params, dict(lr=lr, momentum=momentum, dampening=dampening, nesterov=nesterov,
                                      weight_decay=weight_decay, maximize=maximize))

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
                holder = state["momentum_buffer"] = Tensor._make(p.device.xp.zeros_like(p._data), p.device,
                                                                 None, 0, False)
            buf = holder._data
        p.device.sgd_step(p._data, grad, buf, group["lr"], momentum, group["dampening"], group["nesterov"],
                          group["weight_decay"], first)
