"""The nn.Module bookkeeping APIs that model-surgery and fine-tuning scripts lean on: apply for custom init,
named_modules with prefix / remove_duplicate over a shared block, get_submodule / get_parameter / get_buffer,
persistent and non-persistent buffers in state_dict, load_state_dict(strict=False) reporting missing and
unexpected keys, requires_grad_ on a sub-tree, zero_grad with and without set_to_none, train / eval reaching
every child, children order, add_module / register_module, ModuleDict and ParameterDict, and the module repr.
NumPy weights, float32.
"""
import numpy as np
import torch
import torch.nn as nn


class Block(nn.Module):
    def __init__(self, dim):
        super().__init__()
        self.fc = nn.Linear(dim, dim)
        self.norm = nn.LayerNorm(dim)
        self.register_buffer("scale", torch.tensor(0.5))
        self.register_buffer("cache", torch.zeros(dim), persistent=False)

    def forward(self, x):
        self.cache = x.detach().mean(0)
        return x + self.scale * torch.relu(self.norm(self.fc(x)))


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.embed = nn.Linear(3, 4)
        shared = Block(4)
        self.blocks = nn.ModuleList([shared, Block(4), shared])
        self.heads = nn.ModuleDict({"cls": nn.Linear(4, 2), "reg": nn.Linear(4, 1)})
        self.extra = nn.ParameterDict({"bias": nn.Parameter(torch.zeros(2))})
        self.add_module("dropout", nn.Dropout(0.1))
        self.register_module("act", nn.GELU(approximate="tanh"))

    def forward(self, x):
        h = self.act(self.embed(x))
        for block in self.blocks:
            h = block(h)
        return self.heads["cls"](self.dropout(h)) + self.extra["bias"], self.heads["reg"](h)


def main():
    torch.manual_seed(0)
    rng = np.random.default_rng(9)
    net = Net()

    def init(m):
        if isinstance(m, nn.Linear):
            with torch.no_grad():
                m.weight.copy_(torch.tensor(rng.normal(0, 0.4, tuple(m.weight.shape)), dtype=torch.float32))
                m.bias.fill_(0.1)
    print("apply returns self:", net.apply(init) is net)
    print(net)
    print("children:", [name for name, _ in net.named_children()])
    print("modules (deduplicated):", len(list(net.modules())), "with duplicates:",
          len(list(net.named_modules(remove_duplicate=False))))
    print("prefixed:", [n for n, _ in net.named_modules(prefix="model")][:6])
    print("parameters:", len(list(net.parameters())), sum(p.numel() for p in net.parameters()))
    print("named params with duplicates:", len(list(net.named_parameters(remove_duplicate=False))))
    print("get_submodule:", net.get_submodule("blocks.1.norm"))
    print("get_parameter:", net.get_parameter("heads.reg.bias"))
    print("get_buffer:", net.get_buffer("blocks.0.scale"))
    keys = list(net.state_dict().keys())
    print("state_dict keys:", len(keys), keys[:8])
    print("non-persistent left out:", not any("cache" in k for k in keys), "buffers:", len(list(net.buffers())))
    x = torch.tensor(rng.normal(0, 1, (5, 3)), dtype=torch.float32)
    net.eval()
    print("eval everywhere:", all(not m.training for m in net.modules()))
    cls, reg = net(x)
    print("cls:", cls)
    print("reg:", reg.squeeze(1))
    print("cache after forward:", net.blocks[1].cache)

    state = net.state_dict()
    state.pop("heads.reg.weight")
    state["heads.new.weight"] = torch.ones(1)
    fresh = Net()
    result = fresh.load_state_dict(state, strict=False)
    print("missing:", result.missing_keys)
    print("unexpected:", result.unexpected_keys)
    try:
        fresh.load_state_dict(state)
    except RuntimeError:
        print("strict load refused")
    fresh.eval()
    print("loaded cls equal:", torch.allclose(fresh(x)[0], cls))

    net.train()
    print("train everywhere:", all(m.training for m in net.modules()))
    net.embed.requires_grad_(False)
    print("trainable:", [n for n, p in net.named_parameters() if p.requires_grad][:4], "frozen:",
          [n for n, p in net.named_parameters() if not p.requires_grad])
    net.eval()
    out = net(x)[0].sum() + net(x)[1].sum()
    out.backward()
    print("embed grad:", net.embed.weight.grad)
    print("shared block grad:", net.blocks[0].fc.bias.grad)
    print("extra bias grad:", net.extra["bias"].grad)
    net.zero_grad(set_to_none=False)
    print("zeroed:", net.blocks[0].fc.bias.grad, net.heads["cls"].weight.grad.abs().sum().item())
    net.zero_grad()
    print("set to none:", net.blocks[0].fc.bias.grad is None)
    del net.dropout
    print("after del:", [name for name, _ in net.named_children()])
    print("half dtype:", net.heads.half().cls.weight.dtype, net.embed.weight.dtype)
