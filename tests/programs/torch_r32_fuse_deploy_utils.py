"""Preparing a trained network for deployment, float32: torch.nn.utils.fusion (fuse_conv_bn_eval,
fuse_linear_bn_eval, fuse_conv_bn_weights with transpose=True for a ConvTranspose2d), nn.utils.skip_init,
Module.get_submodule / get_parameter / get_buffer / set_submodule, named_modules(remove_duplicate=False),
state_dict(keep_vars=True), load_state_dict(assign=True) with its incompatible-keys result, the module's
register_load_state_dict_post_hook, to_empty + reset_parameters, and the fused model's outputs and gradients
compared with the unfused one after a few training steps."""
import torch
import torch.nn as nn
from torch.nn.utils.fusion import fuse_conv_bn_eval, fuse_conv_bn_weights, fuse_linear_bn_eval


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 6, 3, padding=1)
        self.bn = nn.BatchNorm2d(6)
        self.up = nn.ConvTranspose2d(6, 4, 2, stride=2)
        self.bn_up = nn.BatchNorm2d(4)
        self.fc = nn.Linear(4, 5)
        self.bn_fc = nn.BatchNorm1d(5)

    def forward(self, x):
        h = torch.relu(self.bn(self.conv(x)))
        h = torch.relu(self.bn_up(self.up(h)))
        return self.bn_fc(self.fc(h.mean((2, 3))))


def main():
    torch.manual_seed(17)
    net = Net()
    x = torch.randn(8, 3, 5, 5)
    target = torch.randn(8, 5)
    opt = torch.optim.SGD(net.parameters(), lr=0.05, momentum=0.9)
    for step in range(4):
        opt.zero_grad()
        loss = nn.functional.mse_loss(net(x), target)
        loss.backward()
        opt.step()
        print("train", step, round(loss.item(), 5), net.bn.running_mean[:3].numpy().round(5))
    net.eval()
    with torch.no_grad():
        ref = net(x)
    conv = fuse_conv_bn_eval(net.conv, net.bn)
    fc = fuse_linear_bn_eval(net.fc, net.bn_fc)
    up_w, up_b = fuse_conv_bn_weights(net.up.weight, net.up.bias, net.bn_up.running_mean, net.bn_up.running_var,
                                      net.bn_up.eps, net.bn_up.weight, net.bn_up.bias, transpose=True)
    print("fused types", type(conv).__name__, type(fc).__name__, type(up_w).__name__, tuple(up_w.shape),
          up_w.requires_grad)
    up = nn.ConvTranspose2d(6, 4, 2, stride=2)
    up.weight, up.bias = up_w, up_b
    fused = nn.Sequential(conv, nn.ReLU(), up, nn.ReLU())
    with torch.no_grad():
        out = fc(fused(x).mean((2, 3)))
    print("fused max diff", (out - ref).abs().max().item() < 1e-4, out[0].numpy().round(4))
    print("conv bias", conv.bias.detach().numpy().round(5))
    z = fc(fused(x).mean((2, 3))).sum()
    z.backward()
    print("fused grads", round(conv.weight.grad.norm().item(), 4), round(up.weight.grad.norm().item(), 4),
          round(fc.bias.grad.norm().item(), 4))

    print("get", net.get_submodule("bn_up").num_features, tuple(net.get_parameter("fc.weight").shape),
          net.get_buffer("bn.num_batches_tracked").item())
    net.set_submodule("bn_fc", nn.Identity())
    print("set", type(net.bn_fc).__name__, [n for n, _ in net.named_children()])
    shared = nn.Linear(3, 3)
    seq = nn.Sequential(shared, nn.Tanh(), shared)
    print("modules", len(list(seq.named_modules())), [n for n, _ in seq.named_modules(remove_duplicate=False)])
    sd = seq.state_dict(keep_vars=True)
    print("keep_vars", type(sd["0.weight"]).__name__, sd["0.weight"].requires_grad, list(sd))

    fresh = nn.utils.skip_init(nn.Linear, 4, 5)
    print("skip_init", tuple(fresh.weight.shape), fresh.weight.dtype)
    calls = []

    def post(module, keys):
        calls.append((sorted(keys.missing_keys), sorted(keys.unexpected_keys)))
    fresh.register_load_state_dict_post_hook(post)
    src = {"weight": torch.ones(5, 4), "bias": torch.zeros(5), "extra": torch.zeros(1)}
    result = fresh.load_state_dict(src, strict=False, assign=True)
    print("assign", fresh.weight is src["weight"], result.missing_keys, result.unexpected_keys, calls)
    print("assign out", fresh(torch.ones(1, 4)).detach().numpy())
    meta = nn.Linear(4, 2, device="meta")
    print("meta", meta.weight.device, meta.weight.shape)
    torch.manual_seed(3)
    real = meta.to_empty(device="cpu")
    real.reset_parameters()
    print("to_empty", real.weight.device, real.weight.detach().numpy().round(5)[0])
