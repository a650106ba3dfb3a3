"""Padding masks through PyTorch's Transformer modules in float32, written for PyTorch; tests run it as is and with
only its imports changed, and compare what both print. A full nn.Transformer (sequence-first, batch_first=False)
translates toy sequences with src_mask, tgt_mask from generate_square_subsequent_mask, memory_mask and all three
key-padding masks; an nn.TransformerEncoder (batch_first=True, a final LayerNorm, enable_nested_tensor) classifies
padded batches with src_key_padding_mask, and is also evaluated under torch.no_grad in eval mode, where PyTorch
takes its fast path; mean pooling over the valid positions only, float vs bool masks, is_causal, and the
attention-free positions' outputs are printed. Data and weights from a seeded NumPy generator.
"""
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.optim as optim


def fill(module, rng, scale=0.3):
    with torch.no_grad():
        for p in module.parameters():
            p.copy_(torch.from_numpy(scale * rng.standard_normal(tuple(p.shape))).float())


def main():
    rng = np.random.default_rng(271)
    d, vocab = 8, 11
    model = nn.Transformer(d_model=d, nhead=2, num_encoder_layers=2, num_decoder_layers=2, dim_feedforward=16,
                           dropout=0.0)
    embed = nn.Embedding(vocab, d, padding_idx=0)
    proj = nn.Linear(d, vocab)
    for m in (model, embed, proj):
        fill(m, rng)
    src_len = torch.tensor([6, 4, 5])
    tgt_len = torch.tensor([5, 3, 4])
    src = torch.from_numpy(rng.integers(1, vocab, (6, 3)))
    src[torch.arange(6)[:, None] >= src_len[None, :]] = 0
    tgt = torch.flip(src, [0])[:5]
    tgt[torch.arange(5)[:, None] >= tgt_len[None, :]] = 0
    src_pad = (src == 0).t()
    tgt_pad = torch.arange(5)[None, :] >= tgt_len[:, None]
    tgt_mask = nn.Transformer.generate_square_subsequent_mask(4)
    src_mask = torch.zeros(6, 6)
    src_mask[:, -1] = -1.0                   # a float mask that only biases
    memory_mask = torch.zeros(4, 6, dtype=torch.bool)
    memory_mask[0, 3:] = True
    print("tgt mask", tgt_mask[1].tolist(), "pads", src_pad.sum(1).tolist(), tgt_pad.sum(1).tolist())
    opt = optim.Adam(list(model.parameters()) + list(embed.parameters()) + list(proj.parameters()), lr=0.01)
    for step in range(8):
        out = model(embed(src), embed(tgt[:-1]), src_mask=src_mask, tgt_mask=tgt_mask, memory_mask=memory_mask,
                    src_key_padding_mask=src_pad, tgt_key_padding_mask=tgt_pad[:, :-1],
                    memory_key_padding_mask=src_pad)
        logits = proj(out)
        loss = F.cross_entropy(logits.reshape(-1, vocab), tgt[1:].reshape(-1), ignore_index=0)
        opt.zero_grad()
        loss.backward()
        opt.step()
        print(f"seq2seq step {step} loss {loss.item():.6f} out {tuple(out.shape)} "
              f"embed pad grad {embed.weight.grad[0].abs().sum().item()}")

    layer = nn.TransformerEncoderLayer(d, 2, dim_feedforward=16, dropout=0.0, batch_first=True, activation="gelu")
    encoder = nn.TransformerEncoder(layer, num_layers=2, norm=nn.LayerNorm(d), enable_nested_tensor=True)
    head = nn.Linear(d, 2)
    for m in (encoder, head):
        fill(m, rng, 0.4)
    x = torch.from_numpy(rng.standard_normal((4, 7, d))).float()
    lengths = torch.tensor([7, 3, 5, 2])
    pad = torch.arange(7)[None, :] >= lengths[:, None]
    x[pad] = 0.0
    y = torch.tensor([0, 1, 1, 0])

    def pooled(h):
        valid = (~pad).unsqueeze(-1).float()
        return (h * valid).sum(1) / valid.sum(1)

    opt = optim.SGD(list(encoder.parameters()) + list(head.parameters()), lr=0.1)
    for step in range(6):
        h = encoder(x, src_key_padding_mask=pad)
        loss = F.cross_entropy(head(pooled(h)), y)
        opt.zero_grad()
        loss.backward()
        opt.step()
        print(f"classifier step {step} loss {loss.item():.6f}")
    encoder.eval()
    with torch.no_grad():
        h_fast = encoder(x, src_key_padding_mask=pad)
        float_pad = torch.zeros(4, 7).masked_fill(pad, float("-inf"))
        h_float = encoder(x, src_key_padding_mask=float_pad)
        print("eval valid positions", h_fast[1, :3, 0], "pooled logits", head(pooled(h_fast)))
        print("bool and float masks agree", (h_fast[~pad] - h_float[~pad]).abs().max().item() < 1e-5)
        print("padded positions", tuple(h_fast[pad].shape), h_fast[pad].abs().sum(-1))
        causal = nn.Transformer.generate_square_subsequent_mask(7)
        h_causal = encoder(x, mask=causal, is_causal=True)
        print("causal first step depends only on itself", h_causal[:, 0, 0],
              encoder(x[:, :1], mask=causal[:1, :1], is_causal=True)[:, 0, 0])


if __name__ == "__main__":
    main()
