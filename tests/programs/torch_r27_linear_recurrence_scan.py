"""A linear-attention / RWKV-style recurrence written twice, as state-space model code does: the parallel form
through cumsum of log-decays, exp of pairwise differences, a causal tril mask and einsum, and the recurrent form
by a Python loop over time, checked equal in value and gradient; a gated scan through torch.cumprod (with a gate
that is exactly 0 at one step, where cumprod's gradient needs care) and logcumsumexp for a stable cumulative
softmax normaliser; cummax as a running peak; then a tiny model with this layer trained three Adam steps, the
node names printed along the way. Float64; every random number comes from torch.manual_seed.
"""
import torch
import torch.nn as nn
import torch.nn.functional as F


def parallel_scan(q, k, v, log_decay):
    # h_t = exp(log_decay_t) * h_{t-1} + k_t v_t^T ; y_t = q_t h_t
    cum = torch.cumsum(log_decay, dim=1)                        # (B, T)
    diff = cum.unsqueeze(-1) - cum.unsqueeze(-2)                 # (B, T, T): sum of decays from s+1 to t
    T = q.shape[1]
    mask = torch.tril(torch.ones(T, T, dtype=torch.bool))
    weights = torch.exp(diff.masked_fill(~mask, float("-inf")))
    scores = torch.einsum("btd,bsd->bts", q, k) * weights
    return torch.einsum("bts,bse->bte", scores, v)


def recurrent_scan(q, k, v, log_decay):
    B, T, D = q.shape
    h = torch.zeros(B, D, v.shape[-1], dtype=q.dtype)
    outs = []
    for t in range(T):
        h = torch.exp(log_decay[:, t]).view(B, 1, 1) * h + torch.einsum("bd,be->bde", k[:, t], v[:, t])
        outs.append(torch.einsum("bd,bde->be", q[:, t], h))
    return torch.stack(outs, dim=1)


class ScanLayer(nn.Module):
    def __init__(self, dim):
        super().__init__()
        self.qkv = nn.Linear(dim, 3 * dim)
        self.decay = nn.Linear(dim, 1)
        self.out = nn.Linear(dim, dim)

    def forward(self, x):
        q, k, v = self.qkv(x).chunk(3, dim=-1)
        log_decay = F.logsigmoid(self.decay(x)).squeeze(-1)
        return self.out(parallel_scan(F.elu(q) + 1, F.elu(k) + 1, v, log_decay)) + x


def main():
    torch.manual_seed(2705)
    B, T, D = 2, 6, 3
    q, k, v = (torch.randn(B, T, D, dtype=torch.float64, requires_grad=True) for _ in range(3))
    log_decay = (-torch.rand(B, T, dtype=torch.float64)).requires_grad_()
    yp = parallel_scan(q, k, v, log_decay)
    yr = recurrent_scan(q, k, v, log_decay)
    print(torch.allclose(yp, yr), yp.grad_fn.name(), yr.grad_fn.name(), yp[0, -1])
    gp = torch.autograd.grad(yp.pow(2).sum(), (q, k, v, log_decay))
    gr = torch.autograd.grad(yr.pow(2).sum(), (q, k, v, log_decay))
    print([torch.allclose(a, b) for a, b in zip(gp, gr)], gp[3][:, 1:])

    gate = torch.tensor([[0.9, 0.5, 0.0, 0.8, 0.7], [1.2, 0.3, 0.6, 0.5, 0.1]], dtype=torch.float64,
                        requires_grad=True)
    running = torch.cumprod(gate, dim=1)
    print(running, running.grad_fn.name())
    (running * torch.arange(1.0, 6.0, dtype=torch.float64)).sum().backward()
    print(gate.grad)
    print(torch.autograd.gradcheck(lambda g: torch.cumprod(g, dim=1), (gate,)),
          torch.autograd.gradgradcheck(lambda g: torch.cumprod(g, dim=1).sum(), (gate,)))

    scores = torch.randn(2, 7, dtype=torch.float64, requires_grad=True)
    norm = torch.logcumsumexp(scores, dim=1)
    causal_softmax_last = torch.exp(scores - norm)
    print(norm, causal_softmax_last[:, :3])
    norm.sum().backward()
    print(scores.grad, norm.grad_fn.name())
    peak, where = torch.cummax(scores.detach(), dim=1)
    print(peak[0], where)
    drawdown = (scores - torch.cummax(scores, dim=1).values).min(dim=1)
    print(drawdown.values, drawdown.indices)

    model = nn.Sequential(ScanLayer(4), nn.LayerNorm(4), ScanLayer(4)).double()
    x = torch.randn(3, 5, 4, dtype=torch.float64)
    y = torch.roll(x, shifts=1, dims=1)
    opt = torch.optim.Adam(model.parameters(), lr=0.01)
    for step in range(3):
        opt.zero_grad()
        loss = F.mse_loss(model(x), y)
        loss.backward()
        opt.step()
        print(step, f"{loss.item():.10f}", model[0].decay.weight.grad)
