"""The pytorch.org state_dict recipes in one script, float64: "What is a state_dict" (the model's and the
optimizer's state_dict printed key by key with shapes; the optimizer's param_groups and per-parameter state after
a step), "Saving and loading multiple models in one file" (a dict of two models' and optimizers' state_dicts
and the epoch through torch.save / torch.load in a BytesIO, resumed and trained on, identical to the uninterrupted
run), "Warmstarting a model using parameters from a different model" (load_state_dict(strict=False) into a
wider model and the NamedTuple of missing_keys / unexpected_keys it returns, a renamed-key remap, a shape
mismatch caught), and "Zeroing out gradients" (zero_grad(set_to_none=True) leaving p.grad None, set_to_none=False
leaving zeros, accumulation without zeroing doubling the gradient).
"""
import io

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.optim as optim


class NetA(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(6, 8)
        self.bn = nn.BatchNorm1d(8)
        self.fc2 = nn.Linear(8, 3)

    def forward(self, x):
        return self.fc2(F.relu(self.bn(self.fc1(x))))


class NetB(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(6, 8)
        self.bn = nn.BatchNorm1d(8)
        self.fc2 = nn.Linear(8, 3)
        self.extra = nn.Linear(3, 3)

    def forward(self, x):
        return self.extra(F.relu(self.fc2(F.relu(self.bn(self.fc1(x))))))


def fill(model, rng):
    with torch.no_grad():
        for p in model.parameters():
            p.copy_(torch.tensor(rng.normal(scale=0.4, size=tuple(p.shape)), dtype=torch.float64))


def step(model, opt, x, y):
    opt.zero_grad()
    loss = F.cross_entropy(model(x), y)
    loss.backward()
    opt.step()
    return loss.item()


def main():
    rng = np.random.default_rng(5)
    torch.set_printoptions(precision=6)
    x = torch.tensor(rng.normal(size=(10, 6)), dtype=torch.float64)
    y = torch.tensor(rng.integers(0, 3, 10))
    netA = NetA().double()
    fill(netA, rng)
    optA = optim.SGD(netA.parameters(), lr=0.05, momentum=0.9)
    print("Model's state_dict:")
    for name, value in netA.state_dict().items():
        print(" ", name, "\t", tuple(value.size()), value.dtype)
    print("first step loss", step(netA, optA, x, y))
    print("Optimizer's state_dict:")
    sd = optA.state_dict()
    for name, value in sd["param_groups"][0].items():
        if name in ("lr", "momentum", "dampening", "weight_decay", "nesterov", "params"):
            print(" ", name, value)
    print("  state keys", sorted(sd["state"].keys()), "buffer", sd["state"][0]["momentum_buffer"][0, :3])

    netB = NetB().double()
    fill(netB, rng)
    optB = optim.Adam(netB.parameters(), lr=0.01)
    step(netB, optB, x, y)
    buf = io.BytesIO()
    torch.save({"modelA_state_dict": netA.state_dict(), "modelB_state_dict": netB.state_dict(),
                "optimizerA_state_dict": optA.state_dict(), "optimizerB_state_dict": optB.state_dict(),
                "epoch": 1}, buf)
    continued = [step(netA, optA, x, y), step(netB, optB, x, y)]
    buf.seek(0)
    checkpoint = torch.load(buf, weights_only=True)
    print("checkpoint keys", list(checkpoint.keys()), "epoch", checkpoint["epoch"])
    modelA, modelB = NetA().double(), NetB().double()
    modelA.load_state_dict(checkpoint["modelA_state_dict"])
    modelB.load_state_dict(checkpoint["modelB_state_dict"])
    optimizerA = optim.SGD(modelA.parameters(), lr=0.05, momentum=0.9)
    optimizerB = optim.Adam(modelB.parameters(), lr=0.01)
    optimizerA.load_state_dict(checkpoint["optimizerA_state_dict"])
    optimizerB.load_state_dict(checkpoint["optimizerB_state_dict"])
    modelA.train()
    resumed = [step(modelA, optimizerA, x, y), step(modelB, optimizerB, x, y)]
    print("continued", continued)
    print("resumed  ", resumed, resumed == continued)
    print("adam step", optimizerB.state_dict()["state"][0]["step"], "bn batches", modelA.bn.num_batches_tracked)

    warm = NetB().double()
    result = warm.load_state_dict(netA.state_dict(), strict=False)
    print("missing", result.missing_keys)
    print("unexpected", result.unexpected_keys)
    print("warm fc1 equal", torch.equal(warm.fc1.weight, netA.fc1.weight))
    back = NetA().double()
    result2 = back.load_state_dict(netB.state_dict(), strict=False)
    print("missing/unexpected", result2.missing_keys, result2.unexpected_keys)
    renamed = {k.replace("fc", "layer"): v for k, v in netA.state_dict().items()}
    r3 = NetA().double().load_state_dict(renamed, strict=False)
    print("renamed", len(r3.missing_keys), r3.unexpected_keys[:2])
    bad = dict(netA.state_dict())
    bad["fc2.weight"] = torch.zeros(4, 8, dtype=torch.float64)
    try:
        NetA().double().load_state_dict(bad, strict=False)
    except RuntimeError as e:
        print("shape mismatch caught:", "size mismatch for fc2.weight" in str(e))
    try:
        NetA().double().load_state_dict(netB.state_dict())
    except RuntimeError as e:
        print("strict caught:", "Unexpected key(s)" in str(e), "extra.weight" in str(e))

    net = NetA().double()
    fill(net, rng)
    opt = optim.SGD(net.parameters(), lr=0.1)
    print("grad before backward", net.fc1.weight.grad)
    F.cross_entropy(net(x), y).backward()
    g1 = net.fc2.weight.grad.clone()
    F.cross_entropy(net(x), y).backward()
    print("accumulated doubles", torch.allclose(net.fc2.weight.grad, 2 * g1), g1[0])
    opt.zero_grad(set_to_none=False)
    print("set_to_none=False", net.fc2.weight.grad is None, net.fc2.weight.grad.abs().sum().item())
    opt.zero_grad()
    print("set_to_none=True", net.fc2.weight.grad is None, [p.grad is None for p in net.parameters()][:3])
    net.zero_grad()
    F.cross_entropy(net(x), y).backward()
    net.zero_grad(set_to_none=False)
    print("module zero_grad", net.bn.weight.grad)
    for epoch in range(3):
        running = 0.0
        for i in range(0, 10, 5):
            opt.zero_grad()
            loss = F.cross_entropy(net(x[i:i + 5]), y[i:i + 5])
            loss.backward()
            opt.step()
            running += loss.item()
        print(f"epoch {epoch} running loss {running:.10f}")
