"""Constrained weights through torch.nn.utils.parametrizations and parametrize (float64): orthogonal with each
orthogonal_map (matrix_exp, cayley, householder) on square, wide and tall weights, use_trivialization=False,
assigning an orthogonal matrix through right_inverse; spectral_norm with n_power_iterations and its u/v buffers
in the state_dict, eval mode freezing the power iteration; weight_norm's original0/original1; a user
parametrization with right_inverse registered on a bias, unsafe=True, and a recurrent model trained with them."""
import torch
import torch.nn as nn
import torch.nn.utils.parametrize as parametrize
from torch.nn.utils.parametrizations import orthogonal, spectral_norm, weight_norm


def r(t, digits=8):
    return [round(v, digits) for v in t.detach().reshape(-1).tolist()]


class Positive(nn.Module):
    def forward(self, x):
        return torch.nn.functional.softplus(x)

    def right_inverse(self, y):
        return torch.log(torch.expm1(y))


def main():
    torch.manual_seed(4)
    d = torch.float64
    for shape in [(4, 4), (3, 5), (5, 3)]:
        for omap in ["matrix_exp", "cayley", "householder"]:
            lin = nn.Linear(shape[1], shape[0]).double()
            orthogonal(lin, orthogonal_map=omap)
            W = lin.weight
            gram = W @ W.T if shape[0] <= shape[1] else W.T @ W
            (g,) = torch.autograd.grad(lin(torch.ones(2, shape[1], dtype=d)).pow(2).sum(), lin.parametrizations.weight.original)
            print("orthogonal", shape, omap, f"{(gram - torch.eye(min(shape), dtype=d)).abs().max().item() < 1e-10}",
                  tuple(lin.parametrizations.weight.original.shape), r(W[0], 6), r(g[0, :2], 6))
    lin = nn.Linear(3, 3).double()
    orthogonal(lin, orthogonal_map="householder", use_trivialization=False)
    q, _ = torch.linalg.qr(torch.randn(3, 3, dtype=d))
    with torch.no_grad():
        lin.weight = q
    print("assign orthogonal", (lin.weight - q).abs().max().item() < 1e-12, sorted(lin.state_dict()))

    conv = nn.Conv1d(2, 3, 3).double()
    spectral_norm(conv, n_power_iterations=3)
    x = torch.randn(2, 2, 8, dtype=d)
    for i in range(3):
        y = conv(x)
        print("spectral train", i, r(torch.linalg.matrix_norm(conv.weight.reshape(3, -1), 2), 10), r(conv.parametrizations.weight[0]._u, 6))
    conv.eval()
    w1 = conv.weight.clone()
    w2 = conv.weight.clone()
    print("spectral eval", (w1 - w2).abs().max().item(), sorted(conv.state_dict()))
    sd = conv.state_dict()
    conv2 = nn.Conv1d(2, 3, 3).double()
    spectral_norm(conv2, n_power_iterations=3)
    conv2.load_state_dict(sd)
    conv2.eval()
    print("spectral load", (conv2(x) - conv.eval()(x)).abs().max().item() < 1e-12)

    wn = weight_norm(nn.Linear(4, 2).double(), dim=0)
    g0, v0 = wn.parametrizations.weight.original0, wn.parametrizations.weight.original1
    print("weight_norm", tuple(g0.shape), tuple(v0.shape), r(g0), r(wn.weight.norm(dim=1) - g0.reshape(-1), 10))
    wn1 = weight_norm(nn.Linear(4, 2).double(), dim=None)
    print("weight_norm dim None", tuple(wn1.parametrizations.weight.original0.shape), r(wn1.parametrizations.weight.original0))

    rnn = nn.RNN(3, 4, batch_first=True).double()
    orthogonal(rnn, "weight_hh_l0")
    lin_out = nn.Linear(4, 1).double()
    parametrize.register_parametrization(lin_out, "bias", Positive())
    with torch.no_grad():
        lin_out.bias = torch.tensor([0.25], dtype=d)
    print("positive bias", r(lin_out.bias), r(lin_out.parametrizations.bias.original))
    parametrize.register_parametrization(lin_out, "weight", nn.Identity(), unsafe=True)
    print("stacked", parametrize.is_parametrized(lin_out), parametrize.is_parametrized(lin_out, "weight"), len(lin_out.parametrizations.weight))
    params = list(rnn.parameters()) + list(lin_out.parameters())
    opt = torch.optim.Adam(params, lr=0.05)
    seq = torch.randn(5, 6, 3, dtype=d)
    target = seq.sum((1, 2)).unsqueeze(1) * 0.1
    for step in range(5):
        out, h = rnn(seq)
        loss = ((lin_out(out[:, -1]) - target) ** 2).mean()
        opt.zero_grad()
        loss.backward()
        opt.step()
        whh = rnn.weight_hh_l0
        print("rnn", step, f"{loss.item():.10f}", f"{(whh @ whh.T - torch.eye(4, dtype=d)).abs().max().item() < 1e-10}", r(lin_out.bias))
    with parametrize.cached():
        a = rnn.weight_hh_l0
        b = rnn.weight_hh_l0
        print("cached", a is b)
    parametrize.remove_parametrizations(rnn, "weight_hh_l0", leave_parametrized=True)
    print("removed", parametrize.is_parametrized(rnn), r(rnn.weight_hh_l0[0], 6))


main()
