"""Optimizer steps recorded in the graph (`differentiable=True`), as PyTorch's SGD, Adam and AdamW take them: the
update is written with tensor ops on the parameter, so that a loss computed after the step can be differentiated
back through it (to the weights the parameter was cloned from, to a gradient made with create_graph=True, to a
learning rate given as a tensor that requires grad: hypergradients and unrolled meta-learning). The op order is
PyTorch's single-tensor one, so the values and the graph's node names are the same."""
from autograd import Tensor, maximum, zeros_like

from ._step_state import scalar_state


def _plus_decay(grad, param, weight_decay):
    if isinstance(weight_decay, Tensor) and weight_decay.requires_grad:
        return grad.addcmul_(param.clone(), weight_decay)
    return grad.add(param, alpha=weight_decay)


def sgd_graph_step(param, grad, state, group):
    """One SGD step on `param` in place, recorded in the graph (momentum, dampening, Nesterov, weight decay)."""
    lr, momentum = group["lr"], group["momentum"]
    if group["weight_decay"] != 0:
        grad = _plus_decay(grad, param, group["weight_decay"])
    if momentum != 0:
        buf = state.get("momentum_buffer")
        if buf is None:
            buf = state["momentum_buffer"] = grad.detach().clone()   # the first buffer carries no graph
        else:
            buf.mul_(momentum).add_(grad, alpha=1 - group["dampening"])
        grad = grad.add(buf, alpha=momentum) if group["nesterov"] else buf
    if isinstance(lr, Tensor) and lr.requires_grad:
        param.addcmul_(grad, lr, value=-1)
    else:
        param.add_(grad, alpha=-lr)


def adam_graph_step(param, grad, state, group):
    """One Adam / AdamW step on `param` in place, recorded in the graph (AMSGrad, both weight decays); the bias
    corrections are computed from the step count's 0-d tensor, in its dtype, as PyTorch's."""
    if not state:
        state["step"] = scalar_state(0.0)
        state["exp_avg"], state["exp_avg_sq"] = zeros_like(param), zeros_like(param)
        if group["amsgrad"]:
            state["max_exp_avg_sq"] = zeros_like(param)
    lr, (beta1, beta2), eps, weight_decay = group["lr"], group["betas"], group["eps"], group["weight_decay"]
    step = state["step"]
    step += 1
    if weight_decay != 0:
        if group["decoupled_weight_decay"]:
            param.mul_(1 - lr * weight_decay)
        else:
            grad = _plus_decay(grad, param, weight_decay)
    exp_avg, exp_avg_sq = state["exp_avg"], state["exp_avg_sq"]
    exp_avg.lerp_(grad, 1 - beta1)
    exp_avg_sq.mul_(beta2).addcmul_(grad, grad, value=1 - beta2)
    bias_correction1 = 1 - beta1 ** step
    bias_correction2 = 1 - beta2 ** step
    step_size_neg = (lr / bias_correction1).neg()
    scale = bias_correction2.sqrt() * step_size_neg
    if group["amsgrad"]:
        if "max_exp_avg_sq" not in state:   # amsgrad switched on after the first step
            state["max_exp_avg_sq"] = zeros_like(param)
        best = state["max_exp_avg_sq"]
        best.copy_(maximum(best.clone(), exp_avg_sq))
        denom = (best.sqrt() / scale).add_(eps / step_size_neg)
    else:
        denom = (exp_avg_sq.sqrt() / scale).add_(eps / step_size_neg)
    param.addcdiv_(exp_avg.clone(), denom)
