"""A Set Transformer (Lee et al.) for permutation-invariant set regression, written for PyTorch the way its
reimplementations build it on nn.MultiheadAttention; tests run it as is and with only its imports changed, and
compare what both print. Multihead attention blocks (MAB: attention + residual + LayerNorm + row-wise feed-forward),
induced set attention (ISAB) through learned inducing points expanded over the batch, pooling by multihead attention
(PMA) with a learned seed vector, padded sets of different sizes handled by key_padding_mask (True = padding), the
attention weights returned per head (average_attn_weights=False) and averaged; permutation invariance of the output
and equivariance of the encoder checked with a shuffled set, and the model trained with Adam and a MultiStepLR
to predict each set's maximum. Float32, data and weights from NumPy.
"""
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


class MAB(nn.Module):
    def __init__(self, dim, heads):
        super().__init__()
        self.attn = nn.MultiheadAttention(dim, heads, batch_first=True)
        self.ln0 = nn.LayerNorm(dim)
        self.ln1 = nn.LayerNorm(dim)
        self.ff = nn.Linear(dim, dim)

    def forward(self, q, k, key_padding_mask=None):
        h, _ = self.attn(q, k, k, key_padding_mask=key_padding_mask, need_weights=False)
        h = self.ln0(q + h)
        return self.ln1(h + F.relu(self.ff(h)))


class ISAB(nn.Module):
    def __init__(self, dim, heads, num_inducing):
        super().__init__()
        self.inducing = nn.Parameter(torch.zeros(1, num_inducing, dim))
        self.mab0 = MAB(dim, heads)
        self.mab1 = MAB(dim, heads)

    def forward(self, x, mask=None):
        h = self.mab0(self.inducing.expand(x.shape[0], -1, -1), x, key_padding_mask=mask)
        return self.mab1(x, h)


class PMA(nn.Module):
    def __init__(self, dim, heads, seeds):
        super().__init__()
        self.seed = nn.Parameter(torch.zeros(1, seeds, dim))
        self.mab = MAB(dim, heads)

    def forward(self, x, mask=None):
        return self.mab(self.seed.repeat(x.shape[0], 1, 1), x, key_padding_mask=mask)


class SetTransformer(nn.Module):
    def __init__(self, d_in=2, dim=8, heads=2):
        super().__init__()
        self.embed = nn.Linear(d_in, dim)
        self.enc = ISAB(dim, heads, num_inducing=3)
        self.pool = PMA(dim, heads, seeds=1)
        self.out = nn.Linear(dim, 1)

    def encode(self, x, mask=None):
        return self.enc(self.embed(x), mask)

    def forward(self, x, mask=None):
        return self.out(self.pool(self.encode(x, mask), mask)).squeeze(-1).squeeze(-1)


def make_sets(rng, n_sets, max_len):
    lengths = rng.integers(3, max_len + 1, n_sets)
    x = np.zeros((n_sets, max_len, 2), dtype=np.float32)
    for i, length in enumerate(lengths):
        x[i, :length] = rng.standard_normal((length, 2))
    mask = np.arange(max_len)[None, :] >= lengths[:, None]
    target = np.array([x[i, :length, 0].max() for i, length in enumerate(lengths)], dtype=np.float32)
    return torch.from_numpy(x), torch.from_numpy(mask), torch.from_numpy(target), lengths


def main():
    rng = np.random.default_rng(37)
    torch.manual_seed(0)
    model = SetTransformer()
    model.load_state_dict({k: torch.from_numpy(rng.normal(0, 0.3, tuple(v.shape)).astype(np.float32))
                           for k, v in model.state_dict().items()})
    print("parameters:", sum(p.numel() for p in model.parameters()), len(list(model.named_parameters())))
    x, mask, target, lengths = make_sets(rng, 16, 6)
    print("lengths:", lengths.tolist(), "padding:", int(mask.sum().item()))
    model.eval()
    with torch.no_grad():
        y = model(x, mask)
        first = torch.from_numpy(rng.permutation(lengths[0]))
        xs = x.clone()
        xs[0, :lengths[0]] = x[0, first]
        print("pooled output invariant to order:", torch.allclose(model(xs, mask), y, atol=1e-5))
        enc = model.encode(x, mask)
        enc_s = model.encode(xs, mask)
        print("encoder equivariant:", torch.allclose(enc_s[0, :lengths[0]], enc[0, first], atol=1e-5))
        padded_changed = x.clone()
        padded_changed[mask] = 99.0
        print("padding ignored:", torch.allclose(model(padded_changed, mask), y, atol=1e-5))
        attn = model.pool.mab.attn
        h = model.encode(x, mask)
        seed = model.pool.seed.repeat(16, 1, 1)
        _, w_heads = attn(seed, h, h, key_padding_mask=mask, average_attn_weights=False)
        _, w_avg = attn(seed, h, h, key_padding_mask=mask)
        print("weights:", tuple(w_heads.shape), tuple(w_avg.shape), torch.allclose(w_heads.mean(1), w_avg),
              "on padding:", w_avg.masked_select(mask[:, None, :]).abs().max().item())
        print("set 1 weights:", [round(v, 4) for v in w_avg[1, 0].tolist()])
        print("initial predictions:", [round(v, 4) for v in y[:5].tolist()])

    model.train()
    opt = torch.optim.Adam(model.parameters(), lr=0.01)
    sched = torch.optim.lr_scheduler.MultiStepLR(opt, milestones=[4, 7], gamma=0.3)
    for step in range(9):
        opt.zero_grad()
        loss = F.mse_loss(model(x, mask), target)
        loss.backward()
        opt.step()
        sched.step()
        print(f"step {step}: loss {loss.item():.5f} lr {sched.get_last_lr()[0]:.5f}")
    model.eval()
    with torch.no_grad():
        print("fitted:", [round(v, 3) for v in model(x, mask)[:5].tolist()], "targets:",
              [round(v, 3) for v in target[:5].tolist()])
