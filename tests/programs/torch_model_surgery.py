"""Model surgery in float32, written for PyTorch; tests run it as is and with only its imports changed, and compare
what both print. A backbone built from nn.ModuleDict heads, an nn.ParameterList of per-stage scales, nn.Unflatten
and a non-persistent buffer is initialised by model.apply(init_fn) with deterministic initialisers (linspace,
constant_, eye_, dirac_, zeros_), walked with named_modules / named_children / named_buffers(recurse=False) /
get_submodule / get_parameter, saved with state_dict (which leaves the non-persistent buffer out), changed by
swapping one head for a wider one and adding a new head, and reloaded with load_state_dict(strict=False), whose
missing_keys / unexpected_keys are printed; the frozen backbone (requires_grad_(False)) is then fine-tuned and
checked unchanged. Data and weights from a seeded NumPy generator.
"""
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.optim as optim


class Backbone(nn.Module):
    def __init__(self):
        super().__init__()
        self.stem = nn.Sequential(nn.Linear(12, 16), nn.Unflatten(1, (1, 4, 4)))
        self.conv = nn.Conv2d(1, 3, 3, padding=1)
        self.norm = nn.LayerNorm([3, 4, 4])
        self.scales = nn.ParameterList([nn.Parameter(torch.ones(3)) for _ in range(2)])
        self.register_buffer("center", torch.zeros(48))
        self.register_buffer("calls", torch.zeros((), dtype=torch.long), persistent=False)

    def forward(self, x):
        self.calls += 1
        h = self.conv(self.stem(x))
        h = self.norm(h) * self.scales[0][:, None, None] + h * self.scales[1][:, None, None]
        return F.gelu(h.flatten(1) - self.center)


class MultiHead(nn.Module):
    def __init__(self):
        super().__init__()
        self.backbone = Backbone()
        self.heads = nn.ModuleDict({"cls": nn.Linear(48, 3), "reg": nn.Linear(48, 1)})

    def forward(self, x):
        h = self.backbone(x)
        return {name: head(h) for name, head in self.heads.items()}


def init_fn(module):
    if isinstance(module, nn.Linear):
        with torch.no_grad():
            module.weight.copy_(torch.linspace(-0.2, 0.2, module.weight.numel()).reshape(module.weight.shape))
        if module.out_features == module.in_features:
            nn.init.eye_(module.weight)
        nn.init.zeros_(module.bias)
    elif isinstance(module, nn.Conv2d):
        nn.init.dirac_(module.weight)
        nn.init.constant_(module.bias, 0.1)


def main():
    rng = np.random.default_rng(77)
    model = MultiHead()
    model.apply(init_fn)
    print("modules", [name for name, _ in model.named_modules()])
    print("children", [name for name, _ in model.named_children()])
    print("buffers", [name for name, _ in model.named_buffers()],
          "backbone own", [name for name, _ in model.backbone.named_buffers(recurse=False)])
    print("dirac conv", model.get_submodule("backbone.conv").weight[:, 0, 1, 1],
          model.get_parameter("heads.cls.weight")[0, :3])
    sd = model.state_dict()
    print("state keys", len(sd), list(sd)[:6], "calls saved", "backbone.calls" in sd)
    with torch.no_grad():
        for p in model.parameters():
            p.copy_(torch.from_numpy(0.3 * rng.standard_normal(tuple(p.shape))).float())
        model.backbone.center.copy_(torch.from_numpy(0.1 * rng.standard_normal(48)).float())
    x = torch.from_numpy(rng.standard_normal((10, 12))).float()
    y_cls = torch.from_numpy(rng.integers(0, 3, 10))
    y_reg = torch.from_numpy(rng.standard_normal((10, 1))).float()
    out = model(x)
    print("outputs", out["cls"][0], out["reg"][:3, 0], "calls", model.backbone.calls.item())
    trained = {k: v.clone() for k, v in model.state_dict().items()}

    model.heads["cls"] = nn.Linear(48, 5)
    model.heads["aux"] = nn.Sequential(nn.Linear(48, 8), nn.Tanh(), nn.Linear(8, 2))
    model.apply(init_fn)
    trained.pop("heads.cls.weight")
    trained.pop("heads.cls.bias")
    trained["heads.old.weight"] = torch.zeros(2, 2)
    result = model.load_state_dict(trained, strict=False)
    print("missing", sorted(result.missing_keys))
    print("unexpected", result.unexpected_keys)
    print("restored", torch.equal(model.backbone.conv.weight, trained["backbone.conv.weight"]),
          model.heads["reg"].weight[0, :3], "new head", model.heads["cls"].weight[0, :2])

    model.backbone.requires_grad_(False)
    frozen = [n for n, p in model.named_parameters() if not p.requires_grad]
    print("frozen", len(frozen), frozen[:3])
    before = model.backbone.conv.weight.clone()
    opt = optim.SGD([p for p in model.parameters() if p.requires_grad], lr=0.2, momentum=0.9)
    y_aux = torch.from_numpy(rng.standard_normal((10, 2))).float()
    for step in range(8):
        out = model(x)
        loss = F.cross_entropy(out["cls"], y_cls) + F.mse_loss(out["reg"], y_reg) + F.mse_loss(out["aux"], y_aux)
        opt.zero_grad()
        loss.backward()
        opt.step()
        print(f"step {step} loss {loss.item():.6f} cls acc {(out['cls'].argmax(1) == y_cls).float().mean().item():.2f}")
    print("backbone unchanged", torch.equal(before, model.backbone.conv.weight),
          model.backbone.conv.weight.grad is None)
    print("calls", model.backbone.calls.item(), "aux weight", model.heads["aux"][0].weight[0, :4])
    del model.heads["aux"]
    print("after del", list(model.heads.keys()), len(model.state_dict()),
          sum(p.numel() for p in model.parameters()), sum(p.numel() for p in model.parameters() if p.requires_grad))


if __name__ == "__main__":
    main()
