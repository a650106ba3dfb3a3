"""The pytorch.org recipes on devices and state-dict plumbing, float64: "Reasoning about shapes with the meta
device" (a model built under torch.device("meta") has parameters with shapes and no data, forward on meta inputs
gives output shapes, Tensor.is_meta, torch.empty / zeros_like on meta, then module.to_empty(device="cpu") and
re-initialisation with reset_parameters), "Changing default device" (torch.set_default_device around factory
calls, the device context manager), load_state_dict(assign=True) into a meta-built model (parameters become the
loaded tensors themselves), Module.register_state_dict_pre_hook / register_state_dict_post_hook,
register_load_state_dict_pre_hook / register_load_state_dict_post_hook (clearing unexpected keys), and
torch.nn.utils.fusion.fuse_conv_bn_eval / fuse_linear_bn_eval checked against the unfused model in eval mode.
"""
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.nn.utils.fusion import fuse_conv_bn_eval, fuse_linear_bn_eval


class Encoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(2, 4, 3, padding=1)
        self.bn = nn.BatchNorm2d(4)
        self.fc = nn.Linear(4 * 5 * 5, 6)
        self.ln = nn.LayerNorm(6)

    def forward(self, x):
        h = F.relu(self.bn(self.conv(x)))
        return self.ln(self.fc(h.flatten(1)))


def seeded_state(model, rng):
    return {k: torch.tensor(rng.normal(scale=0.3, size=tuple(v.shape)), dtype=torch.float64)
            if v.is_floating_point() else v.clone() for k, v in model.state_dict().items()}


def main():
    rng = np.random.default_rng(11)
    torch.set_printoptions(precision=6)
    with torch.device("meta"):
        meta_model = Encoder().double()
    print("on meta", meta_model.conv.weight.is_meta, meta_model.conv.weight.device, meta_model.fc.weight.shape)
    print("meta repr", meta_model.fc.bias)
    out = meta_model(torch.empty(3, 2, 5, 5, device="meta", dtype=torch.float64))
    print("meta forward", out.shape, out.device, out.dtype)
    z = torch.zeros_like(out)
    print("zeros_like meta", z.is_meta, z.shape, torch.empty(2, 3, device="meta").is_meta)
    n_params = sum(p.numel() for p in meta_model.parameters())
    print("params counted on meta", n_params)

    model = meta_model.to_empty(device="cpu")
    print("after to_empty", model.conv.weight.device, model.conv.weight.is_meta, model.bn.running_var.shape)
    state = seeded_state(model, rng)
    model.load_state_dict(state)
    print("loaded", torch.equal(model.fc.bias, state["fc.bias"]), model.fc.bias is state["fc.bias"])

    with torch.device("meta"):
        lazy = Encoder().double()
    assigned = lazy.load_state_dict(state, assign=True)
    print("assign result", assigned.missing_keys, assigned.unexpected_keys)
    print("assign keeps the tensors", lazy.fc.bias.is_meta, type(lazy.fc.bias).__name__,
          lazy.fc.bias.requires_grad, lazy.fc.bias.data_ptr() == state["fc.bias"].data_ptr())

    torch.set_default_device("meta")
    try:
        m = torch.ones(4)
        print("default meta", m.device, torch.get_default_device())
    finally:
        torch.set_default_device("cpu")
    print("back to", torch.ones(1).device, torch.get_default_device())

    seen = []
    def pre_hook(module, prefix, keep_vars):
        seen.append(("pre", type(module).__name__, prefix))

    def post_hook(module, state_dict, prefix, local_metadata):
        state_dict[prefix + "version_tag"] = torch.tensor(3)

    h1 = model.register_state_dict_pre_hook(pre_hook)
    h2 = model.ln.register_state_dict_post_hook(post_hook)
    sd = model.state_dict()
    print("hooks ran", seen, "tag" , sd["ln.version_tag"].item(), len(sd))
    h1.remove()
    h2.remove()
    print("removed", len(model.state_dict()), len(seen))

    def load_pre(module, state_dict, prefix, local_metadata, strict, missing_keys, unexpected_keys, error_msgs):
        key = prefix + "weight_old"
        if key in state_dict:
            state_dict[prefix + "weight"] = state_dict.pop(key) * 2

    def load_post(module, incompatible_keys):
        print("  post hook sees", list(incompatible_keys.unexpected_keys))
        incompatible_keys.unexpected_keys.clear()

    model.fc.register_load_state_dict_pre_hook(load_pre)
    model.register_load_state_dict_post_hook(load_post)
    old = dict(state)
    old["fc.weight_old"] = old.pop("fc.weight")
    old["junk"] = torch.zeros(1)
    res = model.load_state_dict(old)
    print("strict load ok", res, torch.allclose(model.fc.weight, 2 * state["fc.weight"]))

    model.eval()
    x = torch.tensor(rng.normal(size=(3, 2, 5, 5)), dtype=torch.float64)
    with torch.no_grad():
        model.bn.running_mean.copy_(torch.tensor(rng.normal(size=4), dtype=torch.float64))
        model.bn.running_var.copy_(torch.tensor(rng.uniform(0.5, 2.0, 4), dtype=torch.float64))
    fused = fuse_conv_bn_eval(model.conv, model.bn)
    print("fused conv", type(fused).__name__, fused.bias is not None, fused.weight.requires_grad)
    with torch.no_grad():
        ref = model.bn(model.conv(x))
        got = fused(x)
    print("conv+bn max diff < 1e-12", (ref - got).abs().max().item() < 1e-12)
    print("fused bias", fused.bias)
    lin = nn.Linear(5, 4).double()
    bn1 = nn.BatchNorm1d(4).double()
    with torch.no_grad():
        for t in list(lin.parameters()) + [bn1.weight, bn1.bias, bn1.running_mean]:
            t.copy_(torch.tensor(rng.normal(size=tuple(t.shape)), dtype=torch.float64))
        bn1.running_var.fill_(1.5)
    lin.eval()
    bn1.eval()
    fl = fuse_linear_bn_eval(lin, bn1)
    v = torch.tensor(rng.normal(size=(2, 5)), dtype=torch.float64)
    print("fused linear", fl(v))
    print("unfused     ", bn1(lin(v)))
    with torch.inference_mode():
        inf = model(x)
    print("inference_mode", inf.requires_grad, inf.is_inference(), inf[0])
