"""Linear regression from scratch in the style of Dive into Deep Learning (d2l.ai), written for PyTorch; tests run
it as is and with only its imports changed, and compare what both print. Synthetic data y = Xw + b + noise, a
minibatch iterator over a NumPy permutation that indexes with a tensor of indices, a hand-written model, squared
loss and minibatch SGD (`with torch.no_grad(): param -= lr * param.grad / batch_size; param.grad.zero_()`), then
the concise version with d2l's load_array (`from torch.utils import data`, data.DataLoader over data.TensorDataset,
in order), nn.Linear, nn.MSELoss and optim.SGD from the same start, the closed-form least-squares
solution through the normal equations, and a Huber-loss variant with weight decay written into the update.
Float32, data from NumPy.
"""
import numpy as np
import torch
import torch.nn as nn
import torch.optim as optim
from torch.utils import data


def synthetic_data(w, b, num_examples, rng):
    X = torch.from_numpy(rng.normal(0, 1, (num_examples, len(w))).astype(np.float32))
    y = torch.matmul(X, w) + b
    y += torch.from_numpy(rng.normal(0, 0.01, y.shape).astype(np.float32))
    return X, y.reshape((-1, 1))


def data_iter(batch_size, features, labels, rng):
    num_examples = len(features)
    indices = rng.permutation(num_examples)
    for i in range(0, num_examples, batch_size):
        batch_indices = torch.tensor(indices[i: min(i + batch_size, num_examples)])
        yield features[batch_indices], labels[batch_indices]


def load_array(data_arrays, batch_size, is_train=True):
    dataset = data.TensorDataset(*data_arrays)
    return data.DataLoader(dataset, batch_size, shuffle=is_train)


def linreg(X, w, b):
    return torch.matmul(X, w) + b


def squared_loss(y_hat, y):
    return (y_hat - y.reshape(y_hat.shape)) ** 2 / 2


def sgd(params, lr, batch_size):
    with torch.no_grad():
        for param in params:
            param -= lr * param.grad / batch_size
            param.grad.zero_()


def main():
    rng = np.random.default_rng(0)
    true_w = torch.tensor([2, -3.4])
    true_b = 4.2
    features, labels = synthetic_data(true_w, true_b, 200, rng)
    print("features:", features.shape, features.dtype, "label:", labels.shape)
    print("first example:", [round(v, 4) for v in features[0].tolist()], round(labels[0].item(), 4))

    w = torch.from_numpy(rng.normal(0, 0.01, (2, 1)).astype(np.float32)).requires_grad_(True)
    b = torch.zeros(1, requires_grad=True)
    lr, num_epochs, batch_size = 0.03, 3, 10
    for epoch in range(num_epochs):
        for X, y in data_iter(batch_size, features, labels, rng):
            l = squared_loss(linreg(X, w, b), y)
            l.sum().backward()
            sgd([w, b], lr, batch_size)
        with torch.no_grad():
            train_l = squared_loss(linreg(features, w, b), labels)
            print(f"epoch {epoch + 1}, loss {float(train_l.mean()):f}")
    print("error in w:", [round(v, 4) for v in (true_w - w.reshape(true_w.shape)).tolist()])
    print("error in b:", round((true_b - b).item(), 4))
    print("grads were zeroed:", w.grad.abs().sum().item(), b.grad.item(), w.is_leaf, w.requires_grad)

    net = nn.Sequential(nn.Linear(2, 1))
    net[0].weight.data.copy_(torch.tensor([[0.01, -0.02]]))
    net[0].bias.data.fill_(0)
    loss = nn.MSELoss()
    trainer = optim.SGD(net.parameters(), lr=0.03)
    data_iter_concise = load_array((features, labels), batch_size, is_train=False)
    first_X, first_y = next(iter(data_iter_concise))
    print("first minibatch:", tuple(first_X.shape), tuple(first_y.shape), len(data_iter_concise))
    for epoch in range(3):
        for X, y in data_iter_concise:
            l = loss(net(X), y)
            trainer.zero_grad()
            l.backward()
            trainer.step()
        l = loss(net(features), labels)
        print(f"concise epoch {epoch + 1}, loss {l:f}")
    print("concise w, b:", [round(v, 3) for v in net[0].weight.data.flatten().tolist()],
          round(net[0].bias.data.item(), 3))

    Xb = torch.cat([features, torch.ones(len(features), 1)], dim=1)
    closed = torch.linalg.solve(Xb.T @ Xb, Xb.T @ labels)
    print("normal equations:", [round(v, 3) for v in closed.flatten().tolist()])

    w2 = torch.zeros(2, 1, requires_grad=True)
    b2 = torch.zeros(1, requires_grad=True)
    huber = nn.HuberLoss(delta=1.0)
    wd = 0.01
    for step, (X, y) in enumerate(data_iter(20, features, labels, rng)):
        l = huber(linreg(X, w2, b2), y)
        l.backward()
        with torch.no_grad():
            w2.mul_(1 - 0.1 * wd).sub_(0.1 * w2.grad)
            b2.sub_(0.1 * b2.grad)
            w2.grad.zero_()
            b2.grad = None
        if step % 3 == 0:
            print(f"huber step {step}: {l.item():.5f}", b2.grad is None)
    print("huber w2:", [round(v, 4) for v in w2.detach().flatten().tolist()], round(b2.item(), 4))
