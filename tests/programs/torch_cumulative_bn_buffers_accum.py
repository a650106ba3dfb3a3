"""Bookkeeping around a training loop that people get wrong: BatchNorm1d(momentum=None) keeping a cumulative
average of batch statistics (compared with the mean of the batch means by hand), track_running_stats=False,
register_buffer(persistent=False) buffers that stay out of state_dict, load_state_dict(strict=False) into a
changed architecture returning its missing and unexpected keys, gradient accumulation over micro-batches with
loss / accum and zero_grad(set_to_none=True), and eval-mode inference under torch.no_grad. Float64; weights and
data from a seeded NumPy generator.
"""
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


class Net(nn.Module):
    def __init__(self, extra=False):
        super().__init__()
        self.fc1 = nn.Linear(4, 6)
        self.bn = nn.BatchNorm1d(6, momentum=None)
        self.fc2 = nn.Linear(6, 2)
        self.register_buffer("scale", torch.tensor([2.0]), persistent=False)
        self.register_buffer("seen", torch.zeros((), dtype=torch.long))
        if extra:
            self.aux = nn.Linear(6, 1)

    def forward(self, x):
        if self.training:
            self.seen += x.shape[0]
        return self.fc2(torch.relu(self.bn(self.fc1(x)))) * self.scale


def r(t, k=8):
    return [round(v, k) for v in t.flatten().tolist()]


def main():
    rng = np.random.default_rng(1800)
    net = Net().double()
    with torch.no_grad():
        for p in net.parameters():
            p.copy_(torch.tensor(rng.standard_normal(tuple(p.shape)) * 0.5))
    print("state_dict keys:", list(net.state_dict().keys()))
    print("buffers:", [n for n, _ in net.named_buffers()], "scale dtype:", net.scale.dtype)
    X = torch.tensor(rng.standard_normal((48, 4)))
    Y = torch.tensor(rng.integers(0, 2, 48))
    opt = torch.optim.SGD(net.parameters(), lr=0.1)
    accum, batch_means = 4, []
    opt.zero_grad(set_to_none=True)
    print("grad after set_to_none:", net.fc1.weight.grad)
    for i in range(12):
        xb, yb = X[4 * i: 4 * i + 4], Y[4 * i: 4 * i + 4]
        with torch.no_grad():
            batch_means.append(net.fc1(xb).mean(0))
        loss = F.cross_entropy(net(xb), yb) / accum
        loss.backward()
        if (i + 1) % accum == 0:
            print(f"update {i // accum}: micro loss {loss.item():.10f} grad norm {net.fc1.weight.grad.norm().item():.10f}")
            opt.step()
            opt.zero_grad(set_to_none=True)
    print("grad is None after zero:", net.fc2.bias.grad is None, "seen:", net.seen.item(), net.bn.num_batches_tracked.item())
    print("running_mean:", r(net.bn.running_mean))
    print("running_var:", r(net.bn.running_var))
    print("momentum:", net.bn.momentum, "last batch mean:", r(batch_means[-1][:3]))
    net.eval()
    with torch.no_grad():
        out = net(X[:5])
    print("eval logits:", r(out[:2]), "seen unchanged:", net.seen.item())
    free = nn.BatchNorm1d(6, track_running_stats=False).double()
    print("no running stats:", free.running_mean, free.num_batches_tracked, list(free.state_dict().keys()))
    free.eval()
    z = torch.tensor(rng.standard_normal((5, 6)))
    print("batch stats in eval:", r(free(z).mean(0), 10)[:3])
    sd = net.state_dict()
    sd["old_head.weight"] = torch.zeros(2, 6, dtype=torch.float64)
    bigger = Net(extra=True).double()
    result = bigger.load_state_dict(sd, strict=False)
    print("missing:", result.missing_keys)
    print("unexpected:", result.unexpected_keys)
    print("loaded fc2 equal:", torch.equal(bigger.fc2.weight, net.fc2.weight), "seen:", bigger.seen.item(), "scale:", bigger.scale.item())
    try:
        bigger.load_state_dict(sd)
    except RuntimeError as e:
        print("strict load refused:", isinstance(e, RuntimeError), "names aux.weight:", "aux.weight" in str(e))
