"""Users' code is the test: a DCGAN and two VAEs (one with torch.distributions) written as PyTorch
tutorials write them, run on PyTorch and on deepgrad (only the `torch` namespace differs) from the same
weights and noise, in float64; every loss, gradient and output agrees to 1e-10."""
import numpy as np

from tests.nn.users_torch_common import assert_same_log, grads, namespaces, start_weights


def dcgan(torch, init, real_batches, noises):
    """Three DCGAN steps: D on real and detached fake, then G through D, two Adams, BCE with logits."""
    nn = torch.nn

    class Generator(nn.Module):
        def __init__(self, nz=8, ngf=4):
            super().__init__()
            self.main = nn.Sequential(
                nn.ConvTranspose2d(nz, ngf * 2, 4, 1, 0, bias=False),
                nn.BatchNorm2d(ngf * 2),
                nn.ReLU(True),
                nn.ConvTranspose2d(ngf * 2, ngf, 4, 2, 1, bias=False),
                nn.BatchNorm2d(ngf),
                nn.ReLU(True),
                nn.ConvTranspose2d(ngf, 1, 4, 2, 1, bias=False),
                nn.Tanh())

        def forward(self, z):
            return self.main(z)

    class Discriminator(nn.Module):
        def __init__(self, ndf=4):
            super().__init__()
            self.main = nn.Sequential(
                nn.Conv2d(1, ndf, 4, 2, 1, bias=False),
                nn.LeakyReLU(0.2, inplace=True),
                nn.Conv2d(ndf, ndf * 2, 4, 2, 1, bias=False),
                nn.BatchNorm2d(ndf * 2),
                nn.LeakyReLU(0.2, inplace=True),
                nn.Conv2d(ndf * 2, 1, 4, 1, 0, bias=False))

        def forward(self, x):
            return self.main(x).view(-1, 1).squeeze(1)

    netG = start_weights(torch, Generator(), init.setdefault("G", {}))
    netD = start_weights(torch, Discriminator(), init.setdefault("D", {}))
    criterion = nn.BCEWithLogitsLoss()
    optimizerD = torch.optim.Adam(netD.parameters(), lr=2e-4, betas=(0.5, 0.999))
    optimizerG = torch.optim.Adam(netG.parameters(), lr=2e-4, betas=(0.5, 0.999))
    real_label, fake_label = 1.0, 0.0
    log = []
    for real, noise in zip(real_batches, noises):
        real, noise = torch.from_numpy(real), torch.from_numpy(noise)
        b_size = real.size(0)
        netD.zero_grad(set_to_none=True)
        label = torch.full((b_size,), real_label, dtype=torch.float64)
        errD_real = criterion(netD(real), label)
        errD_real.backward()
        fake = netG(noise)
        label.fill_(fake_label)
        output = netD(fake.detach())
        errD_fake = criterion(output, label)
        errD_fake.backward()
        D_G_z1 = torch.sigmoid(output).mean().item()
        errD = errD_real + errD_fake
        grads_D = grads(netD)
        optimizerD.step()

        netG.zero_grad(set_to_none=True)
        label.fill_(real_label)
        output = netD(fake)
        errG = criterion(output, label)
        errG.backward()
        D_G_z2 = torch.sigmoid(output).mean().item()
        log.append([errD.item(), errG.item(), D_G_z1, D_G_z2, grads_D, grads(netG),
                    [p.grad is None for p in netD.parameters()] == [False] * 4])
        optimizerG.step()
    netG.eval()
    with torch.no_grad():
        log.append(netG(torch.from_numpy(noises[0])).numpy())
    log.append({k: v.numpy() for k, v in netD.state_dict().items()})
    return log


