"""Preference fine-tuning of a tiny causal language model with DPO, written for PyTorch the way alignment
libraries write it; tests run it as is and with only its imports changed, and compare what both print. A
supervised warm-up on prompt+response sequences with the prompt masked out of the loss (labels set to -100), a
frozen reference copy (copy.deepcopy, requires_grad_(False), eval), per-sequence log-probabilities by
log_softmax + torch.gather over shifted labels with a padding mask, the DPO loss -logsigmoid(beta * margin), its
implicit rewards and accuracy, an IPO variant, label-smoothed (conservative) DPO, and the KL to the reference
measured on the chosen responses. Token data from a seeded NumPy generator; float64, weights from NumPy.
"""
import copy

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

V, PAD = 12, 0


class TinyLM(nn.Module):
    def __init__(self, dim=8):
        super().__init__()
        self.emb = nn.Embedding(V, dim, padding_idx=PAD)
        self.rnn = nn.GRU(dim, dim, batch_first=True)
        self.out = nn.Linear(dim, V)

    def forward(self, tokens):
        h, _ = self.rnn(self.emb(tokens))
        return self.out(h)


def sequence_logps(model, tokens, labels):
    logits = model(tokens)[:, :-1]
    labels = labels[:, 1:].clone()
    mask = labels != -100
    labels[~mask] = 0
    per_token = torch.gather(logits.log_softmax(-1), 2, labels.unsqueeze(2)).squeeze(2)
    return (per_token * mask).sum(-1), mask.sum(-1)


def build(prompts, responses, max_len):
    tokens = torch.full((len(prompts), max_len), PAD, dtype=torch.long)
    labels = torch.full((len(prompts), max_len), -100, dtype=torch.long)
    for i, (p, r) in enumerate(zip(prompts, responses)):
        seq = p + r
        tokens[i, :len(seq)] = torch.tensor(seq)
        labels[i, len(p):len(seq)] = torch.tensor(r)
    return tokens, labels


def make_pairs(rng, n):
    prompts, chosen, rejected = [], [], []
    for _ in range(n):
        p = list(rng.integers(1, V, 3))
        good = [(p[-1] + k) % (V - 1) + 1 for k in (1, 2)]
        bad = list(rng.integers(1, V, 2))
        prompts.append([int(v) for v in p])
        chosen.append(good)
        rejected.append([int(v) for v in bad])
    return prompts, chosen, rejected


def dpo_loss(pc, pr, rc, rr, beta, kind="sigmoid", smoothing=0.0):
    logits = (pc - pr) - (rc - rr)
    if kind == "ipo":
        losses = (logits - 1 / (2 * beta)) ** 2
    else:
        losses = -F.logsigmoid(beta * logits) * (1 - smoothing) - F.logsigmoid(-beta * logits) * smoothing
    chosen_reward = beta * (pc - rc).detach()
    rejected_reward = beta * (pr - rr).detach()
    return losses.mean(), chosen_reward, rejected_reward


def main():
    torch.set_default_dtype(torch.float64)
    rng = np.random.default_rng(79)
    policy = TinyLM()
    with torch.no_grad():
        for p in policy.parameters():
            p.copy_(torch.from_numpy(rng.normal(0, 0.4, tuple(p.shape))))
        policy.emb.weight[PAD].zero_()
    prompts, chosen, rejected = make_pairs(rng, 12)
    tok_c, lab_c = build(prompts, chosen, 6)
    tok_r, lab_r = build(prompts, rejected, 6)
    print("masked label count:", int((lab_c == -100).sum()), "first row:", lab_c[0].tolist())

    opt = torch.optim.Adam(policy.parameters(), lr=1e-2)
    for step in range(3):
        logits = policy(tok_c)
        sft = F.cross_entropy(logits[:, :-1].reshape(-1, V), lab_c[:, 1:].reshape(-1), ignore_index=-100)
        opt.zero_grad()
        sft.backward()
        opt.step()
        print(f"sft step {step}: loss {sft.item():.8f}")

    reference = copy.deepcopy(policy).requires_grad_(False).eval()
    with torch.no_grad():
        ref_c, n_c = sequence_logps(reference, tok_c, lab_c)
        ref_r, _ = sequence_logps(reference, tok_r, lab_r)
    print("reference logps:", [round(v, 6) for v in ref_c[:3].tolist()], "tokens:", n_c[:3].tolist())

    for kind, smoothing in (("sigmoid", 0.0), ("sigmoid", 0.1), ("ipo", 0.0)):
        model = copy.deepcopy(reference).requires_grad_(True).train()
        opt = torch.optim.AdamW(model.parameters(), lr=5e-3, weight_decay=0.0)
        for step in range(3):
            pc, _ = sequence_logps(model, tok_c, lab_c)
            pr, _ = sequence_logps(model, tok_r, lab_r)
            loss, cr, rr = dpo_loss(pc, pr, ref_c, ref_r, beta=0.5, kind=kind, smoothing=smoothing)
            opt.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            acc = (cr > rr).double().mean()
            print(f"{kind} ls={smoothing} step {step}: loss {loss.item():.8f} margin {(cr - rr).mean().item():.8f}"
                  f" acc {acc.item():.4f}")
        with torch.no_grad():
            pc, _ = sequence_logps(model, tok_c, lab_c)
        print(f"{kind} ls={smoothing} kl to reference on chosen:", round((ref_c - pc).mean().item(), 8))
    print("reference frozen:", all(not p.requires_grad for p in reference.parameters()),
          "pad row grad:", model.emb.weight.grad[PAD].abs().sum().item())
