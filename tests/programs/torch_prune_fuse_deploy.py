"""Preparing a model for deployment in float32, written for PyTorch; tests run it as is and with only its imports
changed, and compare what both print. A Conv-BN-ReLU classifier is trained with gradient clipping by total norm
(norm_type 2, inf and 1, through get_total_norm / clip_grads_with_norm_ and clip_grad_norm_), then pruned
iteratively: a custom BasePruningMethod subclass (structured, by filter L1 norm), custom_from_mask on the bias,
l1_unstructured stacked on top (a PruningContainer), global_unstructured with importance_scores, and
prune.identity; masks, sparsity and forward pre-hooks are printed, pruning is made permanent with prune.remove,
the weights are flattened with parameters_to_vector / restored with vector_to_parameters, and Conv-BN and
Linear-BN pairs are folded with fuse_conv_bn_eval / fuse_linear_bn_eval, which must give the eval outputs. Data and
weights from a seeded NumPy generator.
"""
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.nn.utils.prune as prune
import torch.optim as optim
from torch.nn.utils import (clip_grad_norm_, clip_grads_with_norm_, get_total_norm, parameters_to_vector,
                            vector_to_parameters)
from torch.nn.utils.fusion import fuse_conv_bn_eval, fuse_linear_bn_eval


class FilterNorm(prune.BasePruningMethod):
    """Zero the `amount` output filters with the smallest L1 norm."""
    PRUNING_TYPE = "structured"

    def __init__(self, amount):
        self.amount = amount

    def compute_mask(self, t, default_mask):
        norms = t.abs().flatten(1).sum(1)
        drop = torch.topk(norms, self.amount, largest=False).indices
        mask = default_mask.clone()
        mask[drop] = 0
        return mask


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(1, 6, 3, padding=1)
        self.bn = nn.BatchNorm2d(6)
        self.fc = nn.Linear(6 * 4, 8)
        self.bn_fc = nn.BatchNorm1d(8)
        self.out = nn.Linear(8, 3)

    def forward(self, x):
        h = F.max_pool2d(F.relu(self.bn(self.conv(x))), 3)
        return self.out(F.relu(self.bn_fc(self.fc(h.flatten(1)))))


def main():
    rng = np.random.default_rng(404)
    x = torch.from_numpy(rng.standard_normal((32, 1, 6, 6))).float()
    y = torch.from_numpy(rng.integers(0, 3, 32))
    x[y == 1, :, :3] += 1.0
    x[y == 2, :, :, :3] -= 1.0
    model = Net()
    with torch.no_grad():
        for p in model.parameters():
            p.copy_(torch.from_numpy(0.4 * rng.standard_normal(tuple(p.shape))).float())
    opt = optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    for step in range(9):
        loss = F.cross_entropy(model(x), y)
        opt.zero_grad()
        loss.backward()
        grads = [p.grad for p in model.parameters()]
        if step % 3 == 0:
            norm = clip_grad_norm_(model.parameters(), max_norm=1.0)
        elif step % 3 == 1:
            norm = clip_grad_norm_(model.parameters(), max_norm=0.5, norm_type="inf")
        else:
            norm = get_total_norm(grads, norm_type=1.0)
            clip_grads_with_norm_(model.parameters(), max_norm=2.0, total_norm=norm)
        after = get_total_norm([p.grad for p in model.parameters()])
        opt.step()
        print(f"step {step} loss {loss.item():.6f} grad norm {norm.item():.6f} after clip (2-norm) {after.item():.6f}")

    model.eval()
    with torch.no_grad():
        reference = model(x)
    FilterNorm.apply(model.conv, "weight", amount=2)
    prune.custom_from_mask(model.conv, "bias", mask=torch.tensor([1.0, 1, 0, 1, 1, 0]))
    print("filter mask", model.conv.weight_mask[:, 0, 0, 0].tolist(), "bias", model.conv.bias.tolist() and
          [round(v, 5) for v in model.conv.bias.tolist()])
    prune.l1_unstructured(model.conv, "weight", amount=0.3)
    hook = next(h for h in model.conv._forward_pre_hooks.values() if h._tensor_name == "weight")
    print("stacked", type(hook).__name__, [type(m).__name__ for m in hook],
          "zeros", int((model.conv.weight == 0).sum()))
    scores = {model.fc: model.fc.weight.abs() * torch.linspace(0.5, 1.5, 24)[None, :]}
    prune.global_unstructured([(model.fc, "weight"), (model.out, "weight")], pruning_method=prune.L1Unstructured,
                              importance_scores={(model.fc, "weight"): scores[model.fc]}, amount=40)
    prune.identity(model.out, "bias")
    print("fc sparsity", (model.fc.weight == 0).float().mean().item(),
          "out sparsity", (model.out.weight == 0).float().mean().item())
    print("buffers", sorted(name for name, _ in model.named_buffers() if name.endswith("mask")))
    with torch.no_grad():
        pruned = model(x)
    print("pruned vs dense", (pruned - reference).abs().max().item(), F.cross_entropy(pruned, y).item())
    print("pruned accuracy", (pruned.argmax(1) == y).float().mean().item(),
          "dense", (reference.argmax(1) == y).float().mean().item())
    for module, name in [(model.conv, "weight"), (model.conv, "bias"), (model.fc, "weight"), (model.out, "weight"),
                         (model.out, "bias")]:
        prune.remove(module, name)
    print("after remove", sorted(n for n, _ in model.named_parameters()), prune.is_pruned(model))

    vec = parameters_to_vector(model.parameters())
    print("vector", vec.numel(), vec.abs().sum().item(), (vec == 0).sum().item())
    vector_to_parameters(vec * 0.5, model.parameters())
    halved = parameters_to_vector(model.parameters())
    vector_to_parameters(vec, model.parameters())
    print("round trip", torch.equal(parameters_to_vector(model.parameters()), vec), halved[-4:])

    conv = fuse_conv_bn_eval(model.conv, model.bn)
    fc = fuse_linear_bn_eval(model.fc, model.bn_fc)
    with torch.no_grad():
        h = F.max_pool2d(F.relu(conv(x)), 3)
        fused = model.out(F.relu(fc(h.flatten(1))))
        print("fused conv", conv.weight[2, 0, 0], conv.bias[:3])
        print("fused fc", fc.bias[:4], "max diff", (fused - pruned).abs().max().item() < 1e-5)
        print("fused logits", fused[:2])


if __name__ == "__main__":
    main()