def vae(torch, init, batches, noises):
    """Three VAE steps: reparameterisation, BCE(sum) + KL, Adam; then decoding under no_grad."""
    nn = torch.nn
    F = torch.nn.functional

    class VAE(nn.Module):
        def __init__(self):
            super().__init__()
            self.fc1 = nn.Linear(20, 12)
            self.fc21 = nn.Linear(12, 3)
            self.fc22 = nn.Linear(12, 3)
            self.fc3 = nn.Linear(3, 12)
            self.fc4 = nn.Linear(12, 20)

        def encode(self, x):
            h1 = F.relu(self.fc1(x))
            return self.fc21(h1), self.fc22(h1)

        def reparameterize(self, mu, logvar, eps=None):
            std = torch.exp(0.5 * logvar)
            if eps is None:
                eps = torch.randn_like(std)
            return mu + eps * std

        def decode(self, z):
            h3 = F.relu(self.fc3(z))
            return torch.sigmoid(self.fc4(h3))

        def forward(self, x, eps=None):
            mu, logvar = self.encode(x.view(-1, 20))
            z = self.reparameterize(mu, logvar, eps)
            return self.decode(z), mu, logvar

    def loss_function(recon_x, x, mu, logvar):
        BCE = F.binary_cross_entropy(recon_x, x.view(-1, 20), reduction='sum')
        KLD = -0.5 * torch.sum(1 + logvar - mu.pow(2) - logvar.exp())
        return BCE + KLD, BCE, KLD

    model = start_weights(torch, VAE(), init)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    log = []
    model.train()
    for data, eps in zip(batches, noises):
        data = torch.from_numpy(data)
        optimizer.zero_grad()
        recon_batch, mu, logvar = model(data, torch.from_numpy(eps))
        loss, bce, kld = loss_function(recon_batch, data, mu, logvar)
        loss.backward()
        log.append([loss.item(), bce.item(), kld.item(), grads(model)])
        optimizer.step()
    drawn = model.reparameterize(mu, logvar)        # torch.randn_like inside: only its shape can match
    log.append([tuple(drawn.shape), str(drawn.dtype).endswith("float64"), drawn.requires_grad])
    model.eval()
    with torch.no_grad():
        log.append(model.decode(torch.from_numpy(noises[0])).numpy())
    return log


def vae_with_distributions(torch, init, batches, noises):
    """A VAE written with torch.distributions: q(z|x) an Independent Normal, p(x|z) an Independent Bernoulli on
    logits, the ELBO from log_prob and kl_divergence; z from the caller's noise (rsample's draws differ)."""
    nn = torch.nn
    dist = torch.distributions

    class Encoder(nn.Module):
        def __init__(self):
            super().__init__()
            self.net = nn.Sequential(nn.Linear(12, 10), nn.SiLU(), nn.Linear(10, 2 * 3))

        def forward(self, x):
            mu, log_std = self.net(x).chunk(2, dim=-1)
            return dist.Independent(dist.Normal(mu, log_std.exp()), 1)

    class Decoder(nn.Module):
        def __init__(self):
            super().__init__()
            self.net = nn.Sequential(nn.Linear(3, 10), nn.SiLU(), nn.Linear(10, 12))

        def forward(self, z):
            return dist.Independent(dist.Bernoulli(logits=self.net(z)), 1)

    class VAE(nn.Module):
        def __init__(self):
            super().__init__()
            self.encoder, self.decoder = Encoder(), Decoder()

        def elbo(self, x, eps):
            q = self.encoder(x)
            prior = dist.Independent(dist.Normal(torch.zeros_like(q.mean), torch.ones_like(q.mean)), 1)
            z = q.mean + eps * q.stddev
            assert tuple(q.rsample().shape) == tuple(z.shape) and q.rsample().requires_grad
            return self.decoder(z).log_prob(x) - dist.kl_divergence(q, prior), q.entropy()

    model = start_weights(torch, VAE(), init)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-2)
    log = []
    for data, eps in zip(batches, noises):
        x = torch.from_numpy(data)
        elbo, entropy = model.elbo(x, torch.from_numpy(eps))
        loss = -elbo.mean()
        optimizer.zero_grad()
        loss.backward()
        log.append([loss.item(), elbo.detach().numpy(), entropy.detach().numpy(), grads(model)])
        optimizer.step()
    return log


def test_dcgan_steps_match_torch():
    torch, ag = namespaces()
    rs = np.random.RandomState(0)
    real = [np.tanh(rs.randn(4, 1, 16, 16)) for _ in range(3)]
    noises = [rs.randn(4, 8, 1, 1) for _ in range(3)]
    torch.manual_seed(0)
    init = {}
    theirs = dcgan(torch, init, real, noises)
    assert_same_log(dcgan(ag, init, real, noises), theirs)


def test_vae_steps_match_torch():
    torch, ag = namespaces()
    rs = np.random.RandomState(1)
    batches = [rs.rand(5, 1, 4, 5) for _ in range(3)]
    noises = [rs.randn(5, 3) for _ in range(3)]
    torch.manual_seed(0)
    init = {}
    theirs = vae(torch, init, batches, noises)
    assert_same_log(vae(ag, init, batches, noises), theirs)


def test_vae_written_with_torch_distributions_matches_torch():
    torch, ag = namespaces()
    rs = np.random.RandomState(2)
    batches = [(rs.rand(6, 12) > 0.5).astype(np.float64) for _ in range(3)]
    noises = [rs.randn(6, 3) for _ in range(3)]
    torch.manual_seed(0)
    init = {}
    theirs = vae_with_distributions(torch, init, batches, noises)
    assert_same_log(vae_with_distributions(ag, init, batches, noises), theirs)
