"""A small DCGAN written for PyTorch in the style of its DCGAN tutorial; tests run it as is and with only its
imports changed, and compare what both print. A generator of ConvTranspose2d + BatchNorm2d + ReLU + Tanh
making 16x16 images, a discriminator of Conv2d + LeakyReLU(0.2) + BatchNorm2d + Sigmoid trained with BCELoss,
weights_init through model.apply (the tutorial's normal draws replaced by a seeded NumPy generator),
torch.full labels refilled with fill_, .detach() for the discriminator step and Adam(betas=(0.5, 0.999)).
"""
import numpy as np
import torch
import torch.nn as nn
import torch.optim as optim

NZ, NGF, NDF, NC = 8, 8, 8, 1
REAL, FAKE = 1.0, 0.0


class Generator(nn.Module):
    def __init__(self):
        super().__init__()
        self.main = nn.Sequential(
            nn.ConvTranspose2d(NZ, NGF * 4, 4, 1, 0, bias=False),  # 1 -> 4
            nn.BatchNorm2d(NGF * 4),
            nn.ReLU(True),
            nn.ConvTranspose2d(NGF * 4, NGF * 2, 4, 2, 1, bias=False),  # 4 -> 8
            nn.BatchNorm2d(NGF * 2),
            nn.ReLU(True),
            nn.ConvTranspose2d(NGF * 2, NC, 4, 2, 1, bias=False),  # 8 -> 16
            nn.Tanh(),
        )

    def forward(self, z):
        return self.main(z)


class Discriminator(nn.Module):
    def __init__(self):
        super().__init__()
        self.main = nn.Sequential(
            nn.Conv2d(NC, NDF, 4, 2, 1, bias=False),  # 16 -> 8
            nn.LeakyReLU(0.2, inplace=True),
            nn.Conv2d(NDF, NDF * 2, 4, 2, 1, bias=False),  # 8 -> 4
            nn.BatchNorm2d(NDF * 2),
            nn.LeakyReLU(0.2, inplace=True),
            nn.Conv2d(NDF * 2, 1, 4, 1, 0, bias=False),  # 4 -> 1
            nn.Sigmoid(),
        )

    def forward(self, x):
        return self.main(x).view(-1, 1).squeeze(1)


def make_weights_init(rng):
    """The tutorial's weights_init, drawing from `rng` so every library starts from the same numbers."""
    def weights_init(m):
        classname = m.__class__.__name__
        if classname.find("Conv") != -1:
            m.weight.data.copy_(torch.from_numpy(rng.normal(0.0, 0.02, tuple(m.weight.shape))))
        elif classname.find("BatchNorm") != -1:
            m.weight.data.copy_(torch.tensor(rng.normal(1.0, 0.02, m.weight.shape[0])))
            nn.init.constant_(m.bias.data, 0)
    return weights_init


def main():
    torch.set_default_dtype(torch.float64)
    rng = np.random.default_rng(7)
    # "real" images: blurry blobs in [-1, 1]
    yy, xx = np.mgrid[0:16, 0:16]
    centres = rng.uniform(4, 12, size=(32, 2))
    blobs = np.exp(-((yy[None] - centres[:, 0, None, None]) ** 2 + (xx[None] - centres[:, 1, None, None]) ** 2) / 12.0)
    real_images = torch.from_numpy(blobs * 2.0 - 1.0).unsqueeze(1)
    print("real batch", tuple(real_images.shape), real_images.dtype)

    netG, netD = Generator(), Discriminator()
    netG.apply(make_weights_init(rng))
    netD.apply(make_weights_init(rng))
    print("G params", sum(p.numel() for p in netG.parameters()), "D params", sum(p.numel() for p in netD.parameters()))

    criterion = nn.BCELoss()
    print("criterion", criterion, "| D head", netD.main[5:])
    fixed_noise = torch.from_numpy(rng.standard_normal((4, NZ, 1, 1)))
    optD = optim.Adam(netD.parameters(), lr=0.002, betas=(0.5, 0.999))
    optG = optim.Adam(netG.parameters(), lr=0.002, betas=(0.5, 0.999))

    batch = 8
    for it in range(8):
        real = real_images[(it * batch) % 32:(it * batch) % 32 + batch]
        # (1) update D: maximise log(D(x)) + log(1 - D(G(z)))
        netD.zero_grad()
        label = torch.full((batch,), REAL, dtype=real.dtype)
        output = netD(real)
        errD_real = criterion(output, label)
        errD_real.backward()
        D_x = output.mean().item()

        noise = torch.from_numpy(rng.standard_normal((batch, NZ, 1, 1)))
        fake = netG(noise)
        label.fill_(FAKE)
        output = netD(fake.detach())
        errD_fake = criterion(output, label)
        errD_fake.backward()
        D_G_z1 = output.mean().item()
        errD = errD_real + errD_fake
        optD.step()

        # (2) update G: maximise log(D(G(z)))
        netG.zero_grad()
        label.fill_(REAL)
        output = netD(fake)
        errG = criterion(output, label)
        errG.backward()
        D_G_z2 = output.mean().item()
        optG.step()
        print(f"[{it}/8] Loss_D: {errD.item()} Loss_G: {errG.item()} "
              f"D(x): {D_x} D(G(z)): {D_G_z1} / {D_G_z2}")

    netG.eval()
    netD.eval()
    with torch.no_grad():
        samples = netG(fixed_noise)
        scores = netD(samples)
    print("generated", samples.shape, samples.dtype)
    print("sample[0, 0, 7, 4:10]", samples[0, 0, 7, 4:10].tolist())
    print("sample min/max", samples.min().item(), samples.max().item())
    print("per-image mean", samples.mean(dim=(1, 2, 3)).tolist())
    print("D on samples", scores.tolist())
    bn = netG.main[1]
    print("G bn1 running_mean[:4]", bn.running_mean[:4].tolist())
    print("G bn1 running_var[:4]", bn.running_var[:4].tolist())
    print("num_batches_tracked", bn.num_batches_tracked.item(), bn.num_batches_tracked.dtype)
    print("D last conv weight norm", netD.main[5].weight.norm().item())
    torch.set_default_dtype(torch.float32)


if __name__ == "__main__":
    main()
