"""K-fold cross-validation on a house-price style regression in the style of Dive into Deep Learning's Kaggle
chapter (d2l.ai), written for PyTorch; tests run it as is and with only its imports changed, and compare what both
print. Numeric features standardised column-wise with their NaNs filled by zero afterwards (torch.nan_to_num and
boolean-mask assignment), a categorical column one-hot encoded by torch.nn.functional.one_hot and concatenated,
prices modelled through log_rmse (`torch.clamp(net(features), 1, float('inf'))` then sqrt of the MSE of the
logs), d2l's get_k_fold_data slicing folds with slice objects and torch.cat, training by Adam with weight_decay
over a DataLoader of a TensorDataset (in order, batches of 16), per-fold train / validation log RMSE, and the
final model's predictions, with the clamp's zero gradient below 1 checked. Float32, data from NumPy.
"""
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, TensorDataset


def log_rmse(net, features, labels):
    clipped_preds = torch.clamp(net(features), 1, float("inf"))
    rmse = torch.sqrt(nn.MSELoss()(torch.log(clipped_preds), torch.log(labels)))
    return rmse.item()


def get_net(in_features, rng):
    net = nn.Sequential(nn.Linear(in_features, 8), nn.ReLU(), nn.Linear(8, 1))
    with torch.no_grad():
        for p in net.parameters():
            p.copy_(torch.from_numpy(rng.normal(0, 0.3, tuple(p.shape)).astype(np.float32)))
        net[2].bias.fill_(150.0)
    return net


def train(net, train_features, train_labels, test_features, test_labels, num_epochs, learning_rate, weight_decay,
          batch_size):
    train_ls, test_ls = [], []
    train_iter = DataLoader(TensorDataset(train_features, train_labels), batch_size, shuffle=False)
    optimizer = torch.optim.Adam(net.parameters(), lr=learning_rate, weight_decay=weight_decay)
    loss = nn.MSELoss()
    for epoch in range(num_epochs):
        for X, y in train_iter:
            optimizer.zero_grad()
            l = loss(torch.log(torch.clamp(net(X), 1, float("inf"))), torch.log(y))
            l.backward()
            optimizer.step()
        train_ls.append(log_rmse(net, train_features, train_labels))
        if test_labels is not None:
            test_ls.append(log_rmse(net, test_features, test_labels))
    return train_ls, test_ls


def get_k_fold_data(k, i, X, y):
    assert k > 1
    fold_size = X.shape[0] // k
    X_train, y_train = None, None
    for j in range(k):
        idx = slice(j * fold_size, (j + 1) * fold_size)
        X_part, y_part = X[idx, :], y[idx]
        if j == i:
            X_valid, y_valid = X_part, y_part
        elif X_train is None:
            X_train, y_train = X_part, y_part
        else:
            X_train = torch.cat([X_train, X_part], 0)
            y_train = torch.cat([y_train, y_part], 0)
    return X_train, y_train, X_valid, y_valid


def main():
    rng = np.random.default_rng(16)
    n = 100
    area = rng.normal(150, 40, n)
    rooms = rng.integers(1, 6, n).astype(np.float64)
    age = rng.uniform(0, 80, n)
    age[rng.uniform(size=n) < 0.1] = np.nan
    kind = rng.integers(0, 3, n)
    price = (area * 1.5 + rooms * 20 - np.nan_to_num(age) * 0.5 + kind * 30) * np.exp(rng.normal(0, 0.1, n))
    numeric = torch.from_numpy(np.stack([area, rooms, age], 1).astype(np.float32))
    print("missing ages:", torch.isnan(numeric).sum().item(), "price range:",
          round(float(price.min()), 1), round(float(price.max()), 1))
    mean = torch.nanmean(numeric, dim=0)
    centered = numeric - mean
    std = torch.sqrt(torch.nansum(centered ** 2, dim=0) / (torch.sum(~torch.isnan(numeric), dim=0) - 1))
    numeric = centered / std
    numeric[torch.isnan(numeric)] = 0
    print("standardised:", numeric.mean(0).abs().max().item() < 1e-6, [round(v, 4) for v in std.tolist()])
    onehot = F.one_hot(torch.from_numpy(kind), num_classes=3).float()
    features = torch.cat([numeric, onehot], dim=1)
    labels = torch.tensor(price.reshape(-1, 1), dtype=torch.float32)
    print("features:", tuple(features.shape), features.dtype, [round(v, 4) for v in features[0].tolist()])

    k, num_epochs, lr, weight_decay, batch_size = 4, 12, 0.1, 1e-3, 16
    train_l_sum, valid_l_sum = 0.0, 0.0
    for i in range(k):
        data = get_k_fold_data(k, i, features, labels)
        net = get_net(features.shape[1], rng)
        train_ls, valid_ls = train(net, *data, num_epochs, lr, weight_decay, batch_size)
        train_l_sum += train_ls[-1]
        valid_l_sum += valid_ls[-1]
        print(f"fold {i + 1}, train log rmse {float(train_ls[-1]):f}, valid log rmse {float(valid_ls[-1]):f}",
              tuple(data[0].shape), tuple(data[2].shape))
    print(f"{k}-fold validation: avg train log rmse: {float(train_l_sum / k):f}, "
          f"avg valid log rmse: {float(valid_l_sum / k):f}")

    net = get_net(features.shape[1], rng)
    train_ls, _ = train(net, features, labels, None, None, num_epochs, lr, weight_decay, batch_size)
    print("final train log rmse:", [round(v, 5) for v in train_ls[::3]])
    with torch.no_grad():
        preds = net(features[:5]).reshape(1, -1)[0]
    print("predictions:", [round(v, 3) for v in preds.tolist()])
    print("prices:     ", [round(v, 3) for v in labels[:5, 0].tolist()])

    z = torch.tensor([[-3.0], [0.5], [1.0], [2.0]], requires_grad=True)
    torch.log(torch.clamp(z, 1, float("inf"))).sum().backward()
    print("clamp gradient:", z.grad.flatten().tolist())
