"""The convolution grid: one row per layer shape people train (forward + input and weight gradients per
step, in effective GFLOP/s: direct-convolution FLOPs over time), BatchNorm2d in training mode (forward +
input, weight and bias gradients, ms), then whole-network training steps
(CIFAR-10 ResNet-8/20, a MobileNet-style block), deepgrad against PyTorch in one run.

Each deepgrad side also records the peak memory its step allocates beyond its inputs (tracemalloc,
which sees every NumPy allocation), shown in the note as "extra".
"""
import tracemalloc

import numpy as np

from ..case import OURS, Case, Goal, Side
from ..sides import load_deepgrad, load_torch
from . import classifier_step, conv_nets

# name, batch, C_in, C_out, size, kernel, stride, padding, groups, dilation; the goal on ours/torch GFLOP/s
LAYERS = [
    ("conv3x3_56", 32, 64, 64, 56, 3, 1, 1, 1, 1, 1.25),
    ("conv3x3_28", 32, 128, 128, 28, 3, 1, 1, 1, 1, 1.25),
    ("conv3x3_14", 32, 256, 256, 14, 3, 1, 1, 1, 1, 1.25),
    ("conv3x3_32", 128, 32, 32, 32, 3, 1, 1, 1, 1, 1.25),
    ("conv3x3_s2", 32, 64, 128, 56, 3, 2, 1, 1, 1, 1.0),
    ("conv1x1_256_64", 32, 256, 64, 56, 1, 1, 0, 1, 1, 1.0),
    ("conv1x1_64_256", 32, 64, 256, 56, 1, 1, 0, 1, 1, 1.0),
    ("conv_cifar_first", 128, 3, 64, 32, 3, 1, 1, 1, 1, None),
    ("conv5x5_lenet", 64, 6, 16, 14, 5, 1, 0, 1, 1, None),
    ("conv_depthwise", 32, 128, 128, 28, 3, 1, 1, 128, 1, 1 / 1.5),
    ("conv3x3_8", 64, 64, 64, 8, 3, 1, 1, 1, 1, None),                 # ResNet-20's last stage
    ("conv3x3_dilated", 8, 256, 256, 33, 3, 1, 2, 1, 2, None),         # an ASPP branch
]
# name, model builder, batch
NETS = [
    ("resnet8_b64", lambda nn: conv_nets.cifar_resnet(nn, 8), 64),
    ("resnet8_b128", lambda nn: conv_nets.cifar_resnet(nn, 8), 128),
    ("resnet20_b64", lambda nn: conv_nets.cifar_resnet(nn, 20), 64),
    ("resnet20_b128", lambda nn: conv_nets.cifar_resnet(nn, 20), 128),
    ("separable_block", lambda nn: conv_nets.separable_block(nn, 128, 128), 32),
]
# name, batch, channels, size: BatchNorm2d in training mode, forward + input, weight and bias gradients
NORMS = [
    ("batchnorm2d_16", 64, 16, 32),
    ("batchnorm2d_64", 32, 64, 56),
]
QUICK_LAYERS = ("conv3x3_28", "conv3x3_s2", "conv1x1_64_256", "conv_depthwise")
QUICK_NORMS = ("batchnorm2d_16",)
QUICK_NETS = ("resnet8_b64",)
LR = 0.01


