"""A sparse mixture-of-experts layer with top-k routing, written for PyTorch; tests run it as is and with only its
imports changed, and compare what both print. Router logits -> softmax -> topk, renormalised gates, tokens
dispatched per expert with nonzero/index_select and combined with index_add_, an expert capacity enforced by a
cumsum over one-hot assignments, the Switch-Transformer load-balancing loss from bincount-style counts, a
z-loss on the router's logsumexp, and expert usage read back. Float64 and weights from a seeded NumPy generator.
"""
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.optim as optim


class Expert(nn.Module):
    def __init__(self, dim, hidden):
        super().__init__()
        self.fc1, self.fc2 = nn.Linear(dim, hidden), nn.Linear(hidden, dim)

    def forward(self, x):
        return self.fc2(F.gelu(self.fc1(x)))


class MoE(nn.Module):
    def __init__(self, dim=6, hidden=8, n_experts=4, k=2, capacity_factor=1.25):
        super().__init__()
        self.router = nn.Linear(dim, n_experts, bias=False)
        self.experts = nn.ModuleList([Expert(dim, hidden) for _ in range(n_experts)])
        self.k, self.n_experts, self.capacity_factor = k, n_experts, capacity_factor

    def forward(self, x):
        tokens = x.reshape(-1, x.shape[-1])
        n = tokens.shape[0]
        logits = self.router(tokens)
        probs = logits.softmax(dim=-1)
        gate, expert_idx = probs.topk(self.k, dim=-1)
        gate = gate / gate.sum(dim=-1, keepdim=True)
        capacity = int(self.capacity_factor * n * self.k / self.n_experts)
        onehot = F.one_hot(expert_idx, self.n_experts)               # n, k, E
        flat = onehot.permute(1, 0, 2).reshape(-1, self.n_experts)   # first choices of all tokens first
        position = (flat.cumsum(dim=0) - 1) * flat
        keep = ((position < capacity) & (flat == 1)).any(dim=-1).view(self.k, n).t()
        out = torch.zeros_like(tokens)
        for e, expert in enumerate(self.experts):
            token_ids, slot = torch.nonzero((expert_idx == e) & keep, as_tuple=True)
            if token_ids.numel() == 0:
                continue
            y = expert(tokens.index_select(0, token_ids))
            out.index_add_(0, token_ids, y * gate[token_ids, slot].unsqueeze(-1))
        fraction = onehot[:, 0].double().mean(0)
        balance = self.n_experts * (fraction * probs.mean(0)).sum()
        z_loss = torch.logsumexp(logits, dim=-1).pow(2).mean()
        counts = torch.bincount(expert_idx.flatten(), minlength=self.n_experts)
        return out.view_as(x), balance, z_loss, counts, keep.sum().item()


def main():
    rng = np.random.default_rng(13)
    model = nn.Sequential()
    moe = MoE().double()
    with torch.no_grad():
        for name, p in moe.named_parameters():
            p.copy_(torch.from_numpy(0.4 * rng.standard_normal(tuple(p.shape))))
    head = nn.Linear(6, 1).double()
    with torch.no_grad():
        head.weight.copy_(torch.from_numpy(0.3 * rng.standard_normal((1, 6))))
        head.bias.zero_()
    x = torch.from_numpy(rng.standard_normal((4, 10, 6)))
    y = torch.from_numpy(np.tanh(rng.standard_normal((4, 10, 1))))
    out, balance, z, counts, kept = moe(x)
    print("shapes", out.shape, counts.dtype, counts.tolist(), "kept", kept, "of", 4 * 10 * 2)
    params = list(moe.parameters()) + list(head.parameters())
    opt = optim.Adam(params, lr=0.01)
    for step in range(10):
        out, balance, z, counts, kept = moe(x)
        mse = F.mse_loss(head(out + x), y)
        loss = mse + 0.01 * balance + 1e-3 * z
        opt.zero_grad()
        loss.backward()
        router_grad = moe.router.weight.grad.norm().item()
        unused = [e for e, ex in enumerate(moe.experts) if ex.fc1.weight.grad is None]
        opt.step()
        print(f"step {step} mse {mse.item():.6f} balance {balance.item():.6f} z {z.item():.6f} "
              f"router grad {router_grad:.6f} counts {counts.tolist()} kept {kept} unused {unused}")
    with torch.no_grad():
        probs = moe.router(x.reshape(-1, 6)).softmax(-1)
        top1 = probs.argmax(-1)
        print("top1 usage", torch.bincount(top1, minlength=4).tolist(), "mean prob", probs.mean(0))
        print("entropy", -(probs * probs.log()).sum(-1).mean().item(), "max gate", probs.max().item())
        print("state", list(moe.state_dict().keys())[:3], len(moe.state_dict()), len(model))


if __name__ == "__main__":
    main()
