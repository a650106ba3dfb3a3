"""Hypergradient descent through optimizers built with differentiable=True, as meta-learning code writes it: tests
run it as is and with only its imports changed, and compare what both print. A learning rate held as a tensor that
requires grad, tuned by differentiating the validation loss through one SGD step (plain, with Nesterov momentum
and weight decay, and maximize); a weight-decay tensor with requires_grad; a one-step Adam / AdamW / AMSGrad /
RMSprop / Adagrad lookahead differentiated back to the weights through a create_graph gradient; the graph nodes and state tensors
the steps leave (momentum buffers, exp_avg, max_exp_avg_sq through copy_), and the RuntimeError PyTorch raises when
a differentiable step changes a leaf in place. Float64, seeded NumPy data.
"""
import numpy as np
import torch


def data(rng, n):
    x = torch.from_numpy(rng.normal(0, 1, (n, 3)))
    y = x @ torch.tensor([1.5, -2.0, 0.5], dtype=torch.float64) + 0.1 * torch.from_numpy(rng.normal(0, 1, n))
    return x, y


def mse(w, x, y):
    return ((x @ w - y) ** 2).mean()


def main():
    rng = np.random.default_rng(2510)
    xt, yt = data(rng, 24)
    xv, yv = data(rng, 16)
    w = torch.zeros(3, dtype=torch.float64, requires_grad=True)
    log_lr = torch.tensor(-3.0, dtype=torch.float64, requires_grad=True)
    outer = torch.optim.Adam([log_lr], lr=0.2)
    for it in range(6):
        (g,) = torch.autograd.grad(mse(w, xt, yt), w, create_graph=True)
        p = w.clone()
        p.grad = g
        lr = log_lr.exp()
        inner = torch.optim.SGD([p], lr=lr, differentiable=True)
        inner.step()
        val = mse(p, xv, yv)
        outer.zero_grad()
        w.grad = None
        val.backward()
        print("hyper", it, round(val.item(), 8), round(lr.item(), 8), round(log_lr.grad.item(), 8),
              p.grad_fn.name(), w.grad)
        outer.step()
        with torch.no_grad():
            w -= lr.detach() * g.detach()

    lr = torch.tensor(0.05, dtype=torch.float64, requires_grad=True)
    wd = torch.tensor(0.01, dtype=torch.float64, requires_grad=True)
    w2 = torch.tensor([0.5, 0.5, 0.5], dtype=torch.float64, requires_grad=True)
    p = w2.clone()
    opt = torch.optim.SGD([p], lr=lr, momentum=0.9, nesterov=True, weight_decay=wd, differentiable=True)
    for k in range(3):
        (g,) = torch.autograd.grad(mse(w2, xt, yt) * (k + 1), w2, create_graph=True)
        p.grad = g
        opt.step()
    buf = opt.state[p]["momentum_buffer"]
    print("nesterov", p, buf.grad_fn.name(), buf.requires_grad)
    mse(p, xv, yv).backward()
    print("grads", lr.grad, wd.grad, w2.grad)

    w3 = torch.tensor([0.2, -0.1, 0.3], dtype=torch.float64, requires_grad=True)
    p = w3.clone()
    p.grad = torch.autograd.grad(-mse(w3, xt, yt), w3, create_graph=True)[0]
    torch.optim.SGD([p], lr=0.1, maximize=True, differentiable=True).step()
    mse(p, xv, yv).backward()
    print("maximize", p, w3.grad)

    for name, kw in [("Adam", {}), ("AdamW", dict(weight_decay=0.1)), ("Adam", dict(amsgrad=True, weight_decay=0.05)),
                     ("Adam", dict(decoupled_weight_decay=True, weight_decay=0.2, betas=(0.8, 0.9))),
                     ("RMSprop", dict(centered=True, momentum=0.5)), ("Adagrad", dict(lr_decay=0.1))]:
        w4 = torch.tensor([0.3, 0.3, -0.3], dtype=torch.float64, requires_grad=True)
        p = w4.clone()
        opt = getattr(torch.optim, name)([p], lr=0.1, differentiable=True, **kw)
        p.grad = torch.autograd.grad(mse(w4, xt, yt), w4, create_graph=True)[0]
        opt.step()
        state = opt.state[p]
        names = {k: (v.grad_fn.name() if v.grad_fn is not None else None) for k, v in state.items()}
        mse(p, xv, yv).backward()
        print(name, kw, p, names, state["step"])
        print("  lookahead grad", w4.grad, state.get("exp_avg_sq", state.get("square_avg", state.get("sum"))))

    leaf = torch.tensor([1.0, 2.0], dtype=torch.float64, requires_grad=True)
    leaf.grad = torch.ones(2, dtype=torch.float64)
    try:
        torch.optim.SGD([leaf], lr=0.1, differentiable=True).step()
    except RuntimeError as e:
        print("leaf step", isinstance(e, RuntimeError), "leaf" in str(e))
