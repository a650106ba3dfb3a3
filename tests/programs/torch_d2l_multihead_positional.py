"""Multi-head attention, positional encoding and a Transformer encoder block from scratch in the style of Dive
into Deep Learning (d2l.ai), written for PyTorch; tests run it as is and with only its imports changed, and
compare what both print. d2l's transpose_qkv / transpose_output (reshape to (batch, steps, heads, -1), permute(0,
2, 1, 3), and back), MultiHeadAttention with valid_lens repeated per head by repeat_interleave, its output
checked against nn.MultiheadAttention(batch_first=True) whose in_proj_weight is the concatenation of W_q, W_k,
W_v and whose key_padding_mask is built from the valid lengths (per-head averaged weights compared too), the
sinusoidal PositionalEncoding filled by slicing P[:, :, 0::2] = sin, P[:, :, 1::2] = cos, relative-position
identities of the encoding, an einsum version of the attention scores, PositionWiseFFN and AddNorm, a
TransformerEncoderBlock with its gradients, and a causal mask by torch.triu. Float32, weights and data from NumPy.
"""
import math

import numpy as np
import torch
import torch.nn as nn


def masked_softmax(X, valid_lens):
    if valid_lens is None:
        return nn.functional.softmax(X, dim=-1)
    shape = X.shape
    valid_lens = torch.repeat_interleave(valid_lens, shape[1]) if valid_lens.dim() == 1 else valid_lens.reshape(-1)
    X = X.reshape(-1, shape[-1])
    mask = torch.arange(shape[-1])[None, :] < valid_lens[:, None]
    X = X.masked_fill(~mask, -1e6)
    return nn.functional.softmax(X.reshape(shape), dim=-1)


class DotProductAttention(nn.Module):
    def __init__(self, dropout):
        super().__init__()
        self.dropout = nn.Dropout(dropout)

    def forward(self, queries, keys, values, valid_lens=None):
        d = queries.shape[-1]
        scores = torch.bmm(queries, keys.transpose(1, 2)) / math.sqrt(d)
        self.attention_weights = masked_softmax(scores, valid_lens)
        return torch.bmm(self.dropout(self.attention_weights), values)


def transpose_qkv(X, num_heads):
    X = X.reshape(X.shape[0], X.shape[1], num_heads, -1)
    X = X.permute(0, 2, 1, 3)
    return X.reshape(-1, X.shape[2], X.shape[3])


def transpose_output(X, num_heads):
    X = X.reshape(-1, num_heads, X.shape[1], X.shape[2])
    X = X.permute(0, 2, 1, 3)
    return X.reshape(X.shape[0], X.shape[1], -1)


class MultiHeadAttention(nn.Module):
    def __init__(self, num_hiddens, num_heads, dropout, bias=False):
        super().__init__()
        self.num_heads = num_heads
        self.attention = DotProductAttention(dropout)
        self.W_q = nn.Linear(num_hiddens, num_hiddens, bias=bias)
        self.W_k = nn.Linear(num_hiddens, num_hiddens, bias=bias)
        self.W_v = nn.Linear(num_hiddens, num_hiddens, bias=bias)
        self.W_o = nn.Linear(num_hiddens, num_hiddens, bias=bias)

    def forward(self, queries, keys, values, valid_lens):
        queries = transpose_qkv(self.W_q(queries), self.num_heads)
        keys = transpose_qkv(self.W_k(keys), self.num_heads)
        values = transpose_qkv(self.W_v(values), self.num_heads)
        if valid_lens is not None:
            valid_lens = torch.repeat_interleave(valid_lens, repeats=self.num_heads, dim=0)
        output = self.attention(queries, keys, values, valid_lens)
        return self.W_o(transpose_output(output, self.num_heads))


class PositionalEncoding(nn.Module):
    def __init__(self, num_hiddens, dropout, max_len=1000):
        super().__init__()
        self.dropout = nn.Dropout(dropout)
        self.P = torch.zeros((1, max_len, num_hiddens))
        X = torch.arange(max_len, dtype=torch.float32).reshape(-1, 1) / torch.pow(
            10000, torch.arange(0, num_hiddens, 2, dtype=torch.float32) / num_hiddens)
        self.P[:, :, 0::2] = torch.sin(X)
        self.P[:, :, 1::2] = torch.cos(X)

    def forward(self, X):
        X = X + self.P[:, :X.shape[1], :].to(X.device)
        return self.dropout(X)


class PositionWiseFFN(nn.Module):
    def __init__(self, ffn_num_hiddens, ffn_num_outputs):
        super().__init__()
        self.dense1 = nn.Linear(ffn_num_outputs, ffn_num_hiddens)
        self.relu = nn.ReLU()
        self.dense2 = nn.Linear(ffn_num_hiddens, ffn_num_outputs)

    def forward(self, X):
        return self.dense2(self.relu(self.dense1(X)))


class AddNorm(nn.Module):
    def __init__(self, norm_shape, dropout):
        super().__init__()
        self.dropout = nn.Dropout(dropout)
        self.ln = nn.LayerNorm(norm_shape)

    def forward(self, X, Y):
        return self.ln(self.dropout(Y) + X)


class TransformerEncoderBlock(nn.Module):
    def __init__(self, num_hiddens, ffn_num_hiddens, num_heads, dropout, use_bias=False):
        super().__init__()
        self.attention = MultiHeadAttention(num_hiddens, num_heads, dropout, use_bias)
        self.addnorm1 = AddNorm(num_hiddens, dropout)
        self.ffn = PositionWiseFFN(ffn_num_hiddens, num_hiddens)
        self.addnorm2 = AddNorm(num_hiddens, dropout)

    def forward(self, X, valid_lens):
        Y = self.addnorm1(X, self.attention(X, X, X, valid_lens))
        return self.addnorm2(Y, self.ffn(Y))


