"""A multilayer perceptron from scratch in the style of Dive into Deep Learning (d2l.ai), written for PyTorch;
tests run it as is and with only its imports changed, and compare what both print. Hand-written ReLU
(torch.max against a zeros_like), parameters as nn.Parameter wrapped in a list, dropout written by hand from a
keep-mask (the mask drawn by NumPy so both libraries see the same one; the 0 and 1 edge cases), checked against
F.dropout's scaling, weight decay as an L2 penalty in the loss and as the optimiser's weight_decay on the weights
only (param groups, d2l's concise version), with the two updates compared, and train / eval switching of a
Sequential with nn.Dropout. Float32, data from NumPy.
"""
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.optim as optim


def relu(X):
    a = torch.zeros_like(X)
    return torch.max(X, a)


def dropout_layer(X, dropout, keep_mask):
    assert 0 <= dropout <= 1
    if dropout == 1:
        return torch.zeros_like(X)
    if dropout == 0:
        return X
    mask = (keep_mask > dropout).float()
    return mask * X / (1.0 - dropout)


def l2_penalty(w):
    return torch.sum(w.pow(2)) / 2


def main():
    rng = np.random.default_rng(2)
    X = torch.arange(16, dtype=torch.float32).reshape((2, 8))
    u = torch.from_numpy(rng.uniform(size=(2, 8)).astype(np.float32))
    print(dropout_layer(X, 0., u).tolist()[0][:4], dropout_layer(X, 1., u).sum().item())
    print("p=0.5:", dropout_layer(X, 0.5, u).tolist())
    kept = (u > 0.5).float()
    print("same scaling as F.dropout on the kept units:",
          torch.equal(dropout_layer(X, 0.5, u), X * kept * 2), F.dropout(X, 0.5, training=False).equal(X))

    n, num_inputs, num_hiddens, num_outputs = 96, 12, 32, 3
    centers = rng.normal(0, 1, (num_outputs, num_inputs))
    y = torch.from_numpy(rng.integers(0, num_outputs, n))
    feats = torch.from_numpy((centers[y.numpy()] + rng.normal(0, 1.2, (n, num_inputs))).astype(np.float32))
    W1 = nn.Parameter(torch.from_numpy(rng.normal(0, 0.1, (num_inputs, num_hiddens)).astype(np.float32)))
    b1 = nn.Parameter(torch.zeros(num_hiddens))
    W2 = nn.Parameter(torch.from_numpy(rng.normal(0, 0.1, (num_hiddens, num_outputs)).astype(np.float32)))
    b2 = nn.Parameter(torch.zeros(num_outputs))
    params = [W1, b1, W2, b2]
    start = [p.detach().clone() for p in params]
    masks = [torch.from_numpy(rng.uniform(size=(24, num_hiddens)).astype(np.float32)) for _ in range(4)]

    def net(X, mask=None):
        H = relu(X.reshape((-1, num_inputs)) @ W1 + b1)
        if mask is not None:
            H = dropout_layer(H, 0.2, mask)
        return H @ W2 + b2

    loss = nn.CrossEntropyLoss(reduction="none")
    updater = optim.SGD(params, lr=0.2)
    lambd = 0.01
    for epoch in range(3):
        for i in range(4):
            Xb, yb = feats[i * 24:(i + 1) * 24], y[i * 24:(i + 1) * 24]
            l = loss(net(Xb, masks[i]), yb) + lambd * l2_penalty(W1) + lambd * l2_penalty(W2)
            updater.zero_grad()
            l.mean().backward()
            updater.step()
        with torch.no_grad():
            acc = (net(feats).argmax(1) == y).float().mean()
            print(f"scratch epoch {epoch + 1}: loss {loss(net(feats), y).mean().item():.4f} acc {acc.item():.4f}",
                  f"|W1| {torch.norm(W1).item():.4f}")

    lin1, lin2 = nn.Linear(num_inputs, num_hiddens), nn.Linear(num_hiddens, num_outputs)
    with torch.no_grad():
        lin1.weight.copy_(start[0].T); lin1.bias.copy_(start[1])
        lin2.weight.copy_(start[2].T); lin2.bias.copy_(start[3])
    trainer = optim.SGD([{"params": [lin1.weight, lin2.weight], "weight_decay": lambd},
                         {"params": [lin1.bias, lin2.bias]}], lr=0.2)
    for epoch in range(3):
        for i in range(4):
            Xb, yb = feats[i * 24:(i + 1) * 24], y[i * 24:(i + 1) * 24]
            H = dropout_layer(F.relu(lin1(Xb)), 0.2, masks[i])
            trainer.zero_grad()
            loss(lin2(H), yb).mean().backward()
            trainer.step()
    print("weight_decay in the optimiser == penalty in the loss:",
          torch.allclose(lin1.weight.T, W1, atol=1e-6), torch.allclose(lin2.bias, b2, atol=1e-6),
          round((lin1.weight.T - W1).abs().max().item(), 6) < 1e-5)
    print("group options:", [(g["weight_decay"], len(g["params"])) for g in trainer.param_groups])

    model = nn.Sequential(nn.Flatten(), lin1, nn.ReLU(), nn.Dropout(0.2), lin2)
    model.eval()
    out_eval = model(feats[:5])
    print("eval is deterministic:", torch.equal(out_eval, model(feats[:5])), model.training, model[3].training)
    print("eval logits:", [round(v, 4) for v in out_eval[0].tolist()])
    model.train()
    print("train flags:", [m.training for m in model], model[3])
    with torch.no_grad():
        h = F.relu(lin1(feats[:5]))
        print("no dropout in eval == hand-written p=0:",
              torch.allclose(lin2(dropout_layer(h, 0., None)), out_eval))
