"""torch.autograd.grad and torch.autograd.functional with their less common options, float64: per-row Jacobians
through is_grads_batched, allow_unused with and without materialize_grads, grad_outputs for a non-scalar output,
torch.autograd.backward with inputs= and grad_tensors, and jacobian / hessian / vjp / jvp / hvp / vhp with
create_graph, vectorize, strategy="forward-mode" and outer_jacobian_strategy, on a small physics-style energy.
"""
import numpy as np
import torch
from torch.autograd.functional import hessian, hvp, jacobian, jvp, vhp, vjp


def main():
    rng = np.random.default_rng(2205)
    torch.set_printoptions(precision=6)

    A = torch.tensor(rng.normal(size=(3, 3)), dtype=torch.float64)
    x = torch.tensor(rng.normal(size=3), dtype=torch.float64, requires_grad=True)
    y = torch.sin(A @ x) * x
    eye = torch.eye(3, dtype=torch.float64)
    J, = torch.autograd.grad(y, x, grad_outputs=eye, is_grads_batched=True, retain_graph=True)
    print("batched jacobian", J)
    print("matches jacobian()", torch.allclose(J, jacobian(lambda v: torch.sin(A @ v) * v, x.detach())))
    v = torch.tensor([1.0, -2.0, 0.5], dtype=torch.float64)
    g, = torch.autograd.grad(y, x, grad_outputs=v, retain_graph=True)
    print("vjp by grad_outputs", g)
    unused = torch.tensor(rng.normal(size=2), dtype=torch.float64, requires_grad=True)
    gx, gu = torch.autograd.grad(y.sum(), (x, unused), allow_unused=True, retain_graph=True)
    print("allow_unused", gx, gu)
    gx, gu = torch.autograd.grad(y.sum(), (x, unused), materialize_grads=True, retain_graph=True)
    print("materialize_grads", gu, gu.dtype, gu.requires_grad)
    try:
        torch.autograd.grad(y.sum(), (x, unused), retain_graph=True)
    except RuntimeError as e:
        print("unused error", "allow_unused=True" in str(e))

    w = torch.tensor(rng.normal(size=3), dtype=torch.float64, requires_grad=True)
    z = (w * x).sum() + (w ** 2).sum()
    torch.autograd.backward(z, inputs=[w])
    print("backward inputs=", w.grad, x.grad)
    out2 = torch.stack([(w * x).sum(), (w * w).prod()])
    torch.autograd.backward([out2], grad_tensors=[torch.tensor([1.0, 0.5], dtype=torch.float64)])
    print("backward grad_tensors", w.grad, x.grad)

    def energy(q, k):
        d = q[:, None] - q[None, :]
        return 0.5 * (k * q.pow(2)).sum() + torch.log1p(d.pow(2)).sum() * 0.25

    q = torch.tensor(rng.normal(size=4), dtype=torch.float64)
    k = torch.tensor(rng.uniform(0.5, 2.0, size=4), dtype=torch.float64)
    Jq, Jk = jacobian(energy, (q, k))
    print("jacobian tuple", Jq, Jk)
    force = lambda q: -jacobian(lambda p: energy(p, k), q, create_graph=True)
    F = force(q)
    print("force", F, F.requires_grad)
    Jv = jacobian(lambda q: torch.tanh(A[:, :2] @ q[:2]) * q[2:].sum(), q, vectorize=True)
    print("vectorize", Jv.shape, Jv[1])
    Jf = jacobian(lambda q: torch.tanh(A[:, :2] @ q[:2]) * q[2:].sum(), q, vectorize=True, strategy="forward-mode")
    print("forward-mode", torch.allclose(Jv, Jf))
    H = hessian(energy, (q, k))
    print("hessian blocks", H[0][0].shape, H[0][1].diagonal(), H[1][1].abs().sum())
    Hf = hessian(lambda q: energy(q, k), q, vectorize=True, outer_jacobian_strategy="forward-mode")
    print("hessian qq", Hf.detach())
    print("blocks agree", torch.allclose(Hf, H[0][0]))

    u = torch.tensor([0.5, -1.0, 2.0, 0.0], dtype=torch.float64)
    val, vj = vjp(lambda q: torch.sin(q) * q.sum(), q, u)
    print("vjp", val, vj)
    val, jv = jvp(lambda q: torch.sin(q) * q.sum(), q, u)
    print("jvp", jv)
    val, hv = hvp(lambda q: energy(q, k), q, u)
    print("hvp", val.item(), hv)
    val, vh = vhp(lambda q: energy(q, k), q, u)
    print("vhp == hvp (symmetric)", torch.allclose(vh, hv))
    qq = q.clone().requires_grad_()
    _, hv2 = hvp(lambda q: energy(q, k), qq, u, create_graph=True)
    (hv2 * u).sum().backward()
    print("third order through hvp", qq.grad)
    outs, vjs = vjp(lambda a, b: (a * b, a - b), (q, k), (u, torch.ones(4, dtype=torch.float64)))
    print("vjp two in two out", vjs[0], vjs[1])
    _, jvs = jvp(lambda a, b: a * b.exp(), (q, k), (u, u))
    print("jvp two inputs", jvs)
    print("jvp default v on scalar-input", jvp(lambda s: s ** 3, torch.tensor(2.0, dtype=torch.float64))[1])
    J0 = jacobian(lambda a: a.sum(), q, strict=False)
    print("scalar output jacobian", J0.shape, J0)


if __name__ == "__main__":
    main()