def layer_operands(batch, cin, cout, size, k, groups):
    """Fixed random float32 input, weight and output gradient for one layer row."""
    rng = np.random.default_rng(0)
    x = rng.standard_normal((batch, cin, size, size)).astype(np.float32)
    w = (rng.standard_normal((cout, cin // groups, k, k)) * 0.05).astype(np.float32)
    return x, w


def _extra_memory(step):
    """Peak bytes one call of `step` allocates (tracemalloc), after a warm-up call."""
    step()
    tracemalloc.start()
    try:
        step()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def _layer_ours(device, shape):
    batch, cin, cout, size, k, stride, padding, groups, *dilation = shape
    dilation = dilation[0] if dilation else 1
    ag, _, F, sync = load_deepgrad(device)
    x, w = layer_operands(batch, cin, cout, size, k, groups)
    x, w = (ag.tensor(a, device=device, requires_grad=True) for a in (x, w))
    gy = None

    def step():
        nonlocal gy
        x.grad = w.grad = None
        y = F.conv2d(x, w, stride=stride, padding=padding, groups=groups, dilation=dilation)
        gy = ag.ones_like(y) if gy is None else gy
        y.backward(gy)
    side = Side(step=step, sync=sync)
    side.details["peak_extra_bytes"] = _extra_memory(step)
    return side


def _layer_torch(device, threads, shape):
    batch, cin, cout, size, k, stride, padding, groups, *dilation = shape
    dilation = dilation[0] if dilation else 1
    torch, tdev, sync = load_torch(device, threads)
    x, w = (torch.from_numpy(a).to(tdev).requires_grad_() for a in layer_operands(batch, cin, cout, size, k, groups))
    gy = None

    def step():
        nonlocal gy
        x.grad = w.grad = None
        y = torch.nn.functional.conv2d(x, w, stride=stride, padding=padding, groups=groups, dilation=dilation)
        gy = torch.ones_like(y) if gy is None else gy
        y.backward(gy)
    return Side(step=step, sync=sync)


def norm_operands(batch, channels, size):
    """Fixed random float32 input (mean 1, std 2) and output gradient for one BatchNorm2d row."""
    rng = np.random.default_rng(0)
    x = (1 + 2 * rng.standard_normal((batch, channels, size, size))).astype(np.float32)
    return x, rng.standard_normal(x.shape).astype(np.float32)


def _norm_ours(device, batch, channels, size):
    ag, nn, _, sync = load_deepgrad(device)
    x, gy = norm_operands(batch, channels, size)
    layer = nn.BatchNorm2d(channels).to(device)
    x, gy = ag.tensor(x, device=device, requires_grad=True), ag.tensor(gy, device=device)

    def step():
        x.grad = layer.weight.grad = layer.bias.grad = None
        layer(x).backward(gy)
    side = Side(step=step, sync=sync)
    side.details["peak_extra_bytes"] = _extra_memory(step)
    return side


def _norm_torch(device, threads, batch, channels, size):
    torch, tdev, sync = load_torch(device, threads)
    x, gy = norm_operands(batch, channels, size)
    layer = torch.nn.BatchNorm2d(channels).to(tdev)
    x, gy = torch.from_numpy(x).to(tdev).requires_grad_(), torch.from_numpy(gy).to(tdev)

    def step():
        x.grad = layer.weight.grad = layer.bias.grad = None
        layer(x).backward(gy)
    return Side(step=step, sync=sync)


def _net_data(batch):
    rng = np.random.default_rng(0)
    return rng.standard_normal((batch, 3, 32, 32)).astype(np.float32), rng.integers(0, 10, batch).astype(np.int64)


def _net_ours(device, build, batch, data_size):
    data = _net_data(batch)
    if data_size != 32:
        data = (np.random.default_rng(0).standard_normal((batch, 128, data_size, data_size)).astype(np.float32),
                data[1])
    side = classifier_step.ours(device, build, data, LR)
    side.details["peak_extra_bytes"] = _extra_memory(side.step)
    return side


def _net_torch(device, threads, build, batch, data_size):
    data = _net_data(batch)
    if data_size != 32:
        data = (np.random.default_rng(0).standard_normal((batch, 128, data_size, data_size)).astype(np.float32),
                data[1])
    return classifier_step.torch(device, threads, build, data, LR)


def conv_flop(batch, cin, cout, size, k, stride, padding, groups, dilation=1):
    """Multiply-adds x 2 of one forward + input gradient + weight gradient, as direct convolution counts them."""
    out = (size + 2 * padding - dilation * (k - 1) - 1) // stride + 1
    return 3 * 2.0 * batch * cout * out * out * (cin // groups) * k * k


def cases(device, config):
    """The `convs` rows on `device` (--quick: four layers at batch 8, one BatchNorm2d row, ResNet-8 at batch 16)."""
    rows = []
    for name, batch, cin, cout, size, k, stride, padding, groups, dilation, goal in LAYERS:
        if config.quick and name not in QUICK_LAYERS:
            continue
        batch = 8 if config.quick else batch
        shape = (batch, cin, cout, size, k, stride, padding, groups, dilation)
        flop = conv_flop(*shape)
        rows.append(Case(name, device, "GFLOP/s",
                         {OURS: lambda shape=shape: _layer_ours(device, shape),
                          "torch": lambda shape=shape: _layer_torch(device, config.threads, shape)},
                         convert=lambda seconds, flop=flop: flop / seconds / 1e9, higher_is_better=True,
                         goal=Goal(goal, op=">=") if goal else None,
                         note=f"b{batch} {cin}->{cout} {size}x{size} k{k} s{stride} p{padding}"
                              + (f" g{groups}" if groups > 1 else "") + (f" d{dilation}" if dilation > 1 else "")))
    for name, batch, channels, size in NORMS:
        if config.quick and name not in QUICK_NORMS:
            continue
        rows.append(Case(name, device, "ms/step",
                         {OURS: lambda b=batch, c=channels, s=size: _norm_ours(device, b, c, s),
                          "torch": lambda b=batch, c=channels, s=size: _norm_torch(device, config.threads, b, c, s)},
                         goal=Goal(1.0), note=f"b{batch} {channels}ch {size}x{size}, BatchNorm2d training fwd+bwd"))
    for name, build, batch in NETS:
        if config.quick and name not in QUICK_NETS:
            continue
        batch = 16 if config.quick else batch
        size = 28 if name == "separable_block" else 32
        rows.append(Case(name, device, "ms/step",
                         {OURS: lambda build=build, batch=batch, size=size: _net_ours(device, build, batch, size),
                          "torch": lambda build=build, batch=batch, size=size: _net_torch(
                              device, config.threads, build, batch, size)},
                         goal=Goal(1.0), note=f"batch {batch}, SGD training step"))
    return rows
