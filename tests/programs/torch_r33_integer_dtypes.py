"""Integer and mixed-dtype arithmetic in a quantisation-style data pipeline: int8 / uint8 / int16 wraparound,
result_type / promote_types / can_cast, iinfo / finfo fields, bit shifts and bitwise ops, div with rounding_mode
and floor_divide / fmod / remainder on negative operands, the dtypes of sums, cumsums, means and products of
integer and bool tensors, scalar promotion rules, and a fake-quantised linear layer trained with a
straight-through estimator (float32)."""
import torch


def main():
    a8 = torch.tensor([120, -7, 100, -128], dtype=torch.int8)
    u8 = torch.tensor([250, 3, 128, 0], dtype=torch.uint8)
    i16 = torch.tensor([30000, -2, 7, -32768], dtype=torch.int16)
    print("int8 add", (a8 + a8).tolist(), (a8 + a8).dtype)
    print("uint8 sub", (u8 - 10).tolist(), (u8 * 2).tolist())
    print("neg int8", (-a8).tolist(), a8.abs().tolist())
    print("int16 mul", (i16 * 3).tolist())
    print("mix", (a8 + u8).dtype, (a8 + i16).dtype, (u8 + True).dtype, (a8 * 2.5).dtype, (i16 / 2).dtype)
    print("mix values", (a8 + u8).tolist(), (a8 * 2.5).tolist(), (i16 / 2).tolist())
    print("result_type", torch.result_type(a8, 3), torch.result_type(u8, -1), torch.result_type(a8, 2.0),
          torch.result_type(torch.tensor(1), torch.tensor([1.0], dtype=torch.float16)))
    print("promote", torch.promote_types(torch.uint8, torch.int8), torch.promote_types(torch.int16, torch.float16),
          torch.promote_types(torch.bool, torch.uint8), torch.promote_types(torch.int64, torch.bfloat16))
    print("can_cast", torch.can_cast(torch.float32, torch.int32), torch.can_cast(torch.int32, torch.float16),
          torch.can_cast(torch.int8, torch.uint8), torch.can_cast(torch.bool, torch.int8))
    for dt in [torch.int8, torch.uint8, torch.int16, torch.int32]:
        info = torch.iinfo(dt)
        print("iinfo", dt, info.min, info.max, info.bits)
    for dt in [torch.float16, torch.bfloat16, torch.float32]:
        info = torch.finfo(dt)
        print("finfo", dt, info.eps, info.max, info.tiny, info.resolution, info.bits)

    x = torch.tensor([-7, -6, 5, 7, 0], dtype=torch.int32)
    y = torch.tensor([2, -4, -3, 2, 3], dtype=torch.int32)
    print("div floor", torch.div(x, y, rounding_mode="floor").tolist(), torch.div(x, y, rounding_mode="trunc").tolist())
    print("div true", [round(v, 6) for v in torch.div(x, y).tolist()], torch.div(x, y).dtype)
    print("floor_divide", torch.floor_divide(x, y).tolist(), (x // 2).tolist(), (x // -2).tolist())
    print("fmod", torch.fmod(x, y).tolist(), torch.remainder(x, y).tolist(), (x % -3).tolist())
    xf = torch.tensor([-7.5, -6.0, 5.25, 7.0], dtype=torch.float32)
    print("fmod float", torch.fmod(xf, 2.0).tolist(), torch.remainder(xf, -2.0).tolist(),
          torch.div(xf, 2.0, rounding_mode="floor").tolist())
    print("shift", (x << 2).tolist(), (x >> 1).tolist(), torch.bitwise_left_shift(u8, 1).tolist(),
          torch.bitwise_right_shift(a8, 2).tolist())
    print("bitwise", (x & 6).tolist(), (x | 1).tolist(), (x ^ y).tolist(), (~x).tolist(), (~u8).tolist())
    b = torch.tensor([True, False, True])
    print("bool", (b & torch.tensor([True, True, False])).tolist(), (~b).tolist(), (b ^ True).tolist(),
          b.sum().item(), b.sum().dtype, (b + b).tolist(), (b * 3).dtype)
    print("sum dtypes", a8.sum().dtype, a8.sum().item(), u8.sum().item(), i16.sum(dtype=torch.int16).item(),
          a8.cumsum(0).tolist(), a8.cumsum(0).dtype, u8.prod().dtype, a8.float().mean().item())
    print("max int", a8.max().item(), u8.argmax().item(), i16.min(dim=0).values.item(), torch.bincount(u8 % 4).tolist())
    print("clamp int", a8.clamp(-10, 10).tolist(), a8.clamp(min=0).dtype, u8.clamp(max=100).tolist())
    print("casts", torch.tensor([300, -1, 255.9, -0.9]).to(torch.int32).to(torch.uint8).tolist(),
          torch.tensor([2.5, -2.5, 3.5, 0.5]).round().tolist(), torch.tensor([1e10]).to(torch.int64).item())
    print("int pow", (x ** 2).tolist(), torch.pow(2, torch.tensor([0, 3, 10])).tolist(),
          (torch.tensor([2, 3]) ** 2.0).dtype)

    # symmetric int8 fake quantisation of a linear layer, trained with a straight-through estimator
    torch.manual_seed(0)
    layer = torch.nn.Linear(4, 3)
    data = torch.randn(32, 4)
    target = data @ torch.tensor([[0.5, -1.0, 0.2], [1.5, 0.3, -0.7], [-0.2, 0.8, 1.0], [0.1, -0.4, 0.6]])
    opt = torch.optim.SGD(layer.parameters(), lr=0.1, momentum=0.9)
    for step in range(6):
        scale = layer.weight.detach().abs().max() / 127
        q = torch.clamp(torch.round(layer.weight / scale), -128, 127)
        q_int = q.detach().to(torch.int8)
        w_q = layer.weight + (q * scale - layer.weight).detach()
        out = data @ w_q.T + layer.bias
        loss = torch.nn.functional.mse_loss(out, target)
        opt.zero_grad()
        loss.backward()
        opt.step()
        print("qat", step, f"{loss.item():.6f}", f"{scale.item():.6e}", q_int.dtype, q_int[0].tolist(),
              int(q_int.to(torch.int32).abs().sum()), out.grad_fn.name())
    print("grad", layer.weight.grad.numpy().round(5).tolist())


main()
