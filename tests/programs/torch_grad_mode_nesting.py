"""Grad modes and what they leave on tensors, in float64, written for PyTorch; tests run it as is and with only its
imports changed, and compare what both print. no_grad / enable_grad / set_grad_enabled / inference_mode are
nested as context managers and as decorators (including inference_mode(mode=False) inside inference mode and
set_grad_enabled used as a plain call), and each result's requires_grad, is_leaf, grad_fn presence and
is_inference are printed; a teacher-student step computes targets under no_grad while an inner enable_grad
region builds a graph for an input-gradient penalty; backward(inputs=[...]) accumulates into chosen leaves only,
torch.autograd.grad(allow_unused=True, materialize_grads=True) fills unused ones with zeros, retain_grad keeps a
non-leaf's gradient, and .grad accumulates across two backward calls until zero_grad(set_to_none=False). Data
and weights from a seeded NumPy generator.
"""
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


def flags(t):
    return f"rg={t.requires_grad} leaf={t.is_leaf} fn={t.grad_fn is not None} inf={t.is_inference()}"


@torch.no_grad()
def frozen_forward(model, x):
    return model(x)


@torch.enable_grad()
def always_tracked(w, x):
    return (w * x).sum()


@torch.inference_mode()
def serve(model, x):
    return model(x).softmax(-1)


def main():
    rng = np.random.default_rng(4242)
    w = torch.from_numpy(rng.standard_normal(4)).requires_grad_(True)
    x = torch.from_numpy(rng.standard_normal(4))
    print("plain", flags(w * x), torch.is_grad_enabled())
    with torch.no_grad():
        a = w * x
        with torch.enable_grad():
            b = w * x
            with torch.no_grad():
                c = w * x
        torch.set_grad_enabled(True)
        d = w * x
        torch.set_grad_enabled(False)
        e = always_tracked(w, x)
    print("no_grad", flags(a), "| enable_grad", flags(b), "| inner no_grad", flags(c))
    print("set_grad_enabled call", flags(d), "| decorated enable_grad", flags(e), torch.is_grad_enabled())
    with torch.set_grad_enabled(False):
        f = w * 2
    with torch.inference_mode():
        g = w * x
        with torch.inference_mode(mode=False):
            h = w * x
        print("inside inference", torch.is_inference_mode_enabled(), torch.is_grad_enabled())
    print("set_grad_enabled(False)", flags(f), "| inference", flags(g), "| inference(False)", flags(h))
    print("after", torch.is_inference_mode_enabled(), torch.is_grad_enabled(), "w", flags(w))

    teacher = nn.Sequential(nn.Linear(4, 6), nn.Tanh(), nn.Linear(6, 3)).double()
    student = nn.Sequential(nn.Linear(4, 5), nn.ReLU(), nn.Linear(5, 3)).double()
    for module in (teacher, student):
        with torch.no_grad():
            for p in module.parameters():
                p.copy_(torch.from_numpy(0.5 * rng.standard_normal(tuple(p.shape))))
    data = torch.from_numpy(rng.standard_normal((16, 4)))
    probs = serve(teacher, data)
    print("served", flags(probs), probs[0])
    opt = torch.optim.SGD(student.parameters(), lr=0.2)
    for step in range(6):
        with torch.no_grad():
            target = F.softmax(teacher(data) / 2.0, -1)
            with torch.enable_grad():
                inp = data.clone().requires_grad_(True)
                out = student(inp)
                (gin,) = torch.autograd.grad(out.logsumexp(-1).sum(), inp, create_graph=True)
        frozen = frozen_forward(teacher, data)
        loss = F.kl_div(F.log_softmax(out / 2.0, -1), target, reduction="batchmean") + 0.01 * gin.pow(2).sum(1).mean()
        opt.zero_grad()
        loss.backward()
        opt.step()
        print(f"step {step} loss {loss.item():.12f} target fn {target.grad_fn is not None} "
              f"frozen fn {frozen.grad_fn is not None} "
              f"penalty {gin.pow(2).sum(1).mean().item():.10f}")

    p1 = torch.from_numpy(rng.standard_normal(3)).requires_grad_(True)
    p2 = torch.from_numpy(rng.standard_normal(3)).requires_grad_(True)
    p3 = torch.from_numpy(rng.standard_normal(3)).requires_grad_(True)
    mid = p1 * p2
    mid.retain_grad()
    out = (mid.sin() + p2.exp()).sum()
    out.backward(inputs=[p2, mid], retain_graph=True)
    print("inputs=[p2, mid]", p1.grad, p2.grad, mid.grad)
    out.backward(inputs=[p1, p2])
    print("second backward accumulates", p1.grad, p2.grad)
    g1, g3 = torch.autograd.grad((p1 ** 2).sum(), [p1, p3], allow_unused=True, materialize_grads=True)
    g1b, g3b = torch.autograd.grad((p1 ** 3).sum(), [p1, p3], allow_unused=True)
    print("materialized", g1, g3, "unused is None", g3b is None, g1b)
    student.zero_grad(set_to_none=False)
    print("zero_grad(set_to_none=False)", student[0].weight.grad.abs().sum().item(), student[0].weight.grad is not None)
    student.zero_grad()
    print("zero_grad()", student[0].weight.grad is None)
    y = (student(data) ** 2).mean()
    y.backward()
    first = student[2].bias.grad.clone()
    (student(data) ** 2).mean().backward()
    print("accumulated twice", torch.allclose(student[2].bias.grad, 2 * first), first)


if __name__ == "__main__":
    main()
