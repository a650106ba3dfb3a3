"""nn.Module plumbing a library author leans on: a model with a shared submodule and tied weights walked by
named_modules / named_parameters / named_buffers with remove_duplicate=False and prefixes, modules(), children();
apply() with a custom init; get_submodule / get_parameter / get_buffer / set_submodule; register_module and
add_module; a layer with extra_repr; the printouts of nested containers (Sequential in ModuleList in ModuleDict,
ParameterList and ParameterDict of mixed shapes and dtypes); to(torch.float64), half(), bfloat16(), float() and
double() round trips with what they do to parameters, buffers and integer buffers, and Module.type(), which
casts the integer buffers too; requires_grad_(False) on a part, train(False) flags, zero_grad(set_to_none=False),
parameter counts, and the same few SGD steps before and after a float64 round trip. Float32; every random number
comes from torch.manual_seed.
"""
import torch
import torch.nn as nn
import torch.nn.functional as F


class Scale(nn.Module):
    def __init__(self, dim, init=1.0):
        super().__init__()
        self.dim = dim
        self.weight = nn.Parameter(torch.full((dim,), init))
        self.register_buffer("calls", torch.zeros((), dtype=torch.long))

    def forward(self, x):
        self.calls += 1
        return x * self.weight

    def extra_repr(self):
        return f"dim={self.dim}, init={self.weight[0].item():.2f}"


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        shared = nn.Linear(4, 4)
        self.enc = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), shared)
        self.blocks = nn.ModuleList([nn.Sequential(shared, nn.Tanh()), Scale(4, 0.5)])
        self.heads = nn.ModuleDict({"cls": nn.Linear(4, 2), "reg": nn.Sequential(nn.Linear(4, 1), nn.Softplus())})
        self.norm = nn.BatchNorm1d(4)
        self.extras = nn.ParameterList([nn.Parameter(torch.ones(2)), nn.Parameter(torch.zeros(2, 3))])
        self.table = nn.ParameterDict({"b": nn.Parameter(torch.randn(3)), "a": nn.Parameter(torch.randn(1, 2))})
        self.proj = nn.Linear(4, 4, bias=False)
        self.proj.weight = shared.weight

    def forward(self, x):
        h = self.enc(x)
        for block in self.blocks:
            h = block(h)
        h = self.norm(h + 0.1 * self.proj(h))
        return self.heads["cls"](h) + self.extras[0], self.heads["reg"](h)


def init_weights(m):
    if isinstance(m, nn.Linear):
        with torch.no_grad():
            m.weight.copy_(torch.linspace(-0.5, 0.5, m.weight.numel()).view_as(m.weight))
            if m.bias is not None:
                m.bias.fill_(0.01)


def main():
    torch.manual_seed(2605)
    net = Net()
    print(net)
    print([name for name, _ in net.named_modules()])
    print([name for name, _ in net.named_modules(remove_duplicate=False)])
    print([name for name, _ in net.named_modules(prefix="model")][:4])
    print([name for name, _ in net.named_parameters()])
    print([name for name, _ in net.named_parameters(remove_duplicate=False)])
    print([name for name, _ in net.named_buffers(prefix="net", remove_duplicate=False)])
    print([name for name, _ in net.named_children()], len(list(net.modules())), len(list(net.children())))
    print(sum(p.numel() for p in net.parameters()), sum(p.numel() for p in net.parameters() if p.requires_grad))
    net.apply(init_weights)
    print(net.enc[0].weight, net.blocks[0][0].bias)
    print(net.get_submodule("blocks.0.0") is net.enc[2], net.get_submodule("heads.reg.1"))
    print(net.get_parameter("heads.cls.bias"), net.get_buffer("norm.running_var"))
    print(net.get_parameter("extras.1").shape, net.get_parameter("table.a").shape)
    for bad in ["enc.5", "heads.cls.nothing"]:
        try:
            net.get_submodule(bad)
        except AttributeError:
            print("AttributeError", bad)
    net.set_submodule("heads.reg.1", nn.Sigmoid())
    net.register_module("post", Scale(2, 2.0))
    net.add_module("drop", nn.Dropout(0.0))
    print(net.heads, net.post, net.drop)
    print(net.extras)
    print(net.table)

    x = torch.randn(5, 3)
    y = torch.randn(5, 2)
    net.blocks.requires_grad_(False)
    print([n for n, p in net.named_parameters() if not p.requires_grad])
    out, reg = net(x)
    print(out, reg.grad_fn.name(), net.blocks[1].calls, net.norm.num_batches_tracked)
    loss = F.mse_loss(net.post(out), y) + reg.mean()
    loss.backward()
    print(net.enc[2].weight.grad, net.blocks[1].weight.grad, net.post.weight.grad)
    net.zero_grad(set_to_none=False)
    print(net.enc[0].bias.grad, net.blocks[1].weight.grad)
    net.requires_grad_(True)
    net.zero_grad()
    print(net.enc[0].bias.grad)

    net.eval()
    print([m.training for m in net.modules()][:5], net.training, net.norm.training)
    net.train(False)
    ref, _ = net(x)
    net.double()
    print(net.enc[0].weight.dtype, net.norm.running_mean.dtype, net.norm.num_batches_tracked.dtype,
          net.blocks[1].calls.dtype, net.extras[1].dtype, net.table["a"].dtype)
    out64, _ = net(x.double())
    print(out64.dtype, (out64 - ref.double()).abs().max() < 1e-5)
    net.half()
    print(net.enc[0].weight.dtype, net.norm.running_var.dtype, net.norm.num_batches_tracked.dtype,
          net.enc[0].weight[0])
    net.bfloat16()
    print(net.table["b"].dtype, net.table["b"])
    net.float()
    print(net.enc[0].weight.dtype, net.enc[0].weight[0], net.norm.running_var)
    net.to(torch.float64)
    print(net.heads["cls"].bias.dtype, net.post.weight.dtype, net.post.calls)
    net.to(dtype=torch.float32)
    net.type(torch.float64)
    print(net.norm.num_batches_tracked.dtype, net.post.calls.dtype, net.proj.weight.dtype)
    net.float()
    print(net.norm.num_batches_tracked.dtype, net.post.calls, net.enc[0].weight.dtype)

    net.train()
    opt = torch.optim.SGD(net.parameters(), lr=0.05, momentum=0.9)
    for step in range(3):
        opt.zero_grad()
        out, reg = net(x)
        loss = F.mse_loss(net.post(out), y) + reg.mean()
        loss.backward()
        opt.step()
        print(step, f"{loss.item():.5f}", net.norm.num_batches_tracked.item(), net.post.calls.item())
    print(net.state_dict().keys())
    print(net.norm.running_mean, net.post)


if __name__ == "__main__":
    main()
