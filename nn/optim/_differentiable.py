"""Optimizer steps recorded in the graph (`differentiable=True`), as PyTorch's SGD, Adam, AdamW, RMSprop, Adagrad,
Adadelta, Adamax, NAdam, RAdam, ASGD and Rprop take them: the
update is written with tensor ops on the parameter, so that a loss computed after the step can be differentiated
back through it (to the weights the parameter was cloned from, to a gradient made with create_graph=True, to a
learning rate given as a tensor that requires grad: hypergradients and unrolled meta-learning). The op order is
PyTorch's single-tensor one, so the values and the graph's node names are the same."""
from autograd import Tensor, amax, cat, full_like, maximum, zeros_like

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


def rmsprop_graph_step(param, grad, state, group):
    """One RMSprop step on `param` in place, recorded in the graph (centered, momentum, weight decay)."""
    if not state:
        state["step"] = scalar_state(0.0)
        state["square_avg"] = zeros_like(param)
    lr, alpha, momentum = group["lr"], group["alpha"], group["momentum"]
    for key, wanted in (("momentum_buffer", momentum > 0), ("grad_avg", group["centered"])):
        if wanted and key not in state:
            state[key] = zeros_like(param)
    state["step"] += 1
    if group["weight_decay"] != 0:
        grad = grad.add(param, alpha=group["weight_decay"])
    square_avg = state["square_avg"]
    square_avg.mul_(alpha).addcmul_(grad, grad, value=1 - alpha)
    if group["centered"]:
        grad_avg = state["grad_avg"]
        grad_avg.lerp_(grad, 1 - alpha)
        avg = square_avg.addcmul(grad_avg, grad_avg, value=-1).sqrt_()
    else:
        avg = square_avg.sqrt()
    avg = avg.add(group["eps"])
    if momentum > 0:
        buf = state["momentum_buffer"]
        buf.mul_(momentum).addcdiv_(grad, avg)
        param.add_(buf, alpha=-lr)
    else:
        param.addcdiv_(grad, avg, value=-lr)


def adagrad_graph_step(param, grad, state, group):
    """One Adagrad step on `param` in place, recorded in the graph (learning-rate decay, weight decay)."""
    if not state:
        state["step"] = scalar_state(0.0)
        state["sum"] = full_like(param, group["initial_accumulator_value"])
    state["step"] += 1
    step = state["step"].item()
    if group["weight_decay"] != 0:
        grad = grad.add(param, alpha=group["weight_decay"])
    clr = group["lr"] / (1 + (step - 1) * group["lr_decay"])
    total = state["sum"]
    total.addcmul_(grad, grad, value=1)
    param.addcdiv_(grad, total.sqrt() + group["eps"], value=-clr)


def adadelta_graph_step(param, grad, state, group):
    """One Adadelta step on `param` in place, recorded in the graph."""
    if not state:
        state["step"] = scalar_state(0.0)
        state["square_avg"], state["acc_delta"] = zeros_like(param), zeros_like(param)
    rho, eps = group["rho"], group["eps"]
    state["step"] += 1
    if group["weight_decay"] != 0:
        grad = grad.add(param, alpha=group["weight_decay"])
    square_avg, acc_delta = state["square_avg"], state["acc_delta"]
    square_avg.mul_(rho).addcmul_(grad, grad, value=1 - rho)
    std = square_avg.add(eps).sqrt_()
    delta = acc_delta.add(eps).sqrt_().clone()
    delta.div_(std).mul_(grad)
    acc_delta.mul_(rho).addcmul_(delta, delta, value=1 - rho)
    param.add_(delta, alpha=-group["lr"])


def adamax_graph_step(param, grad, state, group):
    """One Adamax step on `param` in place, recorded in the graph (the running infinity norm through amax)."""
    if not state:
        state["step"] = scalar_state(0.0)
        state["exp_avg"], state["exp_inf"] = zeros_like(param), zeros_like(param)
    (beta1, beta2), eps = group["betas"], group["eps"]
    state["step"] += 1
    if group["weight_decay"] != 0:
        grad = grad.add(param, alpha=group["weight_decay"])
    exp_avg, exp_inf = state["exp_avg"], state["exp_inf"]
    exp_avg.lerp_(grad, 1 - beta1)
    norms = cat([exp_inf.mul_(beta2).unsqueeze(0), grad.abs().add_(eps).unsqueeze_(0)], 0)
    exp_inf.copy_(amax(norms, 0, keepdim=False))
    clr = group["lr"] / (1 - beta1 ** state["step"].item())
    param.addcdiv_(exp_avg, exp_inf, value=-clr)


def _decayed(param, grad, group):
    """grad with L2 weight decay, or param shrunk in place first (decoupled_weight_decay), as NAdam and RAdam."""
    if group["weight_decay"] == 0:
        return grad
    if group["decoupled_weight_decay"]:
        param.mul_(1 - group["lr"] * group["weight_decay"])
        return grad
    return grad.add(param, alpha=group["weight_decay"])


