"""In-place updates and views inside autograd graphs, as model code writes them; tests run it as is and with only
its imports changed, and compare what both print. Slice assignment into a non-leaf tensor (x[:, 0] = ..., *=
through a view) with gradients flowing to both the old and the new values, in-place activations (relu_,
F.relu(inplace=True), nn.ReLU(inplace=True)), the error for in-place changes of a leaf that requires grad,
torch.no_grad updates of parameters, detach_ / requires_grad_, register_hook on a view's base, the grad_fn names
in-place ops leave (CopySlices), and a masked update inside a training step. Float32, NumPy data.
"""
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


def main():
    rng = np.random.default_rng(23)
    a = torch.from_numpy(rng.standard_normal((3, 4)).astype(np.float32)).requires_grad_(True)
    b = torch.from_numpy(rng.standard_normal(3).astype(np.float32)).requires_grad_(True)
    y = a * 2
    y[:, 0] = b * 3
    y[1:, 2:] *= 0.5
    print(y, type(y.grad_fn).__name__)
    y.pow(2).sum().backward()
    print(a.grad, b.grad)
    x = a.detach().clone().requires_grad_(True)
    z = x * 3.0 + 1.0
    view = z[:, 1:3]
    view.mul_(x[:, :2])
    out = z.sum()
    out.backward()
    print(z, x.grad)
    try:
        a.add_(1.0)
    except RuntimeError:
        print("leaf requiring grad: in-place refused", a.is_leaf, a.requires_grad)
    t = (a * 1.0).relu_()
    u = F.relu(a - 0.5, inplace=True)
    act = nn.ReLU(inplace=True)
    v = act(a * -1.0)
    print(t.grad_fn is not None, u.min().item(), v.max().item())
    (t.sum() + u.sum() * 2 + v.sum() * 3).backward()
    print(a.grad)
    base = torch.zeros(4, requires_grad=True)
    inter = base * 1.0
    seen = []
    inter.register_hook(lambda g: seen.append(g.clone()))
    inter[1:3].add_(torch.tensor([5.0, 6.0]))
    (inter * torch.arange(4.0)).sum().backward()
    print(seen, base.grad)
    lin = nn.Linear(4, 2)
    with torch.no_grad():
        lin.weight.copy_(torch.from_numpy(rng.standard_normal((2, 4)).astype(np.float32)))
        lin.bias.fill_(0.1)
        lin.weight[:, 0] = 0.0
        lin.weight.mul_(2)
    print(lin.weight, lin.weight.requires_grad, lin.weight.grad_fn)
    d = (a * 2).detach_()
    e = torch.ones(2).requires_grad_()
    print(d.requires_grad, d.grad_fn, e.requires_grad, e.is_leaf)
    opt = torch.optim.SGD(lin.parameters(), lr=0.1)
    data = torch.from_numpy(rng.standard_normal((6, 4)).astype(np.float32))
    for step in range(4):
        opt.zero_grad()
        hidden = lin(data)
        hidden[hidden < 0] = 0.0
        loss = (hidden - 1.0).pow(2).mean()
        loss.backward()
        with torch.no_grad():
            lin.weight.grad[:, 0] = 0.0
        opt.step()
        print(f"step {step}: loss {loss.item():.6f}", lin.weight[:, 0].tolist())
    w = torch.ones(3, requires_grad=True)
    h2 = w.clone()
    h2.unsqueeze(0)[0, 1] = 4.0
    (h2 * h2).sum().backward()
    print(h2, w.grad)


if __name__ == "__main__":
    main()
