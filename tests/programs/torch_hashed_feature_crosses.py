"""A click-through-rate model with the hashing trick, written for PyTorch: categorical ids and their crosses are
hashed with integer bit operations (xor, shifts, masks, multiplications that wrap in int64, remainder of negative
numbers), looked up in an nn.EmbeddingBag with offsets and per-sample weights, and trained with BCEWithLogits and
pos_weight; torch.iinfo bounds, uint8 flag packing with bitwise_and / bitwise_or / bitwise_not and shifts, and the
int32 / int64 arithmetic rules along the way. Float32, data from a seeded NumPy generator."""
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

BUCKETS = 97


def hash_ids(ids, salt):
    h = ids * 0x9E3779B1 + salt
    h = h ^ (h >> 13)
    h = h * 0x85EBCA6B
    h = h ^ (h >> 16)
    return torch.remainder(h, BUCKETS)


class HashedCTR(nn.Module):
    def __init__(self, dim=6):
        super().__init__()
        self.bag = nn.EmbeddingBag(BUCKETS, dim, mode="sum")
        self.linear = nn.Linear(dim, 1)

    def forward(self, flat, offsets, weights):
        return self.linear(torch.tanh(self.bag(flat, offsets, per_sample_weights=weights))).squeeze(1)


def main():
    rng = np.random.default_rng(2016)
    print("int64 max", torch.iinfo(torch.int64).max, "int32 min", torch.iinfo(torch.int32).min,
          "uint8 max", torch.iinfo(torch.uint8).max, torch.iinfo(torch.int16).bits)
    big = torch.tensor([2 ** 62, -(2 ** 62), 3], dtype=torch.int64)
    print("wraps", big * 4, big << 1, big >> 60)
    i32 = torch.tensor([2 ** 30, -7, 7], dtype=torch.int32)
    print("int32", i32 * 2, i32 // 2, i32 % 3, torch.fmod(i32, 3), (i32 + 1).dtype, (i32 * 1.5).dtype)
    print("neg remainder", torch.remainder(torch.tensor([-7, -1, 5]), 4), torch.tensor([-7, -1, 5]) % -4)

    flags = torch.tensor([0b1010_0001, 0b0000_1111, 0xFF, 0], dtype=torch.uint8)
    print("flags", flags & 0x0F, flags | 0x30, ~flags, flags >> 4, flags.bitwise_xor(torch.tensor(0x55, dtype=torch.uint8)))
    print("popcount", sum(((flags >> k) & 1).int() for k in range(8)))
    print("shift fns", torch.bitwise_left_shift(torch.tensor([1, 3]), torch.tensor([4, 2])),
          torch.bitwise_right_shift(torch.tensor([256, -256]), 4))

    n = 300
    user = torch.from_numpy(rng.integers(0, 1000, n))
    item = torch.from_numpy(rng.integers(0, 200, n))
    hour = torch.from_numpy(rng.integers(0, 24, n))
    cross = (user << 8) | item
    keys = torch.stack([hash_ids(user, 1), hash_ids(item, 2), hash_ids(hour, 3), hash_ids(cross, 4)], dim=1)
    print("keys", keys[:3].tolist(), keys.dtype, keys.min().item(), keys.max().item())
    print("bucket collisions", BUCKETS - torch.unique(keys[:, 3]).numel())
    label = ((hash_ids(cross, 9) % 5 == 0) | (hour >= 20)).float()
    print("positives", int(label.sum()), label.dtype)

    lengths = torch.from_numpy(rng.integers(2, 5, n))
    pieces, weights = [], []
    for r in range(n):
        pieces.append(keys[r, : int(lengths[r])])
        weights.append(torch.linspace(1.0, 0.5, int(lengths[r])))
    flat = torch.cat(pieces)
    w = torch.cat(weights)
    offsets = torch.cat([torch.zeros(1, dtype=torch.int64), torch.cumsum(lengths, 0)[:-1]])
    print("bag inputs", flat.shape, offsets[:5], w[:6])

    model = HashedCTR()
    with torch.no_grad():
        for p in model.parameters():
            p.copy_(torch.from_numpy(rng.normal(0.0, 0.4, tuple(p.shape)).astype(np.float32)))
    pos_weight = torch.tensor((n - label.sum()) / label.sum())
    opt = torch.optim.Adagrad(model.parameters(), lr=0.2)
    for epoch in range(6):
        opt.zero_grad()
        logits = model(flat, offsets, w)
        loss = F.binary_cross_entropy_with_logits(logits, label, pos_weight=pos_weight)
        loss.backward()
        opt.step()
        pred = (logits > 0).long()
        tp = int((pred & label.long()).sum())
        print(f"epoch {epoch} loss {loss.item():.5f} tp {tp} grad rows {int((model.bag.weight.grad.abs().sum(1) > 0).sum())}")
    print("bag row norms", model.bag.weight.norm(dim=1)[:6])
    print("max bag", F.embedding_bag(flat[:8], model.bag.weight, torch.tensor([0, 3, 5]), mode="max"))


if __name__ == "__main__":
    main()
