"""A GRU encoder-decoder with additive (Bahdanau) attention written for PyTorch; tests run it as is and with only
its imports changed, and compare what both print. Learns to reverse short padded digit sequences: Embedding with
padding_idx, a bidirectional batch_first GRU encoder, a GRUCell decoder attending over the encoder states with a
padding mask (masked_fill + softmax + bmm), teacher forcing chosen per step from a seeded NumPy generator,
CrossEntropyLoss(ignore_index), clip_grad_norm_ and greedy decoding. Float64, weights from NumPy.
"""
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.optim as optim

PAD, BOS, EOS, VOCAB = 0, 1, 2, 9


class Encoder(nn.Module):
    def __init__(self, emb=8, hidden=10):
        super().__init__()
        self.embed = nn.Embedding(VOCAB, emb, padding_idx=PAD)
        self.rnn = nn.GRU(emb, hidden, batch_first=True, bidirectional=True)
        self.bridge = nn.Linear(2 * hidden, hidden)

    def forward(self, src):
        out, h = self.rnn(self.embed(src))
        return out, torch.tanh(self.bridge(torch.cat([h[0], h[1]], dim=-1)))


class Attention(nn.Module):
    def __init__(self, enc_dim, dec_dim, attn_dim=12):
        super().__init__()
        self.W_enc = nn.Linear(enc_dim, attn_dim, bias=False)
        self.W_dec = nn.Linear(dec_dim, attn_dim)
        self.v = nn.Linear(attn_dim, 1, bias=False)
        self.softmax = nn.Softmax(dim=-1)

    def forward(self, dec_h, enc_out, mask):
        scores = self.v(torch.tanh(self.W_enc(enc_out) + self.W_dec(dec_h).unsqueeze(1))).squeeze(-1)
        scores = scores.masked_fill(~mask, float("-inf"))
        weights = self.softmax(scores)
        context = torch.bmm(weights.unsqueeze(1), enc_out).squeeze(1)
        return context, weights


class Decoder(nn.Module):
    def __init__(self, emb=8, hidden=10):
        super().__init__()
        self.embed = nn.Embedding(VOCAB, emb, padding_idx=PAD)
        self.attn = Attention(2 * hidden, hidden)
        self.cell = nn.GRUCell(emb + 2 * hidden, hidden)
        self.out = nn.Linear(hidden + 2 * hidden, VOCAB)

    def forward(self, token, h, enc_out, mask):
        context, w = self.attn(h, enc_out, mask)
        h = self.cell(torch.cat([self.embed(token), context], dim=1), h)
        return self.out(torch.cat([h, context], dim=1)), h, w


def make_batch(rng, n=24, max_len=5):
    lengths = rng.integers(2, max_len + 1, n)
    src = np.full((n, max_len), PAD)
    tgt = np.full((n, max_len + 1), PAD)
    for i, L in enumerate(lengths):
        seq = rng.integers(3, VOCAB, L)
        src[i, :L] = seq
        tgt[i, :L] = seq[::-1]
        tgt[i, L] = EOS
    return torch.from_numpy(src), torch.from_numpy(tgt)


def run(enc, dec, src, tgt, teacher):
    enc_out, h = enc(src)
    mask = src != PAD
    token = torch.full((src.shape[0],), BOS, dtype=torch.long)
    logits = []
    for t in range(tgt.shape[1]):
        step_logits, h, w = dec(token, h, enc_out, mask)
        logits.append(step_logits)
        token = tgt[:, t] if teacher is not None and teacher[t] else step_logits.argmax(-1)
    return torch.stack(logits, dim=1), w


def main():
    rng = np.random.default_rng(11)
    enc, dec = Encoder().double(), Decoder().double()
    with torch.no_grad():
        for name, p in list(enc.named_parameters()) + list(dec.named_parameters()):
            p.copy_(torch.from_numpy(rng.uniform(-0.35, 0.35, tuple(p.shape))))
        enc.embed.weight[PAD].zero_()
        dec.embed.weight[PAD].zero_()
    src, tgt = make_batch(rng)
    criterion = nn.CrossEntropyLoss(ignore_index=PAD)
    params = list(enc.parameters()) + list(dec.parameters())
    opt = optim.Adam(params, lr=0.03)
    for step in range(10):
        teacher = rng.random(tgt.shape[1]) < 0.7
        logits, w = run(enc, dec, src, tgt, teacher)
        loss = criterion(logits.reshape(-1, VOCAB), tgt.reshape(-1))
        opt.zero_grad()
        loss.backward()
        norm = nn.utils.clip_grad_norm_(params, max_norm=1.0)
        opt.step()
        print(f"step {step} loss {loss.item():.6f} grad_norm {norm.item():.6f} attn_max {w.max().item():.6f}")
    enc.eval(); dec.eval()
    with torch.no_grad():
        logits, w = run(enc, dec, src, tgt, None)
        pred = logits.argmax(-1)
        keep = tgt != PAD
        token_acc = (pred[keep] == tgt[keep]).double().mean().item()
        print("token acc", round(token_acc, 6), "pred", pred[0].tolist(), "target", tgt[0].tolist())
        print("attn rows sum", w.sum(-1)[:4], "padded weight", w.masked_select(~(src != PAD)).abs().max().item())
        print("pad embedding grad", enc.embed.weight.grad[PAD].abs().sum().item(), logits.shape, pred.dtype)


if __name__ == "__main__":
    main()
