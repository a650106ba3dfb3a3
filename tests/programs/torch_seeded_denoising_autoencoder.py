"""A denoising autoencoder as course notebooks write one, seeded by torch.manual_seed(3): data on a low-dimensional
manifold (torch.randn codes through a fixed torch.rand mixing matrix), two corruptions - masking noise from
torch.bernoulli(torch.full_like(x, keep)) and additive Gaussian noise from torch.randn_like - an encoder and a
tied-weight decoder whose weight is xavier_uniform_ initialised (gain from nn.init.calculate_gain('sigmoid'))
with biases zero-filled, nn.Dropout on the code, torch.bernoulli_ for an in-place mask, training with RMSprop and
a StepLR schedule, and the reconstruction error on clean versus corrupted inputs. Float32; every random number
comes from torch.manual_seed.
"""
import torch
import torch.nn as nn
import torch.nn.functional as F


class TiedDAE(nn.Module):
    def __init__(self, n_visible=20, n_hidden=6):
        super().__init__()
        self.W = nn.Parameter(torch.empty(n_hidden, n_visible))
        self.b_hid = nn.Parameter(torch.empty(n_hidden))
        self.b_vis = nn.Parameter(torch.empty(n_visible))
        self.code_dropout = nn.Dropout(0.1)
        self.reset_parameters()

    def reset_parameters(self):
        nn.init.xavier_uniform_(self.W, gain=nn.init.calculate_gain('sigmoid'))
        nn.init.zeros_(self.b_hid)
        nn.init.zeros_(self.b_vis)

    def forward(self, x):
        code = torch.sigmoid(F.linear(x, self.W, self.b_hid))
        code = self.code_dropout(code)
        return F.linear(code, self.W.t(), self.b_vis), code


def corrupt(x, kind, level):
    if kind == "mask":
        return x * torch.bernoulli(torch.full_like(x, 1 - level))
    return x + level * torch.randn_like(x)


def main():
    torch.manual_seed(3)
    mixing = torch.rand(3, 20) * 2 - 1
    codes = torch.randn(200, 3)
    data = torch.tanh(codes @ mixing)
    train, test = data[:160], data[160:]
    print("data:", data.shape, "mean", round(data.mean().item(), 4), "std", round(data.std().item(), 4))
    print("masked example:", corrupt(train[:1, :8], "mask", 0.3))

    model = TiedDAE()
    print("gain:", nn.init.calculate_gain('sigmoid'), "W[0]:", [round(v, 4) for v in model.W[0, :5].tolist()])
    optimizer = torch.optim.RMSprop(model.parameters(), lr=0.01)
    scheduler = torch.optim.lr_scheduler.StepLR(optimizer, step_size=3, gamma=0.5)
    for epoch in range(8):
        model.train()
        perm = torch.randperm(len(train))
        total = 0.0
        for i in range(0, len(train), 40):
            x = train[perm[i:i + 40]]
            noisy = corrupt(x, "mask" if epoch % 2 == 0 else "gauss", 0.3)
            recon, _ = model(noisy)
            loss = F.mse_loss(recon, x)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            total += loss.item()
        scheduler.step()
        model.eval()
        with torch.no_grad():
            clean = F.mse_loss(model(test)[0], test).item()
            noisy = F.mse_loss(model(corrupt(test, "gauss", 0.3))[0], test).item()
        print(f"epoch {epoch}: train {total / 4:.4f} test clean {clean:.4f} test noisy {noisy:.4f} "
              f"lr {scheduler.get_last_lr()[0]:.4f}")
    mask = torch.empty(2, 10).bernoulli_(0.5)
    print("in-place mask:", mask.int().tolist())
    with torch.no_grad():
        print("codes:", model(test[:2])[1])
