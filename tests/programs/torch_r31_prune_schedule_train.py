"""Iterative pruning of a small CNN classifier, trained a few SGD steps between pruning rounds (float32):
random_structured on conv channels with a seed, ln_structured over input channels (n=1 and n=inf),
l1_unstructured with importance_scores, identity, global_unstructured over several layers (L1Unstructured and
RandomUnstructured), pruning the same parameter twice (the PruningContainer), prune.is_pruned, the
weight_orig / weight_mask names in named_parameters / named_buffers / state_dict, sparsity per layer, and
prune.remove to make it permanent."""
import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.nn.utils.prune as prune


class SmallCNN(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 6, 3, padding=1)
        self.conv2 = nn.Conv2d(6, 8, 3)
        self.fc1 = nn.Linear(8 * 2 * 2, 16)
        self.fc2 = nn.Linear(16, 3)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv1(x)), 2)
        x = F.relu(self.conv2(x))
        return self.fc2(F.relu(self.fc1(x.flatten(1))))


def sparsity(t):
    return f"{100.0 * float((t == 0).sum()) / t.numel():.2f}%"


def train(model, x, y, steps, tag):
    opt = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
    for s in range(steps):
        opt.zero_grad()
        loss = F.cross_entropy(model(x), y)
        loss.backward()
        opt.step()
        print(tag, s, f"{loss.item():.5f}")


def main():
    torch.manual_seed(11)
    model = SmallCNN()
    x = torch.randn(8, 1, 8, 8)
    y = torch.randint(0, 3, (8,))
    train(model, x, y, 3, "dense")
    print("is_pruned before", prune.is_pruned(model))

    prune.random_structured(model.conv1, name="weight", amount=0.34, dim=0)
    prune.ln_structured(model.conv2, name="weight", amount=2, n=1, dim=1)
    scores = model.fc1.weight.detach().abs() * torch.linspace(0.5, 1.5, 32)
    prune.l1_unstructured(model.fc1, name="weight", amount=0.25, importance_scores=scores)
    prune.identity(model.fc2, "bias")
    print("is_pruned after", prune.is_pruned(model))
    print([n for n, _ in model.named_parameters()])
    print([n for n, _ in model.named_buffers()])
    print(list(model.state_dict().keys()))
    print("conv1 channel mask", model.conv1.weight_mask.sum(dim=(1, 2, 3)).tolist())
    print("conv2 in mask", model.conv2.weight_mask.sum(dim=(0, 2, 3)).tolist())
    for name, mod in [("conv1", model.conv1), ("conv2", model.conv2), ("fc1", model.fc1)]:
        print(name, sparsity(mod.weight), mod.weight.grad_fn.name() if mod.weight.grad_fn else None)
    train(model, x, y, 3, "pruned1")
    print("orig grad", model.fc1.weight_orig.grad.abs().sum().item().__round__(4),
          model.fc1.weight_orig.grad[model.fc1.weight_mask == 0].abs().sum().item())

    prune.ln_structured(model.conv2, name="weight", amount=0.25, n=float("inf"), dim=0)
    hooks = [h for h in model.conv2._forward_pre_hooks.values()]
    print(type(hooks[0]).__name__, [type(m).__name__ for m in hooks[0]._pruning_methods])
    print("conv2 sparsity after 2nd", sparsity(model.conv2.weight))
    params = [(model.conv1, "weight"), (model.fc1, "weight"), (model.fc2, "weight")]
    prune.global_unstructured(params, pruning_method=prune.L1Unstructured, amount=0.3)
    for mod, _ in params:
        print("global", type(mod).__name__, sparsity(mod.weight))
    total = sum(float((m.weight == 0).sum()) for m, _ in params)
    print("global total zeros", total)
    prune.global_unstructured([(model.fc2, "bias")], pruning_method=prune.RandomUnstructured, amount=1)
    print("fc2 bias", model.fc2.bias.tolist())
    train(model, x, y, 3, "pruned2")

    for mod, name in [(model.conv1, "weight"), (model.conv2, "weight"), (model.fc1, "weight"),
                      (model.fc2, "weight"), (model.fc2, "bias")]:
        prune.remove(mod, name)
    print("is_pruned removed", prune.is_pruned(model))
    print(list(model.state_dict().keys()))
    print("final sparsity", [sparsity(p) for p in model.parameters()])
    with torch.no_grad():
        print("logits", model(x[:2]))
