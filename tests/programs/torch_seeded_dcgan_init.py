"""A miniature DCGAN in the style of PyTorch's DCGAN tutorial, seeded with torch.manual_seed(999): the tutorial's
weights_init applied with model.apply (nn.init.normal_(w, 0.0, 0.02) for the convolutions, normal_(w, 1.0, 0.02)
and constant_(b, 0) for BatchNorm2d), a ConvTranspose2d generator and a Conv2d discriminator on 8x8 images, a
fixed_noise batch from torch.randn(b, nz, 1, 1), "real" images drawn from torch.rand, the alternating BCELoss
updates with Adam(betas=(0.5, 0.999)), and the D(x) / D(G(z)) statistics the tutorial prints. Float32; every
random number comes from torch.manual_seed.
"""
import torch
import torch.nn as nn
import torch.optim as optim

nz, ngf, ndf, nc = 8, 8, 8, 1


def weights_init(m):
    classname = m.__class__.__name__
    if classname.find('Conv') != -1:
        nn.init.normal_(m.weight.data, 0.0, 0.02)
    elif classname.find('BatchNorm') != -1:
        nn.init.normal_(m.weight.data, 1.0, 0.02)
        nn.init.constant_(m.bias.data, 0)


class Generator(nn.Module):
    def __init__(self):
        super().__init__()
        self.main = nn.Sequential(
            nn.ConvTranspose2d(nz, ngf * 2, 4, 1, 0, bias=False),
            nn.BatchNorm2d(ngf * 2),
            nn.ReLU(True),
            nn.ConvTranspose2d(ngf * 2, nc, 4, 2, 1, bias=False),
            nn.Tanh(),
        )

    def forward(self, input):
        return self.main(input)


class Discriminator(nn.Module):
    def __init__(self):
        super().__init__()
        self.main = nn.Sequential(
            nn.Conv2d(nc, ndf, 4, 2, 1, bias=False),
            nn.LeakyReLU(0.2, inplace=True),
            nn.Conv2d(ndf, ndf * 2, 4, 2, 1, bias=False),
            nn.BatchNorm2d(ndf * 2),
            nn.LeakyReLU(0.2, inplace=True),
            nn.Conv2d(ndf * 2, 1, 2, 1, 0, bias=False),
            nn.Sigmoid(),
        )

    def forward(self, input):
        return self.main(input)


def main():
    manualSeed = 999
    print("Random Seed: ", manualSeed)
    torch.manual_seed(manualSeed)
    torch.use_deterministic_algorithms(True)

    netG = Generator()
    netG.apply(weights_init)
    netD = Discriminator()
    netD.apply(weights_init)
    print("G first conv weights:", [round(v, 5) for v in netG.main[0].weight.flatten()[:5].tolist()])
    print("G BatchNorm weight:", [round(v, 5) for v in netG.main[1].weight[:4].tolist()])
    print("D last conv weights:", [round(v, 5) for v in netD.main[5].weight.flatten()[:5].tolist()])

    # "real" images: bright blobs in [-1, 1] drawn from torch.rand
    real_images = torch.rand(64, nc, 8, 8) * 2 - 1
    real_images[:, :, 2:6, 2:6] = real_images[:, :, 2:6, 2:6].abs()
    criterion = nn.BCELoss()
    fixed_noise = torch.randn(16, nz, 1, 1)
    real_label, fake_label = 1., 0.
    optimizerD = optim.Adam(netD.parameters(), lr=0.0002 * 10, betas=(0.5, 0.999))
    optimizerG = optim.Adam(netG.parameters(), lr=0.0002 * 10, betas=(0.5, 0.999))

    b_size = 16
    for epoch in range(3):
        for i in range(4):
            real_cpu = real_images[i * b_size:(i + 1) * b_size]
            # (1) Update D network: maximize log(D(x)) + log(1 - D(G(z)))
            netD.zero_grad()
            label = torch.full((b_size,), real_label, dtype=torch.float)
            output = netD(real_cpu).view(-1)
            errD_real = criterion(output, label)
            errD_real.backward()
            D_x = output.mean().item()
            noise = torch.randn(b_size, nz, 1, 1)
            fake = netG(noise)
            label.fill_(fake_label)
            output = netD(fake.detach()).view(-1)
            errD_fake = criterion(output, label)
            errD_fake.backward()
            D_G_z1 = output.mean().item()
            errD = errD_real + errD_fake
            optimizerD.step()
            # (2) Update G network: maximize log(D(G(z)))
            netG.zero_grad()
            label.fill_(real_label)
            output = netD(fake).view(-1)
            errG = criterion(output, label)
            errG.backward()
            D_G_z2 = output.mean().item()
            optimizerG.step()
            if i % 2 == 0:
                print('[%d/%d][%d/%d]\tLoss_D: %.4f\tLoss_G: %.4f\tD(x): %.4f\tD(G(z)): %.4f / %.4f'
                      % (epoch, 3, i, 4, errD.item(), errG.item(), D_x, D_G_z1, D_G_z2))
    with torch.no_grad():
        fake = netG(fixed_noise).detach()
    print("fixed-noise samples:", fake.shape, round(fake.mean().item(), 4), round(fake.std().item(), 4))
    print(fake[0, 0, :2])
