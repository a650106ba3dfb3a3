"""A sparse mixture-of-experts layer as Switch/Mixtral-style PyTorch code writes it: a router whose softmax
probabilities are routed top-2 with torch.topk, renormalised, tokens sorted by expert with argsort(stable=True),
per-expert counts by torch.bincount(minlength=), a capacity limit enforced by cumsum over one_hot, expert outputs
combined back with index_add_, the auxiliary load-balancing loss and router z-loss (logsumexp), and a few AdamW
steps with clip_grad_norm_(foreach=True) that print the losses, the routing counts, the dropped tokens and the
router's gradient. Float32; every random number comes from torch.manual_seed.
"""
import torch
import torch.nn as nn
import torch.nn.functional as F


class Expert(nn.Module):
    def __init__(self, dim, hidden):
        super().__init__()
        self.w1 = nn.Linear(dim, hidden)
        self.w2 = nn.Linear(hidden, dim)

    def forward(self, x):
        return self.w2(F.gelu(self.w1(x), approximate="tanh"))


class MoE(nn.Module):
    def __init__(self, dim=8, hidden=12, num_experts=4, k=2, capacity_factor=1.0):
        super().__init__()
        self.router = nn.Linear(dim, num_experts, bias=False)
        self.experts = nn.ModuleList([Expert(dim, hidden) for _ in range(num_experts)])
        self.k = k
        self.capacity_factor = capacity_factor

    def forward(self, x):
        tokens, _ = x.shape
        n = len(self.experts)
        logits = self.router(x)
        probs = logits.softmax(dim=-1)
        top_p, top_i = torch.topk(probs, self.k, dim=-1)
        top_p = top_p / top_p.sum(dim=-1, keepdim=True)
        flat_e = top_i.reshape(-1)
        flat_t = torch.arange(tokens).repeat_interleave(self.k)
        flat_w = top_p.reshape(-1)
        capacity = int(self.capacity_factor * tokens * self.k / n)
        onehot = F.one_hot(flat_e, n)
        position = (onehot.cumsum(dim=0) - 1)[torch.arange(flat_e.numel()), flat_e]
        keep = position < capacity
        counts = torch.bincount(flat_e, minlength=n)
        order = torch.argsort(flat_e[keep], stable=True)
        kept_t, kept_e, kept_w = flat_t[keep][order], flat_e[keep][order], flat_w[keep][order]
        out = torch.zeros_like(x)
        for e, chunk in enumerate(torch.split(torch.arange(kept_e.numel()), torch.bincount(kept_e, minlength=n).tolist())):
            if chunk.numel() == 0:
                continue
            y = self.experts[e](x[kept_t[chunk]]) * kept_w[chunk].unsqueeze(-1)
            out = out.index_add(0, kept_t[chunk], y)
        frac_tokens = counts.float() / flat_e.numel()
        frac_probs = probs.mean(dim=0)
        aux = n * (frac_tokens * frac_probs).sum()
        z_loss = torch.logsumexp(logits, dim=-1).pow(2).mean()
        return out, aux, z_loss, counts, (~keep).sum().item()


def main():
    torch.manual_seed(2704)
    moe = MoE()
    x = torch.randn(10, 8)
    target = torch.randn(10, 8)
    out, aux, z, counts, dropped = moe(x)
    print(out.shape, out.grad_fn.name(), f"{aux.item():.6f}", f"{z.item():.6f}", counts, dropped)
    probs = moe.router(x).softmax(-1)
    vals, idx = probs.topk(2)
    print(vals[:3], idx[:3], idx.dtype, torch.topk(probs, 1, dim=0, largest=False).indices)
    opt = torch.optim.AdamW(moe.parameters(), lr=5e-3, weight_decay=0.01)
    for step in range(6):
        opt.zero_grad()
        out, aux, z, counts, dropped = moe(x)
        loss = F.mse_loss(out, target) + 0.01 * aux + 1e-3 * z
        loss.backward()
        total = nn.utils.clip_grad_norm_(moe.parameters(), max_norm=0.5, foreach=True, error_if_nonfinite=True)
        opt.step()
        print(step, f"{loss.item():.6f}", f"{total.item():.6f}", counts.tolist(), dropped)
    print(moe.router.weight.grad)
    print([round(p.grad.norm().item(), 6) if p.grad is not None else None for p in moe.experts[0].parameters()])
    used = torch.stack([moe(x[i:i + 5])[3] for i in (0, 5)])
    print(used, used.sum(dim=1))
