"""Derivatives beyond .backward() through torch.autograd.functional and torch.func, written for PyTorch the way
sensitivity-analysis and optimisation code uses them; tests run it as is and with only its imports changed, and
compare what both print. vjp and jvp of a two-input, two-output function (tuples in, tuples out, v given as
tuples), hvp and vhp of a Rosenbrock-like scalar (equal for a symmetric Hessian) with create_graph=True so the
product is differentiated again, jacobian with vectorize=True against the default loop and strategy='forward-mode',
hessian of a function of two inputs (the nested tuple of blocks), jacobian of a batched model output by
summing over the batch, and torch.func's jacrev / jacfwd / hessian / vmap giving the same numbers. Float64, data
from NumPy.
"""
import numpy as np
import torch
from torch.autograd.functional import hessian, hvp, jacobian, jvp, vhp, vjp
from torch.func import hessian as func_hessian, jacfwd, jacrev, vmap



def two_out(x, y):
    return torch.sin(x) * y.sum(), torch.outer(x, y).tanh()


def rosen(z):
    return (100 * (z[1:] - z[:-1] ** 2) ** 2 + (1 - z[:-1]) ** 2).sum()


def energy(a, b):
    return (a.exp() * b).sum() + (a @ b) ** 2


def r6(v):
    return [round(float(t), 6) for t in v.flatten().tolist()]


def main():
    torch.set_default_dtype(torch.float64)
    rng = np.random.default_rng(3)
    x = torch.from_numpy(rng.standard_normal(3))
    y = torch.from_numpy(rng.standard_normal(4))
    u = (torch.from_numpy(rng.standard_normal(3)), torch.from_numpy(rng.standard_normal((3, 4))))
    outs, (gx, gy) = vjp(two_out, (x, y), u)
    print("vjp outputs:", tuple(outs[0].shape), tuple(outs[1].shape), "grads:", r6(gx), r6(gy))
    t = (torch.from_numpy(rng.standard_normal(3)), torch.from_numpy(rng.standard_normal(4)))
    _, (jx, jy) = jvp(two_out, (x, y), t)
    print("jvp:", r6(jx), r6(jy[0]))
    print("<u, J t> = <J^T u, t>:", round((u[0] @ jx + (u[1] * jy).sum()).item(), 10),
          round((gx @ t[0] + gy @ t[1]).item(), 10))

    z = torch.tensor([0.5, -0.3, 1.2, 0.8])
    v = torch.tensor([1.0, 0.5, -0.5, 2.0])
    f_val, hv = hvp(rosen, z, v)
    _, vh = vhp(rosen, z, v)
    print("rosen:", round(f_val.item(), 6), "hvp:", r6(hv), "hvp == vhp:", torch.allclose(hv, vh))
    zg = z.clone().requires_grad_()
    _, hv_g = hvp(rosen, zg, v, create_graph=True)
    (third,) = torch.autograd.grad(hv_g.sum(), zg)
    print("d/dz sum(H v):", r6(third), hv_g.requires_grad)

    w = torch.from_numpy(rng.standard_normal((5, 3)))

    def model(inp):
        return torch.tanh(inp @ w.T)

    xs = torch.from_numpy(rng.standard_normal((2, 3)))
    j_loop = jacobian(model, xs)
    j_vec = jacobian(model, xs, vectorize=True)
    j_fwd = jacobian(model, xs, vectorize=True, strategy="forward-mode")
    print("jacobian:", tuple(j_loop.shape), torch.allclose(j_loop, j_vec), torch.allclose(j_loop, j_fwd))
    print("cross-sample blocks zero:", j_loop[0, :, 1].abs().max().item(), r6(j_loop[1, 0, 1]))
    j_batch = jacobian(lambda inp: model(inp).sum(0), xs)
    per_sample_blocks = j_loop.diagonal(dim1=0, dim2=2).permute(2, 0, 1)
    print("batched jacobian:", tuple(j_batch.shape), torch.allclose(j_batch.permute(1, 0, 2), per_sample_blocks))
    jt = jacobian(two_out, (x, y))
    print("tuple jacobian shapes:", [[tuple(b.shape) for b in row] for row in jt])

    a = torch.from_numpy(rng.standard_normal(3))
    b = torch.from_numpy(rng.standard_normal(3))
    (haa, hab), (hba, hbb) = hessian(energy, (a, b))
    print("hessian blocks:", tuple(haa.shape), torch.allclose(hab, hba.T), r6(hab[0]), r6(hbb.diagonal()))
    h_vec = hessian(energy, (a, b), vectorize=True, outer_jacobian_strategy="forward-mode")
    print("vectorized hessian:", torch.allclose(h_vec[0][1], hab), torch.allclose(h_vec[1][1], hbb))

    h_func = func_hessian(rosen)(z)
    print("func.hessian:", torch.allclose(h_func @ v, hv), r6(h_func[1]))
    jr = jacrev(model)(xs[0])
    jf = jacfwd(model)(xs[0])
    print("jacrev == jacfwd:", torch.allclose(jr, jf), torch.allclose(jr, j_loop[0, :, 0]))
    per_sample = vmap(jacrev(model))(xs)
    print("vmap(jacrev):", tuple(per_sample.shape), torch.allclose(per_sample[1], j_loop[1, :, 1]))
    gx2, gb2 = jacrev(energy, argnums=(0, 1))(a, b)
    print("argnums grads:", r6(gx2), r6(gb2))
