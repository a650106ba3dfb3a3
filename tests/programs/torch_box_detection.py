"""A one-stage object detector's training pieces on toy 16x16 images, written for PyTorch; tests run it as is and
with only its imports changed, and compare what both print. Anchors from meshgrid, box IoU by broadcasting,
anchor matching with max/argmax and thresholds, box encoding/decoding (log-space sizes), a focal loss from
binary_cross_entropy_with_logits(reduction="none"), smooth L1 on the positive anchors only, a small conv head,
greedy non-maximum suppression written with sort and masks, and per-image detections. Float64 and weights and
boxes from a seeded NumPy generator.
"""
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.optim as optim


def make_anchors(fmap, stride, sizes):
    ys, xs = torch.meshgrid(torch.arange(fmap, dtype=torch.float64), torch.arange(fmap, dtype=torch.float64),
                            indexing="ij")
    centers = torch.stack([(xs + 0.5) * stride, (ys + 0.5) * stride], dim=-1).reshape(-1, 1, 2)
    half = torch.tensor(sizes, dtype=torch.float64).view(1, -1, 1) / 2
    return torch.cat([centers - half, centers + half], dim=-1).reshape(-1, 4)


def box_iou(a, b):
    area_a = (a[:, 2] - a[:, 0]) * (a[:, 3] - a[:, 1])
    area_b = (b[:, 2] - b[:, 0]) * (b[:, 3] - b[:, 1])
    lt = torch.max(a[:, None, :2], b[None, :, :2])
    rb = torch.min(a[:, None, 2:], b[None, :, 2:])
    wh = (rb - lt).clamp(min=0)
    inter = wh[..., 0] * wh[..., 1]
    return inter / (area_a[:, None] + area_b[None, :] - inter)


def encode(anchors, boxes):
    aw, ah = anchors[:, 2] - anchors[:, 0], anchors[:, 3] - anchors[:, 1]
    bw, bh = boxes[:, 2] - boxes[:, 0], boxes[:, 3] - boxes[:, 1]
    dx = ((boxes[:, 0] + boxes[:, 2]) - (anchors[:, 0] + anchors[:, 2])) / 2 / aw
    dy = ((boxes[:, 1] + boxes[:, 3]) - (anchors[:, 1] + anchors[:, 3])) / 2 / ah
    return torch.stack([dx, dy, torch.log(bw / aw), torch.log(bh / ah)], dim=1)


def decode(anchors, deltas):
    aw, ah = anchors[:, 2] - anchors[:, 0], anchors[:, 3] - anchors[:, 1]
    cx = (anchors[:, 0] + anchors[:, 2]) / 2 + deltas[:, 0] * aw
    cy = (anchors[:, 1] + anchors[:, 3]) / 2 + deltas[:, 1] * ah
    w, h = aw * deltas[:, 2].exp(), ah * deltas[:, 3].exp()
    return torch.stack([cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2], dim=1)


def nms(boxes, scores, thresh):
    order = scores.argsort(descending=True)
    keep = []
    while order.numel() > 0:
        i = order[0]
        keep.append(i.item())
        if order.numel() == 1:
            break
        ious = box_iou(boxes[i].unsqueeze(0), boxes[order[1:]]).squeeze(0)
        order = order[1:][ious <= thresh]
    return torch.tensor(keep, dtype=torch.long)


def focal_loss(logits, targets, alpha=0.25, gamma=2.0):
    p = torch.sigmoid(logits)
    ce = F.binary_cross_entropy_with_logits(logits, targets, reduction="none")
    p_t = p * targets + (1 - p) * (1 - targets)
    a_t = alpha * targets + (1 - alpha) * (1 - targets)
    return (a_t * ce * (1 - p_t) ** gamma).sum()


def main():
    rng = np.random.default_rng(53)
    anchors = make_anchors(4, 4, [4.0, 8.0])
    print("anchors", anchors.shape, anchors[:3].tolist())
    images, gts = [], []
    for _ in range(6):
        img = 0.1 * rng.standard_normal((1, 16, 16))
        boxes = []
        for _ in range(2):
            x0, y0 = rng.integers(0, 10, 2)
            w, h = rng.integers(3, 7, 2)
            img[0, y0:y0 + h, x0:x0 + w] += 1.0
            boxes.append([x0, y0, x0 + w, y0 + h])
        images.append(img)
        gts.append(torch.tensor(boxes, dtype=torch.float64))
    images = torch.from_numpy(np.stack(images))
    head = nn.Sequential(nn.Conv2d(1, 8, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(8, 8, 3, padding=1),
                         nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(8, 2 * 5, 1)).double()
    with torch.no_grad():
        for p in head.parameters():
            p.copy_(torch.from_numpy(0.3 * rng.standard_normal(tuple(p.shape))))
    opt = optim.Adam(head.parameters(), lr=0.01)
    for epoch in range(8):
        out = head(images).permute(0, 2, 3, 1).reshape(len(gts), -1, 5)
        cls_loss, box_loss, n_pos = 0.0, 0.0, 0
        for b, gt in enumerate(gts):
            iou = box_iou(anchors, gt)
            best, idx = iou.max(dim=1)
            best_anchor = iou.argmax(dim=0)
            labels = (best >= 0.4).double()
            labels[best_anchor] = 1.0
            ignore = (best > 0.3) & (labels == 0)
            cls_loss = cls_loss + focal_loss(out[b, ~ignore, 0], labels[~ignore])
            pos = labels.bool()
            target = encode(anchors[pos], gt[idx[pos]])
            box_loss = box_loss + F.smooth_l1_loss(out[b, pos, 1:], target, beta=0.1, reduction="sum")
            n_pos += int(pos.sum())
        loss = (cls_loss + box_loss) / max(n_pos, 1)
        opt.zero_grad()
        loss.backward()
        opt.step()
        print(f"epoch {epoch} loss {loss.item():.6f} cls {cls_loss.item():.6f} box {box_loss.item():.6f} "
              f"positives {n_pos}")
    with torch.no_grad():
        out = head(images).permute(0, 2, 3, 1).reshape(len(gts), -1, 5)
        for b in range(3):
            scores = out[b, :, 0].sigmoid()
            boxes = decode(anchors, out[b, :, 1:])
            cand = torch.nonzero(scores > 0.3).squeeze(1)
            keep = cand[nms(boxes[cand], scores[cand], 0.5)] if cand.numel() else cand
            best_iou = box_iou(boxes[keep], gts[b]).max(dim=1).values if keep.numel() else torch.zeros(0)
            print("image", b, "candidates", cand.numel(), "kept", keep.tolist(), "scores",
                  [round(s, 4) for s in scores[keep].tolist()], "iou", [round(v, 4) for v in best_iou.tolist()])


if __name__ == "__main__":
    main()
