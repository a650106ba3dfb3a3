"""The built-in parametrizations of torch.nn.utils.parametrizations in a small training script: orthogonal with each
orthogonal_map ("matrix_exp", "cayley", "householder") on square, wide and tall Linear weights (use_trivialization
on and off), weight_norm (original0 / original1 and the dim argument) and spectral_norm (n_power_iterations, the
u/v buffers of the parametrization module, eval mode), the module's printed form, parametrize.is_parametrized,
parametrize.cached() around repeated use, and remove_parametrizations with leave_parametrized; each model trained
a few Adam steps while its orthogonality error and norms are printed. Float32, weights from torch.manual_seed.
"""
import torch
import torch.nn as nn
import torch.nn.utils.parametrize as parametrize
from torch.nn.utils.parametrizations import orthogonal, spectral_norm, weight_norm


def ortho_error(w):
    if w.shape[0] >= w.shape[1]:
        gram = w.T @ w
    else:
        gram = w @ w.T
    return (gram - torch.eye(gram.shape[0])).abs().max().item()


def main():
    torch.manual_seed(1905)
    x = torch.randn(16, 4)
    target = torch.randn(16, 4)
    for orth_map in ["matrix_exp", "cayley", "householder"]:
        for shape, triv in [((4, 4), True), ((3, 4), True), ((4, 3), False)]:
            layer = nn.Linear(shape[1], shape[0], bias=False)
            orthogonal(layer, orthogonal_map=orth_map, use_trivialization=triv)
            head = nn.Linear(shape[0], 4, bias=False)
            opt = torch.optim.Adam(list(layer.parameters()) + list(head.parameters()), lr=0.05)
            first = None
            for _ in range(5):
                opt.zero_grad()
                loss = ((head(layer(x[:, :shape[1]])) - target) ** 2).mean()
                loss.backward()
                opt.step()
                first = loss.item() if first is None else first
            print(f"{orth_map:10s} {shape} triv={triv}: loss {first:.5f} -> {loss.item():.5f}, "
                  f"ortho err < 1e-5: {ortho_error(layer.weight.detach()) < 1e-5}")
    layer = nn.Linear(3, 3)
    orthogonal(layer)
    print(layer)
    print("keys", list(layer.state_dict().keys()))
    print("is parametrized", parametrize.is_parametrized(layer), parametrize.is_parametrized(layer, "bias"))

    conv = nn.Conv2d(2, 3, 3)
    weight_norm(conv, name="weight", dim=0)
    print("weight_norm shapes", conv.parametrizations.weight.original0.shape,
          conv.parametrizations.weight.original1.shape)
    print("g equals norms", torch.allclose(conv.parametrizations.weight.original0.flatten(),
                                           conv.weight.flatten(1).norm(dim=1)))
    lin = nn.Linear(5, 4)
    weight_norm(lin, dim=None)
    print("dim=None g", lin.parametrizations.weight.original0.shape, lin.parametrizations.weight.original0)
    opt = torch.optim.SGD(list(conv.parameters()) + list(lin.parameters()), lr=0.1)
    img = torch.randn(2, 2, 5, 5)
    for step in range(3):
        opt.zero_grad()
        loss = conv(img).pow(2).mean() + lin(torch.randn(3, 5)).abs().mean()
        loss.backward()
        opt.step()
        print(f"wn step {step}: loss {loss.item():.6f} g {conv.parametrizations.weight.original0.flatten()[:2]}")

    sn = nn.Linear(6, 5)
    spectral_norm(sn, n_power_iterations=3)
    print(sn)
    p = sn.parametrizations.weight[0]
    print("sn buffers", sorted(n for n, _ in p.named_buffers()), p._u.shape, p._v.shape)
    w_before = sn.weight
    print("sigma ~ 1", round(torch.linalg.matrix_norm(w_before.detach(), ord=2).item(), 3))
    opt = torch.optim.Adam(sn.parameters(), lr=0.01)
    data = torch.randn(8, 6)
    for step in range(3):
        opt.zero_grad()
        out = sn(data)
        loss = out.pow(2).mean()
        loss.backward()
        opt.step()
        print(f"sn step {step}: loss {loss.item():.6f} u {p._u[:2]}")
    sn.eval()
    with torch.no_grad():
        a = sn.weight.clone()
        b = sn.weight.clone()
    print("eval weights stable", torch.equal(a, b))

    with parametrize.cached():
        w1 = layer.weight
        w2 = layer.weight
        print("cached same object", w1 is w2)
    print("uncached same object", layer.weight is layer.weight)
    before = layer.weight.detach().clone()
    parametrize.remove_parametrizations(layer, "weight", leave_parametrized=True)
    print("removed", parametrize.is_parametrized(layer), torch.allclose(layer.weight, before),
          type(layer.weight).__name__)
    parametrize.remove_parametrizations(sn, "weight", leave_parametrized=False)
    print("original restored", sn.weight.shape, list(sn.state_dict().keys()))


if __name__ == "__main__":
    main()
