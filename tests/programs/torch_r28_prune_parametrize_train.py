"""Compressing and constraining a small CNN classifier the way the pruning and parametrization tutorials do:
prune.l1_unstructured and prune.random_structured on single layers, prune.global_unstructured over every conv
and linear weight with L1 importance, training a few SGD steps with the masks in place (the forward pre-hooks,
weight_orig / weight_mask), then prune.remove to make them permanent; beside it, a Linear under
parametrizations.spectral_norm (power iteration in training, frozen in eval), one under
parametrizations.orthogonal and one under parametrizations.weight_norm, trained with Adam, printing the
sparsity per layer, the named buffers and parameters, the largest singular value, the distance from
orthogonality and the losses. Float32; every random number comes from torch.manual_seed.
"""
import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.nn.utils.prune as prune
from torch.nn.utils.parametrizations import orthogonal, spectral_norm, weight_norm


class SmallCNN(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 4, 3)
        self.conv2 = nn.Conv2d(4, 6, 3)
        self.fc = nn.Linear(6 * 2 * 2, 3)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv1(x)), 2)
        x = F.relu(self.conv2(x))
        return self.fc(x.flatten(1))


def sparsity(model):
    return {n: round(float((m.weight == 0).float().mean()), 4) for n, m in model.named_children()}


def main():
    torch.manual_seed(0)
    x = torch.randn(8, 1, 10, 10)
    y = torch.tensor([0, 1, 2, 0, 1, 2, 0, 1])
    model = SmallCNN()
    prune.l1_unstructured(model.conv1, name="weight", amount=0.3)
    prune.random_structured(model.conv2, name="weight", amount=2, dim=0)
    print("conv1 params", [n for n, _ in model.conv1.named_parameters()],
          "buffers", [n for n, _ in model.conv1.named_buffers()])
    print("sparsity after local", sparsity(model))
    print("conv2 zero channels", (model.conv2.weight.abs().sum(dim=(1, 2, 3)) == 0).nonzero().flatten().tolist())
    targets = [(model.conv1, "weight"), (model.conv2, "weight"), (model.fc, "weight")]
    prune.global_unstructured(targets, pruning_method=prune.L1Unstructured, amount=0.4)
    print("sparsity after global", sparsity(model))
    print("total zeros", sum(int((m.weight == 0).sum()) for m, _ in targets),
          "of", sum(m.weight.numel() for m, _ in targets))
    hooks = list(model.conv1._forward_pre_hooks.values())
    print("conv1 hook", type(hooks[0]).__name__, [type(h).__name__ for h in hooks[0]._pruning_methods])
    opt = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    for step in range(5):
        opt.zero_grad()
        loss = F.cross_entropy(model(x), y)
        loss.backward()
        g = model.fc.weight_orig.grad
        print(f"step {step} loss {loss.item():.5f} fc grad zeros {int((g == 0).sum())} "
              f"conv1 weight node {model.conv1.weight.grad_fn.name()}")
        opt.step()
    for m, name in targets:
        prune.remove(m, name)
    print("after remove", [n for n, _ in model.conv1.named_parameters()], list(model.conv1._forward_pre_hooks),
          sparsity(model))
    print("pruned logits", model(x[:2]).detach())

    torch.manual_seed(1)
    sn = spectral_norm(nn.Linear(5, 4))
    orth = orthogonal(nn.Linear(4, 4))
    wn = weight_norm(nn.Linear(4, 2), dim=0)
    print("sn params", [n for n, _ in sn.named_parameters()], "buffers", [n for n, _ in sn.named_buffers()])
    print("wn params", [(n, tuple(p.shape)) for n, p in wn.named_parameters()])
    print("orth dist", round((orth.weight.T @ orth.weight - torch.eye(4)).abs().max().item(), 5))
    net = nn.Sequential(sn, nn.Tanh(), orth, nn.Tanh(), wn)
    data = torch.randn(16, 5)
    target = torch.randint(0, 2, (16,))
    opt = torch.optim.Adam(net.parameters(), lr=0.05)
    for step in range(6):
        opt.zero_grad()
        loss = F.cross_entropy(net(data), target)
        loss.backward()
        opt.step()
        sigma = torch.linalg.matrix_norm(sn.weight.detach(), ord=2).item()
        print(f"step {step} loss {loss.item():.5f} sigma {sigma:.5f} "
              f"orth {(orth.weight.T @ orth.weight - torch.eye(4)).abs().max().item() < 1e-5} "
              f"wn row norms {wn.weight.detach().norm(dim=1).tolist()}")
    u_before = sn.parametrizations.weight[0]._u.clone()
    net.eval()
    with torch.no_grad():
        out = net(data[:3])
    print("eval out", out, "u unchanged", torch.equal(u_before, sn.parametrizations.weight[0]._u))
    print("weight node", sn.weight.grad_fn is None, orth.weight.requires_grad)


if __name__ == "__main__":
    main()
