"""Text classification written for PyTorch; tests run it as is and with only its imports changed, and compare what
both print. An nn.TransformerEncoder classifier (batch_first, norm_first, GELU, dropout 0) over padded token ids
with src_key_padding_mask, a sinusoidal positional-encoding buffer, masked mean pooling; beside it a bag-of-words
baseline with nn.EmbeddingBag (offsets, mode='mean' and 'sum' with per_sample_weights); AdamW with
CosineAnnealingLR, a state_dict round trip into a fresh model, and eval under torch.inference_mode; then a
bidirectional LSTM with projections (proj_size) and a Conv1d made with device= and dtype=.
Float64, weights from a seeded NumPy generator, assigned by sorted state_dict key.
"""
import math

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.optim as optim

VOCAB, PAD, D = 20, 0, 16


class PositionalEncoding(nn.Module):
    def __init__(self, d_model, max_len=32):
        super().__init__()
        pos = torch.arange(max_len, dtype=torch.float64).unsqueeze(1)
        div = torch.exp(torch.arange(0, d_model, 2, dtype=torch.float64) * (-math.log(10000.0) / d_model))
        pe = torch.zeros(max_len, d_model, dtype=torch.float64)
        pe[:, 0::2] = torch.sin(pos * div)
        pe[:, 1::2] = torch.cos(pos * div)
        self.register_buffer("pe", pe.unsqueeze(0))

    def forward(self, x):
        return x + self.pe[:, : x.size(1)]


class Classifier(nn.Module):
    def __init__(self):
        super().__init__()
        self.embed = nn.Embedding(VOCAB, D, padding_idx=PAD)
        self.pos = PositionalEncoding(D)
        layer = nn.TransformerEncoderLayer(D, nhead=4, dim_feedforward=32, dropout=0.0, activation="gelu",
                                           batch_first=True, norm_first=True)
        self.encoder = nn.TransformerEncoder(layer, num_layers=2, enable_nested_tensor=False)
        self.head = nn.Linear(D, 2)

    def forward(self, tokens):
        pad_mask = tokens == PAD
        h = self.encoder(self.pos(self.embed(tokens) * math.sqrt(D)), src_key_padding_mask=pad_mask)
        keep = (~pad_mask).unsqueeze(-1).to(h.dtype)
        return self.head((h * keep).sum(1) / keep.sum(1))


def fill(model, rng):
    state = model.state_dict()
    new = {k: torch.from_numpy(rng.standard_normal(tuple(v.shape)) * 0.2) if v.dtype == torch.float64 else v
           for k, v in sorted(state.items())}
    for k in state:
        if k.endswith("pe"):
            new[k] = state[k]
    model.load_state_dict(new)


def make_data(rng, n=40, max_len=7):
    tokens = np.zeros((n, max_len), dtype=np.int64)
    labels = rng.integers(0, 2, n)
    for i in range(n):
        L = rng.integers(3, max_len + 1)
        words = rng.integers(1, 10, L) + 10 * (rng.random(L) < (0.7 if labels[i] else 0.2))
        tokens[i, :L] = words
    return torch.from_numpy(tokens), torch.from_numpy(labels)


def main():
    rng = np.random.default_rng(13)
    tokens, labels = make_data(rng)
    model = Classifier().double()
    fill(model, rng)
    print("state keys", len(model.state_dict()), "params", sum(p.numel() for p in model.parameters()))
    opt = optim.AdamW(model.parameters(), lr=0.005, weight_decay=0.01)
    sched = optim.lr_scheduler.CosineAnnealingLR(opt, T_max=8)
    for step in range(8):
        logits = model(tokens)
        loss = F.cross_entropy(logits, labels)
        opt.zero_grad()
        loss.backward()
        opt.step()
        sched.step()
        print(f"step {step} loss {loss.item():.8f} lr {sched.get_last_lr()[0]:.6f}")
    fresh = Classifier().double()
    missing = fresh.load_state_dict(model.state_dict())
    fresh.eval()
    with torch.inference_mode():
        a, b = model(tokens), fresh(tokens)
        print("reloaded same", torch.allclose(a, b), missing.missing_keys, "acc",
              (b.argmax(1) == labels).double().mean().item())
        extra = torch.cat([tokens[:2], torch.zeros(2, 3, dtype=torch.long)], dim=1)
        print("padding invariant", torch.allclose(fresh(extra), fresh(tokens[:2])))

    lengths = (tokens != PAD).sum(1)
    flat = tokens[tokens != PAD]
    offsets = torch.cat([torch.zeros(1, dtype=torch.long), lengths.cumsum(0)[:-1]])
    bag = nn.EmbeddingBag(VOCAB, 4, mode="mean").double()
    summed = nn.EmbeddingBag(VOCAB, 4, mode="sum").double()
    with torch.no_grad():
        bag.weight.copy_(torch.from_numpy(rng.standard_normal((VOCAB, 4)) * 0.5))
        summed.weight.copy_(bag.weight)
    lin = nn.Linear(4, 2).double()
    with torch.no_grad():
        lin.weight.copy_(torch.from_numpy(rng.standard_normal((2, 4)) * 0.5))
        lin.bias.zero_()
    opt = optim.SGD(list(bag.parameters()) + list(lin.parameters()), lr=0.5)
    for step in range(5):
        loss = F.cross_entropy(lin(bag(flat, offsets)), labels)
        opt.zero_grad()
        loss.backward()
        opt.step()
        print(f"bag step {step} loss {loss.item():.8f}")
    weights = torch.from_numpy(rng.random(flat.shape[0]))
    out = summed(flat, offsets, per_sample_weights=weights)
    fixed = F.embedding_bag(tokens[:, :3], bag.weight, mode="max")
    print("weighted", out.shape, out[0], "max bag", fixed[1], bag.weight.grad.abs().sum().item())

    lstm = nn.LSTM(D, 8, proj_size=3, batch_first=True, bidirectional=True, dtype=torch.float64)
    conv = nn.Conv1d(2 * 3, 4, kernel_size=3, padding=1, device="cpu", dtype=torch.float64)
    with torch.no_grad():
        for name, p in sorted(list(lstm.named_parameters()) + list(conv.named_parameters())):
            p.copy_(torch.from_numpy(rng.uniform(-0.3, 0.3, tuple(p.shape))))
    seq, (h_n, c_n) = lstm(fresh.embed(tokens[:4]).detach())
    feats = conv(seq.transpose(1, 2)).amax(dim=-1)
    feats.sum().backward()
    print("lstm proj", seq.shape, h_n.shape, c_n.shape, f"{feats.sum().item():.10f}",
          f"{lstm.weight_hr_l0_reverse.grad.abs().sum().item():.10f}", lstm)


if __name__ == "__main__":
    main()
