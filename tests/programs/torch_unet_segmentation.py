"""A tiny U-Net written for PyTorch that segments bright discs in noisy 16x16 images; tests run it as is and with
only its imports changed, and compare what both print. Double-conv blocks, MaxPool2d, one decoder stage that
upsamples with ConvTranspose2d(stride 2) and one with F.interpolate(mode='bilinear', align_corners=False),
torch.cat skips, BCEWithLogitsLoss plus a soft Dice loss, IoU from thresholded probabilities, SGD with momentum
and weight_decay, and eval-mode predictions under torch.no_grad. Float64, weights from a seeded NumPy generator.
"""
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.optim as optim


class DoubleConv(nn.Module):
    """(conv 3x3 => BN => ReLU) twice."""

    def __init__(self, cin, cout):
        super().__init__()
        self.block = nn.Sequential(
            nn.Conv2d(cin, cout, kernel_size=3, padding=1, bias=False),
            nn.BatchNorm2d(cout),
            nn.ReLU(inplace=True),
            nn.Conv2d(cout, cout, kernel_size=3, padding=1, bias=False),
            nn.BatchNorm2d(cout),
            nn.ReLU(inplace=True),
        )

    def forward(self, x):
        return self.block(x)


class TinyUNet(nn.Module):
    def __init__(self, cin=1, base=4):
        super().__init__()
        self.inc = DoubleConv(cin, base)
        self.down1 = nn.Sequential(nn.MaxPool2d(2), DoubleConv(base, base * 2))
        self.down2 = nn.Sequential(nn.MaxPool2d(2), DoubleConv(base * 2, base * 4))
        self.up1 = nn.ConvTranspose2d(base * 4, base * 2, kernel_size=2, stride=2)
        self.conv1 = DoubleConv(base * 4, base * 2)
        self.reduce2 = nn.Conv2d(base * 2, base, kernel_size=1)
        self.conv2 = DoubleConv(base * 2, base)
        self.outc = nn.Conv2d(base, 1, kernel_size=1)

    def forward(self, x):
        x1 = self.inc(x)        # 16x16
        x2 = self.down1(x1)     # 8x8
        x3 = self.down2(x2)     # 4x4
        u = self.up1(x3)        # learned upsampling to 8x8
        u = self.conv1(torch.cat([x2, u], dim=1))
        u = F.interpolate(u, scale_factor=2, mode="bilinear", align_corners=False)  # 16x16
        u = self.conv2(torch.cat([x1, self.reduce2(u)], dim=1))
        return self.outc(u)


def load_numpy_weights(model, rng):
    with torch.no_grad():
        for name, p in model.named_parameters():
            if p.dim() == 4:
                fan_in = p.shape[1] * p.shape[2] * p.shape[3]
                p.copy_(torch.from_numpy(rng.normal(0.0, np.sqrt(2.0 / fan_in), tuple(p.shape))))
            elif name.endswith("bias"):
                p.copy_(torch.from_numpy(rng.uniform(-0.05, 0.05, tuple(p.shape))))


def dice_loss(logits, target, eps=1.0):
    probs = torch.sigmoid(logits)
    inter = (probs * target).sum(dim=(1, 2, 3))
    union = probs.sum(dim=(1, 2, 3)) + target.sum(dim=(1, 2, 3))
    return 1.0 - ((2.0 * inter + eps) / (union + eps)).mean()


def iou(logits, target, threshold=0.5):
    pred = (torch.sigmoid(logits) > threshold).float()
    inter = (pred * target).sum(dim=(1, 2, 3))
    union = ((pred + target) > 0).float().sum(dim=(1, 2, 3))
    return torch.where(union > 0, inter / union.clamp(min=1), torch.ones_like(union))


def make_data(rng, n):
    yy, xx = np.mgrid[0:16, 0:16]
    centres = rng.uniform(4, 12, size=(n, 2))
    radii = rng.uniform(2.5, 4.5, size=n)
    dist = np.sqrt((yy[None] - centres[:, 0, None, None]) ** 2 + (xx[None] - centres[:, 1, None, None]) ** 2)
    masks = (dist < radii[:, None, None]).astype(np.float64)
    images = masks * 0.8 + rng.normal(0.0, 0.3, size=masks.shape)
    return torch.from_numpy(images).unsqueeze(1), torch.from_numpy(masks).unsqueeze(1)


def main():
    torch.set_default_dtype(torch.float64)
    rng = np.random.default_rng(11)
    images, masks = make_data(rng, 12)
    test_images, test_masks = make_data(rng, 4)
    print("images", tuple(images.shape), "foreground fraction", masks.mean().item())

    model = TinyUNet()
    load_numpy_weights(model, rng)
    print("parameters", sum(p.numel() for p in model.parameters()))
    with torch.no_grad():
        print("logits shape", tuple(model(images[:2]).shape))

    bce = nn.BCEWithLogitsLoss()
    optimizer = optim.SGD(model.parameters(), lr=0.05, momentum=0.9, weight_decay=1e-4)
    for epoch in range(4):
        model.train()
        for start in range(0, 12, 4):
            x, y = images[start:start + 4], masks[start:start + 4]
            optimizer.zero_grad()
            logits = model(x)
            loss_bce = bce(logits, y)
            loss_dice = dice_loss(logits, y)
            loss = loss_bce + loss_dice
            loss.backward()
            optimizer.step()
        print(f"epoch {epoch}: bce {loss_bce.item()} dice {loss_dice.item()} "
              f"train iou {iou(logits.detach(), y).mean().item()}")

    model.eval()
    with torch.no_grad():
        logits = model(test_images)
        scores = iou(logits, test_masks)
        probs = torch.sigmoid(logits)
    print("test iou per image", scores.tolist())
    print("test mean iou", scores.mean().item())
    print("predicted foreground pixels", (probs > 0.5).sum(dim=(1, 2, 3)).tolist())
    print("true foreground pixels", test_masks.sum(dim=(1, 2, 3)).long().tolist())
    print("probs[0, 0, 8, 4:10]", probs[0, 0, 8, 4:10].tolist())
    print("bce eval", bce(logits, test_masks).item(), "dice eval", dice_loss(logits, test_masks).item())
    up = F.interpolate(test_images[:1, :, :4, :4], size=(6, 6), mode="bilinear", align_corners=False)
    print("interpolate 4x4->6x6", tuple(up.shape), up[0, 0, 1].tolist())
    print("momentum buffer norm", optimizer.state[model.outc.weight]["momentum_buffer"].norm().item())
    print("bn running_var[:3]", model.inc.block[1].running_var[:3].tolist())
    torch.set_default_dtype(torch.float32)


if __name__ == "__main__":
    main()
