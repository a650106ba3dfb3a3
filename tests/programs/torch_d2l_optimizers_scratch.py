"""The optimisation chapter's algorithms from scratch in the style of Dive into Deep Learning (d2l.ai), written for
PyTorch; tests run it as is and with only its imports changed, and compare what both print. The 2-D trajectories
of gradient descent, momentum, Adagrad and RMSProp on f(x1, x2) = 0.1 x1^2 + 2 x2^2 written with plain floats;
then d2l's init_*_states / *(params, states, hyperparams) updaters (sgd_momentum, adagrad, rmsprop, adadelta,
adam with bias correction and the hyperparams['t'] counter, yogi) written with in-place tensor ops under no_grad
(`v[:] = ...`, `p[:] -= ...`, `s.add_`, `torch.sqrt`), each run on a linear-regression minibatch problem and
checked step by step against the matching torch.optim class from the same start (SGD(momentum), Adagrad,
RMSprop, Adadelta, Adam), minibatch SGD's effect of the batch size, and the optimiser's state tensors read back
from optimizer.state. Float64, data from NumPy.
"""
import math

import numpy as np
import torch


def f_2d(x1, x2):
    return 0.1 * x1 ** 2 + 2 * x2 ** 2


def train_2d(trainer, steps=20):
    x1, x2, s1, s2 = -5, -2, 0, 0
    for _ in range(steps):
        x1, x2, s1, s2 = trainer(x1, x2, s1, s2)
    return round(x1, 6), round(x2, 6), round(f_2d(x1, x2), 8)


def init_momentum_states(feature_dim):
    return (torch.zeros((feature_dim, 1)), torch.zeros(1))


def sgd_momentum(params, states, hyperparams):
    for p, v in zip(params, states):
        with torch.no_grad():
            v[:] = hyperparams["momentum"] * v + p.grad
            p[:] -= hyperparams["lr"] * v
        p.grad.data.zero_()


def init_adagrad_states(feature_dim):
    return (torch.zeros((feature_dim, 1)), torch.zeros(1))


def adagrad(params, states, hyperparams):
    eps = 1e-10
    for p, s in zip(params, states):
        with torch.no_grad():
            s[:] += torch.square(p.grad)
            p[:] -= hyperparams["lr"] * p.grad / (torch.sqrt(s) + eps)
        p.grad.data.zero_()


def init_rmsprop_states(feature_dim):
    return (torch.zeros((feature_dim, 1)), torch.zeros(1))


def rmsprop(params, states, hyperparams):
    gamma, eps = hyperparams["gamma"], 1e-8
    for p, s in zip(params, states):
        with torch.no_grad():
            s[:] = gamma * s + (1 - gamma) * torch.square(p.grad)
            p[:] -= hyperparams["lr"] * p.grad / (torch.sqrt(s) + eps)
        p.grad.data.zero_()


def init_adadelta_states(feature_dim):
    s_w, s_b = torch.zeros((feature_dim, 1)), torch.zeros(1)
    delta_w, delta_b = torch.zeros((feature_dim, 1)), torch.zeros(1)
    return ((s_w, delta_w), (s_b, delta_b))


def adadelta(params, states, hyperparams):
    rho, eps = hyperparams["rho"], 1e-6
    for p, (s, delta) in zip(params, states):
        with torch.no_grad():
            s[:] = rho * s + (1 - rho) * torch.square(p.grad)
            g = (torch.sqrt(delta + eps) / torch.sqrt(s + eps)) * p.grad
            p[:] -= hyperparams["lr"] * g
            delta[:] = rho * delta + (1 - rho) * g * g
        p.grad.data.zero_()


def init_adam_states(feature_dim):
    v_w, v_b = torch.zeros((feature_dim, 1)), torch.zeros(1)
    s_w, s_b = torch.zeros((feature_dim, 1)), torch.zeros(1)
    return ((v_w, s_w), (v_b, s_b))


def adam(params, states, hyperparams):
    beta1, beta2, eps = 0.9, 0.999, 1e-8
    for p, (v, s) in zip(params, states):
        with torch.no_grad():
            v[:] = beta1 * v + (1 - beta1) * p.grad
            s[:] = beta2 * s + (1 - beta2) * torch.square(p.grad)
            v_bias_corr = v / (1 - beta1 ** hyperparams["t"])
            s_bias_corr = s / (1 - beta2 ** hyperparams["t"])
            p[:] -= hyperparams["lr"] * v_bias_corr / (torch.sqrt(s_bias_corr) + eps)
        p.grad.data.zero_()
    hyperparams["t"] += 1


def yogi(params, states, hyperparams):
    beta1, beta2, eps = 0.9, 0.999, 1e-3
    for p, (v, s) in zip(params, states):
        with torch.no_grad():
            v[:] = beta1 * v + (1 - beta1) * p.grad
            s[:] = s + (1 - beta2) * torch.sign(torch.square(p.grad) - s) * torch.square(p.grad)
            v_bias_corr = v / (1 - beta1 ** hyperparams["t"])
            s_bias_corr = s / (1 - beta2 ** hyperparams["t"])
            p[:] -= hyperparams["lr"] * v_bias_corr / (torch.sqrt(s_bias_corr) + eps)
        p.grad.data.zero_()
    hyperparams["t"] += 1


