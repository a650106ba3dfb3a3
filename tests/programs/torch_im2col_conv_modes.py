"""Convolution internals as the "conv from scratch" tutorials write them: nn.Unfold im2col + matmul checked
against F.conv2d (with dilation, stride and padding), nn.Fold overlap-add with its divisor map for patch
averaging, Conv2d with padding_mode 'reflect' / 'replicate' / 'circular' and padding='same' matched to F.pad,
a depthwise-separable block (groups=in_channels) against the dense conv it factors, ConvTranspose3d output sizes
with output_padding, and conv1d with groups and a causal left pad. Gradients through all of it. Float32.
"""
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


def t(rng, *shape, scale=1.0):
    return torch.tensor(rng.normal(0, scale, shape), dtype=torch.float32)


def main():
    rng = np.random.default_rng(4)
    x = t(rng, 2, 3, 7, 6).requires_grad_()
    w = t(rng, 4, 3, 3, 3, scale=0.3).requires_grad_()
    unfold = nn.Unfold(kernel_size=3, dilation=(1, 2), padding=1, stride=(2, 1))
    cols = unfold(x)
    print("cols:", cols.shape)
    out_h = (7 + 2 - 3) // 2 + 1
    out_w = (6 + 2 - 2 * 2 - 1) // 1 + 1
    mine = (w.view(4, -1) @ cols).view(2, 4, out_h, out_w)
    ref = F.conv2d(x, w, padding=1, stride=(2, 1), dilation=(1, 2))
    print("im2col conv matches:", torch.allclose(mine, ref, atol=1e-5), tuple(ref.shape))
    mine.square().sum().backward()
    gx, gw = x.grad.clone(), w.grad.clone()
    x.grad = None
    w.grad = None
    ref.square().sum().backward()
    print("grads match:", torch.allclose(gx, x.grad, atol=1e-4), torch.allclose(gw, w.grad, atol=1e-4))
    print("grad w[0,0]:", w.grad[0, 0])

    img = t(rng, 1, 2, 6, 6)
    patches = F.unfold(img, kernel_size=4, stride=2)
    fold = nn.Fold(output_size=(6, 6), kernel_size=4, stride=2)
    summed = fold(patches)
    divisor = fold(torch.ones_like(patches))
    print("divisor:", divisor[0, 0])
    print("overlap-add averages back:", torch.allclose(summed / divisor, img, atol=1e-6))

    base = nn.Conv2d(2, 3, 3, padding=2)
    with torch.no_grad():
        base.weight.copy_(t(rng, 3, 2, 3, 3, scale=0.4))
        base.bias.copy_(t(rng, 3, scale=0.1))
    for mode, pad_mode in (("reflect", "reflect"), ("replicate", "replicate"), ("circular", "circular")):
        conv = nn.Conv2d(2, 3, 3, padding=2, padding_mode=mode)
        conv.load_state_dict(base.state_dict())
        manual = F.conv2d(F.pad(img, (2, 2, 2, 2), mode=pad_mode), base.weight, base.bias)
        y = conv(img)
        print(f"{mode}: {tuple(y.shape)} matches F.pad {torch.allclose(y, manual, atol=1e-5)} corner {y[0, 0, 0, :3].detach()}")
    same = nn.Conv2d(2, 3, (3, 4), padding="same", dilation=(1, 2), bias=False)
    with torch.no_grad():
        same.weight.copy_(t(rng, 3, 2, 3, 4, scale=0.4))
    ys = same(img)
    print("same padding:", tuple(ys.shape), ys[0, 1, :2].detach())

    depthwise = nn.Conv2d(4, 4, 3, padding=1, groups=4, bias=False)
    pointwise = nn.Conv2d(4, 6, 1, bias=False)
    with torch.no_grad():
        depthwise.weight.copy_(t(rng, 4, 1, 3, 3, scale=0.5))
        pointwise.weight.copy_(t(rng, 6, 4, 1, 1, scale=0.5))
    xin = t(rng, 2, 4, 5, 5)
    sep = pointwise(depthwise(xin))
    dense_w = pointwise.weight * depthwise.weight.view(1, 4, 3, 3)
    dense = F.conv2d(xin, dense_w, padding=1)
    print("separable = dense:", torch.allclose(sep, dense, atol=1e-5),
          "params", sum(p.numel() for p in depthwise.parameters()) + pointwise.weight.numel(), "vs", dense_w.numel())
    sep.sum().backward()
    print("depthwise grad[1]:", depthwise.weight.grad[1, 0])

    vol = t(rng, 1, 2, 3, 4, 4)
    for stride, out_pad in ((1, 0), (2, 1), ((2, 1, 2), (1, 0, 0))):
        up = nn.ConvTranspose3d(2, 3, 3, stride=stride, padding=1, output_padding=out_pad)
        print("convtranspose3d", stride, out_pad, "->", tuple(up(vol).shape))
    up = nn.ConvTranspose3d(2, 1, (2, 3, 3), stride=2, padding=(0, 1, 1), output_padding=(0, 1, 1), bias=False)
    with torch.no_grad():
        up.weight.copy_(t(rng, 2, 1, 2, 3, 3, scale=0.3))
    yv = up(vol)
    print("transpose3d out:", tuple(yv.shape), yv[0, 0, 1, :2, :4].detach())
    print("output_size arg:", tuple(up(vol, output_size=[6, 8, 8]).shape))

    seq = t(rng, 1, 4, 10).requires_grad_()
    causal = nn.Conv1d(4, 4, 3, dilation=2, groups=2, bias=False)
    with torch.no_grad():
        causal.weight.copy_(t(rng, 4, 2, 3, scale=0.5))
    yc = causal(F.pad(seq, (4, 0)))
    print("causal:", tuple(yc.shape), yc[0, :, :4].detach())
    yc[0, :, 3].sum().backward()
    print("receptive field (nonzero grads):", (seq.grad[0].abs().sum(0) > 0).nonzero().flatten())
