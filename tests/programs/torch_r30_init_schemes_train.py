"""Weight initialisation as a user writes it, printed with seeds, in float32: nn.init.calculate_gain for every
nonlinearity, trunc_normal_ with a / b limits, orthogonal_ with a gain on tall, wide and 4-D weights,
sparse_ with a sparsity and std, dirac_ (with groups) so a convolution starts as the identity, eye_,
kaiming_uniform_ / kaiming_normal_ with mode='fan_out' and nonlinearity='leaky_relu', xavier_uniform_ with
a gain, uniform_ / normal_ / constant_ with a private Generator; a model initialised through Module.apply and
trained four SGD steps with momentum.
"""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F


def init_weights(m):
    if isinstance(m, nn.Conv2d):
        nn.init.kaiming_normal_(m.weight, a=0.1, mode="fan_out", nonlinearity="leaky_relu")
        if m.bias is not None:
            nn.init.zeros_(m.bias)
    elif isinstance(m, nn.Linear):
        nn.init.trunc_normal_(m.weight, std=0.05, a=-0.1, b=0.1)
        nn.init.constant_(m.bias, 0.01)


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(2, 4, 3, padding=1)
        self.skip = nn.Conv2d(4, 4, 3, padding=1, bias=False)
        self.fc = nn.Linear(4 * 4 * 4, 3)

    def forward(self, x):
        h = F.leaky_relu(self.conv(x), 0.1)
        h = h + self.skip(h)
        return self.fc(h.flatten(1))


def main():
    torch.manual_seed(0)
    for nl in ["linear", "conv2d", "sigmoid", "tanh", "relu", "selu"]:
        print(nl, nn.init.calculate_gain(nl))
    print("leaky_relu", nn.init.calculate_gain("leaky_relu"), nn.init.calculate_gain("leaky_relu", 0.2))

    w = torch.empty(1000)
    nn.init.trunc_normal_(w, mean=0.5, std=1.0, a=-0.5, b=1.0)
    print("trunc_normal", w.min().item() >= -0.5, w.max().item() <= 1.0, f"{w.mean().item():.4f}", w[:4])

    tall = torch.empty(6, 3)
    nn.init.orthogonal_(tall, gain=2.0)
    print("orthogonal tall", torch.allclose(tall.T @ tall, 4 * torch.eye(3), atol=1e-5), tall[:, 0])
    wide = torch.empty(3, 6)
    nn.init.orthogonal_(wide)
    print("orthogonal wide", torch.allclose(wide @ wide.T, torch.eye(3), atol=1e-6), wide[0])
    conv_w = torch.empty(4, 2, 2, 2)
    nn.init.orthogonal_(conv_w)
    print("orthogonal 4-D", conv_w.flatten(1)[:, :3])

    sp = torch.empty(6, 4)
    nn.init.sparse_(sp, sparsity=0.5, std=0.1)
    print("sparse zeros per column", (sp == 0).sum(0), sp[:, 0])

    d = torch.empty(4, 2, 3, 3)
    nn.init.dirac_(d, groups=2)
    print("dirac", d.sum((2, 3)))
    x = torch.randn(1, 4, 5, 5)
    ident = nn.Conv2d(4, 4, 3, padding=1, bias=False)
    nn.init.dirac_(ident.weight)
    print("dirac conv is identity", torch.equal(ident(x), x))
    e = torch.empty(3, 5)
    nn.init.eye_(e)
    print("eye", e)

    k = torch.empty(8, 5)
    nn.init.kaiming_uniform_(k, a=math.sqrt(5), mode="fan_out", nonlinearity="leaky_relu")
    bound = nn.init.calculate_gain("leaky_relu", math.sqrt(5)) * math.sqrt(3.0 / 8)
    print("kaiming_uniform fan_out", k.abs().max().item() <= bound, f"{bound:.6f}", k[0])
    xu = torch.empty(4, 6)
    nn.init.xavier_uniform_(xu, gain=nn.init.calculate_gain("tanh"))
    print("xavier_uniform", xu[0])
    g = torch.Generator().manual_seed(123)
    u = torch.empty(5)
    nn.init.uniform_(u, -2.0, 2.0, generator=g)
    n = torch.empty(5)
    nn.init.normal_(n, mean=1.0, std=0.1, generator=g)
    print("generator draws", u, n)

    torch.manual_seed(1)
    model = Net()
    model.apply(init_weights)
    nn.init.dirac_(model.skip.weight)
    print("conv weight std", f"{model.conv.weight.std().item():.6f}", "fc", model.fc.weight[0, :4], model.fc.bias)
    data = torch.randn(6, 2, 4, 4)
    target = torch.tensor([0, 1, 2, 1, 0, 2])
    opt = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    for step in range(4):
        opt.zero_grad()
        loss = F.cross_entropy(model(data), target)
        loss.backward()
        opt.step()
        print(f"step {step} loss {loss.item():.6f} skip grad {model.skip.weight.grad.norm().item():.6f}")
    print("skip center", model.skip.weight[:, :, 1, 1])


if __name__ == "__main__":
    main()
