"""Robust regression and calibrated classification, as a tabular-modelling script writes them: quantile
regression with the pinball loss for three quantiles at once, its predictions checked against torch.quantile of
the residuals (every interpolation mode, keepdim, dim=None) and nanquantile with missing targets; F.huber_loss
with several deltas beside F.smooth_l1_loss with beta and their gradients at the kink; class-weighted
F.cross_entropy with label_smoothing and ignore_index on 2-D and (N, C, L) inputs, and with probability targets;
F.nll_loss on log_softmax outputs; focal loss by hand; and a few SGD-with-Nesterov steps of a small two-headed
model trained on the sum. Float32; every random number comes from torch.manual_seed.
"""
import torch
import torch.nn as nn
import torch.nn.functional as F


def pinball(pred, target, quantiles):
    diff = target.unsqueeze(-1) - pred
    return torch.maximum(quantiles * diff, (quantiles - 1) * diff).mean()


def focal_loss(logits, target, gamma=2.0, alpha=None):
    logp = F.log_softmax(logits, dim=-1)
    logp_t = logp.gather(1, target.unsqueeze(1)).squeeze(1)
    p_t = logp_t.exp()
    loss = -((1 - p_t) ** gamma) * logp_t
    if alpha is not None:
        loss = alpha[target] * loss
    return loss.mean()


class TwoHead(nn.Module):
    def __init__(self):
        super().__init__()
        self.body = nn.Sequential(nn.Linear(5, 16), nn.SiLU())
        self.quant = nn.Linear(16, 3)
        self.cls = nn.Linear(16, 4)

    def forward(self, x):
        h = self.body(x)
        return self.quant(h), self.cls(h)


def main():
    torch.manual_seed(2708)
    residuals = torch.randn(3, 11)
    q = torch.tensor([0.1, 0.5, 0.9])
    for mode in ("linear", "lower", "higher", "midpoint", "nearest"):
        print(mode, torch.quantile(residuals, q, dim=1, interpolation=mode))
    print(torch.quantile(residuals, 0.25), torch.quantile(residuals, q, dim=0, keepdim=True).shape)
    holes = residuals.clone()
    holes[0, ::3] = float("nan")
    print(torch.nanquantile(holes, q, dim=1), torch.quantile(holes, 0.5, dim=1))

    pred = torch.tensor([-1.0, -0.5, 0.0, 0.5, 1.0, 2.0], requires_grad=True)
    target = torch.tensor([0.0, 0.0, 0.0, 0.0, 0.0, 0.0])
    for delta in (0.5, 1.0, 2.0):
        loss = F.huber_loss(pred, target, delta=delta)
        (g,) = torch.autograd.grad(loss, pred)
        print("huber", delta, f"{loss.item():.6f}", g)
    for beta in (0.0, 0.5, 1.0):
        loss = F.smooth_l1_loss(pred, target, beta=beta, reduction="sum")
        (g,) = torch.autograd.grad(loss, pred)
        print("smooth_l1", beta, f"{loss.item():.6f}", g, loss.grad_fn.name())

    logits = torch.randn(6, 4, requires_grad=True)
    labels = torch.tensor([0, 3, 1, -100, 2, 3])
    weight = torch.tensor([1.0, 2.0, 0.5, 1.5])
    for ls in (0.0, 0.1, 0.3):
        loss = F.cross_entropy(logits, labels, weight=weight, label_smoothing=ls)
        (g,) = torch.autograd.grad(loss, logits)
        print("ce", ls, f"{loss.item():.6f}", g[0], loss.grad_fn.name())
    none = F.cross_entropy(logits, labels, weight=weight, label_smoothing=0.2, reduction="none")
    print(none, none.grad_fn.name())
    seq_logits = torch.randn(2, 4, 5, requires_grad=True)
    seq_labels = torch.tensor([[0, 1, 2, 3, -100], [3, 3, -100, 0, 1]])
    loss = F.cross_entropy(seq_logits, seq_labels, weight=weight, label_smoothing=0.1, ignore_index=-100)
    loss.backward()
    print(f"{loss.item():.6f}", seq_logits.grad[1, :, 2], seq_logits.grad.abs().sum())
    soft = torch.softmax(torch.randn(6, 4), dim=-1)
    print(F.cross_entropy(logits, soft, weight=weight, label_smoothing=0.1),
          F.nll_loss(F.log_softmax(logits, -1), labels.clamp(min=0), weight=weight, reduction="sum"))
    print(focal_loss(logits, labels.clamp(min=0)), focal_loss(logits, labels.clamp(min=0), alpha=weight / weight.sum()))

    model = TwoHead()
    x = torch.randn(16, 5)
    y = x[:, 0] * 2 + 0.3 * torch.randn(16)
    c = (x[:, 1] > 0).long() + 2 * (x[:, 2] > 0).long()
    opt = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9, nesterov=True, weight_decay=1e-4)
    for step in range(5):
        opt.zero_grad()
        qpred, cl = model(x)
        loss_q = pinball(qpred, y, q)
        loss_c = F.cross_entropy(cl, c, weight=weight, label_smoothing=0.05)
        (loss_q + loss_c).backward()
        opt.step()
        coverage = (y.unsqueeze(-1) <= qpred.detach()).float().mean(0)
        print(step, f"{loss_q.item():.6f}", f"{loss_c.item():.6f}", coverage)
    print(model.quant.bias, opt.state[model.quant.bias]["momentum_buffer"])
