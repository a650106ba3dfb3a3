"""A small U-Net whose decoder tries every upsampling path PyTorch offers: ConvTranspose2d with output_padding,
dilation and groups, PixelShuffle after a 1x1 convolution (and PixelUnshuffle as the encoder's space-to-depth),
F.interpolate in bicubic (align_corners both ways), bilinear with antialias=True on the way down, nearest-exact,
area, and a scale factor with recompute_scale_factor=True, and nn.Upsample modules; trained three Adam steps on a
segmentation-style target, printing shapes, losses, gradient norms and node names. Float32; every random number
comes from torch.manual_seed.
"""
import torch
import torch.nn as nn
import torch.nn.functional as F


class UNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.unshuffle = nn.PixelUnshuffle(2)
        self.enc1 = nn.Conv2d(8, 8, 3, padding=1)
        self.enc2 = nn.Conv2d(8, 16, 3, stride=2, padding=1)
        self.up_t = nn.ConvTranspose2d(16, 8, 3, stride=2, padding=1, output_padding=1, groups=2)
        self.up_d = nn.ConvTranspose2d(8, 8, 3, stride=1, padding=2, dilation=2)
        self.to_shuffle = nn.Conv2d(16, 8, 1)
        self.shuffle = nn.PixelShuffle(2)
        self.up_mod = nn.Upsample(scale_factor=2, mode="bilinear", align_corners=False)
        self.head = nn.Conv2d(2 + 2, 3, 3, padding=1)

    def forward(self, x):
        s = self.unshuffle(x)                    # (N, 8, H/2, W/2)
        e1 = F.relu(self.enc1(s))
        e2 = F.relu(self.enc2(e1))               # (N, 16, H/4, W/4)
        d = F.relu(self.up_t(e2))                # back to H/2 with output_padding
        d = self.up_d(d)
        d = torch.cat([d, e1], dim=1)
        d = self.shuffle(self.to_shuffle(d))     # (N, 2, H, W)
        side = self.up_mod(e1[:, :2])            # (N, 2, H, W)
        return self.head(torch.cat([d, side], dim=1))


def main():
    torch.manual_seed(0)
    x = torch.randn(2, 2, 12, 12)
    target = torch.randint(0, 3, (2, 12, 12))
    net = UNet()
    out = net(x)
    print("out", out.shape, out.grad_fn.name(), round(out.abs().mean().item(), 6))
    print("transposed weight", net.up_t.weight.shape, net.up_d.weight.shape)
    opt = torch.optim.Adam(net.parameters(), lr=0.01)
    for step in range(3):
        opt.zero_grad()
        loss = F.cross_entropy(net(x), target)
        loss.backward()
        gn = torch.sqrt(sum(p.grad.pow(2).sum() for p in net.parameters()))
        opt.step()
        print(f"step {step} loss {loss.item():.6f} grad norm {gn.item():.6f} "
              f"up_t {net.up_t.weight.grad.abs().sum().item():.6f} shuffle {net.to_shuffle.weight.grad.norm().item():.6f}")

    img = torch.rand(1, 1, 7, 9, requires_grad=True)
    bic = F.interpolate(img, size=(11, 13), mode="bicubic", align_corners=False)
    bic_ac = F.interpolate(img, scale_factor=1.7, mode="bicubic", align_corners=True)
    down = F.interpolate(img, size=(4, 5), mode="bilinear", antialias=True)
    down_bic = F.interpolate(img, scale_factor=0.6, mode="bicubic", antialias=True, recompute_scale_factor=True)
    near = F.interpolate(img, scale_factor=1.5, mode="nearest-exact")
    near_r = F.interpolate(img, scale_factor=1.3, mode="nearest", recompute_scale_factor=True)
    area = F.interpolate(img, size=(3, 4), mode="area")
    for name, t in [("bicubic", bic), ("bicubic ac", bic_ac), ("aa bilinear", down), ("aa bicubic", down_bic),
                    ("nearest-exact", near), ("nearest rsf", near_r), ("area", area)]:
        print(name, tuple(t.shape), round(t.sum().item(), 5), round(t[0, 0, -1, -1].item(), 6), t.grad_fn.name())
    total = bic.pow(2).sum() + bic_ac.sum() + 3 * down.pow(2).sum() + down_bic.sum() + near.sum() \
        + near_r.sum() + area.pow(2).sum()
    total.backward()
    print("img grad", img.grad[0, 0, :2], round(img.grad.sum().item(), 5))
    up3 = nn.Upsample(size=(5, 6), mode="nearest")
    up_t = nn.Upsample(scale_factor=(2.0, 0.5), mode="bilinear", align_corners=True)
    print(up3, up_t)
    print("upsample", up3(img).shape, up_t(img).shape, round(up_t(img).mean().item(), 6))
    seq = torch.randn(1, 3, 5, requires_grad=True)
    lin = F.interpolate(seq, scale_factor=2.5, mode="linear", align_corners=False)
    lin.pow(2).sum().backward()
    print("linear 1d", lin.shape, seq.grad, lin.grad_fn.name())
    ps = nn.PixelShuffle(3)
    pu = nn.PixelUnshuffle(3)
    z = torch.arange(18.0).reshape(1, 18, 1, 1)
    print("shuffle round trip", torch.equal(pu(ps(z)), z), ps(z)[0, 0], ps, pu)


if __name__ == "__main__":
    main()
