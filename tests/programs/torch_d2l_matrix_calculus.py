"""Matrix-calculus identities checked with autograd, as linear-algebra-for-ML course notebooks do, written for PyTorch;
tests run it as is and with only its imports changed, and compare what both print. d/dx (a^T x) = a, d/dx (x^T A x)
= (A + A^T) x, d/dx ||x||^2 = 2x, d/dX tr(A X) = A^T, d/dX tr(X^T A X) = (A + A^T) X, d/dX log det X = X^{-T}, d/dX
||A X - B||_F^2 = 2 A^T (A X - B), d/dW of the softmax cross-entropy = X^T (P - Y) / n with one-hot Y built by
scatter_ into torch.zeros(size=...), the Jacobian of softmax diag(p) - p p^T assembled row by row with
torch.autograd.grad and compared with torch.autograd.functional.jacobian, the chain rule for a two-layer tanh
network written by hand (backprop with outer products and einsum) against autograd, and the gradient of the
sigmoid's log-likelihood for logistic regression; d2l's reductions spelled with NumPy's axis= / keepdims=
(A.cumsum(axis=0), A.sum(axis=[0, 1]), sort and unsqueeze by axis), which PyTorch accepts. Float64, data from NumPy.
"""
import numpy as np
import torch
import torch.nn.functional as F
from torch.autograd.functional import jacobian


def grad_of(fn, *xs):
    xs = [x.detach().clone().requires_grad_() for x in xs]
    return torch.autograd.grad(fn(*xs), xs)


def main():
    torch.set_default_dtype(torch.float64)
    rng = np.random.default_rng(15)
    n = 4
    a = torch.from_numpy(rng.normal(0, 1, n))
    x = torch.from_numpy(rng.normal(0, 1, n))
    A = torch.from_numpy(rng.normal(0, 1, (n, n)))
    X = torch.from_numpy(rng.normal(0, 1, (n, n)))
    B = torch.from_numpy(rng.normal(0, 1, (n, n)))

    print("d2l's reductions:", A.cumsum(axis=0)[-1].allclose(A.sum(axis=0)), round(A.sum(axis=[0, 1]).item(), 8),
          [round(v, 8) for v in A.mean(axis=0).tolist()], A.sort(axis=0).indices[0].tolist(),
          A.unsqueeze(axis=0).shape == (1, n, n), torch.ones(size=(2, 3)).sum(axis=1, keepdims=True).tolist())
    (g,) = grad_of(lambda x: a @ x, x)
    print("d(a.x)/dx = a:", torch.allclose(g, a), [round(v, 8) for v in g.tolist()])
    (g,) = grad_of(lambda x: x @ A @ x, x)
    print("d(x'Ax)/dx = (A + A')x:", torch.allclose(g, (A + A.T) @ x), [round(v, 8) for v in g.tolist()])
    (g,) = grad_of(lambda x: x.norm() ** 2, x)
    print("d||x||^2/dx = 2x:", torch.allclose(g, 2 * x))
    (g,) = grad_of(lambda X: torch.trace(A @ X), X)
    print("d tr(AX)/dX = A':", torch.allclose(g, A.T))
    (g,) = grad_of(lambda X: torch.trace(X.T @ A @ X), X)
    print("d tr(X'AX)/dX = (A + A')X:", torch.allclose(g, (A + A.T) @ X), round(g.sum().item(), 8))
    S = X @ X.T + n * torch.eye(n)
    (g,) = grad_of(lambda S: torch.logdet(S), S)
    print("d logdet S/dS = S^-T:", torch.allclose(g, torch.linalg.inv(S).T), round(g.trace().item(), 10))
    (g,) = grad_of(lambda X: torch.linalg.slogdet(X)[1], X)
    print("slogdet too:", torch.allclose(g, torch.linalg.inv(X).T), round(torch.linalg.slogdet(X)[0].item(), 1))
    (g,) = grad_of(lambda X: ((A @ X - B) ** 2).sum(), X)
    print("d||AX - B||_F^2/dX = 2A'(AX - B):", torch.allclose(g, 2 * A.T @ (A @ X - B)),
          round(torch.linalg.norm(g).item(), 8))

    m, d, k = 6, 3, 4
    feats = torch.from_numpy(rng.normal(0, 1, (m, d)))
    labels = torch.from_numpy(rng.integers(0, k, m))
    W = torch.from_numpy(rng.normal(0, 0.5, (d, k)))
    (g,) = grad_of(lambda W: F.cross_entropy(feats @ W, labels), W)
    Y = torch.zeros(size=(m, k)).scatter_(1, labels.unsqueeze(1), 1.0)
    P = torch.softmax(feats @ W, dim=1)
    print("softmax CE gradient X'(P - Y)/n:", torch.allclose(g, feats.T @ (P - Y) / m),
          [round(v, 8) for v in g[0].tolist()])

    z = torch.from_numpy(rng.normal(0, 1, k)).requires_grad_()
    p = torch.softmax(z, dim=0)
    rows = [torch.autograd.grad(p[i], z, retain_graph=True)[0] for i in range(k)]
    J = torch.stack(rows)
    pd = p.detach()
    print("softmax Jacobian diag(p) - pp':", torch.allclose(J, torch.diag(pd) - torch.outer(pd, pd)),
          torch.allclose(J, jacobian(lambda z: torch.softmax(z, dim=0), z.detach())),
          [round(v, 8) for v in J[1].tolist()])
    print("rows sum to zero:", J.sum(dim=1).abs().max().item() < 1e-15, torch.allclose(J, J.T))

    W1 = torch.from_numpy(rng.normal(0, 0.5, (d, 5))).requires_grad_()
    W2 = torch.from_numpy(rng.normal(0, 0.5, (5, 2))).requires_grad_()
    target = torch.from_numpy(rng.normal(0, 1, (m, 2)))
    H = torch.tanh(feats @ W1)
    out = H @ W2
    loss = 0.5 * ((out - target) ** 2).sum()
    loss.backward()
    with torch.no_grad():
        d_out = out - target
        dW2 = torch.einsum("mh,mo->ho", H, d_out)
        d_H = d_out @ W2.T
        d_pre = d_H * (1 - H ** 2)
        dW1 = sum(torch.outer(feats[i], d_pre[i]) for i in range(m))
    print("backprop by hand:", torch.allclose(dW1, W1.grad), torch.allclose(dW2, W2.grad),
          round(loss.item(), 10), [round(v, 8) for v in dW1[0].tolist()])

    w = torch.from_numpy(rng.normal(0, 0.1, d)).requires_grad_()
    yb = torch.from_numpy(rng.integers(0, 2, m).astype(np.float64))
    nll = -(yb * F.logsigmoid(feats @ w) + (1 - yb) * F.logsigmoid(-(feats @ w))).sum()
    nll.backward()
    print("logistic regression gradient X'(sigmoid(Xw) - y):",
          torch.allclose(w.grad, feats.T @ (torch.sigmoid(feats @ w.detach()) - yb)), round(nll.item(), 10),
          torch.allclose(nll, F.binary_cross_entropy_with_logits(feats @ w, yb, reduction="sum")))
