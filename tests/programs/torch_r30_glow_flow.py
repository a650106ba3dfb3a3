"""A Glow-style normalising flow on 2-D points and 4-channel images, in float64: ActNorm with data-dependent
initialisation, an invertible 1x1 convolution whose log-determinant comes from torch.linalg.slogdet (and its
LU-decomposed form through torch.linalg.lu / lu_factor + lu_unpack, with a masked strictly-triangular
parametrisation), affine coupling layers with a tanh-bounded scale, squeeze by pixel_unshuffle, the exact
inverse checked by round trips, log-likelihood in bits per dimension, and four Adam steps; slogdet's sign and
gradient through det, and the Jacobian log-determinant checked against torch.func.jacrev on one point.
"""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.func import jacrev


class ActNorm(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.loc = nn.Parameter(torch.zeros(1, c, 1, 1))
        self.log_scale = nn.Parameter(torch.zeros(1, c, 1, 1))
        self.register_buffer("initialized", torch.tensor(False))

    def forward(self, x):
        if not self.initialized:
            with torch.no_grad():
                self.loc.copy_(-x.mean((0, 2, 3), keepdim=True))
                self.log_scale.copy_(-x.std((0, 2, 3), keepdim=True).log())
                self.initialized.fill_(True)
        y = (x + self.loc) * self.log_scale.exp()
        return y, self.log_scale.sum() * x.shape[2] * x.shape[3]

    def inverse(self, y):
        return y * (-self.log_scale).exp() - self.loc


class InvConv(nn.Module):
    def __init__(self, c):
        super().__init__()
        w = torch.linalg.qr(torch.randn(c, c))[0]
        self.weight = nn.Parameter(w)

    def forward(self, x):
        logdet = torch.linalg.slogdet(self.weight)[1] * x.shape[2] * x.shape[3]
        return F.conv2d(x, self.weight.unsqueeze(-1).unsqueeze(-1)), logdet

    def inverse(self, y):
        return F.conv2d(y, torch.linalg.inv(self.weight).unsqueeze(-1).unsqueeze(-1))


class InvConvLU(nn.Module):
    def __init__(self, c):
        super().__init__()
        w = torch.linalg.qr(torch.randn(c, c))[0]
        P, L, U = torch.linalg.lu(w)
        self.register_buffer("P", P)
        self.register_buffer("sign_s", torch.sign(U.diagonal()))
        self.register_buffer("lower_mask", torch.tril(torch.ones(c, c), -1))
        self.L = nn.Parameter(L)
        self.U = nn.Parameter(torch.triu(U, 1))
        self.log_s = nn.Parameter(U.diagonal().abs().log())

    def weight(self):
        c = self.L.shape[0]
        L = self.L * self.lower_mask + torch.eye(c)
        U = self.U * self.lower_mask.T + torch.diag(self.sign_s * self.log_s.exp())
        return self.P @ L @ U

    def forward(self, x):
        return (F.conv2d(x, self.weight().unsqueeze(-1).unsqueeze(-1)),
                self.log_s.sum() * x.shape[2] * x.shape[3])


class Coupling(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.net = nn.Sequential(nn.Conv2d(c // 2, 8, 3, padding=1), nn.ReLU(), nn.Conv2d(8, c, 3, padding=1))

    def forward(self, x):
        xa, xb = x.chunk(2, 1)
        log_s, t = self.net(xa).chunk(2, 1)
        log_s = torch.tanh(log_s)
        return torch.cat([xa, xb * log_s.exp() + t], 1), log_s.flatten(1).sum(1)

    def inverse(self, y):
        ya, yb = y.chunk(2, 1)
        log_s, t = self.net(ya).chunk(2, 1)
        return torch.cat([ya, (yb - t) * torch.tanh(log_s).neg().exp()], 1)


def main():
    torch.manual_seed(0)
    torch.set_default_dtype(torch.float64)
    A = torch.randn(3, 3, requires_grad=True)
    sign, logabs = torch.linalg.slogdet(A)
    det = torch.linalg.det(A)
    print("slogdet", sign.item(), f"{logabs.item():.12f}", torch.allclose(sign * logabs.exp(), det))
    logabs.backward()
    print("d logabsdet / dA = inv(A).T", torch.allclose(A.grad, torch.linalg.inv(A).T), logabs.grad_fn.name())
    LU, piv = torch.linalg.lu_factor(A.detach())
    P, L, U = torch.lu_unpack(LU, piv)
    print("lu_unpack", torch.allclose(P @ L @ U, A.detach()), piv, U.diagonal().abs().log().sum().item())

    x = torch.randn(16, 1, 4, 4) * 0.5 + 0.2
    x = F.pixel_unshuffle(x, 2)
    print("squeezed", tuple(x.shape))
    layers = nn.ModuleList([ActNorm(4), InvConv(4), Coupling(4), ActNorm(4), InvConvLU(4), Coupling(4)])
    lu_layer = layers[4]
    print("lu weight orthogonal", torch.allclose(lu_layer.weight() @ lu_layer.weight().T, torch.eye(4)))
    opt = torch.optim.Adam(layers.parameters(), lr=0.01)
    dims = x[0].numel()
    for step in range(4):
        opt.zero_grad()
        z, logdet = x, torch.zeros(x.shape[0])
        for layer in layers:
            z, ld = layer(z)
            logdet = logdet + ld
        log_pz = -0.5 * (z ** 2 + math.log(2 * math.pi)).flatten(1).sum(1)
        nll = -(log_pz + logdet).mean()
        bpd = nll / (dims * math.log(2))
        nll.backward()
        opt.step()
        print(f"step {step} nll {nll.item():.10f} bpd {bpd.item():.10f} logdet {logdet.mean().item():.10f}")
    print("actnorm initialized", bool(layers[0].initialized), layers[0].log_scale.flatten())

    with torch.no_grad():
        z = x
        for layer in layers[:4]:
            z, _ = layer(z)
        back = z
        for layer in reversed(layers[:4]):
            back = layer.inverse(back)
        print("round trip", torch.allclose(back, x), (back - x).abs().max().item() < 1e-12)

    single = x[:1]

    def flow3(v):
        h = v.reshape(1, 4, 2, 2)
        for layer in layers[:3]:
            h, _ = layer(h)
        return h.flatten()

    J = jacrev(flow3)(single.flatten())
    _, ld_exact = torch.linalg.slogdet(J)
    z, total = single, torch.zeros(1)
    for layer in layers[:3]:
        z, ld = layer(z)
        total = total + ld
    print("jacobian logdet", f"{ld_exact.item():.10f}", f"{total.item():.10f}", torch.allclose(ld_exact, total))
    torch.set_default_dtype(torch.float32)


if __name__ == "__main__":
    main()
