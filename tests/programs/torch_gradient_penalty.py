"""Gradient penalties through torch.autograd.grad(create_graph=True), as regularised training writes them; tests
run it as is and with only its imports changed, and compare what both print. An R1 penalty on a discriminator's
real inputs, input-gradient (double backpropagation) regularisation of a classifier, a Jacobian Frobenius norm
through vector-Jacobian products, grad_outputs with ones_like, retain_graph for two grads of one graph,
allow_unused / materialize_grads for a parameter outside the graph, gradients of a gradient norm reaching the
weights, and a few optimisation steps on loss + penalty. Float32, NumPy weights.
"""
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


def seeded(module, rng, scale=0.5):
    with torch.no_grad():
        for p in module.parameters():
            p.copy_(torch.from_numpy(rng.standard_normal(p.shape).astype(np.float32) * scale))
    return module


def main():
    rng = np.random.default_rng(21)
    disc = seeded(nn.Sequential(nn.Linear(3, 16), nn.Softplus(), nn.Linear(16, 1)), rng)
    real = torch.from_numpy(rng.standard_normal((10, 3)).astype(np.float32)).requires_grad_(True)
    score = disc(real)
    (g,) = torch.autograd.grad(score.sum(), real, create_graph=True)
    r1 = g.pow(2).sum(dim=1).mean()
    print(g[:3], r1, g.requires_grad, g.grad_fn is not None)
    r1.backward()
    print(disc[0].weight.grad[:2], disc[2].bias.grad, real.grad[:2])

    clf = seeded(nn.Sequential(nn.Linear(4, 12), nn.Tanh(), nn.Linear(12, 3)), rng)
    extra = nn.Parameter(torch.ones(2))
    x = torch.from_numpy(rng.standard_normal((16, 4)).astype(np.float32))
    y = torch.from_numpy(rng.integers(0, 3, size=16))
    opt = torch.optim.SGD(clf.parameters(), lr=0.1, momentum=0.9)
    for step in range(6):
        xin = x.clone().requires_grad_(True)
        loss = F.cross_entropy(clf(xin), y)
        (gx,) = torch.autograd.grad(loss, xin, create_graph=True)
        penalty = gx.pow(2).sum() * 10.0
        opt.zero_grad()
        (loss + penalty).backward()
        opt.step()
        print(f"step {step}: loss {loss.item():.6f} penalty {penalty.item():.6f}")

    xin = x[:5].clone().requires_grad_(True)
    out = clf(xin)
    frob = 0.0
    for k in range(3):
        (row,) = torch.autograd.grad(out[:, k], xin, grad_outputs=torch.ones(5), retain_graph=True, create_graph=True)
        frob = frob + row.pow(2).sum()
    print(frob, torch.autograd.functional.jacobian(lambda t: clf(t).sum(0), xin).pow(2).sum())
    gw, gb = torch.autograd.grad(frob, [clf[0].weight, clf[2].bias], allow_unused=True, retain_graph=True)
    print(gw.abs().sum(), gb)
    grads = torch.autograd.grad(out.sum(), [xin, extra], allow_unused=True, retain_graph=True)
    print(grads[1], torch.autograd.grad(out.sum(), [extra], allow_unused=True, materialize_grads=True)[0])
    try:
        torch.autograd.grad(out.sum(), [extra])
    except RuntimeError:
        print("unused input refused")
    w = torch.tensor([1.0, -2.0, 0.5], requires_grad=True)
    f = (w ** 3).sum()
    (g1,) = torch.autograd.grad(f, w, create_graph=True)
    (g2,) = torch.autograd.grad(g1.norm(), w)
    print(g1, g2, torch.autograd.grad((w.sin() * w).sum(), w, create_graph=True)[0].sum())


if __name__ == "__main__":
    main()
