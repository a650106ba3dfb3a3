"""Survival analysis as clinical-ML tutorials write it (DeepSurv): a Cox proportional-hazards network trained on
the negative partial log-likelihood; tests run it as is and with only its imports changed, and compare what both
print. Sorting by time (descending, stable), logcumsumexp for the risk sets and its gradient, Breslow's tie
handling through cumsum and gather, Harrell's concordance index with broadcasting masks, Kaplan-Meier curves
through unique(return_counts=True), cumprod and searchsorted, and a small MLP trained with Adam and weight decay.
Float32, NumPy data.
"""
import numpy as np
import torch
import torch.nn as nn


def neg_partial_log_likelihood(risk, time, event):
    order = torch.argsort(time, descending=True, stable=True)
    risk, event = risk[order], event[order]
    log_risk_set = torch.logcumsumexp(risk, dim=0)
    return -((risk - log_risk_set) * event).sum() / event.sum().clamp(min=1)


def breslow_nll(risk, time, event):
    # risk sets shared by tied times: the log-sum-exp up to the last index of each tie group
    order = torch.argsort(time, descending=True, stable=True)
    risk, time, event = risk[order], time[order], event[order]
    lcse = torch.logcumsumexp(risk, 0)
    _, counts = torch.unique_consecutive(time, return_counts=True)
    last = torch.cumsum(counts, 0) - 1
    group = torch.repeat_interleave(torch.arange(len(counts)), counts)
    shared = lcse.gather(0, last[group])
    return -((risk - shared) * event).sum() / event.sum()


def concordance(risk, time, event):
    earlier = time.unsqueeze(1) < time.unsqueeze(0)
    comparable = earlier & event.bool().unsqueeze(1)
    higher = risk.unsqueeze(1) > risk.unsqueeze(0)
    tied = risk.unsqueeze(1) == risk.unsqueeze(0)
    good = (comparable & higher).sum() + 0.5 * (comparable & tied).sum()
    return good / comparable.sum()


def kaplan_meier(time, event):
    times, inverse, counts = torch.unique(time, return_inverse=True, return_counts=True)
    deaths = torch.zeros(len(times)).index_add_(0, inverse, event)
    at_risk = counts.flip(0).cumsum(0).flip(0).float()
    survival = torch.cumprod(1 - deaths / at_risk, 0)
    return times, survival


def main():
    rng = np.random.default_rng(115)
    n, d = 120, 6
    x = rng.standard_normal((n, d)).astype(np.float32)
    beta = np.array([0.8, -0.5, 0.0, 0.3, 0.0, -0.9], dtype=np.float32)
    hazard = np.exp(x @ beta)
    t_event = rng.exponential(1.0 / hazard)
    t_cens = rng.exponential(1.5, size=n)
    time = np.round(np.minimum(t_event, t_cens), 1).astype(np.float32) + 0.1
    event = (t_event <= t_cens).astype(np.float32)
    X, T, E = torch.from_numpy(x), torch.from_numpy(time), torch.from_numpy(event)
    print(E.sum(), T.min(), T.max(), torch.unique(T).numel())
    risk = torch.from_numpy(x @ beta)
    print(neg_partial_log_likelihood(risk, T, E), breslow_nll(risk, T, E), concordance(risk, T, E))
    r = risk.clone().requires_grad_(True)
    loss = neg_partial_log_likelihood(r, T, E)
    loss.backward()
    print(r.grad[:6], r.grad.sum())
    r2 = risk[:10].clone().requires_grad_(True)
    torch.logcumsumexp(r2 * 3, 0).sum().backward()
    print(torch.logcumsumexp(r2.detach() * 3, 0), r2.grad)
    times, surv = kaplan_meier(T, E)
    print(times[:6], surv[:6], surv[-3:])
    idx = torch.searchsorted(times, torch.tensor([0.5, 1.0, 2.0]), right=True) - 1
    print(idx, surv[idx], torch.median(T))
    rs = np.random.default_rng(5)
    model = nn.Sequential(nn.Linear(d, 16), nn.SELU(), nn.Dropout(0.0), nn.Linear(16, 1, bias=False))
    with torch.no_grad():
        for p in model.parameters():
            p.copy_(torch.from_numpy(rs.normal(0, 0.3, size=tuple(p.shape)).astype(np.float32)))
    opt = torch.optim.Adam(model.parameters(), lr=0.01, weight_decay=1e-3)
    for step in range(40):
        opt.zero_grad()
        out = model(X).squeeze(-1)
        loss = neg_partial_log_likelihood(out, T, E)
        loss.backward()
        opt.step()
        if step % 8 == 0:
            print(f"step {step:2d} nll {loss.item():.5f} c-index {concordance(out.detach(), T, E).item():.4f}")
    model.eval()
    with torch.no_grad():
        out = model(X).squeeze(-1)
        print(breslow_nll(out, T, E), concordance(out, T, E), out[:5])
        base = torch.exp(out - out.max())
        print(base.topk(3), torch.kthvalue(out, 10))


if __name__ == "__main__":
    main()