def batches(features, labels, batch_size):
    for i in range(0, len(features), batch_size):
        yield features[i:i + batch_size], labels[i:i + batch_size]


def loss_fn(X, y, w, b):
    return ((X @ w + b - y) ** 2 / 2).mean()


def run_scratch(updater, states, hyperparams, data, w0, steps):
    w = w0.clone().requires_grad_(True)
    b = torch.zeros(1, requires_grad=True)
    for X, y in list(batches(*data, 10))[:steps]:
        loss_fn(X, y, w, b).backward()
        updater([w, b], states, hyperparams)
    return w, b


def run_torch(make_opt, data, w0, steps):
    w = w0.clone().requires_grad_(True)
    b = torch.zeros(1, requires_grad=True)
    opt = make_opt([w, b])
    for X, y in list(batches(*data, 10))[:steps]:
        opt.zero_grad()
        loss_fn(X, y, w, b).backward()
        opt.step()
    return w, b, opt


def main():
    torch.set_default_dtype(torch.float64)
    eta, beta = 0.4, 0.5

    def gd_2d(x1, x2, s1, s2):
        return (x1 - eta * 0.2 * x1, x2 - eta * 4 * x2, 0, 0)

    def momentum_2d(x1, x2, v1, v2):
        v1 = beta * v1 + 0.2 * x1
        v2 = beta * v2 + 4 * x2
        return x1 - eta * v1, x2 - eta * v2, v1, v2

    def adagrad_2d(x1, x2, s1, s2):
        g1, g2, eps = 0.2 * x1, 4 * x2, 1e-6
        s1 += g1 ** 2
        s2 += g2 ** 2
        return x1 - eta * g1 / math.sqrt(s1 + eps), x2 - eta * g2 / math.sqrt(s2 + eps), s1, s2

    def rmsprop_2d(x1, x2, s1, s2):
        g1, g2, eps, gamma = 0.2 * x1, 4 * x2, 1e-6, 0.9
        s1 = gamma * s1 + (1 - gamma) * g1 ** 2
        s2 = gamma * s2 + (1 - gamma) * g2 ** 2
        return x1 - eta * g1 / math.sqrt(s1 + eps), x2 - eta * g2 / math.sqrt(s2 + eps), s1, s2

    for name, trainer in [("gd", gd_2d), ("momentum", momentum_2d), ("adagrad", adagrad_2d), ("rmsprop", rmsprop_2d)]:
        print(f"2-D {name}:", train_2d(trainer))

    rng = np.random.default_rng(11)
    X = torch.from_numpy(rng.normal(0, 1, (150, 5)))
    y = X @ torch.from_numpy(rng.normal(0, 1, (5, 1))) + 0.3 + torch.from_numpy(rng.normal(0, 0.05, (150, 1)))
    data = (X, y)
    w0 = torch.from_numpy(rng.normal(0, 0.01, (5, 1)))
    cases = [
        ("momentum", sgd_momentum, init_momentum_states, {"lr": 0.02, "momentum": 0.5},
         lambda p: torch.optim.SGD(p, lr=0.02, momentum=0.5)),
        ("adagrad", adagrad, init_adagrad_states, {"lr": 0.1},
         lambda p: torch.optim.Adagrad(p, lr=0.1, eps=1e-10)),
        ("rmsprop", rmsprop, init_rmsprop_states, {"lr": 0.01, "gamma": 0.9},
         lambda p: torch.optim.RMSprop(p, lr=0.01, alpha=0.9, eps=1e-8)),
        ("adadelta", adadelta, init_adadelta_states, {"lr": 1.0, "rho": 0.9},
         lambda p: torch.optim.Adadelta(p, lr=1.0, rho=0.9, eps=1e-6)),
        ("adam", adam, init_adam_states, {"lr": 0.01, "t": 1},
         lambda p: torch.optim.Adam(p, lr=0.01, eps=1e-8)),
    ]
    for name, updater, init_states, hyper, make_opt in cases:
        w, b = run_scratch(updater, init_states(5), dict(hyper), data, w0, 12)
        w_ref, b_ref, opt = run_torch(make_opt, data, w0, 12)
        print(f"{name}: matches torch.optim {torch.allclose(w, w_ref) and torch.allclose(b, b_ref)}",
              [round(v, 8) for v in w.flatten().tolist()[:3]], round(b.item(), 8),
              f"loss {loss_fn(X, y, w, b).item():.8f}")
    print("adam state:", sorted(opt.state[w_ref].keys()), float(opt.state[w_ref]["step"]),
          round(opt.state[w_ref]["exp_avg_sq"].sum().item(), 10))

    w, b = run_scratch(yogi, init_adam_states(5), {"lr": 0.1, "t": 1}, data, w0, 15)
    print("yogi:", [round(v, 8) for v in w.flatten().tolist()], f"loss {loss_fn(X, y, w, b).item():.8f}")

    for batch_size in (1, 10, 150):
        w = w0.clone().requires_grad_(True)
        b = torch.zeros(1, requires_grad=True)
        for Xb, yb in batches(X, y, batch_size):
            loss_fn(Xb, yb, w, b).backward()
            with torch.no_grad():
                for p in (w, b):
                    p.sub_(0.05 * p.grad)
                    p.grad.zero_()
        print(f"one epoch of minibatch SGD, batch {batch_size}: loss {loss_fn(X, y, w, b).item():.8f}")
