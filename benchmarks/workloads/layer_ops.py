"""Single layer ops people train with, forward + backward on one activation-sized input, each a row:
pooling, activations, normalisations, losses and interpolation. A sweep of such ops found several at
3-14x PyTorch's time (global average pooling, leaky_relu and elu through np.where, softplus through
np.logaddexp, group norm as reductions); these rows keep them in view."""
import numpy as np

from ..case import OURS, Case, Side
from ..sides import load_deepgrad, load_torch

#: the shapes: an image batch and a sequence batch (about 1-2M float32 elements each)
IMAGES = (32, 64, 32, 32)
SEQUENCES = (32, 128, 256)


def _ops(F, lib):
    """name -> (input shape, function of one input tensor giving the output to differentiate), written
    once for deepgrad's nn.functional and torch.nn.functional (`lib`: the library's top module)."""
    return {
        "op_global_avg_pool": (IMAGES, lambda x: F.adaptive_avg_pool2d(x, 1)),
        "op_max_pool2d": (IMAGES, lambda x: F.max_pool2d(x, 2)),
        "op_leaky_relu": (SEQUENCES, lambda x: F.leaky_relu(x, 0.2)),
        "op_elu": (SEQUENCES, lambda x: F.elu(x)),
        "op_gelu": (SEQUENCES, lambda x: F.gelu(x)),
        "op_where": (SEQUENCES, lambda x: lib.where(x > 0, x, x * 0.1)),
        "op_layer_norm": (SEQUENCES, lambda x: F.layer_norm(x, (SEQUENCES[-1],))),
        "op_group_norm": (IMAGES, lambda x: F.group_norm(x, 8)),
        "op_instance_norm": (IMAGES, lambda x: F.instance_norm(x)),
        "op_softmax": (SEQUENCES, lambda x: F.softmax(x, -1)),
        "op_bce_with_logits": (SEQUENCES, lambda x: F.binary_cross_entropy_with_logits(x, (x > 0.5).float())),
        "op_interpolate_bilinear": (IMAGES, lambda x: F.interpolate(x, scale_factor=2, mode="bilinear")),
    }


def _input(shape):
    return np.random.default_rng(0).standard_normal(shape).astype(np.float32)


def _step(x, fn):
    def step():
        x.grad = None
        fn(x).sum().backward()
    return step


def build_ours(device, name):
    """deepgrad: forward + backward of op `name`."""
    ag, _, F, sync = load_deepgrad(device)
    shape, fn = _ops(F, ag)[name]
    return Side(step=_step(ag.tensor(_input(shape), device=device, requires_grad=True), fn), sync=sync)


def build_torch(device, threads, name):
    """PyTorch: forward + backward of op `name`."""
    torch, tdev, sync = load_torch(device, threads)
    shape, fn = _ops(torch.nn.functional, torch)[name]
    return Side(step=_step(torch.tensor(_input(shape), device=tdev, requires_grad=True), fn), sync=sync)


NAMES = tuple(_ops(None, None))


def cases(device, config):
    """One row per op in NAMES, ms per forward + backward (no goal: the sweep's watch list)."""
    return [Case(name, device, "ms/step",
                 {OURS: lambda name=name: build_ours(device, name),
                  "torch": lambda name=name: build_torch(device, config.threads, name)},
                 note="forward + backward, " + "x".join(map(str, _ops(None, None)[name][0])))
            for name in NAMES]