def _moments(param, grad, state, group):
    """The step count after this step (a float) and the Adam moments updated in place."""
    if "step" not in state:
        state["step"] = scalar_state(0.0)
        state["exp_avg"], state["exp_avg_sq"] = zeros_like(param), zeros_like(param)
    beta1, beta2 = group["betas"]
    state["step"] += 1
    grad = _decayed(param, grad, group)
    state["exp_avg"].lerp_(grad, 1 - beta1)
    state["exp_avg_sq"].mul_(beta2).addcmul_(grad, grad, value=1 - beta2)
    return state["step"].item(), grad


def nadam_graph_step(param, grad, state, group):
    """One NAdam step on `param` in place, recorded in the graph; the momentum product stays the 0-d state
    tensor, so its coefficients round to its dtype as PyTorch's do."""
    if "step" not in state:   # PyTorch's order of the state's entries
        state["step"], state["mu_product"] = scalar_state(0.0), scalar_state(1.0)
        state["exp_avg"], state["exp_avg_sq"] = zeros_like(param), zeros_like(param)
    step, grad = _moments(param, grad, state, group)
    product = state["mu_product"]
    (beta1, beta2), lr, decay = group["betas"], group["lr"], group["momentum_decay"]
    mu = beta1 * (1.0 - 0.5 * (0.96 ** (step * decay)))
    mu_next = beta1 * (1.0 - 0.5 * (0.96 ** ((step + 1) * decay)))
    product *= mu
    denom = state["exp_avg_sq"].div(1 - beta2 ** step).sqrt().add(group["eps"])
    product_next = product * mu_next
    param.addcdiv_(grad * (-lr * (1.0 - mu) / (1.0 - product)), denom)
    param.addcdiv_(state["exp_avg"] * (-lr * mu_next / (1.0 - product_next)), denom)


def radam_graph_step(param, grad, state, group):
    """One RAdam step on `param` in place, recorded in the graph (the rectified step once the SMA length passes
    5, the plain bias-corrected momentum before)."""
    step, grad = _moments(param, grad, state, group)
    (beta1, beta2), lr = group["betas"], group["lr"]
    bias_correction2 = 1 - beta2 ** step
    corrected = state["exp_avg"] / (1 - beta1 ** step)
    rho_inf = 2 / (1 - beta2) - 1
    rho_t = rho_inf - 2 * step * (beta2 ** step) / bias_correction2
    if rho_t > 5.0:
        rect = ((rho_t - 4) * (rho_t - 2) * rho_inf / ((rho_inf - 4) * (rho_inf - 2) * rho_t)) ** 0.5
        adaptive = (bias_correction2 ** 0.5) / state["exp_avg_sq"].sqrt().add(group["eps"])
        param.add_(corrected * lr * adaptive * rect, alpha=-1.0)
    else:
        param.add_(corrected * lr, alpha=-1.0)


def asgd_graph_step(param, grad, state, group):
    """One ASGD step on `param` in place, recorded in the graph (the averaged copy `ax` follows it); eta and mu stay
    0-d state tensors, read as numbers as PyTorch's CPU step reads them."""
    if not state:
        state["step"], state["eta"], state["mu"] = scalar_state(0.0), scalar_state(group["lr"]), scalar_state(1.0)
        state["ax"] = zeros_like(param)
    lr, lambd, alpha = group["lr"], group["lambd"], group["alpha"]
    state["step"] += 1
    if group["weight_decay"] != 0:
        grad = grad.add(param, alpha=group["weight_decay"])
    eta = state["eta"].item()
    param.mul_(1 - lambd * eta)
    param.add_(grad, alpha=-eta)
    ax, mu = state["ax"], state["mu"]
    if mu.item() != 1:
        ax.add_(param.sub(ax).mul_(mu))
    else:
        ax.copy_(param)
    step = state["step"].item()
    state["eta"].fill_(lr / ((1 + lambd * lr * step) ** alpha))
    mu.fill_(1 / max(1, step - group["t0"]))


def rprop_graph_step(param, grad, state, group):
    """One Rprop step on `param` in place, recorded in the graph (the signs and step sizes carry no gradient, as in
    PyTorch, but the graph holds them)."""
    if not state:
        state["step"] = scalar_state(0.0)
        state["prev"] = zeros_like(param)
        state["step_size"] = full_like(grad, group["lr"])
    (etaminus, etaplus), (step_size_min, step_size_max) = group["etas"], group["step_sizes"]
    state["step"] += 1
    prev, step_size = state["prev"], state["step_size"]
    sign = grad.mul(prev.clone()).sign()
    sign[sign.gt(0)] = etaplus
    sign[sign.lt(0)] = etaminus
    sign[sign.eq(0)] = 1
    step_size.mul_(sign).clamp_(step_size_min, step_size_max)
    grad = grad.clone()
    grad[sign.eq(etaminus)] = 0
    param.addcmul_(grad.sign(), step_size, value=-1)
    prev.copy_(grad)
