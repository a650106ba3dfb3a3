"""A variational autoencoder written the way 2018-era tutorials and the old pytorch/examples VAE wrote it,
still running on PyTorch 2.x with its deprecation warnings: torch.autograd.Variable wrappers,
F.binary_cross_entropy(..., size_average=False), F.sigmoid / F.tanh, nn.init.xavier_uniform without the
underscore, nn.utils.clip_grad_norm, x.data updates, and keyword-style calls (torch.arange(start=, end=),
x.view(size=), x.reshape(shape=), x.permute(dims=), x.new_zeros(size=), torch.pow(x, exponent=),
x.requires_grad_(requires_grad=), torch.where(cond, input=, other=)). Float32; torch.manual_seed drives every
random number.
"""
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.autograd import Variable

D, H, Z = 20, 12, 3


class VAE(nn.Module):
    def __init__(self):
        super(VAE, self).__init__()
        self.fc1 = nn.Linear(D, H)
        self.fc21 = nn.Linear(H, Z)
        self.fc22 = nn.Linear(H, Z)
        self.fc3 = nn.Linear(Z, H)
        self.fc4 = nn.Linear(H, D)
        for m in self.modules():
            if isinstance(m, nn.Linear):
                nn.init.xavier_uniform(m.weight)
                nn.init.constant(m.bias, 0.01)

    def encode(self, x):
        h1 = F.tanh(self.fc1(x))
        return self.fc21(h1), self.fc22(h1)

    def reparameterize(self, mu, logvar):
        std = logvar.mul(0.5).exp_()
        eps = Variable(std.data.new(std.size()).normal_())
        return eps.mul(std).add_(mu)

    def decode(self, z):
        return F.sigmoid(self.fc4(F.relu(self.fc3(z))))

    def forward(self, x):
        mu, logvar = self.encode(x.view(size=(-1, D)))
        z = self.reparameterize(mu, logvar)
        return self.decode(z), mu, logvar


def loss_function(recon_x, x, mu, logvar):
    BCE = F.binary_cross_entropy(recon_x, x.view(-1, D), size_average=False)
    KLD = -0.5 * torch.sum(1 + logvar - torch.pow(mu, exponent=2) - logvar.exp())
    return BCE + KLD, BCE, KLD


def main():
    torch.manual_seed(12)
    grid = torch.arange(start=0, end=D, step=1).float()
    protos = torch.stack([torch.sigmoid(torch.sin(grid * f / 3.0) * 4) for f in (1.0, 2.0, 3.5)])
    which = torch.randint(0, 3, (96,))
    data = torch.bernoulli(protos[which])
    images = data.reshape(shape=(96, 4, 5))
    print("data:", tuple(images.shape), "on:", int(data.sum().item()), "first row:", data[0, :10].int().tolist())
    model = VAE()
    print("fc1 weight range:", round(model.fc1.weight.min().item(), 5), round(model.fc1.weight.max().item(), 5),
          "bias:", model.fc4.bias[:2].tolist())
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-2)
    for epoch in range(4):
        perm = torch.randperm(96)
        total = bce_total = 0.0
        for i in range(0, 96, 32):
            batch = Variable(images[perm[i:i + 32]])
            optimizer.zero_grad()
            recon, mu, logvar = model(batch)
            loss, bce, kld = loss_function(recon, batch, mu, logvar)
            loss.backward()
            norm = nn.utils.clip_grad_norm(model.parameters(), 50.0)
            optimizer.step()
            total += loss.data.item()
            bce_total += bce.item()
        print(f"epoch {epoch}: loss/sample {total / 96:.4f} bce/sample {bce_total / 96:.4f} last grad norm {float(norm):.4f}")
    model.eval()
    with torch.no_grad():
        mu, logvar = model.encode(data[:6])
        recon = model.decode(mu)
    print("mu:", tuple(mu.shape), "first:", [round(v, 4) for v in mu[0].tolist()])
    print("posterior std:", [round(v, 4) for v in logvar.mul(0.5).exp()[0].tolist()])
    print("recon error:", round(F.binary_cross_entropy(recon, data[:6], reduce=False).sum(1).mean().item(), 4))
    codes = mu.permute(dims=(1, 0))
    print("codes:", tuple(codes.shape), "per-dim mean:", [round(v, 4) for v in codes.mean(1).tolist()])
    z = Variable(torch.randn(4, Z))
    samples = model.decode(z)
    binar = torch.where(samples > 0.5, input=torch.ones_like(samples), other=samples.new_zeros(size=samples.shape))
    print("samples on:", binar.sum(1).int().tolist())
    w = model.fc21.weight.detach().clone().requires_grad_(requires_grad=True)
    (w ** 2).sum().backward()
    print("weight grad norm:", round(w.grad.norm().item(), 5))
    model.fc4.bias.data.fill_(0.0)
    print("zeroed bias:", model.fc4.bias.abs().sum().item(), "requires_grad:", model.fc4.bias.requires_grad)
    print("nll per class:", [round(v, 4) for v in F.nll_loss(torch.log_softmax(mu, 1), torch.tensor([0, 1, 2, 0, 1, 2]), reduce=False).tolist()])
