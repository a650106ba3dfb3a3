"""Half precision as users meet it on the CPU, written for PyTorch; tests run it as is and with only its imports
changed, and compare what both print. float16 and bfloat16 tensors (rounding of what they store, finfo limits,
overflow to inf, arithmetic staying in the half dtype, .float() round trips), a model cast with .half() and with
.bfloat16() run on cast inputs, torch.autocast(device_type="cpu", dtype=torch.bfloat16) around a float32 model
(which ops run in bfloat16 and which stay float32, the dtype of the output, gradients still float32), and the
loss gap each precision leaves against float32. Weights from a seeded NumPy generator.
"""
import copy

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


def main():
    rng = np.random.default_rng(20)
    v = torch.tensor([1.0, 1.0009765625, 1.00048828125, 65504.0, 70000.0, 1e-8, 3.14159265])
    print(v.half(), v.bfloat16())
    print(v.half().float() - v, v.bfloat16().float()[:3] - v[:3])
    print(torch.finfo(torch.float16).max, torch.finfo(torch.float16).eps, torch.finfo(torch.bfloat16).max,
          torch.finfo(torch.bfloat16).eps, torch.finfo(torch.float16).tiny, torch.finfo(torch.bfloat16).tiny)
    h = torch.tensor([60000.0, 2.0, 0.1], dtype=torch.float16)
    print(h * 2, (h * 2).dtype, h.sum(), h.float().sum(), (h + 0.5).dtype, h / 3)
    b = torch.tensor([256.0, 1.0, 0.1], dtype=torch.bfloat16)
    print(b + 1, b * 3, b.to(torch.float16), b.float().sum().item())
    x = torch.from_numpy(rng.standard_normal((8, 6)).astype(np.float32))
    y = torch.from_numpy(rng.integers(0, 3, size=8))
    model = nn.Sequential(nn.Linear(6, 16), nn.ReLU(), nn.Linear(16, 3))
    with torch.no_grad():
        for p in model.parameters():
            p.copy_(torch.from_numpy(rng.standard_normal(p.shape).astype(np.float32) * 0.5))
    full = model(x)
    half_model = copy.deepcopy(model).half()
    bf_model = copy.deepcopy(model).bfloat16()
    out16 = half_model(x.half())
    outbf = bf_model(x.bfloat16())
    print(half_model[0].weight.dtype, out16.dtype, outbf.dtype, next(bf_model.parameters()).dtype)
    print(out16[:3])
    print(outbf[:3])
    print((out16.float() - full).abs().max() < 1e-2, (outbf.float() - full).abs().max() < 5e-2)
    print(F.cross_entropy(full, y), F.cross_entropy(out16.float(), y).item() - F.cross_entropy(full, y).item() < 1e-2)
    with torch.autocast(device_type="cpu", dtype=torch.bfloat16):
        hidden = model[0](x)
        act = model[1](hidden)
        logits = model[2](act)
        loss = F.cross_entropy(logits, y)
        soft = logits.softmax(-1)
        added = hidden + 1.0
        summed = hidden.sum()
    print(hidden.dtype, act.dtype, logits.dtype, loss.dtype, soft.dtype, added.dtype, summed.dtype)
    print(logits[:2], loss)
    loss.backward()
    print(model[0].weight.grad.dtype, model[2].bias.grad, model[0].weight.grad.abs().sum())
    with torch.autocast(device_type="cpu", dtype=torch.bfloat16, enabled=False):
        plain = model[0](x)
    with torch.autocast(device_type="cpu", dtype=torch.bfloat16):
        with torch.autocast(device_type="cpu", enabled=False):
            inner = model[0](x)
        mm = x @ model[0].weight.t()
    print(plain.dtype, inner.dtype, mm.dtype, torch.is_autocast_enabled("cpu"), torch.get_autocast_dtype("cpu"))
    exact = x.double() @ model[0].weight.double().t()
    print((mm.double() - exact).abs().max() < 0.05, (plain.double() - model[0].bias.double() - exact).abs().max() < 1e-5)
    print(torch.tensor([0.1, 0.2, 0.3]).half().tolist(), torch.tensor([0.1, 0.2, 0.3]).bfloat16().tolist())


if __name__ == "__main__":
    main()
