"""Type promotion where real code meets it at the edges: complex tensors with Python complex and float scalars
(a phasor bank rotating float32 signals, complex64 stays complex64, float64 meets 1j as complex128), 0-d tensors
that do not promote a dimensioned tensor of the same category (float16 activations plus a float64 0-d scale,
int8 codes plus an int64 0-d offset) but do across categories (int32 counts times a 0-d float tensor), uint8 and
int8 pixels meeting (int16), bool masks in arithmetic and sums, half / bfloat16 with Python floats and with each
other (float32), torch.result_type / promote_types / can_cast over the pairs used, in-place ops that may and may
not downcast (each refusal a RuntimeError), where() and clamp() with scalar branches and bounds, division and
floor division of integer tensors by Python floats, and a tiny complex linear model trained by gradient steps on
its real loss. Float32 where floats appear.
"""
import torch


def show(name, t):
    print(name, t.dtype, t)


def main():
    torch.manual_seed(2603)
    signal = torch.randn(2, 6)
    freqs = torch.arange(6)
    phasor = torch.exp(-2j * torch.pi * freqs / 6)
    show("phasor", phasor)
    show("mixed", signal * phasor)
    show("scalar 1j", signal * 1j)
    show("int * 1j", freqs * 1j)
    show("double + 1j", signal.double()[0, :2] + 1j)
    show("complex + float", phasor[:3] + 0.5)
    show("bool * complex", (freqs > 2) * phasor)
    spectrum = (signal * phasor).sum(-1)
    show("spectrum", spectrum)
    print(spectrum.abs().dtype, spectrum.angle().dtype, spectrum.real.dtype, torch.view_as_real(spectrum).shape)

    act = torch.randn(4).half()
    scale = torch.tensor(0.5, dtype=torch.float64)
    show("half * 0-d double", act * scale)
    show("half * 1-d double", act * scale.reshape(1))
    codes = torch.tensor([-3, 7, 120, -128], dtype=torch.int8)
    offset = torch.tensor(5)
    show("int8 + 0-d int64", codes + offset)
    show("int8 + 1-d int64", codes + offset.reshape(1))
    counts = torch.tensor([1, 2, 3], dtype=torch.int32)
    show("int32 * 0-d float", counts * torch.tensor(0.25))
    show("int32 * 0-d double", counts * torch.tensor(0.25, dtype=torch.float64))
    show("int32 * float scalar", counts * 0.25)
    show("int32 + True", counts + True)

    pixels = torch.tensor([[0, 128, 255]], dtype=torch.uint8)
    deltas = torch.tensor([[-1, 5, 1]], dtype=torch.int8)
    show("uint8 + int8", pixels + deltas)
    show("uint8 + 1", pixels + 1)
    show("uint8 / 255", pixels / 255)
    show("uint8 // 2.5", pixels // 2.5)
    show("int // -2.0", torch.tensor([7, -7]) // -2.0)
    show("int / int", torch.tensor([7, -7]) / torch.tensor([2, 2]))
    mask = torch.tensor([True, False, True])
    show("bool + bool", mask + mask)
    show("bool * 2", mask * 2)
    show("bool * 2.0", mask * 2.0)
    show("bool sum", mask.sum())
    show("bool cumsum", mask.cumsum(0))
    show("bool mean via float", mask.float().mean())

    h = torch.tensor([1.5, 2.25]).half()
    bf = torch.tensor([1.5, 2.25]).bfloat16()
    show("half + bf16", h + bf)
    show("bf16 * 3.3", bf * 3.3)
    show("half ** 2", h ** 2)
    show("half + int tensor", h + torch.tensor([1, 2]))

    pairs = [(torch.int8, torch.uint8), (torch.bool, torch.int16), (torch.float16, torch.bfloat16),
             (torch.int64, torch.float16), (torch.complex64, torch.float64), (torch.uint8, torch.bool),
             (torch.int32, torch.complex64), (torch.bfloat16, torch.complex128)]
    for a, b in pairs:
        print(a, b, torch.promote_types(a, b), torch.can_cast(a, b), torch.can_cast(b, a))
    print(torch.result_type(counts, 2.5), torch.result_type(counts, 2), torch.result_type(2, 3.0),
          torch.result_type(act, scale), torch.result_type(phasor, signal.double()),
          torch.result_type(mask, True), torch.result_type(codes, offset), torch.result_type(1j, counts))

    acc = torch.zeros(3)
    acc += counts
    acc.mul_(mask)
    show("float += int", acc)
    ints = torch.tensor([1, 2, 3])
    for name, fn in [("int += 0.5", lambda: ints.add_(0.5)), ("int *= 1j", lambda: ints.mul_(1j)),
                     ("float *= 1j", lambda: acc.mul_(1j)), ("uint8 -= int8", lambda: pixels.sub_(deltas)),
                     ("int8 += uint8", lambda: codes.add_(pixels[0, :1])),
                     ("addcdiv of ints", lambda: torch.addcdiv(acc, ints, ints, value=0.5))]:
        try:
            out = fn()
            show(name, out)
        except RuntimeError as e:
            print(name, "refused:", isinstance(e, RuntimeError))
    show("where scalar", torch.where(mask, counts, 0.5))
    show("where int scalars", torch.where(mask, 1, 0))
    show("where float scalars", torch.where(mask, 1.0, 0))
    show("clamp int by float", torch.clamp(ints, min=1.5))
    show("clamp int by int", torch.clamp(ints, max=2))
    show("clamp half", torch.clamp(h, 1.7, 2.0))
    show("full int fill float", torch.full((2,), 7).float() / 2)
    show("arange float step", torch.arange(0, 1, 0.25))
    show("pow int float exp", ints ** 0.5)
    show("float pow int tensor", 2.0 ** ints)
    show("int pow int", 2 ** ints)

    w = torch.randn(3, dtype=torch.complex64, requires_grad=True)
    x = torch.randn(5, 3, dtype=torch.complex64)
    target = x @ torch.tensor([1 - 1j, 0.5j, 2.0 + 0j], dtype=torch.complex64)
    for step in range(4):
        pred = x @ w
        loss = (pred - target).abs().pow(2).mean()
        loss.backward()
        with torch.no_grad():
            w -= 0.1 * w.grad
            w.grad.zero_()
        print(step, loss.dtype, f"{loss.item():.6f}", loss.grad_fn.name())
    print(w)


if __name__ == "__main__":
    main()
