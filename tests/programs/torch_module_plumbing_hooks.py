"""nn.Module plumbing in float32, as library code uses it: a non-persistent buffer left out of state_dict,
get_submodule / set_submodule to swap a block, named_modules / named_parameters with shared modules and tied
weights (remove_duplicate both ways), load_state_dict(strict=False) and its result's fields, state-dict hooks that
rename keys on the way in and out, a global forward pre-hook and forward hook counting calls, Module.apply with
an init function by type, extra_repr in the printed module, and zero_grad(set_to_none=False).
"""
import numpy as np
import torch
import torch.nn as nn


class Scale(nn.Module):
    def __init__(self, n, init=1.0):
        super().__init__()
        self.gain = nn.Parameter(torch.full((n,), init))
        self.register_buffer("calls", torch.zeros((), dtype=torch.int64))
        self.register_buffer("cache", torch.zeros(n), persistent=False)

    def forward(self, x):
        self.calls += 1
        self.cache = x.detach().mean(0)
        return x * self.gain

    def extra_repr(self):
        return f"n={self.gain.shape[0]}, mean_gain={self.gain.mean().item():.2f}"


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.embed = nn.Linear(5, 8)
        self.body = nn.Sequential(nn.Linear(8, 8), nn.ReLU(), Scale(8, 0.5))
        self.skip = self.body[0]            # the same module under two names
        self.tied = nn.Linear(8, 8, bias=False)
        self.tied.weight = self.body[0].weight   # a weight shared by two modules
        self.head = nn.Linear(8, 5, bias=False)

    def forward(self, x):
        h = torch.relu(self.embed(x))
        return self.head(self.body(h) + self.tied(h))


def init_weights(m):
    if isinstance(m, nn.Linear):
        with torch.no_grad():
            m.weight.copy_(torch.linspace(-0.5, 0.5, m.weight.numel()).reshape(m.weight.shape))
            if m.bias is not None:
                m.bias.fill_(0.01)


def main():
    rng = np.random.default_rng(2206)
    torch.set_printoptions(precision=4)
    net = Net()
    net.apply(init_weights)
    print(net)
    print("state keys", list(net.state_dict().keys()))
    print("buffers", [n for n, _ in net.named_buffers()])
    print("modules dedup", [n for n, _ in net.named_modules()])
    print("modules all", [n for n, _ in net.named_modules(remove_duplicate=False)])
    print("params dedup", len(list(net.parameters())), [n for n, _ in net.named_parameters()])
    print("params all", [n for n, _ in net.named_parameters(remove_duplicate=False)])
    print("prefixed", [n for n, _ in net.body.named_parameters(prefix="body", recurse=True)])
    print("get_submodule", net.get_submodule("body.2"), type(net.get_submodule("body.0")).__name__)
    print("get_parameter", net.get_parameter("body.2.gain").shape, net.get_buffer("body.2.calls"))

    counts = {"pre": 0, "post": 0}

    def pre(mod, args):
        counts["pre"] += 1

    def post(mod, args, out):
        counts["post"] += 1

    h1 = nn.modules.module.register_module_forward_pre_hook(pre)
    h2 = nn.modules.module.register_module_forward_hook(post)
    x = torch.tensor(rng.normal(size=(4, 5)), dtype=torch.float32)
    y = net(x)
    h1.remove()
    h2.remove()
    net(x)
    print("global hook calls", counts)
    print("out", y[:2])
    print("buffer after calls", net.body[2].calls, net.body[2].cache[:3])

    net.set_submodule("body.1", nn.Tanh())
    print("after set_submodule", net.body)
    try:
        net.get_submodule("body.7")
    except AttributeError as e:
        print("missing submodule", type(e).__name__)

    sd = net.state_dict()
    sd.pop("head.weight")
    sd["extra.bias"] = torch.zeros(2)
    fresh = Net()
    res = fresh.load_state_dict(sd, strict=False)
    print("missing", res.missing_keys, "unexpected", res.unexpected_keys)
    print("result repr", res)
    print("loaded embed", torch.equal(fresh.embed.weight, net.embed.weight), fresh.body[2].calls)

    class Renamed(nn.Module):
        def __init__(self):
            super().__init__()
            self.lin = nn.Linear(3, 2)
            self._register_load_state_dict_pre_hook(self._upgrade)
            self.register_state_dict_post_hook(self._tag)

        @staticmethod
        def _upgrade(state_dict, prefix, local_metadata, strict, missing, unexpected, error_msgs):
            for old in [k for k in state_dict if k.startswith(prefix + "linear.")]:
                state_dict[prefix + "lin." + old[len(prefix + "linear."):]] = state_dict.pop(old)

        @staticmethod
        def _tag(module, state_dict, prefix, local_metadata):
            state_dict[prefix + "version"] = torch.tensor(2)

    r = Renamed()
    old = {"linear.weight": torch.ones(2, 3), "linear.bias": torch.tensor([0.5, -0.5]), "version": torch.tensor(1)}
    out = r.load_state_dict(old, strict=False)
    print("upgraded", r.lin.bias, out.unexpected_keys)
    print("tagged keys", list(r.state_dict().keys()), r.state_dict()["version"])
    seen = []
    r.register_load_state_dict_post_hook(lambda m, keys: seen.append(sorted(keys.unexpected_keys)))
    r.load_state_dict(r.state_dict(), strict=False)
    print("post hook saw", seen)

    net.zero_grad()
    loss = net(x).pow(2).mean()
    loss.backward()
    print("grad norms", round(net.embed.weight.grad.norm().item(), 4), net.body[2].gain.grad[:3])
    net.zero_grad(set_to_none=False)
    print("zeroed", net.embed.weight.grad.abs().sum().item(), net.embed.bias.grad is None)
    net.zero_grad()
    print("none", net.embed.weight.grad is None)
    print("repr scale", repr(net.body[2]))
    print("train flags", net.training, net.eval().body[2].training, net.train().head.training)


if __name__ == "__main__":
    main()
