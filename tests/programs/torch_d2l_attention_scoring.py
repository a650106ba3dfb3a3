"""Attention mechanisms from scratch in the style of Dive into Deep Learning (d2l.ai), written for PyTorch; tests
run it as is and with only its imports changed, and compare what both print. Nadaraya-Watson kernel regression
(non-parametric with repeat_interleave and a Gaussian kernel, then parametric with a learnable width trained
through torch.bmm over an off-diagonal mask `(1 - torch.eye(n)).type(torch.bool)`), d2l's sequence_mask writing
-1e6 through a boolean index, masked_softmax with 1-D valid lengths (repeat_interleave) and 2-D ones, additive
attention (queries.unsqueeze(2) + keys.unsqueeze(1), tanh, w_v, squeeze(-1)), scaled dot-product attention
with bmm and transpose, the weights' row sums and zeros past the valid lengths, gradients of the additive scorer,
and F.scaled_dot_product_attention against the hand-written version with an equivalent boolean mask. Float32,
weights and data from NumPy.
"""
import math

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


def sequence_mask(X, valid_len, value=0):
    maxlen = X.size(1)
    mask = torch.arange((maxlen), dtype=torch.float32, device=X.device)[None, :] < valid_len[:, None]
    X[~mask] = value
    return X


def masked_softmax(X, valid_lens):
    if valid_lens is None:
        return nn.functional.softmax(X, dim=-1)
    shape = X.shape
    if valid_lens.dim() == 1:
        valid_lens = torch.repeat_interleave(valid_lens, shape[1])
    else:
        valid_lens = valid_lens.reshape(-1)
    X = sequence_mask(X.reshape(-1, shape[-1]), valid_lens, value=-1e6)
    return nn.functional.softmax(X.reshape(shape), dim=-1)


class AdditiveAttention(nn.Module):
    def __init__(self, key_size, query_size, num_hiddens, dropout):
        super().__init__()
        self.W_k = nn.Linear(key_size, num_hiddens, bias=False)
        self.W_q = nn.Linear(query_size, num_hiddens, bias=False)
        self.w_v = nn.Linear(num_hiddens, 1, bias=False)
        self.dropout = nn.Dropout(dropout)

    def forward(self, queries, keys, values, valid_lens):
        queries, keys = self.W_q(queries), self.W_k(keys)
        features = queries.unsqueeze(2) + keys.unsqueeze(1)
        features = torch.tanh(features)
        scores = self.w_v(features).squeeze(-1)
        self.attention_weights = masked_softmax(scores, valid_lens)
        return torch.bmm(self.dropout(self.attention_weights), values)


class DotProductAttention(nn.Module):
    def __init__(self, dropout):
        super().__init__()
        self.dropout = nn.Dropout(dropout)

    def forward(self, queries, keys, values, valid_lens=None):
        d = queries.shape[-1]
        scores = torch.bmm(queries, keys.transpose(1, 2)) / math.sqrt(d)
        self.attention_weights = masked_softmax(scores, valid_lens)
        return torch.bmm(self.dropout(self.attention_weights), values)


class NWKernelRegression(nn.Module):
    def __init__(self, w):
        super().__init__()
        self.w = nn.Parameter(torch.tensor([w]))

    def forward(self, queries, keys, values):
        queries = queries.repeat_interleave(keys.shape[1]).reshape((-1, keys.shape[1]))
        self.attention_weights = nn.functional.softmax(-((queries - keys) * self.w) ** 2 / 2, dim=1)
        return torch.bmm(self.attention_weights.unsqueeze(1), values.unsqueeze(-1)).reshape(-1)


def load_numpy(module, rng):
    with torch.no_grad():
        for p in module.parameters():
            p.copy_(torch.from_numpy(rng.normal(0, 0.5, tuple(p.shape)).astype(np.float32)))