def load_numpy(module, rng, scale=0.3):
    with torch.no_grad():
        for p in module.parameters():
            p.copy_(torch.from_numpy(rng.normal(0, scale, tuple(p.shape)).astype(np.float32)))


def main():
    rng = np.random.default_rng(10)
    num_hiddens, num_heads = 12, 3
    attention = MultiHeadAttention(num_hiddens, num_heads, 0.5, bias=True)
    load_numpy(attention, rng)
    attention.eval()
    batch_size, num_queries, num_kvpairs = 2, 4, 6
    valid_lens = torch.tensor([3, 5])
    X = torch.from_numpy(rng.normal(0, 1, (batch_size, num_queries, num_hiddens)).astype(np.float32))
    Y = torch.from_numpy(rng.normal(0, 1, (batch_size, num_kvpairs, num_hiddens)).astype(np.float32))
    out = attention(X, Y, Y, valid_lens)
    print("hand-written MHA:", out.shape, [round(v, 4) for v in out[1, 0, :6].tolist()])
    print("transpose_qkv round trip:", torch.equal(transpose_output(transpose_qkv(X, 3), 3), X),
          tuple(transpose_qkv(X, 3).shape))

    mha = nn.MultiheadAttention(num_hiddens, num_heads, batch_first=True)
    with torch.no_grad():
        mha.in_proj_weight.copy_(torch.cat([attention.W_q.weight, attention.W_k.weight, attention.W_v.weight]))
        mha.in_proj_bias.copy_(torch.cat([attention.W_q.bias, attention.W_k.bias, attention.W_v.bias]))
        mha.out_proj.weight.copy_(attention.W_o.weight)
        mha.out_proj.bias.copy_(attention.W_o.bias)
    pad = torch.arange(num_kvpairs)[None, :] >= valid_lens[:, None]
    ref, ref_w = mha(X, Y, Y, key_padding_mask=pad)
    print("nn.MultiheadAttention agrees:", torch.allclose(out, ref, atol=1e-5), tuple(ref_w.shape))
    mine_w = attention.attention.attention_weights.reshape(batch_size, num_heads, num_queries, num_kvpairs)
    print("head-averaged weights agree:", torch.allclose(mine_w.mean(1), ref_w, atol=1e-6),
          [round(v, 4) for v in ref_w[0, 0].tolist()])
    _, per_head = mha(X, Y, Y, key_padding_mask=pad, average_attn_weights=False)
    print("per-head weights agree:", torch.allclose(per_head, mine_w, atol=1e-6))

    q = transpose_qkv(attention.W_q(X), num_heads)
    k = transpose_qkv(attention.W_k(Y), num_heads)
    scores = torch.einsum("bqd,bkd->bqk", q, k) / math.sqrt(q.shape[-1])
    print("einsum scores == bmm:", torch.allclose(scores, torch.bmm(q, k.transpose(1, 2)) / 2.0, atol=1e-5))

    encoding_dim, num_steps = 16, 20
    pos_encoding = PositionalEncoding(encoding_dim, 0)
    X = pos_encoding(torch.zeros((1, num_steps, encoding_dim)))
    P = pos_encoding.P[:, :X.shape[1], :]
    print("P rows 0 and 1:", [round(v, 4) for v in P[0, 1, :8].tolist()], P[0, 0, :4].tolist())
    print("columns 6-9 at step 5:", [round(v, 5) for v in P[0, 5, 6:10].tolist()])
    print("each (sin, cos) pair has norm 1:",
          torch.allclose(P[0, :, 0::2] ** 2 + P[0, :, 1::2] ** 2, torch.ones(num_steps, encoding_dim // 2)))
    omega = 1 / torch.pow(10000, torch.arange(0, encoding_dim, 2, dtype=torch.float32) / encoding_dim)
    delta = 3
    sin_next = P[0, 2:10, 0::2] * torch.cos(delta * omega) + P[0, 2:10, 1::2] * torch.sin(delta * omega)
    print("position i + delta is a rotation of position i:", torch.allclose(sin_next, P[0, 5:13, 0::2], atol=1e-5))

    X = torch.from_numpy(rng.normal(0, 1, (2, 5, 12)).astype(np.float32)).requires_grad_()
    encoder_blk = TransformerEncoderBlock(12, 24, 4, 0.5)
    load_numpy(encoder_blk, rng)
    with torch.no_grad():
        encoder_blk.addnorm1.ln.weight.fill_(1.0)
    encoder_blk.eval()
    out = encoder_blk(X, torch.tensor([3, 2]))
    print("encoder block:", out.shape, [round(v, 4) for v in out[0, 4, :5].tolist()],
          [round(v, 4) for v in out.mean(-1)[0].tolist()])
    out.pow(2).mean().backward()
    print("grads:", round(X.grad.norm().item(), 5), round(encoder_blk.ffn.dense1.weight.grad.norm().item(), 5),
          round(encoder_blk.attention.W_q.weight.grad.norm().item(), 5))
    causal = torch.triu(torch.ones(5, 5, dtype=torch.bool), diagonal=1)
    scores = torch.arange(25.0).reshape(1, 5, 5) / 10
    w = torch.softmax(scores.masked_fill(causal, float("-inf")), dim=-1)
    print("causal weights:", [round(v, 4) for v in w[0, 2].tolist()], (w[0] * causal).sum().item())
