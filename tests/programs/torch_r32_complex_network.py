"""A complex-valued network fitted to a frequency response, complex128: complex nn.Linear weights (dtype=
torch.cdouble), torch.polar / view_as_real / view_as_complex / angle / abs / sgn / conj_physical, a modReLU
activation, complex matmul, einsum and cumsum, the Wirtinger gradients PyTorch gives a real loss of complex
parameters (printed as complex numbers), torch.autograd.grad of a holomorphic-free function, and Adam stepping
complex parameters a few times."""
import torch
import torch.nn as nn


class ModReLU(nn.Module):
    def __init__(self, n):
        super().__init__()
        self.b = nn.Parameter(torch.full((n,), -0.1, dtype=torch.float64))

    def forward(self, z):
        mag = z.abs()
        return torch.relu(mag + self.b) * z / (mag + 1e-9)


def main():
    torch.manual_seed(23)
    cd = torch.complex128
    w = torch.linspace(0.1, 3.0, 24, dtype=torch.float64)
    h_true = 1.0 / (1 + 1j * w / 0.8) * torch.exp(-0.3j * w)
    print("target", h_true.dtype, h_true[:2].numpy().round(6))
    feats = torch.stack([w, w ** 2, torch.sin(w)], 1).to(cd)
    net = nn.Sequential(nn.Linear(3, 8, dtype=cd), ModReLU(8), nn.Linear(8, 1, dtype=cd))
    print("weight", net[0].weight.dtype, net[0].weight[0].detach().numpy().round(6))
    opt = torch.optim.Adam(net.parameters(), lr=0.02)
    for step in range(5):
        opt.zero_grad()
        pred = net(feats).squeeze(1)
        err = pred - h_true
        loss = (err.abs() ** 2).mean() + 0.1 * (torch.angle(pred * h_true.conj()) ** 2).mean()
        loss.backward()
        opt.step()
        print("step", step, round(loss.item(), 10), net[2].bias.grad.numpy().round(8), net[1].b.grad[:3].numpy().round(8))

    r = torch.tensor([1.0, 2.0, 0.5], dtype=torch.float64, requires_grad=True)
    th = torch.tensor([0.3, -1.2, 2.0], dtype=torch.float64, requires_grad=True)
    z = torch.polar(r, th)
    print("polar", z.detach().numpy().round(8), z.grad_fn.name())
    vr = torch.view_as_real(z)
    (vr[:, 0] * 2 + vr[:, 1] ** 2).sum().backward()
    print("polar grads", r.grad.numpy().round(8), th.grad.numpy().round(8))
    a = torch.randn(3, dtype=cd, requires_grad=True)
    s = torch.sgn(a)
    c = a.conj_physical()
    loss = (s * c).real.sum() + torch.view_as_real(a.cumsum(0)).pow(2).sum()
    (ga,) = torch.autograd.grad(loss, a)
    print("sgn/conj", s.detach().numpy().round(8), ga.numpy().round(8), s.grad_fn.name())
    M = torch.randn(3, 3, dtype=cd, requires_grad=True)
    v = torch.view_as_complex(torch.randn(3, 2, dtype=torch.float64))
    e = torch.einsum("ij,j->i", M, v)
    q = (M @ M.mH).diagonal().real.sum() + (e * e.conj()).real.sum()
    q.backward()
    print("einsum grad", M.grad[0].numpy().round(8), e.grad_fn.name())
    print("abs/angle", e.abs().detach().numpy().round(8), e.angle().detach().numpy().round(8))
