"""torch.nn.utils.parametrize in depth, in float64: custom parametrizations (a symmetric matrix, a positive
bias through softplus with a right_inverse, a low-rank product whose right_inverse returns two tensors, so
the module holds original0 / original1), two stacked on one weight, parametrize.cached() reusing one weight
for several calls, is_parametrized / type_before_parametrizations, state_dict keys, the built-in orthogonal,
spectral_norm and weight_norm from nn.utils.parametrizations, training steps through all of them, and
remove_parametrizations with leave_parametrized=True and False.
"""
import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.nn.utils.parametrize as P
from torch.nn.utils.parametrizations import orthogonal, spectral_norm, weight_norm


class Symmetric(nn.Module):
    def forward(self, X):
        return X.triu() + X.triu(1).transpose(-1, -2)


class Positive(nn.Module):
    def forward(self, b):
        return F.softplus(b)

    def right_inverse(self, b):
        return b.expm1().log()


class LowRank(nn.Module):
    def __init__(self, rank):
        super().__init__()
        self.rank = rank

    def forward(self, U, V):
        return U @ V

    def right_inverse(self, W):
        U, S, Vh = torch.linalg.svd(W, full_matrices=False)
        r = self.rank
        return U[:, :r] * S[:r].sqrt(), S[:r].sqrt().unsqueeze(1) * Vh[:r]


class Scale(nn.Module):
    def forward(self, X):
        return 0.5 * X


def main():
    torch.manual_seed(0)
    dt = torch.float64
    lin = nn.Linear(4, 4).to(dt)
    P.register_parametrization(lin, "weight", Symmetric())
    P.register_parametrization(lin, "weight", Scale())
    P.register_parametrization(lin, "bias", Positive())
    print("parametrized", P.is_parametrized(lin), P.is_parametrized(lin, "bias"),
          P.type_before_parametrizations(lin).__name__)
    print("keys", list(lin.state_dict().keys()))
    print("symmetric", torch.equal(lin.weight, lin.weight.T), lin.weight.grad_fn.name())
    print("bias positive", lin.bias, lin.parametrizations.bias.original)
    lin.bias = torch.tensor([0.5, 1.0, 2.0, 3.0], dtype=dt)
    print("bias set through right_inverse", lin.bias, lin.parametrizations.bias.original)

    x = torch.randn(5, 4, dtype=dt)
    opt = torch.optim.SGD(lin.parameters(), lr=0.1)
    for step in range(3):
        opt.zero_grad()
        with P.cached():
            y = lin(x)
            y2 = lin(y)
            same = lin.weight is lin.weight
        loss = (y2 ** 2).mean()
        loss.backward()
        opt.step()
        print(f"step {step} loss {loss.item():.10f} cached {same} "
              f"|g original| {lin.parametrizations.weight.original.grad.norm().item():.10f}")
    print("outside cached", lin.weight is lin.weight)

    low = nn.Linear(5, 4, bias=False).to(dt)
    W0 = low.weight.detach().clone()
    P.register_parametrization(low, "weight", LowRank(2))
    print("low-rank originals", tuple(low.parametrizations.weight.original0.shape),
          tuple(low.parametrizations.weight.original1.shape), torch.linalg.matrix_rank(low.weight).item())
    print("best rank-2 error", (low.weight - W0).norm().item(), torch.linalg.svdvals(W0)[2:].norm().item())
    low(torch.randn(3, 5, dtype=dt)).sum().backward()
    print("U grad", low.parametrizations.weight.original0.grad[0])

    torch.manual_seed(1)
    q = orthogonal(nn.Linear(3, 3).to(dt))
    s = spectral_norm(nn.Linear(4, 3).to(dt))
    w = weight_norm(nn.Linear(3, 2).to(dt), dim=0)
    print("orthogonal", torch.allclose(q.weight @ q.weight.T, torch.eye(3, dtype=dt)))
    print("spectral sigma", torch.linalg.matrix_norm(s.weight, 2).item())
    print("weight_norm g", w.parametrizations.weight.original0.squeeze(1), w.weight.norm(dim=1))
    params = list(q.parameters()) + list(s.parameters()) + list(w.parameters())
    opt = torch.optim.Adam(params, lr=0.05)
    inp = torch.randn(6, 4, dtype=dt)
    target = torch.randn(6, 2, dtype=dt)
    for step in range(3):
        opt.zero_grad()
        out = w(torch.tanh(q(torch.tanh(s(inp)))))
        loss = F.mse_loss(out, target)
        loss.backward()
        opt.step()
        print(f"stack step {step} loss {loss.item():.10f} ortho err "
              f"{(q.weight @ q.weight.T - torch.eye(3, dtype=dt)).abs().max().item() < 1e-12}")

    kept = lin.weight.detach().clone()
    P.remove_parametrizations(lin, "weight", leave_parametrized=True)
    print("removed, kept value", torch.equal(lin.weight, kept), type(lin.weight).__name__,
          P.is_parametrized(lin, "weight"), P.is_parametrized(lin))
    orig = lin.parametrizations.bias.original.detach().clone()
    P.remove_parametrizations(lin, "bias", leave_parametrized=False)
    print("removed bias, original back", torch.equal(lin.bias, orig), P.is_parametrized(lin))
    print("keys after", list(lin.state_dict().keys()), type(lin).__name__)
    P.remove_parametrizations(w, "weight")
    print("weight_norm removed", list(w.state_dict().keys()), w.weight.norm(dim=1))


if __name__ == "__main__":
    main()
