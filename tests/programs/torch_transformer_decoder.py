"""A sequence-to-sequence nn.Transformer that learns to sort short digit sequences, written for PyTorch in the way
its translation tutorial builds one; tests run it as is and with only its imports changed, and compare what both
print. Token embeddings scaled by sqrt(d_model) plus a sinusoidal positional buffer, the causal mask from
nn.Transformer.generate_square_subsequent_mask, src/tgt/memory key padding masks, teacher forcing with shifted
targets, CrossEntropyLoss(ignore_index=PAD), greedy decoding through model.encoder / model.decoder one token at a
time, and nn.MultiheadAttention called directly with a boolean attn_mask, a float attn_mask and per-head weights
(average_attn_weights=False). Float64, weights from a seeded NumPy generator, dropout 0.
"""
import math

import numpy as np
import torch
import torch.nn as nn

PAD, BOS, EOS = 0, 1, 2
VOCAB = 8


class PositionalEncoding(nn.Module):
    def __init__(self, d_model, max_len=16):
        super().__init__()
        position = torch.arange(max_len).unsqueeze(1)
        div_term = torch.exp(torch.arange(0, d_model, 2) * (-math.log(10000.0) / d_model))
        pe = torch.zeros(max_len, 1, d_model)
        pe[:, 0, 0::2] = torch.sin(position * div_term)
        pe[:, 0, 1::2] = torch.cos(position * div_term)
        self.register_buffer("pe", pe)

    def forward(self, x):
        return x + self.pe[:x.size(0)]


class Seq2SeqTransformer(nn.Module):
    def __init__(self, d_model=16, nhead=2):
        super().__init__()
        self.d_model = d_model
        self.embed = nn.Embedding(VOCAB, d_model, padding_idx=PAD)
        self.pos = PositionalEncoding(d_model)
        self.transformer = nn.Transformer(d_model, nhead, num_encoder_layers=1, num_decoder_layers=2,
                                          dim_feedforward=32, dropout=0.0)
        self.generator = nn.Linear(d_model, VOCAB)

    def encode(self, src, src_pad):
        return self.transformer.encoder(self.pos(self.embed(src) * math.sqrt(self.d_model)),
                                        src_key_padding_mask=src_pad)

    def decode(self, tgt, memory, tgt_mask, memory_pad=None, tgt_pad=None):
        return self.transformer.decoder(self.pos(self.embed(tgt) * math.sqrt(self.d_model)), memory,
                                        tgt_mask=tgt_mask, tgt_key_padding_mask=tgt_pad,
                                        memory_key_padding_mask=memory_pad)

    def forward(self, src, tgt, src_pad, tgt_pad):
        tgt_mask = nn.Transformer.generate_square_subsequent_mask(tgt.size(0))
        out = self.transformer(self.pos(self.embed(src) * math.sqrt(self.d_model)),
                               self.pos(self.embed(tgt) * math.sqrt(self.d_model)), tgt_mask=tgt_mask,
                               src_key_padding_mask=src_pad, tgt_key_padding_mask=tgt_pad,
                               memory_key_padding_mask=src_pad)
        return self.generator(out)


def make_batch(rng, batch=6):
    lengths = rng.integers(2, 5, batch)
    src = np.full((5, batch), PAD)
    tgt = np.full((6, batch), PAD)
    for b, n in enumerate(lengths):
        digits = rng.integers(3, VOCAB, n)
        src[:n, b] = digits
        tgt[:n + 2, b] = [BOS, *sorted(digits), EOS]
    return torch.from_numpy(src), torch.from_numpy(tgt)


def greedy_decode(model, src, max_len=6):
    src_pad = (src == PAD).T
    memory = model.encode(src, src_pad)
    ys = torch.full((1, src.size(1)), BOS, dtype=torch.long)
    for _ in range(max_len - 1):
        mask = nn.Transformer.generate_square_subsequent_mask(ys.size(0))
        out = model.decode(ys, memory, mask, memory_pad=src_pad)
        next_word = model.generator(out[-1]).argmax(dim=-1)
        ys = torch.cat([ys, next_word.unsqueeze(0)], dim=0)
    return ys


def main():
    torch.set_default_dtype(torch.float64)
    rng = np.random.default_rng(7)
    model = Seq2SeqTransformer()
    state = model.state_dict()
    model.load_state_dict({k: torch.from_numpy(rng.normal(0, 0.3, tuple(v.shape))) if k != "pos.pe" else v
                           for k, v in state.items()})
    print("mask:", nn.Transformer.generate_square_subsequent_mask(3).tolist())
    loss_fn = nn.CrossEntropyLoss(ignore_index=PAD)
    opt = torch.optim.Adam(model.parameters(), lr=0.01, betas=(0.9, 0.98), eps=1e-9)
    for step in range(8):
        src, tgt = make_batch(rng)
        tgt_in, tgt_out = tgt[:-1], tgt[1:]
        logits = model(src, tgt_in, (src == PAD).T, (tgt_in == PAD).T)
        loss = loss_fn(logits.reshape(-1, VOCAB), tgt_out.reshape(-1))
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        print(f"step {step}: loss {loss.item():.6f}")

    model.eval()
    src, _ = make_batch(rng, batch=3)
    with torch.no_grad():
        decoded = greedy_decode(model, src)
    print("src:", src.T.tolist())
    print("decoded:", decoded.T.tolist())

    mha = nn.MultiheadAttention(8, 2, batch_first=True)
    mha.load_state_dict({k: torch.from_numpy(rng.normal(0, 0.4, tuple(v.shape)))
                         for k, v in mha.state_dict().items()})
    x = torch.from_numpy(rng.standard_normal((2, 4, 8)))
    causal = torch.triu(torch.ones(4, 4, dtype=torch.bool), diagonal=1)
    pad = torch.tensor([[False, False, False, True], [False, False, False, False]])
    out, w = mha(x, x, x, attn_mask=causal, key_padding_mask=pad, average_attn_weights=False)
    print("per-head weights", tuple(w.shape), [round(v, 6) for v in w[0, 1, 3].tolist()])
    out2, w2 = mha(x, x, x, attn_mask=torch.zeros(4, 4).masked_fill(causal, float("-inf")))
    print("bool vs float mask agree:", torch.allclose(out2[1], out[1]), round(out2.sum().item(), 6))
    print("averaged weights row sums:", [round(v, 6) for v in w2.sum(-1).flatten().tolist()[:4]])
    out.sum().backward()
    print("in_proj grad norm:", round(mha.in_proj_weight.grad.norm().item(), 6))
