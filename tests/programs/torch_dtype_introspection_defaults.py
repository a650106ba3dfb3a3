"""dtype introspection as library code does it, with float64 as the default dtype: torch.finfo fields (eps, max,
min, tiny, smallest_normal, resolution, bits, dtype) for every float type and finfo() of the default, torch.iinfo
for every integer type, is_floating_point / is_complex / is_signed, result_type with tensors, 0-d tensors and
Python scalars, promote_types, can_cast, what set_default_dtype changes (factories, Python floats in arithmetic,
complex factories, get_default_dtype) and what it leaves alone (integer tensors, explicit dtypes), and a
numerically careful log-sum-exp and safe division that pick their clamps from finfo.
"""
import torch


def fmt(v):
    return f"{v:.6g}" if isinstance(v, float) else str(v)


def main():
    old = torch.get_default_dtype()
    torch.set_default_dtype(torch.float64)
    try:
        body()
    finally:
        torch.set_default_dtype(old)
    print("restored", torch.get_default_dtype(), torch.tensor([1.0]).dtype)


def body():
    print("default", torch.get_default_dtype())
    for dt in (torch.float16, torch.bfloat16, torch.float32, torch.float64):
        fi = torch.finfo(dt)
        print("finfo", fi.bits, fmt(fi.eps), fmt(fi.max), fmt(fi.min), fmt(fi.tiny),
              fmt(fi.smallest_normal), fmt(fi.resolution), fi.dtype)
    print("finfo() default", torch.finfo().bits, torch.finfo().dtype)
    print("finfo complex64", torch.finfo(torch.complex64).bits, fmt(torch.finfo(torch.complex64).eps))
    for dt in (torch.uint8, torch.int8, torch.int16, torch.int32, torch.int64):
        ii = torch.iinfo(dt)
        print("iinfo", ii.bits, ii.min, ii.max, ii.dtype)
    print("iinfo bool raises", type(caught(lambda: torch.iinfo(torch.bool))).__name__)

    print("factories", torch.tensor([1.5]).dtype, torch.zeros(2).dtype, torch.arange(3.0).dtype,
          torch.linspace(0, 1, 3).dtype, torch.randn(2).dtype, torch.full((2,), 7).dtype, torch.full((2,), 7.0).dtype)
    print("complex factory", torch.tensor([1 + 2j]).dtype, torch.complex(torch.ones(1), torch.ones(1)).dtype)
    print("integers unchanged", torch.tensor([1, 2]).dtype, torch.arange(4).dtype, torch.tensor(True).dtype)
    print("explicit float32", torch.ones(2, dtype=torch.float32).dtype)

    i32 = torch.tensor([1, 2, 3], dtype=torch.int32)
    f32 = torch.tensor([0.5, 1.5, 2.5], dtype=torch.float32)
    print("int32 * 2.5", (i32 * 2.5).dtype, i32 * 2.5)
    print("int32 / 2", (i32 / 2).dtype, "float32 + 1.0", (f32 + 1.0).dtype, "int32 + True", (i32 + True).dtype)
    print("float32 * 0-d float64", (f32 * torch.tensor(2.0)).dtype, "int32 * 0-d float64",
          (i32 * torch.tensor(2.0)).dtype)
    print("bool + bool", (torch.tensor([True]) + torch.tensor([True])).dtype, "sum of bool",
          torch.tensor([True, True]).sum().dtype)
    print("result_type", torch.result_type(i32, 1.0), torch.result_type(f32, 2), torch.result_type(i32, f32),
          torch.result_type(torch.tensor(1), 1.0), torch.result_type(1, 2.0), torch.result_type(i32, 1j))
    print("promote_types", torch.promote_types(torch.uint8, torch.int8), torch.promote_types(torch.bool, torch.int16),
          torch.promote_types(torch.float16, torch.bfloat16), torch.promote_types(torch.int64, torch.float16),
          torch.promote_types(torch.float32, torch.complex64), torch.promote_types(torch.float64, torch.complex64))
    print("can_cast", torch.can_cast(torch.float64, torch.int32), torch.can_cast(torch.int32, torch.float16),
          torch.can_cast(torch.int8, torch.uint8), torch.can_cast(torch.bool, torch.int8),
          torch.can_cast(torch.complex64, torch.float64), torch.can_cast(torch.float16, torch.complex64))
    checks = [torch.tensor([1.0]), torch.tensor([1]), torch.tensor([1j]), torch.tensor([True]),
              torch.tensor([1], dtype=torch.uint8), torch.tensor([1.0], dtype=torch.bfloat16)]
    print("is_floating_point", [t.is_floating_point() for t in checks])
    print("is_complex", [t.is_complex() for t in checks], torch.is_complex(checks[2]))
    print("is_signed", [t.is_signed() for t in checks])
    print("itemsize", torch.float32.itemsize, torch.complex64.itemsize, torch.bool.itemsize, torch.bfloat16.itemsize)

    x = torch.tensor([1000.0, 999.0, -5.0], requires_grad=True)
    m = x.max().detach()
    lse = m + torch.log(torch.exp(x - m).sum().clamp_min(torch.finfo(x.dtype).tiny))
    lse.backward()
    print("logsumexp", lse.item(), torch.logsumexp(x.detach(), 0).item(), x.grad)
    num = torch.tensor([1.0, -2.0, 3.0], dtype=torch.float32, requires_grad=True)
    den = torch.tensor([0.0, 1e-30, 4.0], dtype=torch.float32)
    eps = torch.finfo(num.dtype).eps
    safe = num / den.abs().clamp_min(eps) * den.sign().where(den != 0, torch.ones_like(den))
    safe.sum().backward()
    print("safe division", safe, safe.dtype, num.grad)
    h = torch.tensor([60000.0, 1e-8], dtype=torch.float16)
    print("float16 limits", h * 2, h.float().clamp(max=torch.finfo(torch.float16).max).half() * 1,
          torch.finfo(torch.float16).max + 0.0)
    print("iinfo clamp", torch.tensor([300, -200]).clamp(torch.iinfo(torch.int8).min, torch.iinfo(torch.int8).max)
          .to(torch.int8), torch.tensor([250], dtype=torch.uint8) + torch.tensor([10], dtype=torch.uint8))


def caught(fn):
    try:
        fn()
    except Exception as error:  # noqa: BLE001 - the type is what is printed
        return error
    return None
