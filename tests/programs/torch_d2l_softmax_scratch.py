"""Softmax regression from scratch in the style of Dive into Deep Learning (d2l.ai), written for PyTorch; tests run
it as is and with only its imports changed, and compare what both print. A hand-written softmax (exp / row sums
with keepdim), cross-entropy by fancy indexing y_hat[range(len(y_hat)), y], accuracy through argmax and a type
cast, an Accumulator class, an updater doing minibatch SGD under no_grad, three epochs on a small image-like data
set, then the same model with nn.CrossEntropyLoss(reduction='none') and optim.SGD from the same start, the loss of
the hand-written version compared with F.cross_entropy, an L2 penalty added by hand, and predictions with gather
and topk. Float32, data from NumPy.
"""
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.optim as optim


class Accumulator:
    def __init__(self, n):
        self.data = [0.0] * n

    def add(self, *args):
        self.data = [a + float(b) for a, b in zip(self.data, args)]

    def __getitem__(self, idx):
        return self.data[idx]


def softmax(X):
    X_exp = torch.exp(X)
    partition = X_exp.sum(1, keepdim=True)
    return X_exp / partition


def cross_entropy(y_hat, y):
    return -torch.log(y_hat[range(len(y_hat)), y])


def accuracy(y_hat, y):
    if len(y_hat.shape) > 1 and y_hat.shape[1] > 1:
        y_hat = y_hat.argmax(axis=1)
    cmp = y_hat.type(y.dtype) == y
    return float(cmp.type(y.dtype).sum())


def batches(X, y, batch_size, rng):
    order = rng.permutation(len(X))
    for i in range(0, len(X), batch_size):
        idx = torch.from_numpy(order[i:i + batch_size])
        yield X[idx], y[idx]


def main():
    rng = np.random.default_rng(1)
    num_inputs, num_outputs, n = 16, 4, 240
    centers = rng.normal(0, 1.5, (num_outputs, num_inputs)).astype(np.float32)
    labels = rng.integers(0, num_outputs, n)
    images = centers[labels] + rng.normal(0, 1.0, (n, num_inputs)).astype(np.float32)
    X_all = torch.from_numpy(images).reshape(n, 1, 4, 4)
    y_all = torch.from_numpy(labels)
    print("data:", tuple(X_all.shape), y_all.dtype, torch.bincount(y_all).tolist())

    X = torch.tensor([[1.0, 2.0, 3.0], [0.5, -1.0, 4.0]])
    X_prob = softmax(X)
    print("softmax rows:", [round(v, 5) for v in X_prob.flatten().tolist()],
          [round(v, 5) for v in X_prob.sum(1).tolist()])
    y_hat = torch.tensor([[0.1, 0.3, 0.6], [0.3, 0.2, 0.5]])
    y = torch.tensor([0, 2])
    print("picked:", y_hat[[0, 1], y].tolist(), "ce:", [round(v, 5) for v in cross_entropy(y_hat, y).tolist()],
          "acc:", accuracy(y_hat, y) / len(y))

    W0 = rng.normal(0, 0.01, (num_inputs, num_outputs)).astype(np.float32)
    W = torch.from_numpy(W0.copy()).requires_grad_(True)
    b = torch.zeros(num_outputs, requires_grad=True)

    def net(X):
        return softmax(torch.matmul(X.reshape((-1, W.shape[0])), W) + b)

    lr = 0.1
    for epoch in range(3):
        metric = Accumulator(3)
        for Xb, yb in batches(X_all, y_all, 32, rng):
            l = cross_entropy(net(Xb), yb)
            l.sum().backward()
            with torch.no_grad():
                for param in (W, b):
                    param -= lr * param.grad / Xb.shape[0]
                    param.grad.zero_()
            metric.add(float(l.sum()), accuracy(net(Xb), yb), yb.numel())
        print(f"scratch epoch {epoch + 1}: loss {metric[0] / metric[2]:.4f} acc {metric[1] / metric[2]:.4f}")

    with torch.no_grad():
        logits = X_all.reshape(n, -1) @ W + b
        mine = cross_entropy(softmax(logits), y_all).mean()
        print("hand ce vs F.cross_entropy:", round(mine.item(), 5), round(F.cross_entropy(logits, y_all).item(), 5))

    net2 = nn.Sequential(nn.Flatten(), nn.Linear(num_inputs, num_outputs))
    with torch.no_grad():
        net2[1].weight.copy_(torch.from_numpy(W0.T.copy()))
        net2[1].bias.zero_()
    loss = nn.CrossEntropyLoss(reduction="none")
    trainer = optim.SGD(net2.parameters(), lr=0.1)
    for epoch in range(3):
        total, correct, count = 0.0, 0.0, 0
        for Xb, yb in batches(X_all, y_all, 32, rng):
            l = loss(net2(Xb), yb)
            trainer.zero_grad()
            l.mean().backward()
            trainer.step()
            total += l.sum().item()
            correct += accuracy(net2(Xb), yb)
            count += yb.numel()
        print(f"concise epoch {epoch + 1}: loss {total / count:.4f} acc {correct / count:.4f}")

    lambd = 0.05
    W.grad = None
    l = cross_entropy(net(X_all), y_all).mean() + lambd * (W ** 2).sum() / 2
    l.backward()
    print("with L2:", round(l.item(), 5), "grad norm:", round(W.grad.norm().item(), 5))

    with torch.no_grad():
        probs = net(X_all[:6])
        top2 = probs.topk(2, dim=1)
        print("true-class prob:", [round(v, 4) for v in probs.gather(1, y_all[:6].unsqueeze(1)).squeeze(1).tolist()])
        print("top2:", top2.indices.tolist(), [round(v, 4) for v in top2.values[:, 0].tolist()])
        print("preds:", probs.argmax(dim=1).tolist(), "true:", y_all[:6].tolist())
