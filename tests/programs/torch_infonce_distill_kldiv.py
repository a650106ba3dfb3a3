"""Self-supervised pretraining then distillation, as in SimCLR/MoCo-style and Hinton-style code: two noisy views
of each sample, an encoder + projection head, F.normalize, an NT-Xent / InfoNCE loss from a 2N x 2N similarity
matrix with the diagonal masked by fill_diagonal_ and positives found by index arithmetic, top-1/top-5 retrieval
accuracy via topk, then a student trained on the teacher with nn.KLDivLoss(reduction="batchmean",
log_target=True) at temperature T (scaled by T*T) plus hard-label cross entropy, and F.kl_div's other reductions
for comparison. Float32; torch.manual_seed drives every random number.
"""
import torch
import torch.nn as nn
import torch.nn.functional as F


def nt_xent(z1, z2, temperature):
    z = F.normalize(torch.cat([z1, z2], dim=0), dim=1)
    sim = z @ z.T / temperature
    sim.fill_diagonal_(float("-inf"))
    n = z1.shape[0]
    targets = torch.cat([torch.arange(n, 2 * n), torch.arange(0, n)])
    return F.cross_entropy(sim, targets), sim, targets


def main():
    torch.manual_seed(77)
    base = torch.randn(16, 10)
    labels = (base[:, 0] + base[:, 1] > 0).long()
    encoder = nn.Sequential(nn.Linear(10, 32), nn.ReLU(), nn.Linear(32, 16))
    head = nn.Sequential(nn.Linear(16, 16), nn.ReLU(), nn.Linear(16, 8))
    opt = torch.optim.Adam(list(encoder.parameters()) + list(head.parameters()), lr=3e-3)
    for step in range(6):
        v1 = base + 0.3 * torch.randn_like(base)
        v2 = base * (torch.rand_like(base) > 0.2)
        loss, sim, targets = nt_xent(head(encoder(v1)), head(encoder(v2)), 0.5)
        opt.zero_grad()
        loss.backward()
        opt.step()
        top5 = sim.topk(5, dim=1).indices
        top1 = (top5[:, 0] == targets).float().mean().item()
        hit5 = (top5 == targets[:, None]).any(1).float().mean().item()
        print(f"step {step}: nt-xent {loss.item():.5f} top1 {top1:.4f} top5 {hit5:.4f}")
    print("sim diag inf:", bool(torch.isinf(sim.diagonal()).all()), "sim shape:", tuple(sim.shape))
    zn = F.normalize(head(encoder(base)), p=2, dim=1, eps=1e-6)
    print("norms:", [round(v, 5) for v in zn.norm(dim=1)[:4].tolist()])
    cs = F.cosine_similarity(zn[:, None, :], zn[None, :, :], dim=-1)
    print("cosine matrix:", tuple(cs.shape), "off-diagonal mean:", round((cs.sum() - cs.trace()).item() / 240, 5))
    teacher = nn.Sequential(encoder, nn.Linear(16, 2))
    topt = torch.optim.SGD(teacher.parameters(), lr=0.2)
    for _ in range(20):
        topt.zero_grad()
        F.cross_entropy(teacher(base), labels).backward()
        topt.step()
    student = nn.Sequential(nn.Linear(10, 6), nn.Tanh(), nn.Linear(6, 2))
    sopt = torch.optim.Adam(student.parameters(), lr=0.02)
    kd = nn.KLDivLoss(reduction="batchmean", log_target=True)
    T, alpha = 3.0, 0.7
    with torch.no_grad():
        t_logits = teacher(base)
    print("teacher accuracy:", (t_logits.argmax(1) == labels).float().mean().item())
    for step in range(8):
        s_logits = student(base)
        soft = kd(F.log_softmax(s_logits / T, dim=1), F.log_softmax(t_logits / T, dim=1)) * T * T
        hard = F.cross_entropy(s_logits, labels)
        loss = alpha * soft + (1 - alpha) * hard
        sopt.zero_grad()
        loss.backward()
        sopt.step()
        print(f"kd step {step}: soft {soft.item():.5f} hard {hard.item():.5f}")
    lp = F.log_softmax(student(base) / T, dim=1)
    lq = F.log_softmax(t_logits / T, dim=1)
    for red in ["sum", "mean", "batchmean"]:
        print(red, round(F.kl_div(lp, lq, reduction=red, log_target=True).item(), 6),
              round(F.kl_div(lp, lq.exp(), reduction=red).item(), 6))
    print("none:", tuple(F.kl_div(lp, lq, reduction="none", log_target=True).shape), "agreement:",
          (student(base).argmax(1) == t_logits.argmax(1)).float().mean().item())
