"""torch.nn.init on the awkward shapes real models hand it, seeded by torch.manual_seed alone: orthogonal_ on
wide, tall and 4-D convolution weights with a gain, sparse_ with a fractional sparsity, trunc_normal_ with an
off-centre window, kaiming_normal_ / kaiming_uniform_ with fan_out and leaky_relu slopes, xavier with
calculate_gain for tanh / leaky_relu / selu, dirac_ with groups, eye_, uniform_ and normal_ with a
torch.Generator, and a custom init applied through Module.apply to a small conv net whose first outputs are
printed. Float32.
"""
import torch
import torch.nn as nn


def summary(name, t):
    print(f"{name:18s} {tuple(t.shape)} mean {t.mean().item():.6f} std {t.std().item():.6f} "
          f"first {[round(v, 5) for v in t.flatten()[:3].tolist()]}")


def init_weights(module):
    if isinstance(module, nn.Conv2d):
        nn.init.kaiming_normal_(module.weight, mode="fan_out", nonlinearity="relu")
        nn.init.zeros_(module.bias)
    elif isinstance(module, nn.BatchNorm2d):
        nn.init.ones_(module.weight)
        nn.init.constant_(module.bias, 0.1)
    elif isinstance(module, nn.Linear):
        nn.init.trunc_normal_(module.weight, std=0.02, a=-0.04, b=0.04)
        nn.init.constant_(module.bias, -0.01)


def main():
    torch.manual_seed(1717)
    wide = nn.init.orthogonal_(torch.empty(3, 7), gain=2.0)
    print("wide rows orthonormal", [[round(v, 4) for v in row] for row in (wide @ wide.T / 4).tolist()])
    summary("orthogonal wide", wide)
    tall = nn.init.orthogonal_(torch.empty(6, 2))
    print("tall columns orthonormal", [[round(v, 4) for v in row] for row in (tall.T @ tall).tolist()])
    summary("orthogonal tall", tall)
    summary("orthogonal conv", nn.init.orthogonal_(torch.empty(4, 2, 3, 3), gain=nn.init.calculate_gain("relu")))

    sparse = nn.init.sparse_(torch.empty(10, 6), sparsity=0.35, std=0.5)
    print("sparse zeros per column", (sparse == 0).sum(0).tolist())
    summary("sparse", sparse)

    summary("trunc_normal", nn.init.trunc_normal_(torch.empty(500), mean=0.5, std=1.0, a=0.0, b=1.5))
    t = nn.init.trunc_normal_(torch.empty(300), mean=0.0, std=2.0, a=-1.0, b=3.0)
    print("trunc window", round(t.min().item(), 4) >= -1.0, round(t.max().item(), 4) <= 3.0)
    summary("kaiming fan_out", nn.init.kaiming_normal_(torch.empty(16, 8, 3), mode="fan_out", nonlinearity="relu"))
    summary("kaiming leaky", nn.init.kaiming_uniform_(torch.empty(12, 5), a=0.2, nonlinearity="leaky_relu"))
    summary("kaiming fan_out u", nn.init.kaiming_uniform_(torch.empty(6, 4, 2, 2), mode="fan_out"))
    for nonlinearity, param in (("tanh", None), ("leaky_relu", 0.1), ("selu", None), ("sigmoid", None),
                                ("conv_transpose2d", None)):
        print("gain", nonlinearity, round(nn.init.calculate_gain(nonlinearity, param), 6))
    summary("xavier normal", nn.init.xavier_normal_(torch.empty(20, 10), gain=nn.init.calculate_gain("tanh")))
    summary("xavier uniform", nn.init.xavier_uniform_(torch.empty(3, 4, 5), gain=0.5))

    dirac = nn.init.dirac_(torch.empty(4, 2, 3, 3), groups=2)
    print("dirac nonzeros", dirac.nonzero().tolist())
    print("eye", nn.init.eye_(torch.empty(3, 5)).tolist())

    gen = torch.Generator().manual_seed(5)
    u1 = nn.init.uniform_(torch.empty(4), -2, 2, generator=gen)
    n1 = nn.init.normal_(torch.empty(4), 1.0, 0.1, generator=gen)
    print("with generator", [round(v, 5) for v in u1.tolist()], [round(v, 5) for v in n1.tolist()])
    print("global stream untouched", [round(v, 5) for v in torch.rand(3).tolist()])

    net = nn.Sequential(nn.Conv2d(3, 6, 3, padding=1), nn.BatchNorm2d(6), nn.ReLU(), nn.AdaptiveAvgPool2d(1),
                        nn.Flatten(), nn.Linear(6, 4))
    net.apply(init_weights)
    summary("net conv", net[0].weight)
    summary("net linear", net[5].weight)
    print("bn bias", net[1].bias.tolist())
    x = torch.randn(2, 3, 5, 5)
    with torch.no_grad():
        out = net(x)
    print("outputs", [[round(v, 5) for v in row] for row in out.tolist()])
    fan_in, fan_out = nn.init._calculate_fan_in_and_fan_out(net[0].weight)
    print("conv fans", fan_in, fan_out)
