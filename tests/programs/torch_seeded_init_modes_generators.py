"""Weight initialisation as model zoos write it, seeded by torch.manual_seed alone, plus a torch.Generator passed
to init functions: orthogonal_ with a gain (tall, wide and conv-shaped weights), sparse_, trunc_normal_ with bounds
and a mean, kaiming_uniform_ / kaiming_normal_ in fan_in and fan_out mode with relu / leaky_relu / selu
nonlinearities, xavier with calculate_gain, and a model.apply(init_fn) pass whose result decides a few training
steps. Float32.
"""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F


def init_weights(m):
    if isinstance(m, nn.Conv2d):
        nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")
        nn.init.zeros_(m.bias)
    elif isinstance(m, nn.Linear):
        nn.init.trunc_normal_(m.weight, std=0.02)
        nn.init.constant_(m.bias, 0.01)
    elif isinstance(m, nn.GRU):
        for name, p in m.named_parameters():
            if "weight_hh" in name:
                nn.init.orthogonal_(p)
            elif "weight_ih" in name:
                nn.init.xavier_uniform_(p)
            else:
                nn.init.zeros_(p)


def main():
    torch.manual_seed(99)
    w = torch.empty(6, 3)
    nn.init.orthogonal_(w, gain=2.0)
    print("orthogonal tall:", w[0], "W^T W diag:", torch.diag(w.T @ w).round(decimals=3))
    w2 = torch.empty(3, 6)
    nn.init.orthogonal_(w2)
    print("orthogonal wide row 0:", w2[0])
    wc = torch.empty(4, 2, 2, 2)
    nn.init.orthogonal_(wc, gain=nn.init.calculate_gain("relu"))
    print("orthogonal conv:", wc[1].flatten())
    sp = torch.empty(5, 4)
    nn.init.sparse_(sp, sparsity=0.4, std=0.1)
    print("sparse zeros per column:", (sp == 0).sum(0).tolist())
    print("sparse col 0:", sp[:, 0])
    tn = torch.empty(8)
    nn.init.trunc_normal_(tn, mean=0.5, std=1.0, a=-0.5, b=1.0)
    print("trunc_normal:", tn)
    print("in bounds:", bool(((tn >= -0.5) & (tn <= 1.0)).all()))

    for mode in ("fan_in", "fan_out"):
        for nl, a in (("relu", 0), ("leaky_relu", 0.2), ("selu", 0)):
            k = torch.empty(4, 10)
            nn.init.kaiming_uniform_(k, a=a, mode=mode, nonlinearity=nl)
            print(f"kaiming_uniform {mode} {nl}: {k.abs().max().item():.6f} {k[0, :3].tolist()}")
    kn = torch.empty(3, 2, 3, 3)
    nn.init.kaiming_normal_(kn, mode="fan_out", nonlinearity="leaky_relu")
    print("kaiming_normal conv std:", kn.std().item())
    xn = torch.empty(4, 5)
    nn.init.xavier_normal_(xn, gain=nn.init.calculate_gain("tanh"))
    print("xavier_normal tanh:", xn[0])
    print("gains:", nn.init.calculate_gain("leaky_relu", 0.1), nn.init.calculate_gain("selu"),
          nn.init.calculate_gain("conv2d"))

    g = torch.Generator().manual_seed(5)
    u = torch.empty(2, 4)
    nn.init.uniform_(u, -1, 1, generator=g)
    n = torch.empty(2, 4)
    nn.init.normal_(n, 0, 0.1, generator=g)
    print("generator uniform:", u[0], "normal:", n[1])
    print("global stream untouched:", torch.rand(2))

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.conv = nn.Conv2d(1, 3, 3, padding=1)
            self.gru = nn.GRU(3, 4, batch_first=True)
            self.fc = nn.Linear(4, 2)

        def forward(self, x):
            h = F.relu(self.conv(x)).mean(2).transpose(1, 2)
            out, _ = self.gru(h)
            return self.fc(out[:, -1])

    net = Net()
    net.apply(init_weights)
    print("gru weight_hh orthogonal rows:", torch.allclose(net.gru.weight_hh_l0 @ net.gru.weight_hh_l0.T,
                                                          torch.eye(12), atol=1e-5))
    x = torch.randn(6, 1, 5, 5)
    y = torch.randint(0, 2, (6,))
    opt = torch.optim.RMSprop(net.parameters(), lr=0.01, momentum=0.5)
    for step in range(5):
        opt.zero_grad()
        loss = F.cross_entropy(net(x), y)
        loss.backward()
        opt.step()
        print(f"step {step}: loss {loss.item():.6f}")
    print("fc weight after:", net.fc.weight[0])
    print("bound check:", 1 / math.sqrt(10))
