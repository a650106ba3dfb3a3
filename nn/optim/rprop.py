"""Rprop, as torch.optim.Rprop: resilient backpropagation, a per-element step size that grows while the
gradient keeps its sign and shrinks when it flips; only the gradient's sign moves the parameter."""
from autograd import arrays

from ._buffers import zeros_like_param
from .optimizer import Optimizer
from ._step_state import advance, scalar_state
from ._differentiable import rprop_graph_step


class Rprop(Optimizer):
    """Rprop: where g * g_prev > 0 the step size is multiplied by etas[1], where < 0 by etas[0] (and that g is taken as
    0: no move, and no sign to compare next time), clamped to step_sizes = (min, max); then p -= sign(g) * step_size.
    Step sizes start at lr. `maximize` ascends; `foreach` and `capturable` are accepted, as PyTorch takes them, and
    change nothing; `differentiable=True` records the step in the graph."""

    _graph_step = staticmethod(rprop_graph_step)   # differentiable=True

    def __init__(self, params, lr=1e-2, etas=(0.5, 1.2), step_sizes=(1e-6, 50), *, capturable=False, foreach=None,
                 maximize=False, differentiable=False):
        super().__init__(params, dict(lr=lr, etas=tuple(etas), step_sizes=tuple(step_sizes), foreach=foreach,
                                      maximize=maximize, differentiable=differentiable, capturable=capturable))

    def _check_group(self, group):
        super()._check_group(group)
        etas = group["etas"]
        if len(etas) != 2 or not 0.0 < etas[0] < 1.0 < etas[1]:
            raise ValueError(f"Rprop: invalid etas {etas!r}; give (etaminus, etaplus) with 0 < etaminus < 1 < "
                             "etaplus")
        if len(group["step_sizes"]) != 2:
            raise ValueError(f"Rprop: step_sizes must be a pair (min, max), got {group['step_sizes']!r}")

    def _update(self, p, grad, state, group):
        xp = p.device.xp
        param = arrays.array(p)
        if not state:
            state["step"] = scalar_state(0.0)
            state["prev"] = zeros_like_param(p)
            state["step_size"] = arrays.wrap(xp.full_like(param, group["lr"]), p.device)
        advance(state)
        etaminus, etaplus = group["etas"]
        low, high = group["step_sizes"]
        prev, step_size = arrays.array(state["prev"]), arrays.array(state["step_size"])
        sign = xp.sign(grad * prev)
        factor = xp.where(sign > 0, etaplus, xp.where(sign < 0, etaminus, 1.0)).astype(param.dtype)
        step_size *= factor
        xp.clip(step_size, low, high, out=step_size)
        moved = xp.where(factor == etaminus, 0, grad).astype(param.dtype)
        param -= xp.sign(moved) * step_size
        prev[...] = moved
