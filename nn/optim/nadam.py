"""NAdam, as torch.optim.NAdam: Adam with Nesterov momentum and a momentum schedule (momentum_decay)."""
from autograd import arrays

from ._buffers import lerp_, scratch_like, zeros_like_param
from .optimizer import Optimizer, decay_l2_or_decoupled
from ._step_state import advance, multiply, restore, scalar_state
from ._differentiable import nadam_graph_step


class NAdam(Optimizer):
    """NAdam: mu_t = beta1 * (1 - 0.5 * 0.96 ** (t * momentum_decay)); m, v as Adam's; with denom = sqrt(v / (1 -
    beta2**t)) + eps, p -= lr * (1 - mu_t) / (1 - prod mu) * g / denom + lr * mu_{t+1} / (1 - prod mu * mu_{t+1}) * m
    / denom. weight_decay adds weight_decay*p to g, or with decoupled_weight_decay shrinks p by 1 - lr*weight_decay
    first (NAdamW). `foreach` and `capturable` are accepted, as PyTorch takes them, and change nothing;
    `differentiable=True` records the step in the graph."""

    _graph_step = staticmethod(nadam_graph_step)   # differentiable=True

    _nonnegative = ("eps", "weight_decay", "momentum_decay")

    def __init__(self, params, lr=2e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, momentum_decay=4e-3,
                 decoupled_weight_decay=False, *, foreach=None, maximize=False, capturable=False,
                 differentiable=False):
        super().__init__(params, dict(lr=lr, betas=tuple(betas), eps=eps, weight_decay=weight_decay,
                                      momentum_decay=momentum_decay, decoupled_weight_decay=decoupled_weight_decay,
                                      maximize=maximize, foreach=foreach, capturable=capturable,
                                      differentiable=differentiable))

    def _version_writes(self, group):
        """PyTorch's NAdam writes each parameter twice (its two addcdiv_), once more for decoupled weight decay."""
        return 3 if group["decoupled_weight_decay"] and group["weight_decay"] != 0 else 2

    def _update(self, p, grad, state, group):
        xp = p.device.xp
        param = arrays.array(p)
        if not state:
            state["step"] = scalar_state(0.0)
            state["mu_product"] = scalar_state(1.0)
            state["exp_avg"] = zeros_like_param(p)
            state["exp_avg_sq"] = zeros_like_param(p)
        step, lr = advance(state), group["lr"]
        beta1, beta2 = group["betas"]
        grad = decay_l2_or_decoupled(xp, grad, param, group)
        mu = beta1 * (1.0 - 0.5 * 0.96 ** (step * group["momentum_decay"]))
        mu_next = beta1 * (1.0 - 0.5 * 0.96 ** ((step + 1) * group["momentum_decay"]))
        # the running product is a float32 scalar tensor, as PyTorch's: multiplied in that dtype, the updates
        # stay equal to PyTorch's to the last bit
        mu_product = multiply(state, "mu_product", mu)
        exp_avg, exp_avg_sq = arrays.array(state["exp_avg"]), arrays.array(state["exp_avg_sq"])
        lerp_(xp, exp_avg, grad, 1 - beta1)
        scratch = xp.multiply(grad, grad, out=scratch_like(xp, param))
        scratch *= 1 - beta2
        exp_avg_sq *= beta2
        exp_avg_sq += scratch
        denom = xp.sqrt(exp_avg_sq / (1 - beta2 ** step))
        denom += group["eps"]
        xp.divide(grad, denom, out=scratch)
        scratch *= -lr * (1.0 - mu) / (1.0 - mu_product)
        param += scratch
        xp.divide(exp_avg, denom, out=scratch)
        scratch *= -lr * mu_next / (1.0 - mu_product * mu_next)
        param += scratch

    def load_state_dict(self, state_dict):
        """As Optimizer.load_state_dict; the scalar 'mu_product' (a number or a 0-d tensor) is kept as a 0-d
        tensor, as PyTorch keeps it."""
        products = {}
        stripped = dict(state_dict, state={})
        for index, values in state_dict.get("state", {}).items():
            values = dict(values)
            if "mu_product" in values:
                products[int(index)] = restore(values.pop("mu_product"), None, "mu_product", self._name)
            stripped["state"][index] = values
        super().load_state_dict(stripped)
        params = [p for group in self.param_groups for p in group["params"]]
        for index, value in products.items():
            self.state[params[index]]["mu_product"] = value

