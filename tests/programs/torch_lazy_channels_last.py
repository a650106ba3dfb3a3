"""Lazy modules, memory formats and strided views in float32, written for PyTorch; tests run it as is and with only
its imports changed, and compare what both print. A classifier built from LazyConv2d / LazyBatchNorm2d /
LazyLinear learns its input sizes on a dry run (has_uninitialized_params before, the inferred shapes after), gets
its weights from NumPy, is moved to channels_last (is_contiguous(memory_format=...), strides) and trained on
channels_last inputs; the printed outputs must not depend on the memory format. Alongside: as_strided windows,
the scatter views (diagonal_scatter, select_scatter, slice_scatter), stride / contiguous / storage_offset of
transposed and sliced views, and unfold vs as_strided. Data and weights from a seeded NumPy generator.
"""
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.optim as optim


def main():
    rng = np.random.default_rng(64)
    model = nn.Sequential(nn.LazyConv2d(6, 3, padding=1), nn.LazyBatchNorm2d(), nn.ReLU(), nn.MaxPool2d(2),
                          nn.Flatten(), nn.LazyLinear(4))
    print("uninitialised", model[0].has_uninitialized_params(), model[5].has_uninitialized_params())
    x = torch.from_numpy(rng.standard_normal((8, 3, 6, 6))).float()
    y = torch.from_numpy(rng.integers(0, 4, 8))
    model(x[:2])
    print("inferred", model[0].in_channels, tuple(model[0].weight.shape), model[1].num_features,
          model[5].in_features, tuple(model[5].weight.shape), type(model[0]).__name__, type(model[5]).__name__)
    with torch.no_grad():
        for p in model.parameters():
            p.copy_(torch.from_numpy(0.3 * rng.standard_normal(tuple(p.shape))).float())
        model[1].running_mean.zero_()
        model[1].running_var.fill_(1.0)
    reference = {k: v.clone() for k, v in model.state_dict().items()}

    xc = x.to(memory_format=torch.channels_last)
    print("channels_last", xc.is_contiguous(), xc.is_contiguous(memory_format=torch.channels_last), xc.stride(),
          x.stride(), torch.equal(xc, x))
    results = {}
    for fmt, inp in (("contiguous", x), ("channels_last", xc)):
        model.load_state_dict(reference)
        if fmt == "channels_last":
            model = model.to(memory_format=torch.channels_last)
        opt = optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
        losses = []
        for step in range(6):
            loss = F.cross_entropy(model(inp), y)
            opt.zero_grad()
            loss.backward()
            opt.step()
            losses.append(loss.item())
        results[fmt] = losses
        print(fmt, " ".join(f"{v:.6f}" for v in losses),
              "conv weight cl", model[0].weight.is_contiguous(memory_format=torch.channels_last))
    print("formats agree", max(abs(a - b) for a, b in zip(*results.values())) < 1e-5,
          "bn batches", model[1].num_batches_tracked.item())

    s = torch.arange(12, dtype=torch.float32)
    win = s.as_strided((5, 4), (2, 1))
    print("as_strided windows", win.tolist())
    print("unfold agrees", torch.equal(s.unfold(0, 4, 2), win), "offset view", s.as_strided((3,), (3,), 2).tolist())
    m = torch.arange(20, dtype=torch.float32).reshape(4, 5)
    t = m.t()
    sl = m[1:, ::2]
    print("strides", m.stride(), t.stride(), t.is_contiguous(), sl.stride(), sl.storage_offset(),
          sl.contiguous().stride())
    d = torch.diagonal_scatter(torch.zeros(3, 4), torch.tensor([1.0, 2.0, 3.0]), offset=1)
    sel = torch.select_scatter(torch.zeros(2, 3), torch.tensor([4.0, 5.0, 6.0]), 0, 1)
    sli = torch.slice_scatter(torch.zeros(4, 4), torch.ones(4, 2), dim=1, start=1, step=2)
    print("diagonal_scatter", d.tolist())
    print("select_scatter", sel.tolist(), "slice_scatter", sli.tolist())
    base = torch.from_numpy(rng.standard_normal((3, 4))).float().requires_grad_(True)
    out = (torch.diagonal_scatter(base, base.diagonal() * 3)
           + torch.slice_scatter(base, base[:, :2] ** 2, dim=1, start=2))
    out.sum().backward()
    print("scatter grads", base.grad.tolist())
    w = base.detach().as_strided((2, 2), (4, 1), 1).clone().requires_grad_(True)
    (w * torch.tensor([[1.0, 2.0], [3.0, 4.0]])).sum().backward()
    print("strided clone grad", w.grad.tolist(), base.detach().as_strided((2, 2), (4, 1), 1))


if __name__ == "__main__":
    main()
