"""Checkpointing as training scripts do it, written for PyTorch; tests run it as is and with only its imports
changed, and compare what both print. A dict of model / optimizer / scheduler state_dicts, the epoch and the loss
history saved with torch.save to a BytesIO buffer and to a temporary file, loaded with torch.load
(map_location="cpu", weights_only=True), a resumed run checked equal to an uninterrupted one, a bare tensor and
a list of tensors round-tripped, views saved alongside their base, load_state_dict(strict=False) on a widened
model reporting missing and unexpected keys, and a BatchNorm model's buffers (running stats, num_batches_tracked)
restored. Float32.
"""
import io
import os
import tempfile

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


class Net(nn.Module):
    def __init__(self, hidden=8):
        super().__init__()
        self.fc1 = nn.Linear(4, hidden, bias=False)
        self.bn = nn.BatchNorm1d(hidden)
        self.fc2 = nn.Linear(hidden, 2)

    def forward(self, x):
        return self.fc2(F.relu(self.bn(self.fc1(x))))


def seeded(seed):
    rng = np.random.default_rng(seed)
    net = Net()
    with torch.no_grad():
        for p in net.parameters():
            p.copy_(torch.from_numpy(rng.standard_normal(p.shape).astype(np.float32) * 0.5))
    return net


def train(net, opt, sched, x, y, epochs, history):
    for epoch in range(epochs):
        net.train()
        for i in range(0, len(x), 8):
            opt.zero_grad()
            loss = F.cross_entropy(net(x[i:i + 8]), y[i:i + 8])
            loss.backward()
            opt.step()
        sched.step()
        history.append(round(loss.item(), 6))


def main():
    rng = np.random.default_rng(18)
    x = torch.from_numpy(rng.standard_normal((32, 4)).astype(np.float32))
    y = (x[:, 0] * x[:, 1] > 0).long()

    net = seeded(1)
    opt = torch.optim.Adam(net.parameters(), lr=0.02)
    sched = torch.optim.lr_scheduler.StepLR(opt, step_size=2, gamma=0.5)
    history = []
    train(net, opt, sched, x, y, 3, history)
    buffer = io.BytesIO()
    torch.save({"epoch": 3, "model": net.state_dict(), "optimizer": opt.state_dict(),
                "scheduler": sched.state_dict(), "history": history}, buffer)
    size_known = buffer.tell() > 0
    train(net, opt, sched, x, y, 3, history)
    print(size_known, history)

    buffer.seek(0)
    ckpt = torch.load(buffer, map_location="cpu", weights_only=True)
    print(ckpt["epoch"], ckpt["history"], list(ckpt["model"].keys()))
    print(ckpt["model"]["bn.num_batches_tracked"], ckpt["model"]["bn.running_mean"][:4], ckpt["scheduler"]["last_epoch"])
    resumed = seeded(2)
    resumed.load_state_dict(ckpt["model"])
    ropt = torch.optim.Adam(resumed.parameters(), lr=0.02)
    ropt.load_state_dict(ckpt["optimizer"])
    rsched = torch.optim.lr_scheduler.StepLR(ropt, step_size=2, gamma=0.5)
    rsched.load_state_dict(ckpt["scheduler"])
    rhistory = list(ckpt["history"])
    print(ropt.param_groups[0]["lr"], rsched.get_last_lr(), ropt.state[resumed.fc1.weight]["step"])
    train(resumed, ropt, rsched, x, y, 3, rhistory)
    print(rhistory == history, rhistory[3:])
    print(all(torch.equal(a, b) for a, b in zip(net.state_dict().values(), resumed.state_dict().values())))

    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "model.pt")
        torch.save(net.state_dict(), path)
        base = torch.arange(12.0).view(3, 4)
        torch.save({"base": base, "row": base[1], "list": [base.sum(0), torch.tensor([1, 2])]}, os.path.join(tmp, "t.pt"))
        loaded = torch.load(path, weights_only=True)
        other = torch.load(os.path.join(tmp, "t.pt"))
    print(type(loaded).__name__, loaded["fc2.bias"], loaded["bn.running_var"][:3])
    other["row"][0] = -1.0
    print(other["base"][1], other["list"][0], other["list"][1].dtype)

    net.eval()
    with torch.no_grad():
        before = net(x[:4])
    wide = Net(hidden=8)
    wide.extra = nn.Linear(2, 2)
    result = wide.load_state_dict(loaded, strict=False)
    print(sorted(result.missing_keys), result.unexpected_keys)
    wide.eval()
    with torch.no_grad():
        print(torch.allclose(wide(x[:4]), before), before)
    trimmed = {k: v for k, v in loaded.items() if not k.startswith("fc2")}
    result = Net().load_state_dict(trimmed, strict=False)
    print(result.missing_keys, len(trimmed))
    try:
        Net(hidden=6).load_state_dict(loaded)
    except RuntimeError:
        print("size mismatch refused")


if __name__ == "__main__":
    main()
