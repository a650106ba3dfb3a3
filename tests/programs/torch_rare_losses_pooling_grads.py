"""nn.functional's rarer losses and layers with gradients, float64, as a model zoo's loss and block library calls
them: gaussian_nll_loss (full=True, eps, a shared variance, reductions), poisson_nll_loss with log_input=False
and full=True, multilabel_soft_margin_loss with class weights, multi_margin_loss with p=2, margin and weight,
triplet_margin_with_distance_loss with a custom distance and swap, hinge_embedding_loss, cosine_embedding_loss
with a margin, lp_pool1d / lp_pool2d (fractional and integer p), adaptive_max_pool2d with return_indices feeding
max_unpool2d, channel_shuffle, pdist, local_response_norm, and the module forms beside them.
"""
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


def t(a, grad=False):
    return torch.tensor(a, dtype=torch.float64, requires_grad=grad)


def main():
    rng = np.random.default_rng(909)
    torch.set_printoptions(precision=6)

    mu = t(rng.normal(size=(4, 3)), True)
    target = t(rng.normal(size=(4, 3)))
    var = t(rng.uniform(0.05, 2.0, size=(4, 3)), True)
    l1 = F.gaussian_nll_loss(mu, target, var, full=True)
    l2 = F.gaussian_nll_loss(mu, target, var[:, :1], eps=0.5, reduction="sum")
    l3 = F.gaussian_nll_loss(mu, target, var, reduction="none")
    print("gaussian nll", l1.item(), l2.item(), l3.shape)
    (l1 + l2 + l3[0].sum()).backward()
    print("mu grad", mu.grad[0], "var grad", var.grad[:, 0])
    print("module", nn.GaussianNLLLoss(full=True, eps=1e-3)(mu, target, var).item())

    rate = t(rng.uniform(0.1, 3.0, size=(2, 5)), True)
    counts = t(rng.poisson(1.5, size=(2, 5)).astype(float))
    p1 = F.poisson_nll_loss(rate, counts, log_input=False, full=True)
    p2 = F.poisson_nll_loss(rate.log(), counts, log_input=True, full=True, reduction="sum")
    p3 = F.poisson_nll_loss(rate, counts, log_input=False, eps=0.1, reduction="none")
    print("poisson nll", p1.item(), p2.item(), p3[1])
    (p1 + p2 + p3.mean()).backward()
    print("rate grad", rate.grad[0])
    print("module", nn.PoissonNLLLoss(log_input=False, full=True)(rate, counts).item())

    logits = t(rng.normal(size=(3, 4)), True)
    labels = t((rng.uniform(size=(3, 4)) > 0.5).astype(float))
    w = t([1.0, 2.0, 0.5, 1.5])
    ml = F.multilabel_soft_margin_loss(logits, labels, weight=w)
    ml_none = F.multilabel_soft_margin_loss(logits, labels, weight=w, reduction="none")
    print("multilabel soft margin", ml.item(), ml_none)
    scores = t(rng.normal(size=(4, 5)), True)
    cls = torch.tensor([0, 3, 4, 1])
    mm = F.multi_margin_loss(scores, cls, p=2, margin=0.7, weight=t([1.0, 0.5, 2.0, 1.0, 3.0]))
    mm_sum = F.multi_margin_loss(scores, cls, p=1, reduction="sum")
    print("multi margin", mm.item(), mm_sum.item())
    (ml + mm + mm_sum + ml_none.sum()).backward()
    print("logits grad", logits.grad[1], "scores grad", scores.grad[2])

    anchor, pos, neg = (t(rng.normal(size=(5, 4)), True) for _ in range(3))
    cos_dist = lambda a, b: 1.0 - F.cosine_similarity(a, b)
    trip = F.triplet_margin_with_distance_loss(anchor, pos, neg, distance_function=cos_dist, margin=0.4, swap=True)
    trip_l1 = nn.TripletMarginWithDistanceLoss(distance_function=nn.PairwiseDistance(p=1), margin=1.0,
                                               reduction="sum")(anchor, pos, neg)
    trip_default = F.triplet_margin_with_distance_loss(anchor, pos, neg, reduction="none")
    print("triplet distance", trip.item(), trip_l1.item(), trip_default)
    (trip + trip_l1 + trip_default.sum()).backward()
    print("anchor grad", anchor.grad[0], "neg grad", neg.grad[3])

    d = t(rng.uniform(0.0, 2.0, size=6), True)
    y = torch.tensor([1.0, -1.0, 1.0, -1.0, -1.0, 1.0], dtype=torch.float64)
    he = F.hinge_embedding_loss(d, y, margin=1.2)
    he_none = nn.HingeEmbeddingLoss(margin=0.5, reduction="none")(d, y)
    u, v = t(rng.normal(size=(4, 3)), True), t(rng.normal(size=(4, 3)), True)
    ce = F.cosine_embedding_loss(u, v, torch.tensor([1, -1, -1, 1]), margin=0.2)
    print("hinge embedding", he.item(), he_none, "cosine embedding", ce.item())
    (he + ce).backward()
    print("d grad", d.grad, "u grad", u.grad[1])

    sig = t(rng.normal(size=(2, 3, 9)), True)
    lp1 = F.lp_pool1d(sig, norm_type=2.0, kernel_size=3)
    lp1b = F.lp_pool1d(sig.abs() + 0.1, norm_type=1.5, kernel_size=4, stride=2)
    img = t(rng.normal(size=(1, 2, 6, 6)), True)
    lp2 = F.lp_pool2d(img, norm_type=3, kernel_size=(2, 3), stride=(2, 2))
    print("lp_pool1d", lp1.shape, lp1[0, 0], lp1b[1, 2])
    print("lp_pool2d", lp2.shape, lp2[0, 1])
    (lp1.sum() + lp1b.sum() + lp2.sum()).backward()
    print("lp grads", sig.grad[0, 1, :4], img.grad[0, 0, 0])
    print("LPPool2d module", nn.LPPool2d(2, 3, stride=3)(img)[0, 0])
    print("inf norm is max |x|", F.lp_pool2d(img, float("inf"), 2)[0, 1, 0], nn.LPPool1d(float("inf"), 3)(sig)[1, 0])

    pooled, idx = F.adaptive_max_pool2d(img, (3, 2), return_indices=True)
    print("adaptive max", pooled[0, 0], idx[0, 1])
    up = F.max_unpool2d(pooled, idx, kernel_size=(2, 3), output_size=(6, 6))
    print("unpool nonzeros", (up != 0).sum().item(), up.shape)
    up.sum().backward()
    print("adaptive max grad", img.grad[0, 1, 2])
    amp = nn.AdaptiveMaxPool2d((None, 3), return_indices=True)
    out, ind = amp(img.detach())
    print("None in output size", out.shape, ind[0, 0, 0])

    ch = t(np.arange(12.0).reshape(1, 6, 1, 2))
    print("channel_shuffle", F.channel_shuffle(ch, 3)[0, :, 0, 0], nn.ChannelShuffle(2)(ch)[0, :, 0, 1])
    pts = t(rng.normal(size=(5, 3)), True)
    pd = F.pdist(pts)
    pd1 = F.pdist(pts, p=1)
    print("pdist", pd.shape, pd[:4], pd1[-3:])
    (pd.sum() + pd1.square().sum()).backward()
    print("pdist grad", pts.grad[2])

    act = t(rng.uniform(0.0, 2.0, size=(2, 5, 3, 3)), True)
    lrn = F.local_response_norm(act, size=3, alpha=1e-2, beta=0.75, k=2.0)
    lrn_mod = nn.LocalResponseNorm(2)(act)
    print("local response norm", lrn[0, :, 1, 1], lrn_mod[1, 4, 0])
    (lrn * torch.arange(5.0, dtype=torch.float64).view(1, 5, 1, 1)).sum().backward()
    print("lrn grad", act.grad[0, :, 0, 0])
    seq = t(rng.uniform(size=(2, 4, 6)))
    print("lrn on 3-D", F.local_response_norm(seq, 2)[0, :, 0])
