"""Saved-tensor hooks around a small MLP and a custom Function (float64): saved_tensors_hooks that count and
compress what the graph saves (pack to float32, unpack back), hooks nested and the innermost winning,
save_on_cpu, disable_saved_tensors_hooks refusing a hook inside it (its message) and the hooks working again
after it, checkpoint(use_reentrant=False) inside and outside hooks, and the gradients of every variant compared
with the plain one."""
import torch
import torch.nn as nn
from torch.autograd.graph import saved_tensors_hooks, save_on_cpu, disable_saved_tensors_hooks
from torch.utils.checkpoint import checkpoint


class Cube(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x ** 3

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        return 3 * x ** 2 * g


def make_model():
    torch.manual_seed(2)
    return nn.Sequential(nn.Linear(4, 6), nn.Tanh(), nn.Linear(6, 6), nn.Sigmoid(), nn.Linear(6, 1)).double()


def grads(model, x, ctx=None, ckpt=False):
    model.zero_grad()
    xx = x.clone().requires_grad_()
    def run():
        h = model[:2](xx)
        h = checkpoint(model[2:4], h, use_reentrant=False) if ckpt else model[2:4](h)
        return Cube.apply(model[4](h)).sum()
    if ctx is None:
        loss = run()
    else:
        with ctx:
            loss = run()
    loss.backward()
    return loss.item(), xx.grad.clone(), model[0].weight.grad.clone()


def main():
    torch.manual_seed(0)
    x = torch.randn(3, 4, dtype=torch.float64)
    model = make_model()
    base_loss, base_xg, base_wg = grads(model, x)
    print("base", round(base_loss, 10), base_xg.numpy().round(10))

    packed = []
    def pack(t):
        packed.append((tuple(t.shape), str(t.dtype).replace("torch.", "")))
        return t
    def unpack(t):
        return t
    loss, xg, wg = grads(model, x, saved_tensors_hooks(pack, unpack))
    print("identity hooks", round(loss, 10), torch.equal(xg, base_xg), torch.equal(wg, base_wg))
    print("packed count", len(packed), sorted(set(packed)))

    def pack_f32(t):
        return t.to(torch.float32)
    def unpack_f64(t):
        return t.to(torch.float64)
    loss, xg, wg = grads(model, x, saved_tensors_hooks(pack_f32, unpack_f64))
    print("f32 hooks", round(loss, 10), (xg - base_xg).abs().max().item() < 1e-5, xg.dtype == torch.float64)
    print("f32 max diff below 1e-5", (wg - base_wg).abs().max().item() < 1e-5)

    outer, inner = [], []
    xx = x.clone().requires_grad_()
    with saved_tensors_hooks(lambda t: outer.append(1) or t, lambda t: t):
        a = torch.exp(xx)
        with saved_tensors_hooks(lambda t: inner.append(1) or t, lambda t: t):
            b = torch.sin(a) * a
        c = (b ** 2).sum()
    c.backward()
    print("nested counts", len(outer), len(inner), round(c.item(), 10))
    print("nested grad", xx.grad.numpy().round(10))

    loss, xg, wg = grads(model, x, save_on_cpu(pin_memory=False))
    print("save_on_cpu", round(loss, 10), torch.equal(xg, base_xg), torch.equal(wg, base_wg))

    loss, xg, wg = grads(model, x, ckpt=True)
    print("checkpoint", round(loss, 10), torch.allclose(xg, base_xg, rtol=0, atol=1e-14))
    packed.clear()
    loss, xg, wg = grads(model, x, saved_tensors_hooks(pack, unpack), ckpt=True)
    print("checkpoint+hooks", round(loss, 10), torch.allclose(wg, base_wg, rtol=0, atol=1e-14), len(packed) > 0)

    with disable_saved_tensors_hooks("saved tensor hooks are off in this block"):
        try:
            with saved_tensors_hooks(pack, unpack):
                pass
        except RuntimeError as e:
            print("refused:", str(e).splitlines()[0])
        y = (x.clone().requires_grad_() * 2).exp().sum()
        print("plain op inside disable", round(y.item(), 10))
    with saved_tensors_hooks(pack, unpack):
        print("hooks work again", True)

    model2 = make_model()
    opt = torch.optim.Adam(model2.parameters(), lr=0.05)
    target = torch.tensor([[0.5], [-0.2], [0.1]], dtype=torch.float64)
    for step in range(4):
        opt.zero_grad()
        with saved_tensors_hooks(pack_f32, unpack_f64):
            out = Cube.apply(model2(x))
            loss = ((out - target) ** 2).mean()
        loss.backward()
        opt.step()
        print("adam step", step, round(loss.item(), 6))
