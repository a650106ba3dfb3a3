"""Loading checkpoints into models that changed, written for PyTorch the way fine-tuning and model-hub code does it;
tests run it as is and with only its imports changed, and compare what both print. A model built on the meta device
(no memory) and filled by load_state_dict(assign=True), where the parameters become the checkpoint's tensors (same
storage, requires_grad kept) against the default copy; strict=False reporting missing and unexpected keys as the
named tuple it returns (printed, and unpacked); persistent and non-persistent buffers; a renamed layer mapped by a
load-state-dict pre-hook (register_load_state_dict_pre_hook) and by overriding _load_from_state_dict with the
checkpoint's _metadata version; state_dict(prefix=..., keep_vars=True); a head resized by hand (copying the shared
rows); then a short fine-tune where only the new head trains. Float32, weights and data from NumPy.
"""
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


class Encoder(nn.Module):
    def __init__(self, d_in=5, d=8):
        super().__init__()
        self.proj = nn.Linear(d_in, d)
        self.norm = nn.LayerNorm(d)
        self.register_buffer("scale", torch.ones(d))
        self.register_buffer("cache", torch.zeros(3), persistent=False)

    def forward(self, x):
        return F.relu(self.norm(self.proj(x))) * self.scale


class Classifier(nn.Module):
    def __init__(self, n_classes=3):
        super().__init__()
        self.encoder = Encoder()
        self.head = nn.Linear(8, n_classes)

    def forward(self, x):
        return self.head(self.encoder(x))


class RenamedEncoder(Encoder):
    """Version 2 renamed `proj` to `input_proj`; old checkpoints are upgraded while loading."""
    _version = 2

    def __init__(self):
        super().__init__()
        self.input_proj = self.proj
        del self.proj

    def forward(self, x):
        return F.relu(self.norm(self.input_proj(x))) * self.scale

    def _load_from_state_dict(self, state_dict, prefix, local_metadata, strict, missing_keys, unexpected_keys,
                              error_msgs):
        version = local_metadata.get("version", None)
        if version is None or version < 2:
            for suffix in ("weight", "bias"):
                old = prefix + "proj." + suffix
                if old in state_dict:
                    state_dict[prefix + "input_proj." + suffix] = state_dict.pop(old)
        super()._load_from_state_dict(state_dict, prefix, local_metadata, strict, missing_keys, unexpected_keys,
                                      error_msgs)


def numpy_state(model, rng):
    return {k: torch.from_numpy(rng.normal(0, 0.4, tuple(v.shape)).astype(np.float32))
            for k, v in model.state_dict().items()}


def main():
    rng = np.random.default_rng(17)
    torch.manual_seed(0)
    model = Classifier()
    ckpt = numpy_state(model, rng)
    print("keys:", list(ckpt))
    print("non-persistent kept out:", "encoder.cache" in ckpt, [n for n, _ in model.named_buffers()])

    with torch.device("meta"):
        lazy = Classifier()
    print("meta:", lazy.head.weight.device.type, lazy.head.weight.is_meta)
    result = lazy.load_state_dict(ckpt, assign=True)
    print("assign result:", result)
    print("assigned shares storage:", lazy.head.weight.data_ptr() == ckpt["head.weight"].data_ptr(),
          type(lazy.head.weight).__name__, lazy.head.weight.requires_grad, lazy.encoder.scale.is_meta)
    model.load_state_dict(ckpt)
    print("copy shares storage:", model.head.weight.data_ptr() == ckpt["head.weight"].data_ptr())
    x = torch.from_numpy(rng.standard_normal((4, 5)).astype(np.float32))
    print("same outputs:", torch.allclose(lazy(x), model(x)), torch.round(model(x)[0], decimals=4).tolist())

    partial = {k: v for k, v in ckpt.items() if not k.startswith("head")}
    partial["extra.weight"] = torch.zeros(2)
    missing, unexpected = model.load_state_dict(partial, strict=False)
    print("missing:", missing, "unexpected:", unexpected)
    res = model.load_state_dict(ckpt, strict=False)
    print("clean:", res.missing_keys, res.unexpected_keys, res)

    old = Encoder()
    old.load_state_dict({k[len("encoder."):]: v for k, v in ckpt.items() if k.startswith("encoder.")})
    old_sd = old.state_dict()
    print("metadata version:", old_sd._metadata[""].get("version"))
    new = RenamedEncoder()
    print("renamed keys:", list(new.state_dict()))
    print("upgrade:", new.load_state_dict(old_sd), torch.allclose(new(x), old(x)))

    calls = []

    def rename_hook(module, state_dict, prefix, local_metadata, strict, missing_keys, unexpected_keys, error_msgs):
        calls.append(prefix)
        for k in [k for k in state_dict if k.startswith(prefix + "classifier.")]:
            state_dict[prefix + "head." + k[len(prefix + "classifier."):]] = state_dict.pop(k)

    fresh = Classifier()
    fresh.register_load_state_dict_pre_hook(rename_hook)
    renamed = {k.replace("head.", "classifier."): v for k, v in ckpt.items()}
    print("pre-hook:", fresh.load_state_dict(renamed), calls, torch.allclose(fresh(x), model(x)))

    sd = model.state_dict(prefix="backbone.", keep_vars=True)
    print("prefixed:", list(sd)[:3], sd["backbone.head.bias"].requires_grad,
          model.state_dict()["head.bias"].requires_grad)

    bigger = Classifier(n_classes=5)
    sd = model.state_dict()
    new_w, new_b = bigger.head.weight.detach().clone(), bigger.head.bias.detach().clone()
    new_w.zero_()
    new_b.fill_(-1.0)
    new_w[:3] = sd["head.weight"]
    new_b[:3] = sd["head.bias"]
    sd["head.weight"], sd["head.bias"] = new_w, new_b
    print("resized:", bigger.load_state_dict(sd), torch.allclose(bigger(x)[:, :3], model(x)))

    for p in bigger.encoder.parameters():
        p.requires_grad_(False)
    opt = torch.optim.SGD([p for p in bigger.parameters() if p.requires_grad], lr=0.1, momentum=0.9)
    y = torch.tensor([0, 4, 3, 1])
    before = bigger.encoder.proj.weight.clone()
    for step in range(4):
        opt.zero_grad()
        loss = F.cross_entropy(bigger(x), y)
        loss.backward()
        opt.step()
        print(f"step {step}: {loss.item():.5f}")
    print("encoder frozen:", torch.equal(before, bigger.encoder.proj.weight), bigger.encoder.proj.weight.grad)
