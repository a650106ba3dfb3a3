"""The less common activation modules in float64, written for PyTorch; tests run it as is and with only its imports
changed, and compare what both print. Each of PReLU (one and per-channel slopes), SELU, CELU(alpha), GLU(dim),
Hardswish, Hardsigmoid, Mish, Hardtanh(min, max), ReLU6, LogSigmoid, Softmin, Softmax2d, Tanhshrink, Softshrink,
Hardshrink, Threshold, Softsign, Softplus(beta, threshold) and RReLU in eval mode is evaluated with its gradient at
points that include the kinks, then a small MLP per activation is trained on the same regression data and the
losses compared; AlphaDropout is the identity in eval mode. Data and weights from a seeded NumPy generator.
"""
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.optim as optim


def make_activations():
    return {
        "prelu": nn.PReLU(),
        "prelu_ch": nn.PReLU(num_parameters=6, init=0.1),
        "selu": nn.SELU(),
        "celu": nn.CELU(alpha=0.7),
        "hardswish": nn.Hardswish(),
        "hardsigmoid": nn.Hardsigmoid(),
        "mish": nn.Mish(),
        "hardtanh": nn.Hardtanh(-0.5, 1.5),
        "relu6": nn.ReLU6(),
        "logsigmoid": nn.LogSigmoid(),
        "tanhshrink": nn.Tanhshrink(),
        "softshrink": nn.Softshrink(0.3),
        "hardshrink": nn.Hardshrink(0.4),
        "threshold": nn.Threshold(0.2, -1.0),
        "softsign": nn.Softsign(),
        "softplus": nn.Softplus(beta=2.0, threshold=3.0),
        "rrelu_eval": nn.RReLU(0.1, 0.3).eval(),
    }


def main():
    rng = np.random.default_rng(5)
    points = torch.tensor([-3.5, -3.0, -1.0, -0.4, -0.3, 0.0, 0.2, 0.3, 0.4, 1.0, 1.5, 3.0, 6.0],
                          dtype=torch.float64)
    for name, act in make_activations().items():
        act = act.double()
        x = points.clone().requires_grad_(True)
        inp = x.reshape(1, -1).expand(6, -1).t() if name == "prelu_ch" else x
        y = act(inp)
        y.sum().backward()
        print(f"{name:12s}", " ".join(f"{v:.6f}" for v in y.flatten()[:13].tolist()),
              "| grad", " ".join(f"{v:.5f}" for v in x.grad.tolist()))

    z = torch.from_numpy(rng.standard_normal((2, 6, 3, 3)))
    z.requires_grad_(True)
    g = nn.GLU(dim=1)(z)
    s2 = nn.Softmax2d()(z)
    sm = nn.Softmin(dim=-1)(z)
    print("glu", tuple(g.shape), g[0, :, 0, 0])
    print("softmax2d sums to one over channels", s2.sum(1)[0, 0], s2[1, :, 2, 1])
    print("softmin", sm[0, 0, 0])
    (g.pow(2).sum() + (s2 * z).sum() + (sm * z).sum()).backward()
    print("grad", z.grad[0, :, 1, 1])
    with torch.no_grad():
        print("alpha dropout eval is the identity", torch.equal(nn.AlphaDropout(0.5).eval()(z), z))

    x = torch.from_numpy(rng.uniform(-2, 2, (64, 3)))
    y = torch.sin(x[:, :1] * 2) + x[:, 1:2] * x[:, 2:3]
    init = [rng.standard_normal((6, 3)) * 0.6, rng.standard_normal(6) * 0.1,
            rng.standard_normal((1, 6)) * 0.4, rng.standard_normal(1) * 0.1]
    results = {}
    for name, act in make_activations().items():
        if name == "rrelu_eval":
            continue
        model = nn.Sequential(nn.Linear(3, 6), act, nn.Linear(6, 1)).double()
        with torch.no_grad():
            for p, v in zip([model[0].weight, model[0].bias, model[2].weight, model[2].bias], init):
                p.copy_(torch.from_numpy(v))
        opt = optim.SGD(model.parameters(), lr=0.1, momentum=0.5)
        for _ in range(15):
            loss = F.mse_loss(model(x), y)
            opt.zero_grad()
            loss.backward()
            opt.step()
        results[name] = loss.item()
        extra = model[1].weight.flatten()[:2].tolist() if isinstance(act, nn.PReLU) else []
        print(f"trained {name:12s} loss {loss.item():.8f}", extra)
    print("best", min(results, key=results.get), "worst", max(results, key=results.get))


if __name__ == "__main__":
    main()
