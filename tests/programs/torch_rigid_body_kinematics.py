"""Rigid-body kinematics in float32: axis-angle to rotation matrices two ways (Rodrigues with linalg.cross /
outer products, and linalg.matrix_exp of the skew matrix), quaternions multiplied by hand and converted, angular
velocity from linalg.cross with dim=-1 and torch.cross with an explicit dim, torch.inner / vdot / linalg.vecdot,
the nearest rotation through an SVD with a determinant sign fix, pairwise distances of a point cloud with cdist,
atan2 for yaw angles, and a pose fitted by gradient descent on a 6-D rotation representation.
"""
import numpy as np
import torch
import torch.nn.functional as F


def skew(v):
    z = torch.zeros_like(v[..., 0])
    return torch.stack([torch.stack([z, -v[..., 2], v[..., 1]], -1),
                        torch.stack([v[..., 2], z, -v[..., 0]], -1),
                        torch.stack([-v[..., 1], v[..., 0], z], -1)], -2)


def rodrigues(axis_angle):
    theta = axis_angle.norm(dim=-1, keepdim=True).clamp_min(1e-8)
    k = axis_angle / theta
    K = skew(k)
    eye = torch.eye(3).expand(K.shape)
    s, c = torch.sin(theta)[..., None], torch.cos(theta)[..., None]
    return eye + s * K + (1 - c) * (K @ K)


def quat_mul(q, r):
    w1, x1, y1, z1 = q.unbind(-1)
    w2, x2, y2, z2 = r.unbind(-1)
    return torch.stack([w1 * w2 - x1 * x2 - y1 * y2 - z1 * z2, w1 * x2 + x1 * w2 + y1 * z2 - z1 * y2,
                        w1 * y2 - x1 * z2 + y1 * w2 + z1 * x2, w1 * z2 + x1 * y2 - y1 * x2 + z1 * w2], -1)


def quat_to_matrix(q):
    w, x, y, z = F.normalize(q, dim=-1).unbind(-1)
    return torch.stack([1 - 2 * (y * y + z * z), 2 * (x * y - w * z), 2 * (x * z + w * y),
                        2 * (x * y + w * z), 1 - 2 * (x * x + z * z), 2 * (y * z - w * x),
                        2 * (x * z - w * y), 2 * (y * z + w * x), 1 - 2 * (x * x + y * y)], -1).reshape(q.shape[:-1] + (3, 3))


def sixd_to_matrix(d6):
    a1, a2 = d6[..., :3], d6[..., 3:]
    b1 = F.normalize(a1, dim=-1)
    b2 = F.normalize(a2 - (b1 * a2).sum(-1, keepdim=True) * b1, dim=-1)
    b3 = torch.linalg.cross(b1, b2, dim=-1)
    return torch.stack((b1, b2, b3), dim=-2)


def main():
    rng = np.random.default_rng(2210)
    torch.set_printoptions(precision=4, sci_mode=False)
    aa = torch.tensor(rng.normal(size=(4, 3)), dtype=torch.float32, requires_grad=True)
    R1 = rodrigues(aa)
    R2 = torch.linalg.matrix_exp(skew(aa))
    print("rodrigues", R1[0])
    print("matrix_exp agrees", (R1 - R2).abs().max().item() < 1e-5)
    print("orthogonal", (R1 @ R1.transpose(-1, -2) - torch.eye(3)).abs().max().item() < 1e-5,
          torch.linalg.det(R1))
    R1[:, 0, 0].sum().backward()
    print("axis-angle grad", aa.grad)

    half = aa.detach().norm(dim=-1, keepdim=True) / 2
    q = torch.cat([torch.cos(half), torch.sin(half) * F.normalize(aa.detach(), dim=-1)], -1)
    print("quaternions", q[:2])
    print("quat matrix agrees", (quat_to_matrix(q) - R1.detach()).abs().max().item() < 1e-5)
    qq = quat_mul(q[0], q[1])
    print("composition", qq, (quat_to_matrix(qq) - R1[0].detach() @ R1[1].detach()).abs().max().item() < 1e-5)
    conj = q[0] * torch.tensor([1.0, -1.0, -1.0, -1.0])
    print("q * conj(q)", quat_mul(q[0], conj))

    omega = torch.tensor(rng.normal(size=(5, 3)), dtype=torch.float32)
    r = torch.tensor(rng.normal(size=(5, 3)), dtype=torch.float32, requires_grad=True)
    v = torch.linalg.cross(omega, r, dim=-1)
    v2 = torch.cross(omega.T, r.T, dim=0).T
    print("linear velocity", v[:2])
    print("cross dims agree", torch.allclose(v, v2), torch.linalg.cross(omega[0], r[0]).shape)
    print("v . omega", torch.linalg.vecdot(v, omega).abs().max().item() < 1e-5)
    print("inner", torch.inner(omega[:2], r[:3]).shape, torch.inner(omega[0], r[0]))
    print("vdot", torch.vdot(omega[0], omega[0]), torch.dot(omega[1], r[1]))
    print("outer", torch.outer(omega[0], omega[1]).trace())
    ke = 0.5 * (v * v).sum()
    ke.backward()
    print("kinetic energy", ke.item(), "grad r", r.grad[0])
    print("broadcast cross", torch.linalg.cross(omega[:1], r.detach()).shape)

    noisy = R1.detach()[0] + torch.tensor(rng.normal(scale=0.1, size=(3, 3)), dtype=torch.float32)
    U, S, Vh = torch.linalg.svd(noisy)
    d = torch.sign(torch.linalg.det(U @ Vh))
    fix = torch.diag(torch.stack([torch.tensor(1.0), torch.tensor(1.0), d]))
    Rn = U @ fix @ Vh
    print("nearest rotation", Rn, torch.linalg.det(Rn))
    print("singular values", S)

    cloud = torch.tensor(rng.normal(size=(6, 3)), dtype=torch.float32)
    D = torch.cdist(cloud, cloud)
    print("cdist", D[0], D.diagonal().abs().max().item())
    print("cdist p=1", torch.cdist(cloud[:2], cloud[2:], p=1.0))
    heading = torch.atan2(cloud[:, 1], cloud[:, 0])
    print("yaw degrees", torch.rad2deg(heading))
    print("atan2 signs", torch.atan2(torch.tensor([0.0, -0.0, 1.0, -1.0]), torch.tensor([-1.0, -1.0, 0.0, 0.0])))

    target = R1.detach()[2]
    moved = cloud @ target.T + torch.tensor([0.5, -0.2, 0.1])
    d6 = torch.tensor([[1.0, 0.0, 0.0, 0.0, 1.0, 0.0]], requires_grad=True)
    t = torch.zeros(3, requires_grad=True)
    opt = torch.optim.Adam([d6, t], lr=0.05)
    for step in range(60):
        opt.zero_grad()
        R = sixd_to_matrix(d6)[0]
        loss = ((cloud @ R.T + t - moved) ** 2).mean()
        loss.backward()
        opt.step()
        if step % 15 == 0:
            print("fit", step, round(loss.item(), 5))
    Rf = sixd_to_matrix(d6.detach())[0]
    print("fitted translation", t.detach())
    print("rotation error", torch.rad2deg(torch.arccos((((Rf.T @ target).trace() - 1) / 2).clamp(-1, 1))).item() < 5)


if __name__ == "__main__":
    main()
