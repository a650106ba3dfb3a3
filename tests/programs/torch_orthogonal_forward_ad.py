"""Orthogonality constraints and forward-mode derivatives, written for PyTorch the way orthogonal-RNN and
sensitivity code uses them; tests run it as is and with only its imports changed, and compare what both print.
nn.utils.parametrizations.orthogonal on a square recurrent weight (the default map) and with orthogonal_map
'cayley' and 'householder' on a tall Linear weight, Q^T Q = I checked after each optimiser step, the original
tensor kept under parametrizations.weight.original, and assignment through the parametrization; an orthogonal RNN
trained for a few Adam steps on a delayed-recall task, the norm of its hidden state preserved by the linear part;
then torch.autograd.forward_ad: make_dual / unpack_dual inside dual_level for a directional derivative of the model
output, compared with the double-backward trick and with torch.autograd.functional.jvp; and
torch.autograd.graph.saved_tensors_hooks packing saved activations to float16 and back, counted. Float64, data
from NumPy.
"""
import numpy as np
import torch
import torch.autograd.forward_ad as fwAD
import torch.nn as nn
import torch.nn.functional as F
from torch.nn.utils import parametrizations, parametrize


def orth_error(q):
    eye = torch.eye(q.shape[1], dtype=q.dtype)
    return (q.T @ q - eye).abs().max().item()


class OrthoRNN(nn.Module):
    def __init__(self, n_in, hidden, n_out):
        super().__init__()
        self.inp = nn.Linear(n_in, hidden, bias=False)
        self.rec = nn.Linear(hidden, hidden, bias=False)
        self.out = nn.Linear(hidden, n_out)

    def forward(self, x):
        h = torch.zeros(x.shape[0], self.rec.in_features, dtype=x.dtype)
        for t in range(x.shape[1]):
            h = torch.tanh(self.inp(x[:, t]) + self.rec(h))
        return self.out(h)


def main():
    torch.set_default_dtype(torch.float64)
    rng = np.random.default_rng(67)
    model = OrthoRNN(3, 6, 2)
    model.load_state_dict({k: torch.from_numpy(rng.normal(0, 0.4, tuple(v.shape)))
                           for k, v in model.state_dict().items()})
    parametrizations.orthogonal(model.rec)
    print("parametrized:", parametrize.is_parametrized(model.rec), [n for n, _ in model.rec.named_parameters()])
    w = model.rec.weight
    print("square orthogonal:", orth_error(w) < 1e-10, round(torch.linalg.det(w).item(), 6))

    tall = {}
    for mapping in ("cayley", "householder", "matrix_exp"):
        layer = nn.Linear(3, 5, bias=False)
        layer.weight.data = torch.from_numpy(rng.normal(0, 1, (5, 3)))
        parametrizations.orthogonal(layer, orthogonal_map=mapping)
        tall[mapping] = layer
        q = layer.weight
        print(f"{mapping}: shape {tuple(q.shape)} error<1e-10 {orth_error(q) < 1e-10} "
              f"original {tuple(layer.parametrizations.weight.original.shape)}")
    target = torch.from_numpy(np.linalg.qr(rng.normal(0, 1, (5, 3)))[0])
    layer = tall["householder"]
    layer.weight = target
    print("assigned through right_inverse:", torch.allclose(layer.weight, target, atol=1e-8),
          orth_error(layer.weight) < 1e-10)

    x = torch.from_numpy(rng.standard_normal((16, 5, 3)))
    y = torch.from_numpy(rng.standard_normal((16, 2)))
    y[:, 0] = x[:, 0, 0]
    opt = torch.optim.Adam(model.parameters(), lr=0.02)
    for step in range(5):
        opt.zero_grad()
        loss = F.mse_loss(model(x), y)
        loss.backward()
        opt.step()
        print(f"step {step}: loss {loss.item():.6f} orthogonal {orth_error(model.rec.weight) < 1e-9}")
    h = torch.from_numpy(rng.standard_normal((4, 6)))
    print("linear part keeps norms:", torch.allclose(model.rec(h).norm(dim=1), h.norm(dim=1)))

    model.eval()
    x0 = x[:2]
    direction = torch.from_numpy(rng.standard_normal(x0.shape))
    with fwAD.dual_level():
        dual = fwAD.make_dual(x0, direction)
        out = model(dual)
        primal, tangent = fwAD.unpack_dual(out)
    print("forward-mode tangent:", [round(v, 6) for v in tangent.flatten().tolist()])
    print("primal matches:", torch.allclose(primal, model(x0)))
    _, jvp_out = torch.autograd.functional.jvp(lambda inp: model(inp), x0, direction)
    xr = x0.clone().requires_grad_()
    out = model(xr)
    u = torch.zeros_like(out, requires_grad=True)
    (g,) = torch.autograd.grad(out, xr, u, create_graph=True)
    (double_back,) = torch.autograd.grad(g, u, direction)
    print("jvp agrees:", torch.allclose(tangent, jvp_out),
          "double-backward agrees:", torch.allclose(tangent, double_back))

    packed = []

    def pack(t):
        packed.append(tuple(t.shape))
        return t.to(torch.float16)

    def unpack(t):
        return t.to(torch.float64)

    a = torch.from_numpy(rng.standard_normal((3, 4))).requires_grad_()
    b = torch.from_numpy(rng.standard_normal((4, 2))).requires_grad_()
    with torch.autograd.graph.saved_tensors_hooks(pack, unpack):
        loss = torch.tanh(a @ b).pow(2).sum()
    loss.backward()
    packed_grad = a.grad.clone()
    a.grad = None
    torch.tanh(a @ b).pow(2).sum().backward()
    print("saved tensors packed:", len(packed) > 0, "float16 round trip changes the gradient:",
          not torch.equal(packed_grad, a.grad), "but only slightly:", torch.allclose(packed_grad, a.grad, atol=1e-2))
