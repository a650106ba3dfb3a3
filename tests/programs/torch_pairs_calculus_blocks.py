"""Index construction and discrete calculus in float64: packing a covariance into its lower triangle with
torch.tril_indices / triu_indices at several offsets (and rebuilding it), all pairwise interactions of features
through torch.combinations (with_replacement, r=3) and a grid through torch.cartesian_prod, a block-diagonal
multi-task weight from torch.block_diag (mixed shapes, a 1-D block, a 0-d block) and a Kronecker-factored layer
through torch.kron, finite differences with torch.diff (n=2, prepend / append, dim=0) and torch.gradient (scalar,
list and coordinate spacing, edge_order=2, several dims), and areas with torch.trapezoid / cumulative_trapezoid
(dx, x, dim), with gradients through each differentiable step.
"""
import numpy as np
import torch


def main():
    rng = np.random.default_rng(31)
    torch.set_printoptions(precision=5)
    a = torch.tensor(rng.normal(size=(4, 4)), dtype=torch.float64)
    cov = a @ a.T
    tri = torch.tril_indices(4, 4)
    print("tril_indices", tri)
    packed = cov[tri[0], tri[1]]
    print("packed", packed)
    full = torch.zeros(4, 4, dtype=torch.float64)
    full[tri[0], tri[1]] = packed
    full = full + full.T - torch.diag(full.diagonal())
    print("rebuilt", torch.allclose(full, cov))
    print("tril offset -1", torch.tril_indices(3, 5, offset=-1).tolist())
    print("triu offset 2", torch.triu_indices(4, 6, offset=2).tolist())
    print("triu offset -2", torch.triu_indices(3, 3, -2).shape, torch.triu_indices(3, 3, -2, dtype=torch.int32).dtype)

    feats = torch.tensor(rng.normal(size=5), dtype=torch.float64, requires_grad=True)
    pairs = torch.combinations(feats)
    print("pairs", pairs.shape, pairs[:3])
    inter = pairs.prod(dim=1)
    print("pairwise products", inter)
    triples = torch.combinations(torch.arange(4), r=3)
    print("triples", triples.tolist())
    print("with replacement", torch.combinations(torch.tensor([1, 2, 3]), with_replacement=True).tolist())
    inter.sum().backward()
    print("feature grad", feats.grad)
    grid = torch.cartesian_prod(torch.tensor([0.0, 0.5, 1.0], dtype=torch.float64),
                                torch.tensor([-1.0, 1.0], dtype=torch.float64))
    print("grid", grid.shape, grid.T)
    print("1 input", torch.cartesian_prod(torch.tensor([4, 5])))

    w1 = torch.tensor(rng.normal(size=(2, 3)), dtype=torch.float64, requires_grad=True)
    w2 = torch.tensor(rng.normal(size=(1, 2)), dtype=torch.float64, requires_grad=True)
    bd = torch.block_diag(w1, w2, torch.tensor([7.0, 8.0], dtype=torch.float64), torch.tensor(9.0, dtype=torch.float64))
    print("block_diag", bd.shape)
    print(bd)
    x = torch.tensor(rng.normal(size=(3, 8)), dtype=torch.float64)
    out = x @ bd.T
    (out ** 2).sum().backward()
    print("block grads", w1.grad, w2.grad)
    print("int blocks", torch.block_diag(torch.tensor([[1, 2]]), torch.tensor([[3], [4]])).tolist())

    A = torch.tensor(rng.normal(size=(2, 2)), dtype=torch.float64, requires_grad=True)
    B = torch.tensor(rng.normal(size=(3, 2)), dtype=torch.float64, requires_grad=True)
    K = torch.kron(A, B)
    print("kron", K.shape, K[0])
    v = torch.tensor(rng.normal(size=4), dtype=torch.float64)
    y = K @ v
    y.pow(2).sum().backward()
    print("kron grads", A.grad, B.grad.sum().item())
    print("kron 1d x 2d", torch.kron(torch.tensor([1.0, 2.0]), torch.eye(2)).tolist())

    t = torch.tensor(rng.normal(size=7).cumsum(), dtype=torch.float64, requires_grad=True)
    print("diff", torch.diff(t))
    print("diff n=2", torch.diff(t, n=2))
    zero = torch.zeros(1, dtype=torch.float64)
    d = torch.diff(t, prepend=zero, append=t[-1:].detach() * 2)
    print("prepend/append", d)
    d.pow(2).sum().backward()
    print("diff grad", t.grad)
    m = torch.tensor(rng.integers(0, 9, (3, 4)))
    print("diff dim0 int", torch.diff(m, dim=0).tolist())

    xs = torch.tensor([0.0, 0.5, 1.5, 3.0, 5.0], dtype=torch.float64)
    f = xs ** 2
    print("gradient unit", torch.gradient(f))
    print("gradient spacing 0.5", torch.gradient(f, spacing=0.5))
    print("gradient coords", torch.gradient(f, spacing=(xs,)))
    print("gradient edge_order=2", torch.gradient(f, spacing=(xs,), edge_order=2))
    img = torch.tensor(rng.normal(size=(4, 5)), dtype=torch.float64)
    gy, gx = torch.gradient(img, spacing=[2.0, 1.0])
    print("image gradients", gy[0], gx[:, 0])
    print("dim=1 only", torch.gradient(img, dim=1)[0][1])

    ts = torch.tensor([0.0, 0.2, 0.5, 0.9, 1.0], dtype=torch.float64)
    ys = torch.tensor(rng.normal(size=(2, 5)), dtype=torch.float64, requires_grad=True)
    print("trapezoid x", torch.trapezoid(ys, ts))
    print("trapezoid dx", torch.trapezoid(ys, dx=0.25))
    print("trapezoid dim0", torch.trapezoid(ys, dim=0))
    ct = torch.cumulative_trapezoid(ys, ts)
    print("cumulative", ct)
    print("cumulative dx", torch.cumulative_trapezoid(ys, dx=2.0, dim=1)[1])
    (torch.trapezoid(ys, ts).sum() + ct.sum()).backward()
    print("area grad", ys.grad)
