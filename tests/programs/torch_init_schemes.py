"""Weight-initialisation schemes as model code uses them, checked by the properties that do not depend on the
random stream: calculate_gain for every nonlinearity, fan-in / fan-out of linear and conv weights, the bounds
kaiming_uniform_ / xavier_uniform_ respect (mode fan_in / fan_out, leaky_relu slope), orthogonal_ with a gain on
tall and wide matrices and conv kernels, sparse_ zeros per column, trunc_normal_ bounds, eye_ / dirac_ /
constant_ identities (a dirac conv passes its input through, with groups), and the default nn.Linear / Conv2d
init bounds. Float32 (float64 for the orthogonality checks).
"""
import math

import torch
import torch.nn as nn


def main():
    torch.manual_seed(0)
    for name, param in (("linear", None), ("conv2d", None), ("sigmoid", None), ("tanh", None), ("relu", None),
                        ("leaky_relu", None), ("leaky_relu", 0.2), ("selu", None)):
        print(f"gain {name} {param}: {nn.init.calculate_gain(name, param):.6f}")
    for shape in ((5, 3), (8, 4, 3, 3), (6, 2, 5), (2, 3, 2, 2, 2)):
        w = torch.empty(shape)
        fan_in, fan_out = nn.init._calculate_fan_in_and_fan_out(w)
        print("fans", shape, fan_in, fan_out)
    w = torch.empty(64, 48)
    for mode in ("fan_in", "fan_out"):
        for nl, a in (("relu", 0), ("leaky_relu", 0.1), ("linear", 0)):
            nn.init.kaiming_uniform_(w, a=a, mode=mode, nonlinearity=nl)
            fan = 48 if mode == "fan_in" else 64
            bound = nn.init.calculate_gain(nl, a) * math.sqrt(3.0 / fan)
            print(f"kaiming {mode} {nl}: within bound {bool(w.abs().max() <= bound)} bound {bound:.6f}")
    nn.init.xavier_uniform_(w, gain=nn.init.calculate_gain("tanh"))
    print("xavier bound respected:", bool(w.abs().max() <= 5 / 3 * math.sqrt(6 / (64 + 48))))
    for shape in ((6, 4), (4, 6), (5, 2, 3, 1)):
        q = torch.empty(shape, dtype=torch.float64)
        nn.init.orthogonal_(q, gain=2.0)
        flat = q.reshape(shape[0], -1)
        small = flat @ flat.T if flat.shape[0] <= flat.shape[1] else flat.T @ flat
        print("orthogonal", shape, "gram = 4 I:", torch.allclose(small, 4 * torch.eye(small.shape[0], dtype=torch.float64)))
    s = torch.empty(10, 6)
    nn.init.sparse_(s, sparsity=0.3, std=0.5)
    print("sparse zeros per column:", (s == 0).sum(0))
    tn = torch.empty(2000)
    nn.init.trunc_normal_(tn, mean=0.5, std=1.0, a=-0.5, b=1.0)
    print("trunc_normal within [a, b]:", bool(tn.min() >= -0.5), bool(tn.max() <= 1.0))
    e = torch.empty(3, 5)
    nn.init.eye_(e)
    print("eye_:", e)
    nn.init.constant_(e, 0.25)
    print("constant_ sum:", e.sum().item())
    d = torch.empty(4, 2, 3, 3)
    nn.init.dirac_(d, groups=2)
    x = torch.arange(2 * 2 * 4 * 4, dtype=torch.float32).reshape(2, 2, 4, 4) / 10
    y = nn.functional.conv2d(x.repeat(1, 2, 1, 1)[:, :2], d[:2], padding=1)
    print("dirac nonzeros:", d.nonzero().tolist())
    print("dirac conv identity:", torch.equal(y, x))
    d1 = torch.empty(3, 3, 5)
    nn.init.dirac_(d1)
    print("dirac 1d centre taps:", d1[:, :, 2])
    lin = nn.Linear(20, 7)
    print("linear default bound:", bool(lin.weight.abs().max() <= 1 / math.sqrt(20)), bool(lin.bias.abs().max() <= 1 / math.sqrt(20)))
    conv = nn.Conv2d(3, 5, 3)
    print("conv default bound:", bool(conv.weight.abs().max() <= 1 / math.sqrt(27)))
    nn.init.zeros_(conv.bias)
    nn.init.ones_(lin.bias)
    print("zeros_/ones_:", conv.bias.sum().item(), lin.bias.sum().item())
    emb = nn.Embedding(6, 3, padding_idx=2)
    print("embedding padding row zero:", emb.weight[2])
    with torch.no_grad():
        nn.init.uniform_(emb.weight, -0.1, 0.1)
    print("uniform_ bounds:", bool(emb.weight.abs().max() <= 0.1))
    u = nn.init.normal_(torch.empty(3), mean=5.0, std=0.0)
    print("normal_ with std 0:", u)
