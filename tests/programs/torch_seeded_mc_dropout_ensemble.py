"""Predictive uncertainty for regression as Bayesian-deep-learning tutorials compute it, seeded by
torch.manual_seed(5), in float64: heteroscedastic data from torch.normal(mean_tensor, std_tensor) with outliers
flagged by torch.distributions.Bernoulli, a deep ensemble of three MLPs, each xavier_uniform_ initialised, then
.double(), and trained on its own bootstrap resample (torch.multinomial over uniform weights with replacement),
Monte Carlo dropout at test time (F.dropout(training=True) kept on while the model is in eval mode, 30
stochastic passes), the predictive mean and spread of both methods, and torch.distributions.Exponential
draws for a noise model. Float64; every random number comes from torch.manual_seed. (xavier_uniform_ rather
than xavier_normal_: uniform draws are PyTorch's to the bit, where float32 normal draws of 16 or more may
differ by an ulp on about one element in a thousand, which a float64 comparison would see.)
"""
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.distributions import Bernoulli, Exponential


class MCDropoutNet(nn.Module):
    def __init__(self, hidden=32, p=0.2):
        super().__init__()
        self.fc1 = nn.Linear(1, hidden)
        self.fc2 = nn.Linear(hidden, hidden)
        self.out = nn.Linear(hidden, 1)
        self.p = p
        for layer in (self.fc1, self.fc2, self.out):
            nn.init.xavier_uniform_(layer.weight)
            nn.init.zeros_(layer.bias)

    def forward(self, x, mc=False):
        x = F.dropout(torch.tanh(self.fc1(x)), self.p, training=self.training or mc)
        x = F.dropout(torch.tanh(self.fc2(x)), self.p, training=self.training or mc)
        return self.out(x)


def train(model, x, y, epochs=60):
    opt = torch.optim.Adam(model.parameters(), lr=0.02)
    for _ in range(epochs):
        opt.zero_grad()
        loss = F.mse_loss(model(x), y)
        loss.backward()
        opt.step()
    return loss.item()


def main():
    torch.manual_seed(5)
    n = 64
    x = torch.linspace(-2, 2, n, dtype=torch.float64).unsqueeze(1)
    noise_sd = 0.1 + 0.2 * (x + 2) / 4
    y = torch.normal(torch.sin(2 * x), noise_sd)
    outlier = Bernoulli(probs=torch.full((n, 1), 0.05, dtype=torch.float64)).sample().bool()
    y = torch.where(outlier, y + 1.5, y)
    print("outliers at:", outlier.squeeze(1).nonzero().squeeze(1).tolist(), "y[:4]:", y[:4, 0].tolist())

    ensemble, losses = [], []
    for k in range(3):
        model = MCDropoutNet().double()
        idx = torch.multinomial(torch.ones(n), n, replacement=True)
        losses.append(train(model, x[idx], y[idx]))
        ensemble.append(model)
        print(f"member {k}: resample starts {idx[:6].tolist()}, final loss {losses[-1]:.8f}")
    print("first member fc1:", ensemble[0].fc1.weight[:3, 0].tolist())

    x_test = torch.tensor([[-2.5], [0.0], [1.0], [3.0]], dtype=torch.float64)
    for m in ensemble:
        m.eval()
    with torch.no_grad():
        preds = torch.stack([m(x_test) for m in ensemble]).squeeze(-1)
        print("ensemble mean:", preds.mean(0).tolist())
        print("ensemble std: ", preds.std(0).tolist())
        mc = torch.stack([ensemble[0](x_test, mc=True) for _ in range(30)]).squeeze(-1)
        print("MC dropout mean:", mc.mean(0).tolist())
        print("MC dropout std: ", mc.std(0).tolist())
        print("deterministic:  ", ensemble[0](x_test).squeeze(-1).tolist())
    waits = Exponential(torch.tensor([1.0, 4.0], dtype=torch.float64)).sample((3,))
    print("exponential draws:", waits.tolist())
    print("stream check:", torch.rand(2, dtype=torch.float64).tolist())
