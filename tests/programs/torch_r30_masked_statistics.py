"""Masked and NaN-aware statistics over ragged, partly missing data, in float64: torch.where with tensors and
numbers on both sides (and its gradient, which must stay finite where the unused branch is inf / NaN: the
"double where" trick), masked_fill / masked_select / masked_scatter, nan_to_num, nansum / nanmean, the
torch.masked reductions (sum, mean, amax, amin, var, std, norm, softmax, log_softmax, logsumexp) with a mask
and their gradients, a masked-mean pooling layer and a masked attention trained a few Adam steps.
"""
import torch
import torch.nn as nn
import torch.nn.functional as F


class MaskedPoolClassifier(nn.Module):
    def __init__(self, d=4):
        super().__init__()
        self.proj = nn.Linear(d, d)
        self.score = nn.Linear(d, 1)
        self.out = nn.Linear(2 * d, 2)

    def forward(self, x, mask):
        h = torch.tanh(self.proj(x))
        logits = self.score(h).squeeze(-1).masked_fill(~mask, float("-inf"))
        att = torch.softmax(logits, dim=1)
        pooled_att = (att.unsqueeze(-1) * h).sum(1)
        pooled_mean = torch.where(mask.unsqueeze(-1), h, 0.0).sum(1) / mask.sum(1, keepdim=True)
        return self.out(torch.cat([pooled_att, pooled_mean], dim=1)), att


def main():
    torch.manual_seed(0)
    dt = torch.float64
    x = torch.randn(3, 5, dtype=dt)
    x[0, 1] = float("nan")
    x[2, 3] = float("nan")
    print("nansum", x.nansum(1), "nanmean", x.nanmean(1))
    print("nan_to_num", torch.nan_to_num(x, nan=0.0)[0], torch.nan_to_num(torch.tensor([float("inf"), -float("inf"),
          float("nan")], dtype=dt), posinf=9.0, neginf=-9.0))
    valid = ~x.isnan()
    print("masked_select", torch.masked_select(x, valid)[:5], valid.sum().item())
    y = x.masked_fill(~valid, 0.0)
    filled = y.masked_scatter(~valid, torch.tensor([10.0, 20.0], dtype=dt))
    print("masked_scatter", filled[:, 1], filled[2, 3].item())

    v = torch.tensor([-1.0, 0.0, 2.0, 4.0], dtype=dt, requires_grad=True)
    bad = torch.where(v > 0, v.sqrt(), torch.zeros_like(v))
    bad.sum().backward()
    print("single where grad", v.grad)
    v.grad = None
    safe = torch.where(v > 0, v, 1.0)
    good = torch.where(v > 0, safe.sqrt(), 0.0)
    good.sum().backward()
    print("double where grad", v.grad, good.grad_fn.name())
    w = torch.where(v > 1, v * 2, -v)
    print("where scalar/tensor", torch.where(v > 1, 5.0, v), w.grad_fn.name())

    data = torch.randn(2, 6, dtype=dt, requires_grad=True)
    mask = torch.tensor([[True, True, False, True, False, True], [False, True, True, True, True, False]])
    print("masked sum", torch.masked.sum(data, 1, mask=mask))
    print("masked mean", torch.masked.mean(data, 1, mask=mask))
    print("masked amax/amin", torch.masked.amax(data, 1, mask=mask), torch.masked.amin(data, 1, mask=mask))
    print("masked var", torch.masked.var(data, 1, unbiased=False, mask=mask),
          torch.masked.std(data, 1, unbiased=True, mask=mask))
    print("masked norm", torch.masked.norm(data, 2.0, 1, mask=mask))
    sm = torch.masked.softmax(data, 1, mask=mask)
    print("masked softmax", sm)
    print("masked log_softmax", torch.masked.log_softmax(data, 1, mask=mask)[0, :2],
          torch.masked.logsumexp(data, 1, mask=mask))
    loss = (torch.masked.mean(data, 1, mask=mask) ** 2).sum() + torch.masked.amax(data, 1, mask=mask).sum()
    loss.backward()
    print("masked grads", data.grad)
    ref = data.detach().clone().requires_grad_()
    mean_ref = torch.where(mask, ref, 0.0).sum(1) / mask.sum(1)
    amax_ref = ref.masked_fill(~mask, float("-inf")).amax(1)
    ((mean_ref ** 2).sum() + amax_ref.sum()).backward()
    print("matches where form", torch.allclose(ref.grad, data.grad))

    seqs = torch.randn(4, 6, 4, dtype=dt)
    lengths = torch.tensor([6, 3, 4, 1])
    pad_mask = torch.arange(6) < lengths.unsqueeze(1)
    labels = torch.tensor([0, 1, 1, 0])
    model = MaskedPoolClassifier().double()
    opt = torch.optim.Adam(model.parameters(), lr=0.05)
    for step in range(4):
        opt.zero_grad()
        logits, att = model(seqs, pad_mask)
        loss = F.cross_entropy(logits, labels)
        loss.backward()
        opt.step()
        print(f"step {step} loss {loss.item():.10f} att on padding {att[~pad_mask].abs().sum().item()}")
    print("attention row 1", att[1], att.grad_fn.name())


if __name__ == "__main__":
    main()
