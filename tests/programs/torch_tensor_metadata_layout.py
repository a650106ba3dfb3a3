"""Tensor metadata as memory-conscious code inspects it, float32: element_size / itemsize / nbytes across dtypes,
strides after transpose, permute, expand, narrow, slicing with steps, unsqueeze and select, storage_offset of
views, is_contiguous in both memory formats, contiguous(memory_format=torch.channels_last) and its strides, the
new_* factories (new_zeros / new_ones / new_full / new_empty / new_tensor) keeping dtype and device, type_as,
to(other), .type('torch.DoubleTensor') and .type() strings, and a small conv net run on channels_last input whose
results and gradients match the contiguous run.
"""
import numpy as np
import torch


def meta(t):
    return f"shape={tuple(t.shape)} stride={t.stride()} offset={t.storage_offset()} contig={t.is_contiguous()}"


def main():
    rng = np.random.default_rng(5)
    for dt in (torch.float32, torch.float64, torch.float16, torch.int8, torch.int64, torch.bool, torch.complex64):
        t = torch.zeros(3, 4, dtype=dt)
        print("sizes", t.element_size(), t.itemsize, t.nbytes, t.numel(), t.dim(), t.ndimension())

    base = torch.arange(24.0).reshape(2, 3, 4)
    print("base", meta(base))
    print("transpose", meta(base.transpose(0, 2)), base.transpose(0, 2).stride(1))
    print("permute", meta(base.permute(2, 0, 1)))
    print("expand", meta(base[:, :1].expand(2, 5, 4)))
    print("narrow", meta(base.narrow(2, 1, 2)), meta(base.narrow(0, 1, 1)))
    print("step slice", meta(base[:, ::2, 1::2]))
    print("select", meta(base[1]), meta(base[:, 2]), meta(base[..., -1]))
    print("unsqueeze", meta(base[:, 1].unsqueeze(1)), meta(base.unsqueeze(-1)))
    print("diagonal", meta(base[0].diagonal()), meta(base.diagonal(offset=1, dim1=1, dim2=2)))
    print("unfold", meta(torch.arange(10.0).unfold(0, 4, 3)))
    print("view of view", meta(base.view(6, 4)[2:].view(2, 8)), base.view(6, 4)[2:].view(2, 8)[1, 0].item())
    t = base.transpose(1, 2)
    c = t.contiguous()
    print("contiguous copy", meta(c), torch.equal(c, t))
    print("reshape of non-contiguous", meta(t.reshape(2, 12)))
    print("flatten of contiguous", meta(base.flatten(1)))
    print("size()", base.size(), base.size(1), base.size(-1), base.shape[1:])

    img = torch.tensor(rng.normal(size=(2, 3, 4, 5)), dtype=torch.float32)
    cl = img.contiguous(memory_format=torch.channels_last)
    print("channels_last", cl.stride(), cl.is_contiguous(), cl.is_contiguous(memory_format=torch.channels_last))
    print("back", img.is_contiguous(memory_format=torch.channels_last), cl.contiguous().stride())
    print("to channels_last", img.to(memory_format=torch.channels_last).stride())
    print("permute view", cl.permute(0, 2, 3, 1).is_contiguous(), cl.permute(0, 2, 3, 1).stride())
    print("1x1 spatial", torch.zeros(2, 3, 1, 1).is_contiguous(memory_format=torch.channels_last))

    x = torch.tensor(rng.normal(size=(2, 3)), dtype=torch.float32)
    print("new_zeros", x.new_zeros(2, 2), x.new_zeros((1, 3)).dtype)
    print("new_ones", x.new_ones(3).dtype, x.new_ones(3, dtype=torch.int64))
    print("new_full", x.new_full((2,), 7), x.new_full((2,), 7).dtype)
    print("new_empty", x.new_empty(4, 2).shape, x.new_empty((0,)).numel())
    print("new_tensor", x.new_tensor([1, 2]), x.new_tensor([1, 2]).dtype, x.new_tensor([1.5], dtype=torch.float64))
    i = torch.tensor([1, 2, 3])
    print("type_as", i.type_as(x), i.type_as(x).dtype, x.type_as(i))
    d = torch.zeros(1, dtype=torch.float64)
    print("to(other)", x.to(d).dtype, i.to(x).dtype, x.to(i).dtype, x.to(d) is x, x.to(x) is x)
    print("type()", x.type(), i.type(), d.type(), torch.tensor([True]).type())
    print("type(str)", x.type("torch.DoubleTensor").dtype, x.type(torch.int32).dtype,
          x.type(torch.float32) is x)
    print("double/half/long", x.double().dtype, x.half().dtype, x.long().dtype, x.int().dtype, x.bool().dtype,
          x.short().dtype, x.char().dtype, x.byte().dtype)

    torch.manual_seed(0)
    net = torch.nn.Sequential(torch.nn.Conv2d(3, 4, 3, padding=1), torch.nn.BatchNorm2d(4), torch.nn.ReLU(),
                              torch.nn.Conv2d(4, 2, 1))
    a = img.clone().requires_grad_()
    b = cl.clone().requires_grad_()
    out_a, out_b = net(a), net(b)
    print("output strides", out_a.stride(), out_a.is_contiguous(), out_b.stride(),
          out_b.is_contiguous(memory_format=torch.channels_last))
    print("elementwise keeps layout", (cl * 2).stride(), torch.relu(cl).stride(), (img + cl).stride(),
          cl.clone().stride(), torch.empty_like(cl).stride(), torch.zeros_like(cl).stride())
    print("*_like keep strides", torch.ones_like(base.transpose(0, 2)).stride(), torch.full_like(t, 2.0).stride(),
          torch.zeros_like(base[:, ::2].transpose(1, 2)).stride(), torch.empty_like(x.t(), dtype=torch.int64).stride())
    print("same values", torch.allclose(out_a, out_b, atol=1e-6), out_a[0, :, 0, 0])
    out_a.square().mean().backward()
    ga = a.grad.clone()
    net.zero_grad()
    out_b.square().mean().backward()
    print("grad match", torch.allclose(ga, b.grad, atol=1e-6), ga[1, 2, 3], b.grad.stride())
    print("weight grad", net[0].weight.grad[0, 0])
    print("bn buffers", net[1].running_mean, net[1].num_batches_tracked.item())
    print("state bytes", sum(p.nbytes for p in net.state_dict().values()),
          sum(p.numel() * p.element_size() for p in net.parameters()))
