"""SparseAdam, as torch.optim.SparseAdam: Adam's moments and step applied only to the rows (positions) that a
sparse gradient holds, so that an embedding's untouched rows keep their moments and values."""
import math

from autograd import arrays
from autograd.sparse_storage import SparseCOO, summed_repeats

from ._buffers import check_betas, zeros_like_param
from .optimizer import Optimizer


class SparseAdam(Optimizer):
    """Adam for sparse gradients (nn.Embedding(sparse=True)): at the gradient's positions, m += (1 - beta1)(g -
    m), v += (1 - beta2)(g^2 - v), p -= lr * sqrt(1 - beta2^t) / (1 - beta1^t) * m / (sqrt(v) + eps); every
    other position is left alone. Dense gradients are refused (use Adam)."""

    _sparse_gradients = "sparse"

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, maximize=False):
        if not 0.0 < lr:
            raise ValueError(f"Invalid learning rate: {lr}")
        if not 0.0 < eps:
            raise ValueError(f"Invalid epsilon value: {eps}")
        check_betas("SparseAdam", betas)
        super().__init__(params, dict(lr=lr, betas=tuple(betas), eps=eps, maximize=maximize))
        sparse = [[i, j] for i, group in enumerate(self.param_groups) for j, p in enumerate(group["params"])
                  if p.is_sparse]
        if sparse:
            raise ValueError(f"Sparse params at indices {sparse}: SparseAdam requires dense parameter tensors")

    def _update(self, p, grad, state, group):
        if type(grad) is not SparseCOO:
            raise RuntimeError("SparseAdam does not support dense gradients, please consider Adam instead")
        if not state:
            state["step"] = 0
            state["exp_avg"] = zeros_like_param(p)
            state["exp_avg_sq"] = zeros_like_param(p)
        state["step"] += 1
        grad = summed_repeats(grad)   # the update is not linear: each position once
        if grad.nnz == 0:
            return
        beta1, beta2 = group["betas"]
        at = tuple(grad.indices)
        exp_avg, exp_avg_sq = arrays.array(state["exp_avg"]), arrays.array(state["exp_avg_sq"])
        old_avg, old_sq = exp_avg[at], exp_avg_sq[at]
        avg_change = (grad.values - old_avg) * (1 - beta1)
        sq_change = (grad.values * grad.values - old_sq) * (1 - beta2)
        exp_avg[at] = old_avg + avg_change
        exp_avg_sq[at] = old_sq + sq_change
        step = state["step"]
        step_size = group["lr"] * math.sqrt(1 - beta2 ** step) / (1 - beta1 ** step)
        param = arrays.array(p)
        param[at] -= step_size * (avg_change + old_avg) / (p.device.xp.sqrt(sq_change + old_sq) + group["eps"])
