"""Beam-search decoding of a small GRU sequence-to-sequence model written for PyTorch the way translation toolkits
write it; tests run it as is and with only its imports changed, and compare what both print. A GRU encoder, a
GRUCell decoder with dot-product attention over the encoder outputs, teacher-forced training with padding ignored
in the loss, then batched beam search: flattening beams into the batch with repeat_interleave, log-softmax scores,
topk over beam x vocabulary, integer division and remainder to recover the beam and token, index_select /
gather to reorder hidden states and histories, masked_fill to freeze finished hypotheses, and a length penalty when
choosing the best; greedy decoding for comparison. Token data from a seeded NumPy generator; float64, weights from
NumPy.
"""
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

PAD, BOS, EOS = 0, 1, 2


class Seq2Seq(nn.Module):
    def __init__(self, vocab=10, emb=8, hidden=12):
        super().__init__()
        self.src_emb = nn.Embedding(vocab, emb, padding_idx=PAD)
        self.tgt_emb = nn.Embedding(vocab, emb, padding_idx=PAD)
        self.encoder = nn.GRU(emb, hidden, batch_first=True)
        self.cell = nn.GRUCell(emb + hidden, hidden)
        self.out = nn.Linear(2 * hidden, vocab)

    def encode(self, src):
        enc, h = self.encoder(self.src_emb(src))
        return enc, h.squeeze(0)

    def step(self, tok, h, ctx_prev, enc, src_mask):
        h = self.cell(torch.cat([self.tgt_emb(tok), ctx_prev], -1), h)
        scores = torch.bmm(enc, h.unsqueeze(2)).squeeze(2).masked_fill(~src_mask, float("-inf"))
        attn = F.softmax(scores, dim=-1)
        ctx = torch.bmm(attn.unsqueeze(1), enc).squeeze(1)
        return F.log_softmax(self.out(torch.cat([h, ctx], -1)), -1), h, ctx

    def forward(self, src, tgt_in):
        enc, h = self.encode(src)
        mask = src != PAD
        ctx = torch.zeros_like(h)
        outs = []
        for t in range(tgt_in.shape[1]):
            logp, h, ctx = self.step(tgt_in[:, t], h, ctx, enc, mask)
            outs.append(logp)
        return torch.stack(outs, 1)


def beam_search(model, src, beam=3, max_len=6, alpha=0.7):
    B = src.shape[0]
    enc, h = model.encode(src)
    mask = src != PAD
    enc, h, mask = (enc.repeat_interleave(beam, 0), h.repeat_interleave(beam, 0), mask.repeat_interleave(beam, 0))
    ctx = torch.zeros_like(h)
    scores = torch.full((B, beam), float("-inf"))
    scores[:, 0] = 0.0
    scores = scores.view(-1)
    tokens = torch.full((B * beam, 1), BOS, dtype=torch.long)
    finished = torch.zeros(B * beam, dtype=torch.bool)
    lengths = torch.zeros(B * beam)
    for _ in range(max_len):
        logp, h, ctx = model.step(tokens[:, -1], h, ctx, enc, mask)
        V = logp.shape[-1]
        eos_only = torch.full_like(logp, float("-inf"))
        eos_only[:, EOS] = 0.0
        logp = torch.where(finished.unsqueeze(1), eos_only, logp)
        cand = (scores.unsqueeze(1) + logp).view(B, beam * V)
        top_scores, top_idx = cand.topk(beam, dim=1)
        beam_idx = torch.div(top_idx, V, rounding_mode="floor")
        tok = top_idx % V
        flat = (beam_idx + torch.arange(B).unsqueeze(1) * beam).view(-1)
        h, ctx = h.index_select(0, flat), ctx.index_select(0, flat)
        tokens = torch.cat([tokens.index_select(0, flat), tok.view(-1, 1)], 1)
        lengths = lengths.index_select(0, flat) + (~finished.index_select(0, flat)).to(lengths.dtype)
        finished = finished.index_select(0, flat) | (tok.view(-1) == EOS)
        scores = top_scores.view(-1)
        if finished.all():
            break
    penalty = ((5.0 + lengths) / 6.0) ** alpha
    normed = (scores / penalty).view(B, beam)
    best = normed.argmax(1)
    chosen = tokens.view(B, beam, -1).gather(1, best.view(B, 1, 1).expand(B, 1, tokens.shape[1])).squeeze(1)
    return chosen, normed, tokens.view(B, beam, -1)


def greedy(model, src, max_len=6):
    enc, h = model.encode(src)
    mask = src != PAD
    ctx = torch.zeros_like(h)
    tok = torch.full((src.shape[0],), BOS, dtype=torch.long)
    out, total = [], torch.zeros(src.shape[0])
    for _ in range(max_len):
        logp, h, ctx = model.step(tok, h, ctx, enc, mask)
        best, tok = logp.max(-1)
        total = total + best
        out.append(tok)
    return torch.stack(out, 1), total


def make_batch(rng, n):
    # task: copy the source digits (3..9) in reverse order, then EOS
    src = np.zeros((n, 5), dtype=np.int64)
    tgt = np.zeros((n, 7), dtype=np.int64)
    for i in range(n):
        L = rng.integers(2, 6)
        seq = rng.integers(3, 10, L)
        src[i, :L] = seq
        tgt[i, 0] = BOS
        tgt[i, 1:L + 1] = seq[::-1]
        tgt[i, L + 1] = EOS
    return torch.from_numpy(src), torch.from_numpy(tgt)


def main():
    torch.set_default_dtype(torch.float64)
    rng = np.random.default_rng(17)
    model = Seq2Seq()
    with torch.no_grad():
        for name, p in model.named_parameters():
            p.copy_(torch.from_numpy(rng.normal(0, 0.4, tuple(p.shape))))
        model.src_emb.weight[PAD].zero_()
        model.tgt_emb.weight[PAD].zero_()
    opt = torch.optim.Adam(model.parameters(), lr=1e-2)
    for step in range(8):
        src, tgt = make_batch(rng, 16)
        logp = model(src, tgt[:, :-1])
        loss = F.nll_loss(logp.reshape(-1, logp.shape[-1]), tgt[:, 1:].reshape(-1), ignore_index=PAD)
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 2.0)
        opt.step()
        print(f"step {step}: loss {loss.item():.8f}")
    print("pad rows stay zero grad:", model.src_emb.weight.grad[PAD].abs().sum().item())

    model.eval()
    src, _ = make_batch(rng, 3)
    print("source:", src.tolist())
    with torch.no_grad():
        chosen, normed, all_beams = beam_search(model, src)
        g_tokens, g_score = greedy(model, src)
    print("beam best:", chosen.tolist())
    print("beam normalised scores:", [[round(v, 8) for v in r] for r in normed.tolist()])
    print("greedy:", g_tokens.tolist(), [round(v, 8) for v in g_score.tolist()])
    print("beam 1 width-1 equals greedy:", torch.equal(beam_search(model, src, beam=1)[2][:, 0, 1:],
                                                      g_tokens[:, :beam_search(model, src, beam=1)[2].shape[2] - 1]))
