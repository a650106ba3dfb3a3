"""A variational autoencoder as in the PyTorch examples repository (examples/vae), shrunk, seeded by
torch.manual_seed(1): binary "images" made with torch.bernoulli from prototype probabilities drawn by torch.rand,
a shuffled DataLoader, fc1 -> (fc21, fc22) encoder and fc3 -> fc4 decoder with default init, the
reparameterisation trick through torch.randn_like, BCE + KL loss summed per batch, per-epoch average loss, a
test pass in eval mode, and samples decoded from torch.randn in the latent space. Float32; every random number
comes from torch.manual_seed.
"""
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch import optim
from torch.utils.data import DataLoader, TensorDataset

D, H, Z = 36, 24, 4


class VAE(nn.Module):
    def __init__(self):
        super(VAE, self).__init__()
        self.fc1 = nn.Linear(D, H)
        self.fc21 = nn.Linear(H, Z)
        self.fc22 = nn.Linear(H, Z)
        self.fc3 = nn.Linear(Z, H)
        self.fc4 = nn.Linear(H, D)

    def encode(self, x):
        h1 = F.relu(self.fc1(x))
        return self.fc21(h1), self.fc22(h1)

    def reparameterize(self, mu, logvar):
        std = torch.exp(0.5 * logvar)
        eps = torch.randn_like(std)
        return mu + eps * std

    def decode(self, z):
        h3 = F.relu(self.fc3(z))
        return torch.sigmoid(self.fc4(h3))

    def forward(self, x):
        mu, logvar = self.encode(x.view(-1, D))
        z = self.reparameterize(mu, logvar)
        return self.decode(z), mu, logvar


def loss_function(recon_x, x, mu, logvar):
    BCE = F.binary_cross_entropy(recon_x, x.view(-1, D), reduction='sum')
    KLD = -0.5 * torch.sum(1 + logvar - mu.pow(2) - logvar.exp())
    return BCE + KLD


def main():
    torch.manual_seed(1)
    prototypes = torch.rand(3, D) ** 3
    which = torch.randint(0, 3, (160,))
    images = torch.bernoulli(prototypes[which])
    print("pixels on:", int(images.sum().item()), "first image:", images[0, :12].int().tolist())
    train_loader = DataLoader(TensorDataset(images[:128]), batch_size=32, shuffle=True)
    test_loader = DataLoader(TensorDataset(images[128:]), batch_size=32)
    model = VAE()
    optimizer = optim.Adam(model.parameters(), lr=1e-2)
    for epoch in range(1, 7):
        model.train()
        train_loss = 0
        for batch_idx, (data,) in enumerate(train_loader):
            optimizer.zero_grad()
            recon_batch, mu, logvar = model(data)
            loss = loss_function(recon_batch, data, mu, logvar)
            loss.backward()
            train_loss += loss.item()
            optimizer.step()
        model.eval()
        test_loss = 0
        with torch.no_grad():
            for (data,) in test_loader:
                recon, mu, logvar = model(data)
                test_loss += loss_function(recon, data, mu, logvar).item()
        print('====> Epoch: {} Average loss: {:.4f} Test set loss: {:.4f}'.format(
            epoch, train_loss / len(train_loader.dataset), test_loss / 32))
    with torch.no_grad():
        sample = torch.randn(4, Z)
        sample = model.decode(sample)
        print("decoded samples:", sample.shape)
        print(sample[:, :6])
        mu, logvar = model.encode(images[:2])
        print("posterior means:", mu)
        print("posterior std:", torch.exp(0.5 * logvar))
