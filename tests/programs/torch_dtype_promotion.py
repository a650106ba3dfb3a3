"""Type promotion in mixed int / float / bool arithmetic, written for PyTorch; tests run it as is and with only its
imports changed, and compare what both print. Integer tensors meeting Python floats and float tensors, bool
tensors in sums and products, true and floor division of integers (negative operands included), remainder and
fmod signs, comparisons across dtypes, result_type / promote_types / can_cast, integer overflow-free
accumulation (sum of int32 and of bool gives int64), integer means through .float(), in-place int += float
refused, and the float32 default kept when Python scalars join. Float32 where floats appear.
"""
import numpy as np
import torch


def main():
    rng = np.random.default_rng(12)
    i = torch.from_numpy(rng.integers(-7, 8, size=6).astype(np.int64))
    i32 = i.to(torch.int32)
    f = torch.from_numpy(rng.standard_normal(6).astype(np.float32))
    b = f > 0
    u8 = torch.tensor([250, 3, 7, 128, 0, 255], dtype=torch.uint8)
    print(i, i32.dtype, b, u8.dtype)
    print((i + 1).dtype, (i + 1.5).dtype, (i * f).dtype, (i32 + i).dtype, (b + b).dtype, (b * 2).dtype)
    print(i + 1.5, i32 * 0.5)
    print(i / 2, (i / 2).dtype, i // 2, i % 3, torch.fmod(i, 3), torch.remainder(i, -3))
    print(torch.div(i, 4, rounding_mode="floor"), torch.div(i, 4, rounding_mode="trunc"), torch.div(f, 0.7, rounding_mode="floor"))
    print(b.sum(), b.sum().dtype, i32.sum().dtype, u8.sum(), u8.sum().dtype, b.float().mean())
    print(b & (i > 0), b | (i == 0), b ^ b.flip(0), ~b, (~b).dtype)
    print(f * b, (f * b).dtype, f[b].dtype, b.long().cumsum(0), b.int().dtype)
    print(i == f, i.float() >= f, (i > 2.5).sum(), torch.eq(i32, i).all())
    print(torch.result_type(i, 2.0), torch.result_type(i32, i), torch.result_type(b, 3), torch.result_type(u8, i32))
    print(torch.promote_types(torch.int32, torch.float32), torch.promote_types(torch.uint8, torch.int8),
          torch.promote_types(torch.bool, torch.int16), torch.promote_types(torch.float16, torch.int64))
    print(torch.can_cast(torch.float32, torch.int32), torch.can_cast(torch.int32, torch.float32),
          torch.can_cast(torch.int64, torch.int8), torch.can_cast(torch.bool, torch.float16))
    print(u8 + 10, (u8 + 10).dtype, u8.to(torch.int16) + 10, u8 * 2.0)
    h = f.half()
    print(h + f, (h + f).dtype, (h + 1).dtype, (h * i).dtype, (h + torch.tensor(2.0, dtype=torch.float64)).dtype)
    print(torch.tensor(3) * f, (torch.tensor(3.0, dtype=torch.float64) * f).dtype, (torch.tensor([3.0], dtype=torch.float64) * f).dtype)
    print(i.pow(2), i.abs().pow(0.5), (2 ** i.clamp(min=0)).dtype, i.float().pow(2).dtype)
    print("mean of int64 as float", i.float().mean(), i.sum() / i.numel(), (i.sum() / i.numel()).dtype)
    print(torch.arange(5).dtype, torch.arange(5.0).dtype, torch.arange(0, 1, 0.25), torch.full((2,), 7).dtype,
          torch.full((2,), 7.0).dtype, torch.tensor([1, 2.0]).dtype, torch.tensor([True, 1]).dtype)
    acc = torch.zeros(3, dtype=torch.int32)
    acc += torch.tensor([1, 2, 3], dtype=torch.int32)
    try:
        acc += 0.5
    except RuntimeError:
        print("int += float refused", acc, acc.dtype)
    fl = torch.zeros(3)
    fl += torch.tensor([1, 2, 3])
    fl *= torch.tensor([True, False, True])
    print(fl, fl.dtype, torch.where(b, i, 0.5).dtype, torch.where(b, i, f).dtype, torch.maximum(i, f).dtype)
    print(i.max(), i.argmax(), i.to(torch.float32).softmax(0).sum(), i.float().sigmoid()[:3], torch.sign(i))


if __name__ == "__main__":
    main()
