"""Rigid-body pose estimation as a robotics script writes it (float64): axis-angle to rotation through
linalg.matrix_exp of a skew-symmetric matrix and through Rodrigues' formula with cross products, quaternions
normalised with F.normalize and converted with atan2, torch.cross / linalg.cross with broadcasting, renorm of
per-row step sizes, det / slogdet of the result, and an LBFGS + Adam alignment of two point clouds (Kabsch
via linalg.svd as the closed-form check)."""
import torch
import torch.nn.functional as F


def r(t, digits=8):
    return [round(v, digits) for v in t.detach().reshape(-1).tolist()]


def skew(v):
    zero = torch.zeros_like(v[..., 0])
    return torch.stack([torch.stack([zero, -v[..., 2], v[..., 1]], -1),
                        torch.stack([v[..., 2], zero, -v[..., 0]], -1),
                        torch.stack([-v[..., 1], v[..., 0], zero], -1)], -2)


def rodrigues(w, p):
    theta = torch.linalg.vector_norm(w, dim=-1, keepdim=True)
    k = w / theta
    return (p * torch.cos(theta) + torch.cross(k, p, dim=-1) * torch.sin(theta)
            + k * (k * p).sum(-1, keepdim=True) * (1 - torch.cos(theta)))


def quat_to_axis_angle(q):
    q = F.normalize(q, dim=-1)
    sin_half = torch.linalg.vector_norm(q[..., 1:], dim=-1)
    angle = 2 * torch.atan2(sin_half, q[..., 0])
    return q[..., 1:] / sin_half.unsqueeze(-1) * angle.unsqueeze(-1)


def main():
    torch.manual_seed(0)
    w = torch.tensor([[0.3, -0.2, 0.5], [1.0, 0.5, -0.25]], dtype=torch.float64, requires_grad=True)
    p = torch.randn(2, 3, dtype=torch.float64)
    R = torch.linalg.matrix_exp(skew(w))
    rotated = (R @ p.unsqueeze(-1)).squeeze(-1)
    print("matrix_exp", R.grad_fn.name(), r(R[0]), r(rotated))
    print("rodrigues", r(rodrigues(w, p) - rotated, 10))
    print("det", r(torch.linalg.det(R), 10), [r(v, 10) for v in torch.linalg.slogdet(R)])
    print("orth", (R.transpose(-1, -2) @ R - torch.eye(3, dtype=torch.float64)).abs().max().item() < 1e-12)
    (gw,) = torch.autograd.grad((rotated * torch.tensor([1.0, 2.0, 3.0], dtype=torch.float64)).sum(), w)
    print("grad expm", r(gw))
    (gr,) = torch.autograd.grad(rodrigues(w, p)[:, 0].sum(), w)
    print("grad rodrigues", r(gr))

    a = torch.randn(4, 3, dtype=torch.float64, requires_grad=True)
    b = torch.randn(1, 3, dtype=torch.float64, requires_grad=True)
    c = torch.linalg.cross(a, b)
    ga, gb = torch.autograd.grad((c ** 2).sum(), (a, b))
    print("cross", c.grad_fn.name(), r(c[0]), r(ga[0]), r(gb))
    c2 = torch.cross(a.T.contiguous(), b.expand(4, 3).T.contiguous(), dim=0)
    print("cross dim0", (c2.T - c).abs().max().item())
    q = torch.tensor([[0.9, 0.1, -0.3, 0.2], [-0.5, 0.5, 0.5, 0.1]], dtype=torch.float64, requires_grad=True)
    aa = quat_to_axis_angle(q)
    (gq,) = torch.autograd.grad(aa.sum(), q)
    print("quat", aa.grad_fn.name(), r(aa), r(gq))
    steps = torch.tensor([[3.0, 4.0, 0.0], [0.1, 0.2, 0.2], [-6.0, 0.0, 8.0]], dtype=torch.float64,
                         requires_grad=True)
    ren = torch.renorm(steps, p=2, dim=0, maxnorm=1.0)
    (gs,) = torch.autograd.grad((ren * torch.arange(9.0, dtype=torch.float64).reshape(3, 3)).sum(), steps)
    print("renorm", ren.grad_fn.name(), r(ren), r(gs))
    print("renorm p1", r(steps.renorm(1, 1, 2.0)))

    # align two point clouds: Kabsch closed form vs LBFGS (strong Wolfe) on the axis-angle, then Adam
    src = torch.randn(10, 3, dtype=torch.float64)
    true_w = torch.tensor([0.4, -0.3, 0.8], dtype=torch.float64)
    dst = src @ torch.linalg.matrix_exp(skew(true_w)).T + torch.tensor([0.5, -1.0, 0.25], dtype=torch.float64)
    sc, dc = src - src.mean(0), dst - dst.mean(0)
    U, S, Vh = torch.linalg.svd(sc.T @ dc)
    d = torch.sign(torch.linalg.det(Vh.T @ U.T))
    kabsch = Vh.T @ torch.diag(torch.stack([torch.ones_like(d), torch.ones_like(d), d])) @ U.T
    print("kabsch", r(kabsch, 8), r(S, 8))

    w_est = torch.zeros(3, dtype=torch.float64, requires_grad=True)
    t_est = torch.zeros(3, dtype=torch.float64, requires_grad=True)
    lbfgs = torch.optim.LBFGS([w_est, t_est], lr=1, max_iter=8, line_search_fn="strong_wolfe")

    def closure():
        lbfgs.zero_grad()
        loss = ((src @ torch.linalg.matrix_exp(skew(w_est)).T + t_est - dst) ** 2).sum()
        loss.backward()
        return loss

    for it in range(3):
        loss = lbfgs.step(closure)
        print("lbfgs", it, f"{loss.item():.8e}", r(w_est, 6), r(t_est, 6))
    print("lbfgs state", lbfgs.state[w_est]["func_evals"], lbfgs.state[w_est]["n_iter"])

    w2 = torch.tensor([0.1, 0.1, 0.1], dtype=torch.float64, requires_grad=True)
    adam = torch.optim.Adam([w2], lr=0.1)
    for it in range(5):
        loss = ((rodrigues(w2.expand(10, 3), sc) - dc) ** 2).mean()
        adam.zero_grad()
        loss.backward()
        adam.step()
        print("adam", it, f"{loss.item():.10f}", r(w2.grad))


main()