def main():
    rng = np.random.default_rng(8)
    n_train = 40
    x_train, _ = torch.sort(torch.from_numpy(rng.uniform(0, 5, n_train).astype(np.float32)))
    f = lambda x: 2 * torch.sin(x) + x ** 0.8
    y_train = f(x_train) + torch.from_numpy(rng.normal(0.0, 0.5, (n_train,)).astype(np.float32))
    x_test = torch.arange(0, 5, 0.5)
    X_repeat = x_test.repeat_interleave(n_train).reshape((-1, n_train))
    attention_weights = nn.functional.softmax(-(X_repeat - x_train) ** 2 / 2, dim=1)
    y_hat = torch.matmul(attention_weights, y_train)
    print("nonparametric:", [round(v, 4) for v in y_hat.tolist()])
    print("truth:        ", [round(v, 4) for v in f(x_test).tolist()])

    X_tile = x_train.repeat((n_train, 1))
    Y_tile = y_train.repeat((n_train, 1))
    keys = X_tile[(1 - torch.eye(n_train)).type(torch.bool)].reshape((n_train, -1))
    values = Y_tile[(1 - torch.eye(n_train)).type(torch.bool)].reshape((n_train, -1))
    net = NWKernelRegression(1.0)
    loss = nn.MSELoss(reduction="none")
    trainer = torch.optim.SGD(net.parameters(), lr=0.02)
    for epoch in range(5):
        trainer.zero_grad()
        l = loss(net(x_train, keys, values), y_train)
        l.sum().backward()
        trainer.step()
        print(f"epoch {epoch + 1}, loss {float(l.sum()):.6f}, w {net.w.item():.6f}")
    with torch.no_grad():
        keys = x_train.repeat((len(x_test), 1))
        values = y_train.repeat((len(x_test), 1))
        print("parametric:", [round(v, 4) for v in net(x_test, keys, values).tolist()])
        print("sharper weights:", round(net.attention_weights.max().item(), 4),
              round(attention_weights.max().item(), 4))

    X = torch.from_numpy(rng.uniform(size=(2, 2, 4)).astype(np.float32))
    print("1-D valid lens:",
          [[round(v, 4) for v in row] for row in masked_softmax(X, torch.tensor([2, 3]))[:, 0].tolist()])
    print("2-D valid lens:", [[round(v, 4) for v in row] for row in
                              masked_softmax(X, torch.tensor([[1, 3], [2, 4]])).reshape(-1, 4).tolist()])
    print("sequence_mask:", sequence_mask(torch.tensor([[1, 2, 3], [4, 5, 6]]), torch.tensor([1, 2])).tolist(),
          sequence_mask(torch.ones(2, 3, 4), torch.tensor([1, 2]), value=-1).sum().item())

    queries = torch.from_numpy(rng.normal(0, 1, (2, 1, 20)).astype(np.float32))
    keys = torch.ones((2, 10, 2))
    values = torch.arange(40, dtype=torch.float32).reshape(1, 10, 4).repeat(2, 1, 1)
    valid_lens = torch.tensor([2, 6])
    attention = AdditiveAttention(key_size=2, query_size=20, num_hiddens=8, dropout=0.1)
    load_numpy(attention, rng)
    attention.eval()
    print("additive (equal keys):",
          [round(v, 4) for v in attention(queries, keys, values, valid_lens).flatten().tolist()])
    keys = torch.from_numpy(rng.normal(0, 1, (2, 10, 2)).astype(np.float32))
    out = attention(queries, keys, values, valid_lens)
    w = attention.attention_weights
    print("additive:", [[round(v, 4) for v in row] for row in out.reshape(2, 4).tolist()],
          [round(v, 5) for v in w.sum(-1).flatten().tolist()], w[0, 0, 2:].abs().max().item())
    attention.train(False)
    out.sum().backward()
    print("additive grads:", [round(p.grad.norm().item(), 5) for p in attention.parameters()])

    queries = torch.from_numpy(rng.normal(0, 1, (2, 3, 2)).astype(np.float32))
    dot = DotProductAttention(dropout=0.5)
    dot.eval()
    out = dot(queries, keys, values, valid_lens)
    print("dot-product:", [round(v, 4) for v in out[1, 2].tolist()],
          [round(v, 4) for v in dot.attention_weights[0, 1, :3].tolist()])
    mask = torch.arange(10)[None, None, :] < valid_lens[:, None, None]
    fused = F.scaled_dot_product_attention(queries, keys, values, attn_mask=mask)
    print("sdpa agrees:", torch.allclose(fused, out, atol=1e-5), tuple(fused.shape))
