"""Integer arithmetic as bucketing, hashing and index code uses it; tests run it as is and with only its imports
changed, and compare what both print. Division of negative integers with rounding_mode='floor' / 'trunc' and
torch.floor_divide, true division promoting to float, % / remainder / fmod signs, integer pow and abs, bitwise
and / or / xor / not and shifts, gcd / lcm, clamp and sign on int64, int32 overflow wrap-around, integer means
through float, conversions with .long() / .int() truncating toward zero, round half to even, and hashing ids into
buckets. NumPy data.
"""
import numpy as np
import torch


def main():
    rng = np.random.default_rng(112)
    a = torch.tensor([-7, -6, -1, 0, 1, 6, 7])
    b = torch.tensor([2, -4, 3, -3, -2, 4, -5])
    print(a // 2, torch.div(a, 2, rounding_mode="floor"), torch.div(a, 2, rounding_mode="trunc"))
    print(torch.floor_divide(a, b), a / 2, torch.div(a, b), (a / b).dtype)
    print(a % 3, torch.remainder(a, b), torch.fmod(a, b), torch.fmod(a, 3), a % -3)
    print(a.remainder(2.5), torch.fmod(a.float(), 2.5), torch.remainder(-7.5, torch.tensor([2.0, -2.0])))
    print(a ** 2, torch.pow(a.abs(), 3), a.abs(), a.sign(), torch.clamp(a, -3, 4), a.neg())
    print(torch.tensor(2) ** torch.tensor([0, 1, 10, 30]), 3 ** torch.tensor([2, 4]), 2 ** torch.tensor([0.5, -1.0]))
    c = torch.tensor([12, 10, 7, -8], dtype=torch.int64)
    d = torch.tensor([5, 3, 1, 6])
    print(c & d, c | d, c ^ d, ~c, c << 2, c >> 1, torch.bitwise_and(c, 6), torch.bitwise_not(d))
    print(torch.gcd(c, d), torch.lcm(c, d), torch.gcd(torch.tensor([0, 18]), torch.tensor([4, 0])))
    big = torch.tensor([2147483647, -2147483648], dtype=torch.int32)
    print(big + 1, big - 1, (big + 1).dtype, big.long() + 1, big * 2)
    u = torch.tensor([250, 5], dtype=torch.uint8)
    print(u + 10, u - 10, u // 3, u * 2, (u + 10).dtype)
    f = torch.tensor([-2.7, -2.5, -0.5, 0.5, 1.5, 2.5, 2.7])
    print(f.long(), f.int(), f.round(), f.floor().long(), f.ceil(), f.trunc(), f.frac())
    print(torch.round(torch.tensor([1.2345, -9.8765]), decimals=2), torch.round(torch.tensor([1250.0, 1350.0]), decimals=-2))
    ids = torch.from_numpy(rng.integers(-10**9, 10**9, size=12))
    buckets = ids % 7
    print(ids[:4], buckets, torch.bincount(buckets, minlength=7), (ids * 31 + 17) % 1000)
    h = (ids ^ (ids >> 3)) & 0xFFFF
    print(h[:6], h.max(), h.dtype)
    counts = torch.from_numpy(rng.integers(0, 20, size=(3, 5)))
    print(counts.sum(0), counts.float().mean(1), counts.sum(dtype=torch.float32), counts.prod(1), counts.max(1))
    print(counts.cumsum(1)[0], counts.argmax(), counts.div(4, rounding_mode="floor"), counts.sum() // 7)
    print(counts * 0.5, counts + True, (counts > 10).sum(1), counts.to(torch.float16).dtype, counts.double().std())
    mixed = torch.tensor([3, -3]) * torch.tensor([1.5, 1.5], dtype=torch.float64)
    print(mixed, mixed.dtype, torch.tensor([7, -7]) // torch.tensor([2.0, 2.0]), torch.tensor([7, -7]) % 2.0)
    idx = torch.arange(-6, 6)
    print(idx.view(3, 4) // 4, idx % 4, torch.div(idx, -4, rounding_mode="floor"), idx.remainder(-4))


if __name__ == "__main__":
    main()
