"""Padding masks and per-sequence bookkeeping as NLP code writes it, written for PyTorch; tests run it as is and with
only its imports changed, and compare what both print. Lengths to a mask through arange broadcasting, masked mean
and max pooling (masked_fill with -inf), gathering each sequence's last valid step with an expanded index, a
masked softmax whose padded keys get no weight, sequence-level loss with ignore_index and with a float mask,
causal plus padding masks combined, cumsum positions that skip padding, right-to-left padding flips, and the
gradients that reach only the valid steps. Float32, NumPy data.
"""
import numpy as np
import torch
import torch.nn.functional as F


def main():
    rng = np.random.default_rng(22)
    lengths = torch.tensor([5, 2, 4, 1])
    B, T, D = 4, 5, 3
    h = torch.from_numpy(rng.standard_normal((B, T, D)).astype(np.float32)).requires_grad_(True)
    mask = torch.arange(T)[None, :] < lengths[:, None]
    print(mask, mask.dtype, mask.sum(1))
    mean_pool = (h * mask.unsqueeze(-1)).sum(1) / mask.sum(1, keepdim=True)
    max_pool = h.masked_fill(~mask.unsqueeze(-1), float("-inf")).max(dim=1).values
    print(mean_pool, max_pool)
    last_idx = (lengths - 1).view(B, 1, 1).expand(B, 1, D)
    last = h.gather(1, last_idx).squeeze(1)
    print(last, torch.equal(last, h[torch.arange(B), lengths - 1]))
    scores = torch.einsum("bd,btd->bt", last, h)
    weights = scores.masked_fill(~mask, float("-inf")).softmax(dim=-1)
    print(weights, weights.sum(-1))
    context = torch.bmm(weights.unsqueeze(1), h).squeeze(1)
    (mean_pool.sum() + max_pool.sum() + context.pow(2).sum()).backward()
    print(h.grad.abs().sum(-1), (h.grad.abs().sum(-1) > 0).eq(mask).all())
    vocab = 6
    logits = torch.from_numpy(rng.standard_normal((B, T, vocab)).astype(np.float32))
    targets = torch.from_numpy(rng.integers(0, vocab, size=(B, T)))
    targets_ignored = targets.masked_fill(~mask, -100)
    loss_ignore = F.cross_entropy(logits.view(-1, vocab), targets_ignored.view(-1), ignore_index=-100)
    per_token = F.cross_entropy(logits.transpose(1, 2), targets, reduction="none")
    loss_mask = (per_token * mask).sum() / mask.sum()
    per_seq = (per_token * mask).sum(1) / lengths
    print(loss_ignore, loss_mask, per_token.shape, per_seq, torch.allclose(loss_ignore, loss_mask))
    causal = torch.ones(T, T, dtype=torch.bool).tril()
    both = causal[None] & mask[:, None, :]
    print(both[1].int(), both.sum((1, 2)))
    bias = torch.zeros(B, T, T).masked_fill(~both, float("-inf"))
    attn = bias.softmax(-1)
    print(attn[1, :3], attn[3].nan_to_num(0.0).sum(-1))
    tokens = torch.from_numpy(rng.integers(1, 9, size=(B, T))) * mask
    positions = torch.cumsum(mask.long(), dim=1) * mask
    print(tokens, positions)
    left_pad = torch.stack([torch.cat([tokens[i, lengths[i]:], tokens[i, :lengths[i]]]) for i in range(B)])
    print(left_pad, (left_pad != 0).flip(1).cumprod(1).sum(1), lengths.max().item())
    packed = tokens[mask]
    splits = packed.split(lengths.tolist())
    print(packed, [s.tolist() for s in splits], torch.nn.utils.rnn.pad_sequence(splits, batch_first=True, padding_value=-1))


if __name__ == "__main__":
    main()
