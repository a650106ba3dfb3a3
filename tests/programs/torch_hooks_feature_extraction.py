"""Module traversal, initialisation schemes and hooks, written for PyTorch the way feature-extraction and debugging code
uses them; tests run it as is and with only its imports changed, and compare what both print. A small residual CNN
(GroupNorm, InstanceNorm2d, Identity shortcuts, a 1x1 projection) initialised by model.apply with the
deterministic nn.init schemes (dirac_, eye_, constant_, calculate_gain) and NumPy for the rest; named_modules /
named_children / get_submodule; forward hooks collecting activations into a dict, a forward pre-hook that rescales
the input, a forward hook that replaces the output, with_kwargs hooks, full backward hooks recording gradient norms
and a tensor hook; hook handles removed and the outputs checked to return to normal. Float64, weights from NumPy.
"""
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


class Block(nn.Module):
    def __init__(self, c_in, c_out, stride=1):
        super().__init__()
        self.conv1 = nn.Conv2d(c_in, c_out, 3, stride=stride, padding=1, bias=False)
        self.norm1 = nn.GroupNorm(2, c_out)
        self.conv2 = nn.Conv2d(c_out, c_out, 3, padding=1, bias=False)
        self.norm2 = nn.InstanceNorm2d(c_out, affine=True)
        self.shortcut = nn.Identity() if stride == 1 and c_in == c_out else nn.Conv2d(c_in, c_out, 1, stride)

    def forward(self, x):
        out = F.relu(self.norm1(self.conv1(x)))
        return F.relu(self.norm2(self.conv2(out)) + self.shortcut(x))


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(2, 4, 3, padding=1), nn.ReLU())
        self.layer1 = Block(4, 4)
        self.layer2 = Block(4, 6, stride=2)
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(6, 3)

    def forward(self, x):
        return self.fc(torch.flatten(self.pool(self.layer2(self.layer1(self.stem(x)))), 1))


def main():
    torch.set_default_dtype(torch.float64)
    rng = np.random.default_rng(17)
    model = Net()

    def init_weights(m):
        if isinstance(m, nn.Conv2d) and m.in_channels == m.out_channels and m.kernel_size == (3, 3):
            nn.init.dirac_(m.weight)
            with torch.no_grad():
                m.weight.add_(torch.from_numpy(rng.normal(0, 0.05, tuple(m.weight.shape))))
        elif isinstance(m, nn.Conv2d):
            with torch.no_grad():
                m.weight.copy_(torch.from_numpy(rng.normal(0, 0.3, tuple(m.weight.shape))))
        elif isinstance(m, nn.Linear):
            nn.init.eye_(m.weight)
            nn.init.constant_(m.bias, 0.1)
        elif isinstance(m, (nn.GroupNorm, nn.InstanceNorm2d)):
            nn.init.ones_(m.weight)
            nn.init.zeros_(m.bias)
        if getattr(m, "bias", None) is not None and isinstance(m, nn.Conv2d):
            nn.init.constant_(m.bias, 0.01)

    model.apply(init_weights)
    print("gains:", nn.init.calculate_gain("relu"), nn.init.calculate_gain("leaky_relu", 0.2),
          round(nn.init.calculate_gain("tanh"), 6), nn.init.calculate_gain("conv2d"))
    names = [name for name, _ in model.named_modules()]
    print("modules:", len(names), names[:6])
    print("children:", [name for name, _ in model.named_children()])
    print("submodule:", type(model.get_submodule("layer2.shortcut")).__name__,
          type(model.get_submodule("layer1.shortcut")).__name__)
    print("conv count:", sum(isinstance(m, nn.Conv2d) for m in model.modules()),
          "params:", sum(p.numel() for p in model.parameters()))

    x = torch.from_numpy(rng.standard_normal((3, 2, 6, 6)))
    baseline = model(x).detach()
    features, grad_norms, handles = {}, {}, []

    def save_to(name):
        def hook(module, inputs, output):
            features[name] = output.detach()
        return hook

    for name, module in model.named_modules():
        if isinstance(module, (Block, nn.AdaptiveAvgPool2d)):
            handles.append(module.register_forward_hook(save_to(name)))

    def record_grad(name):
        def hook(module, grad_input, grad_output):
            grad_norms[name] = (round(grad_output[0].norm().item(), 6),
                                None if grad_input[0] is None else round(grad_input[0].norm().item(), 6))
        return hook

    handles.append(model.layer2.register_full_backward_hook(record_grad("layer2")))
    handles.append(model.fc.register_full_backward_hook(record_grad("fc")))
    out = model(x)
    print("features:", {k: tuple(v.shape) for k, v in features.items()})
    print("layer1 mean/std:", round(features["layer1"].mean().item(), 6), round(features["layer1"].std().item(), 6))
    out.pow(2).sum().backward()
    print("backward hooks:", grad_norms)

    handles.append(model.stem.register_forward_pre_hook(lambda m, args: (args[0] * 0.5,)))
    handles.append(model.fc.register_forward_hook(lambda m, args, out: out.softmax(dim=1)))
    hooked = model(x)
    print("hooked rows sum to one:", [round(v, 6) for v in hooked.sum(1).tolist()])
    print("hooked first row:", [round(v, 6) for v in hooked[0].tolist()])

    def kw_pre(module, args, kwargs):
        return args, kwargs

    def kw_post(module, args, kwargs, output):
        return output + 1.0

    handles.append(model.layer1.register_forward_pre_hook(kw_pre, with_kwargs=True))
    handles.append(model.layer1.register_forward_hook(kw_post, with_kwargs=True))
    print("with_kwargs shift:", round((model.layer1(features["layer1"]) - model.layer1.forward(features["layer1"]))
                                      .mean().item(), 6))

    for h in handles:
        h.remove()
    print("restored:", torch.allclose(model(x), baseline), len(model._forward_hooks), len(model.fc._forward_hooks))

    inter = model.stem(x)
    inter.register_hook(lambda g: g * 2)
    inter.retain_grad()
    model.fc(torch.flatten(model.pool(model.layer2(model.layer1(inter))), 1)).sum().backward()
    print("tensor hook grad:", round(inter.grad.abs().sum().item(), 6))
    print("fc grad:", [round(v, 6) for v in model.fc.weight.grad[0].tolist()])
