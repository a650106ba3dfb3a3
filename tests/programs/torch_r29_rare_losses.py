"""The losses a PyTorch user reaches for less often, each printed with its value under every reduction, the
gradient it sends back and the node that made it: MultiLabelSoftMarginLoss (with class weights),
TripletMarginWithDistanceLoss with a custom distance_function and swap=True, CosineEmbeddingLoss with a margin,
PoissonNLLLoss(log_input=False, full=True), KLDivLoss(log_target=True), MarginRankingLoss, HingeEmbeddingLoss,
MultiMarginLoss(p=2, margin=, weight=), and CrossEntropyLoss on (N, C, d1, d2) logits with label_smoothing, class
weights and ignore_index together; then a small segmentation head trained with the last one. Float64; the data
come from torch.manual_seed.
"""
import torch
import torch.nn as nn
import torch.nn.functional as F


def report(name, loss_fn, *inputs):
    leaves = [t.detach().clone().requires_grad_(True) if t.is_floating_point() and i < 2 else t
              for i, t in enumerate(inputs)]
    out = loss_fn(*leaves)
    grad_source = leaves[0]
    out.sum().backward() if out.dim() else out.backward()
    node = out.grad_fn.name() if out.grad_fn is not None else None
    value = out.tolist() if out.dim() else round(out.item(), 12)
    print(f"{name}: {value} node {node}")
    print(f"  grad {grad_source.grad.reshape(-1)[:6].tolist()}")


def main():
    torch.manual_seed(0)
    scores = torch.randn(5, 4, dtype=torch.float64)
    multi_target = (torch.rand(5, 4) > 0.5).double()
    class_w = torch.tensor([1.0, 2.0, 0.5, 1.5], dtype=torch.float64)
    for reduction in ["mean", "sum", "none"]:
        report(f"multilabel soft margin {reduction}",
               nn.MultiLabelSoftMarginLoss(weight=class_w, reduction=reduction), scores, multi_target)

    anchor, pos, neg = (torch.randn(4, 3, dtype=torch.float64) for _ in range(3))

    def cosine_distance(a, b):
        return 1.0 - F.cosine_similarity(a, b)

    triplet = nn.TripletMarginWithDistanceLoss(distance_function=cosine_distance, margin=0.5, swap=True)
    out = triplet(anchor.requires_grad_(), pos.requires_grad_(), neg.requires_grad_())
    out.backward()
    print("triplet cosine swap", round(out.item(), 12), out.grad_fn.name(), anchor.grad[0], neg.grad[1])
    plain = nn.TripletMarginWithDistanceLoss(reduction="none")(anchor.detach(), pos.detach(), neg.detach())
    print("triplet default distance", plain)

    a, b = torch.randn(6, 5, dtype=torch.float64), torch.randn(6, 5, dtype=torch.float64)
    sim_target = torch.tensor([1, -1, 1, -1, -1, 1])
    for reduction in ["mean", "none"]:
        report(f"cosine embedding {reduction}", nn.CosineEmbeddingLoss(margin=0.2, reduction=reduction),
               a, b, sim_target)

    rates = torch.rand(6, dtype=torch.float64) * 4 + 0.1
    counts = torch.tensor([0.0, 1.0, 3.0, 2.0, 7.0, 1.0], dtype=torch.float64)
    report("poisson rate full", nn.PoissonNLLLoss(log_input=False, full=True), rates, counts)
    report("poisson log full none", nn.PoissonNLLLoss(log_input=True, full=True, reduction="none"),
           rates.log(), counts)

    logp = F.log_softmax(torch.randn(3, 5, dtype=torch.float64), dim=1)
    logq = F.log_softmax(torch.randn(3, 5, dtype=torch.float64), dim=1)
    for reduction in ["batchmean", "sum", "none"]:
        report(f"kl log_target {reduction}", nn.KLDivLoss(reduction=reduction, log_target=True), logp, logq)
    report("kl probs batchmean", nn.KLDivLoss(reduction="batchmean"), logp, logq.exp())

    x1, x2 = torch.randn(7, dtype=torch.float64), torch.randn(7, dtype=torch.float64)
    order = torch.tensor([1.0, -1.0, 1.0, 1.0, -1.0, -1.0, 1.0], dtype=torch.float64)
    report("margin ranking", nn.MarginRankingLoss(margin=0.3), x1, x2, order)
    dist = torch.rand(7, dtype=torch.float64) * 2
    report("hinge embedding", nn.HingeEmbeddingLoss(margin=1.2), dist, order)
    report("hinge embedding none", nn.HingeEmbeddingLoss(margin=1.2, reduction="none"), dist, order)

    logits = torch.randn(5, 4, dtype=torch.float64)
    labels = torch.tensor([0, 3, 1, 2, 3])
    report("multi margin p2", nn.MultiMarginLoss(p=2, margin=0.7, weight=class_w), logits, labels)
    report("multi margin p1 none", nn.MultiMarginLoss(reduction="none"), logits, labels)

    seg_logits = torch.randn(2, 3, 4, 5, dtype=torch.float64)
    seg_target = torch.randint(0, 3, (2, 4, 5))
    seg_target[0, 0, :3] = -100
    seg_target[1, 2, 1] = 2
    seg_w = torch.tensor([0.5, 1.0, 2.0], dtype=torch.float64)
    ce = nn.CrossEntropyLoss(weight=seg_w, ignore_index=-100, label_smoothing=0.1)
    report("ce 4d smooth weighted ignore", ce, seg_logits, seg_target)
    report("ce 4d none", nn.CrossEntropyLoss(weight=seg_w, label_smoothing=0.2, reduction="none"),
           seg_logits, seg_target.clamp(min=0))
    report("ce 4d sum ignore 2", nn.CrossEntropyLoss(ignore_index=2, label_smoothing=0.05, reduction="sum"),
           seg_logits, seg_target.clamp(min=0))

    head = nn.Conv2d(2, 3, 3, padding=1, dtype=torch.float64)
    image = torch.randn(2, 2, 4, 5, dtype=torch.float64)
    opt = torch.optim.SGD(head.parameters(), lr=0.3, momentum=0.5)
    for step in range(4):
        opt.zero_grad()
        loss = ce(head(image), seg_target)
        loss.backward()
        opt.step()
        print(f"seg step {step}: loss {loss.item():.12f} bias grad {head.bias.grad.tolist()}")


if __name__ == "__main__":
    main()
