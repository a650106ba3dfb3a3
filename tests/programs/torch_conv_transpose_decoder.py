"""Transposed-convolution decoders in float32, written for PyTorch; tests run it as is and with only its imports
changed, and compare what both print. An image autoencoder whose decoder uses ConvTranspose2d with stride,
output_padding, dilation and groups (and the output_size argument of its forward), a ConvTranspose1d / 
F.conv_transpose1d signal decoder, convolutions with padding='same' and padding_mode 'reflect' / 'replicate' /
'circular', ZeroPad2d / ConstantPad1d / ReflectionPad1d, PixelUnshuffle / F.pixel_shuffle round trips and
ChannelShuffle; output shapes for each configuration, the adjoint identity <conv(x), y> = <x, conv_transpose(y)>
and a few training steps are printed. Data and weights from a seeded NumPy generator.
"""
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.optim as optim


class AutoEncoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.enc = nn.Sequential(
            nn.Conv2d(2, 4, 3, padding="same", padding_mode="reflect"), nn.ReLU(),
            nn.PixelUnshuffle(2),  # (4, 8, 8) -> (16, 4, 4)
            nn.Conv2d(16, 8, 3, stride=2, padding=1, groups=2), nn.ReLU())
        self.up1 = nn.ConvTranspose2d(8, 8, 3, stride=2, padding=1, output_padding=1, groups=4)
        self.up2 = nn.ConvTranspose2d(8, 4, 3, stride=2, padding=2, dilation=2)
        self.shuffle = nn.ChannelShuffle(2)
        self.out = nn.Conv2d(4, 2, 3, padding=1, padding_mode="circular")

    def forward(self, x):
        h = self.enc(x)
        h = F.relu(self.up1(h))
        h = F.relu(self.up2(h, output_size=[8, 8]))
        return self.out(self.shuffle(h))


def main():
    rng = np.random.default_rng(99)
    shapes = []
    for stride, padding, output_padding, dilation, groups in [(1, 0, 0, 1, 1), (2, 1, 1, 1, 2), (3, 2, 2, 1, 1),
                                                              (2, 0, 1, 2, 2), (2, 3, 0, 3, 1)]:
        layer = nn.ConvTranspose2d(4, 6, (3, 2), stride=stride, padding=padding, output_padding=output_padding,
                                   dilation=dilation, groups=groups)
        shapes.append(tuple(layer(torch.zeros(1, 4, 5, 4)).shape))
    print("transpose shapes", shapes)

    x = torch.from_numpy(rng.standard_normal((3, 4, 5, 5))).float()
    w = torch.from_numpy(rng.standard_normal((6, 2, 3, 3))).float()
    y = torch.from_numpy(rng.standard_normal((3, 6, 3, 3))).float()
    conv = F.conv2d(x, w, stride=2, padding=1, groups=2)
    back = F.conv_transpose2d(y, w, stride=2, padding=1, groups=2)
    print("adjoint", (conv * y).sum().item(), (x * back).sum().item(), tuple(back.shape))

    sig = torch.from_numpy(rng.standard_normal((2, 3, 7))).float().requires_grad_(True)
    w1 = torch.from_numpy(rng.standard_normal((3, 2, 4)) * 0.5).float().requires_grad_(True)
    up = F.conv_transpose1d(sig, w1, stride=2, padding=1, output_padding=1, dilation=1)
    layer1 = nn.ConvTranspose1d(3, 2, 3, stride=3, padding=1, bias=False)
    with torch.no_grad():
        layer1.weight.copy_(w1[:, :, :3])
    up2 = layer1(sig)
    print("conv_transpose1d", tuple(up.shape), up[0, 0, :6], tuple(up2.shape), up2[1, 1, :5])
    (up.pow(2).sum() + up2.sum()).backward()
    print("grads", sig.grad[0, 0], w1.grad[0, 0])

    pads = [nn.ZeroPad2d((1, 0, 2, 1))(x[:1, :1, :2, :2]).squeeze().tolist(),
            nn.ConstantPad1d(2, -1.5)(sig.detach()[:1, :1, :3]).squeeze().tolist(),
            nn.ReflectionPad1d((2, 1))(sig.detach()[:1, :1, :4]).squeeze().tolist()]
    print("pads", pads)
    for mode in ("zeros", "reflect", "replicate", "circular"):
        c = nn.Conv1d(3, 2, 5, padding="same", padding_mode=mode, bias=False)
        with torch.no_grad():
            c.weight.copy_(torch.from_numpy(rng.standard_normal((2, 3, 5)) * 0.3).float())
        print(f"same padding {mode:9s}", c(sig.detach())[0, 1])
    pu = F.pixel_unshuffle(x, 1)
    r = torch.arange(2 * 8 * 2 * 2, dtype=torch.float32).reshape(2, 8, 2, 2)
    print("pixel round trip", torch.equal(F.pixel_unshuffle(F.pixel_shuffle(r, 2), 2), r), torch.equal(pu, x),
          F.pixel_shuffle(r, 2)[0, 1, :2], nn.ChannelShuffle(4)(r)[0, :, 0, 0].tolist())

    images = torch.from_numpy(rng.standard_normal((4, 2, 8, 8))).float()
    target = images.clone()
    model = AutoEncoder()
    with torch.no_grad():
        for p in model.parameters():
            p.copy_(torch.from_numpy(0.3 * rng.standard_normal(tuple(p.shape))).float())
    opt = optim.Adam(model.parameters(), lr=0.01)
    for step in range(8):
        recon = model(images)
        loss = F.mse_loss(recon, target)
        opt.zero_grad()
        loss.backward()
        opt.step()
        print(f"step {step} recon {tuple(recon.shape)} loss {loss.item():.6f} "
              f"up1 grad {model.up1.weight.grad.norm().item():.6f}")


if __name__ == "__main__":
    main()
