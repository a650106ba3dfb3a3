"""Batch normalization from scratch in the style of Dive into Deep Learning (d2l.ai), written for PyTorch; tests
run it as is and with only its imports changed, and compare what both print. d2l's batch_norm function (means and
biased variances over dims (0, 2, 3) with keepdim for 4-D inputs, over dim 0 for 2-D ones, moving averages updated
by hand, torch.is_grad_enabled() choosing train or predict mode) inside a BatchNorm module whose moving statistics
are moved to the input's device; checked against F.batch_norm and nn.BatchNorm2d / nn.BatchNorm1d (whose running
variance is the unbiased one, so the hand version is adjusted by n / (n - 1) to match), a LeNet with the hand-made
layers trained a few steps, then the learned gamma / beta and the running statistics, and eval-mode outputs.
Float32, weights and data from NumPy.
"""
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


def batch_norm(X, gamma, beta, moving_mean, moving_var, eps, momentum, unbiased=False):
    if not torch.is_grad_enabled():
        X_hat = (X - moving_mean) / torch.sqrt(moving_var + eps)
    else:
        assert len(X.shape) in (2, 4)
        if len(X.shape) == 2:
            mean = X.mean(dim=0)
            var = ((X - mean) ** 2).mean(dim=0)
            n = X.shape[0]
        else:
            mean = X.mean(dim=(0, 2, 3), keepdim=True)
            var = ((X - mean) ** 2).mean(dim=(0, 2, 3), keepdim=True)
            n = X.numel() // X.shape[1]
        X_hat = (X - mean) / torch.sqrt(var + eps)
        stat_var = var * n / (n - 1) if unbiased else var
        moving_mean = (1.0 - momentum) * moving_mean + momentum * mean
        moving_var = (1.0 - momentum) * moving_var + momentum * stat_var
    Y = gamma * X_hat + beta
    return Y, moving_mean.data, moving_var.data


class BatchNorm(nn.Module):
    def __init__(self, num_features, num_dims, unbiased=False):
        super().__init__()
        shape = (1, num_features) if num_dims == 2 else (1, num_features, 1, 1)
        self.gamma = nn.Parameter(torch.ones(shape))
        self.beta = nn.Parameter(torch.zeros(shape))
        self.moving_mean = torch.zeros(shape)
        self.moving_var = torch.ones(shape)
        self.unbiased = unbiased

    def forward(self, X):
        if self.moving_mean.device != X.device:
            self.moving_mean = self.moving_mean.to(X.device)
            self.moving_var = self.moving_var.to(X.device)
        Y, self.moving_mean, self.moving_var = batch_norm(
            X, self.gamma, self.beta, self.moving_mean, self.moving_var, eps=1e-5, momentum=0.1,
            unbiased=self.unbiased)
        return Y


def load_numpy(module, rng):
    with torch.no_grad():
        for p in module.parameters():
            p.copy_(torch.from_numpy(rng.normal(0, 0.3, tuple(p.shape)).astype(np.float32)))


def main():
    rng = np.random.default_rng(3)
    X = torch.from_numpy(rng.normal(1.0, 2.0, (8, 3, 5, 5)).astype(np.float32))
    bn = BatchNorm(3, 4, unbiased=True)
    ref = nn.BatchNorm2d(3)
    Y, Y_ref = bn(X), ref(X)
    print("train output matches BatchNorm2d:", torch.allclose(Y, Y_ref, atol=1e-5),
          Y.mean(dim=(0, 2, 3)).abs().max().item() < 1e-5, [round(v, 4) for v in Y.std(dim=(0, 2, 3)).tolist()])
    print("moving mean:", [round(v, 5) for v in bn.moving_mean.flatten().tolist()],
          torch.allclose(bn.moving_mean.flatten(), ref.running_mean))
    print("moving var:", [round(v, 5) for v in bn.moving_var.flatten().tolist()],
          torch.allclose(bn.moving_var.flatten(), ref.running_var))
    with torch.no_grad():
        Y_eval = bn(X[:2] * 0.5)
    ref.eval()
    print("predict mode matches eval():", torch.allclose(Y_eval, ref(X[:2] * 0.5), atol=1e-5))
    fb = F.batch_norm(X, torch.zeros(3), torch.ones(3), training=True, momentum=0.1)
    print("F.batch_norm:", torch.allclose(fb, Y, atol=1e-5), [round(v, 5) for v in fb[0, :, 0, 0].tolist()])

    X2 = torch.from_numpy(rng.normal(-0.5, 3.0, (6, 4)).astype(np.float32))
    bn1 = BatchNorm(4, 2)
    Y2 = bn1(X2)
    print("2-D stats:", [round(v, 4) for v in Y2.std(dim=0, unbiased=False).tolist()],
          [round(v, 5) for v in bn1.moving_var.flatten().tolist()])
    ref1 = nn.BatchNorm1d(4)
    ref1(X2)
    print("d2l keeps the biased variance, PyTorch the unbiased one:",
          torch.allclose(bn1.moving_var.flatten(), 0.9 + 0.1 * X2.var(dim=0, unbiased=False)),
          torch.allclose(ref1.running_var, 0.9 + 0.1 * X2.var(dim=0)), ref1.num_batches_tracked.item())

    net = nn.Sequential(
        nn.Conv2d(1, 4, kernel_size=3, padding=1), BatchNorm(4, num_dims=4), nn.Sigmoid(),
        nn.AvgPool2d(kernel_size=2, stride=2),
        nn.Conv2d(4, 6, kernel_size=3), BatchNorm(6, num_dims=4), nn.Sigmoid(),
        nn.Flatten(), nn.Linear(6, 8), BatchNorm(8, num_dims=2), nn.Sigmoid(), nn.Linear(8, 3))
    load_numpy(net, rng)
    with torch.no_grad():
        for m in net:
            if isinstance(m, BatchNorm):
                m.gamma.fill_(1.0)
                m.beta.zero_()
    imgs = torch.from_numpy(rng.normal(0, 1, (16, 1, 6, 6)).astype(np.float32))
    labels = torch.from_numpy(rng.integers(0, 3, 16))
    opt = torch.optim.SGD(net.parameters(), lr=0.5)
    for step in range(5):
        opt.zero_grad()
        loss = F.cross_entropy(net(imgs), labels)
        loss.backward()
        opt.step()
        print(f"step {step}: loss {loss.item():.5f}")
    print("gamma:", [round(v, 4) for v in net[1].gamma.reshape((-1,)).tolist()])
    print("beta:", [round(v, 4) for v in net[1].beta.reshape((-1,)).tolist()])
    print("moving mean (layer 2):", [round(v, 4) for v in net[5].moving_mean.reshape(-1).tolist()])
    with torch.no_grad():
        print("predict:", net(imgs[:4]).argmax(dim=1).tolist(),
              [round(v, 4) for v in net(imgs[:1]).flatten().tolist()])
