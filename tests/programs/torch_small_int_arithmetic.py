"""Integer and boolean arithmetic in the small types, as image-processing and quantisation code meets it: uint8
pixels that wrap on subtraction and overflow on addition, int8 that wraps and whose abs(-128) stays -128,
promotion between uint8 / int8 / int16 / bool and Python scalars (torch.result_type, promote_types), true
division and floor division of negatives, remainder and fmod signs, bit shifts and bitwise ops, clamp and
rounding back to uint8, sums and cumsums that promote to int64, bool arithmetic, and a quantise / dequantise round
trip of float64 weights through int8.
"""
import numpy as np
import torch


def show(name, t):
    print(f"{name:20s} {t.dtype} {tuple(t.shape)} {t.tolist()}")


def main():
    rng = np.random.default_rng(1708)
    pixels = torch.from_numpy(rng.integers(0, 256, (2, 5)).astype(np.uint8))
    show("pixels", pixels)
    show("pixels + 100", pixels + 100)
    show("pixels - 200", pixels - 200)
    show("pixels * 2", pixels * 2)
    show("pixels // 7", pixels // 7)
    show("pixels / 2", pixels / 2)
    show("pixels * 0.5", pixels * 0.5)
    show("pixels.sum(1)", pixels.sum(1))
    show("pixels.cumsum(1)", pixels.cumsum(1))
    show("pixels.max(1)", pixels.max(1).values)
    show("pixels.sub(10, a=2)", pixels.sub(10, alpha=2))
    show("inverted", 255 - pixels)
    show("~pixels", ~pixels)
    show("pixels >> 2", pixels >> 2)
    show("pixels << 1", pixels << 1)
    show("pixels & 0x0F", pixels & 0x0F)
    show("pixels ^ mask", pixels ^ torch.tensor(0b1010, dtype=torch.uint8))

    signed = torch.tensor([-128, -7, -1, 0, 5, 127], dtype=torch.int8)
    show("int8", signed)
    show("int8 + 1", signed + 1)
    show("int8.abs()", signed.abs())
    show("-int8", -signed)
    show("int8 // 2", signed // 2)
    show("int8 % 3", signed % 3)
    show("fmod(int8, 3)", torch.fmod(signed, 3))
    show("remainder(int8,-3)", torch.remainder(signed, -3))
    show("int8 >> 1", signed >> 1)
    show("int8 * int8", signed * signed)
    show("int8 + uint8", signed + pixels[0, 0])
    show("int8 + uint8 vec", signed[:5] + pixels[0])
    show("int8 + int16", signed + torch.ones(6, dtype=torch.int16))
    show("int8 + True", signed + True)
    show("int8 + 2.5", signed + 2.5)
    show("add(int8, 3, a=-2)", torch.add(signed, 3, alpha=-2))
    show("int8.sign()", signed.sign())
    show("int8 clamp", signed.clamp(-10, 10))

    flags = torch.tensor([True, False, True, True])
    show("bool sum", flags.sum())
    show("bool + bool", flags + flags)
    show("bool * 3", flags * 3)
    show("bool & ~", flags & ~flags.flip(0))
    show("bool cumsum", flags.cumsum(0))
    show("bool mean float", flags.float().mean())

    for label, a, b in (("u8 i8", torch.uint8, torch.int8), ("i8 i16", torch.int8, torch.int16),
                        ("bool u8", torch.bool, torch.uint8), ("u8 f16", torch.uint8, torch.float16),
                        ("i32 f32", torch.int32, torch.float32)):
        print("promote", label, torch.promote_types(a, b))
    print("result_type", torch.result_type(pixels, 3), torch.result_type(pixels, 3.0),
          torch.result_type(signed, torch.tensor(1000)), torch.result_type(signed, torch.tensor(1.0)))
    print("iinfo", torch.iinfo(torch.int8).min, torch.iinfo(torch.uint8).max, torch.iinfo(torch.int16).bits)

    weights = torch.from_numpy(rng.standard_normal(8))
    scale = weights.abs().max() / 127
    quantized = torch.round(weights / scale).clamp(-128, 127).to(torch.int8)
    show("quantized", quantized)
    restored = quantized.double() * scale
    print("quantisation error", f"{(restored - weights).abs().max().item():.10f}")
    brightened = (pixels.int() * 3 // 2).clamp(0, 255).to(torch.uint8)
    show("brightened", brightened)
    show("histogram", torch.bincount(pixels.flatten() // 64, minlength=4))
    show("div floor", torch.div(signed, 4, rounding_mode="floor"))
    show("div trunc", torch.div(signed, 4, rounding_mode="trunc"))
