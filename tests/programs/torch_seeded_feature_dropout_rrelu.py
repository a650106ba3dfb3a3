"""Channel-wise and self-normalising noise layers as a small SELU network and a conv net use them: F.dropout1d /
dropout2d / dropout3d (batched and unbatched inputs), nn.Dropout1d/2d/3d modules, nn.AlphaDropout and
nn.FeatureAlphaDropout after SELU, nn.RReLU / F.rrelu in training (random slopes per element) and eval (the mean
slope), in-place variants, and a few training steps of a SELU MLP with AlphaDropout whose losses depend on every
mask. All randomness from torch.manual_seed alone. Float64.
"""
import torch
import torch.nn as nn
import torch.nn.functional as F


def main():
    torch.set_default_dtype(torch.float64)
    torch.manual_seed(7)
    x1 = torch.randn(2, 4, 5)
    x2 = torch.randn(2, 3, 2, 3)
    x3 = torch.randn(1, 3, 2, 2, 2)
    d1 = F.dropout1d(x1, p=0.5, training=True)
    print("dropout1d kept channels:", (d1.abs().sum(-1) > 0).int().tolist())
    print("dropout1d row:", d1[0, :, 0])
    d1u = F.dropout1d(x1[0], p=0.5)
    print("dropout1d unbatched kept:", (d1u.abs().sum(-1) > 0).int().tolist())
    d2 = F.dropout2d(x2, p=0.4)
    print("dropout2d kept:", (d2.flatten(2).abs().sum(-1) > 0).int().tolist(), "scale:", (d2 / x2).max().item())
    d3 = F.dropout3d(x3, p=0.6)
    print("dropout3d kept:", (d3.flatten(2).abs().sum(-1) > 0).int().tolist())
    print("dropout2d eval is identity:", torch.equal(F.dropout2d(x2, 0.4, training=False), x2))

    mods = [nn.Dropout1d(0.3), nn.Dropout2d(0.3), nn.Dropout3d(0.3)]
    outs = [mods[0](x1), mods[1](x2), mods[2](x3)]
    print("module masks:", [int((o != 0).flatten(2).any(-1).sum()) for o in outs])
    y = x2.clone()
    F.dropout2d(y, p=0.5, inplace=True)
    print("inplace dropout2d zeros:", int((y == 0).sum()))

    s = torch.selu(torch.randn(4, 6))
    ad = nn.AlphaDropout(0.2)
    print("alpha dropout:", ad(s)[0])
    fad = nn.FeatureAlphaDropout(0.5)
    z = torch.selu(torch.randn(2, 3, 4))
    print("feature alpha dropout:", fad(z)[1])
    print("F.alpha_dropout:", F.alpha_dropout(s[1], p=0.5, training=True))
    print("F.feature_alpha_dropout:", F.feature_alpha_dropout(z, p=0.3, training=True)[0, :, 0])

    rrelu = nn.RReLU(0.1, 0.3)
    v = torch.linspace(-2, 1, 8)
    print("rrelu train:", rrelu(v))
    rrelu.eval()
    print("rrelu eval:", rrelu(v))
    print("F.rrelu train default range:", F.rrelu(v, training=True))
    w = v.clone()
    F.rrelu_(w, 0.2, 0.5, training=True)
    print("rrelu_ inplace:", w)
    print("rrelu repr:", nn.RReLU(0.1, 0.3, inplace=True))

    torch.manual_seed(0)
    net = nn.Sequential(nn.Linear(6, 16), nn.SELU(), nn.AlphaDropout(0.1), nn.Linear(16, 16), nn.SELU(),
                        nn.AlphaDropout(0.1), nn.Linear(16, 1))
    for m in net:
        if isinstance(m, nn.Linear):
            nn.init.kaiming_normal_(m.weight, nonlinearity="linear")
            nn.init.zeros_(m.bias)
    X = torch.randn(32, 6)
    Y = X[:, :1] * 2 - X[:, 1:2] + 0.1 * torch.randn(32, 1)
    opt = torch.optim.SGD(net.parameters(), lr=0.05, momentum=0.9, nesterov=True)
    for step in range(6):
        opt.zero_grad()
        loss = F.mse_loss(net(X), Y)
        loss.backward()
        opt.step()
        print(f"selu step {step}: {loss.item():.10f}")
    net.eval()
    print("eval mse:", F.mse_loss(net(X), Y).item())

    conv = nn.Sequential(nn.Conv2d(3, 4, 2), nn.RReLU(), nn.Dropout2d(0.25))
    out = conv(x2)
    print("conv rrelu dropout2d:", tuple(out.shape), out.sum().item())
    print("global stream after:", torch.rand(3))
