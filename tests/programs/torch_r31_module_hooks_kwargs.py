"""Module hooks beyond the basic ones, in a small model trained a few steps (float64): forward pre-hooks with
with_kwargs=True that rewrite positional and keyword arguments, forward hooks with_kwargs=True that replace the
output, prepend=True ordering, always_call=True forward hooks that run when forward raises, the global
nn.modules.module.register_module_forward_pre_hook / register_module_forward_hook /
register_module_full_backward_hook, register_full_backward_pre_hook scaling grad_output, full backward hooks
returning new grad_input, handles removed mid-run and state_dict hooks."""
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.nn.modules.module import (register_module_forward_pre_hook, register_module_forward_hook,
                                     register_module_full_backward_hook)


class Scaled(nn.Module):
    def __init__(self, d_in, d_out):
        super().__init__()
        self.lin = nn.Linear(d_in, d_out)

    def forward(self, x, scale=1.0, shift=None):
        out = self.lin(x) * scale
        if shift is not None:
            out = out + shift
        return out


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.a = Scaled(3, 4)
        self.b = Scaled(4, 2)

    def forward(self, x):
        return self.b(torch.tanh(self.a(x, scale=2.0)), shift=torch.ones(2, dtype=x.dtype))


def main():
    torch.manual_seed(5)
    net = Net().double()
    x = torch.randn(5, 3, dtype=torch.float64)
    log = []

    def pre_kwargs(mod, args, kwargs):
        log.append(("pre_kwargs", sorted(kwargs)))
        kwargs = dict(kwargs)
        kwargs["scale"] = kwargs.get("scale", 1.0) * 0.5
        return (args[0] * 1.5,), kwargs

    def fwd_kwargs(mod, args, kwargs, out):
        log.append(("fwd_kwargs", sorted(kwargs), tuple(out.shape)))
        return out - 0.1 * kwargs.get("scale", 1.0)

    def first_pre(mod, args):
        log.append("first_pre")

    h1 = net.a.register_forward_pre_hook(pre_kwargs, with_kwargs=True)
    h2 = net.a.register_forward_hook(fwd_kwargs, with_kwargs=True)
    h3 = net.a.register_forward_pre_hook(first_pre, prepend=True)
    out = net(x)
    print("out", out.detach().numpy().round(10))
    print(log)
    log.clear()

    seen = []
    g1 = register_module_forward_pre_hook(lambda m, i: seen.append(("gpre", type(m).__name__)))
    g2 = register_module_forward_hook(lambda m, i, o: seen.append(("gfwd", type(m).__name__, tuple(o.shape))))
    g3 = register_module_full_backward_hook(
        lambda m, gi, go: seen.append(("gbwd", type(m).__name__, [None if g is None else tuple(g.shape) for g in gi])))
    loss = net(x).pow(2).sum()
    loss.backward()
    print(seen)
    for g in (g1, g2, g3):
        g.remove()
    net.zero_grad()

    def bpre(mod, grad_output):
        return (grad_output[0] * 3.0,)

    def bfull(mod, grad_input, grad_output):
        if grad_input[0] is None:
            log.append("bfull without input grad")
            return None
        return (grad_input[0].clamp(-0.05, 0.05),)

    xb = x.clone().requires_grad_()
    hb1 = net.b.register_full_backward_pre_hook(bpre)
    hb2 = net.a.register_full_backward_hook(bfull)
    loss = net(xb).pow(2).sum()
    loss.backward()
    print("loss", round(loss.item(), 10))
    print("x grad", xb.grad.numpy().round(10))
    print("b grad", net.b.lin.weight.grad.numpy().round(10))
    print("a grad", net.a.lin.bias.grad.numpy().round(10))

    calls = []
    class Boom(nn.Module):
        def forward(self, x):
            raise ValueError("boom")
    boom = Boom()
    boom.register_forward_hook(lambda m, i, o: calls.append(("always", o)), always_call=True)
    boom.register_forward_hook(lambda m, i, o: calls.append(("normal", o)))
    try:
        boom(x)
    except ValueError as e:
        print("caught", e, calls)

    opt = torch.optim.SGD(net.parameters(), lr=0.05)
    for step in range(4):
        if step == 2:
            for h in (h1, h2, h3, hb1, hb2):
                h.remove()
            print("hooks removed", len(net.a._forward_pre_hooks), len(net.a._forward_hooks),
                  len(net.b._backward_pre_hooks))
        opt.zero_grad()
        loss = F.mse_loss(net(x), torch.zeros(5, 2, dtype=torch.float64))
        loss.backward()
        opt.step()
        print("step", step, round(loss.item(), 10), log[-2:] if log else None)
        log.clear()

    def sd_hook(module, state_dict, prefix, local_metadata):
        state_dict[prefix + "extra"] = torch.tensor(7.0)
    net.a.register_state_dict_post_hook(sd_hook) if hasattr(net.a, "register_state_dict_post_hook") else None
    print(list(net.state_dict().keys()))
