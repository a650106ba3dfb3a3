"""Auditing a model with the global module hooks, float32: registration hooks that log (and cast) every
parameter, buffer and sub-module as models are built, global full backward pre-hooks / hooks that record gradient
norms per module beside a module's own hooks, global forward hooks with kwargs, extra state (get_extra_state /
set_extra_state) saved through torch.save into a BytesIO and loaded back, nn.utils.skip_init, requires_grad_(False)
on a block, and Module.to(dtype) converting parameters and floating buffers but not integer ones.
"""
import io

import numpy as np
import torch
import torch.nn as nn
from torch.nn.modules.module import (register_module_buffer_registration_hook, register_module_forward_hook,
                                     register_module_full_backward_hook, register_module_full_backward_pre_hook,
                                     register_module_module_registration_hook,
                                     register_module_parameter_registration_hook)


class Tokenizerish(nn.Module):
    def __init__(self, vocab):
        super().__init__()
        self.vocab = list(vocab)
        self.emb = nn.Embedding(len(self.vocab), 4)
        self.register_buffer("steps", torch.tensor(0))

    def get_extra_state(self):
        return {"vocab": self.vocab}

    def set_extra_state(self, state):
        self.vocab = list(state["vocab"])

    def forward(self, ids):
        self.steps += 1
        return self.emb(ids)


class Tagger(nn.Module):
    def __init__(self):
        super().__init__()
        self.tok = Tokenizerish("abcdef")
        self.mix = nn.Linear(4, 4)
        self.norm = nn.LayerNorm(4)
        self.out = nn.Linear(4, 3)

    def forward(self, ids, scale=1.0):
        h = self.tok(ids)
        return self.out(self.norm(torch.tanh(self.mix(h)) * scale + h))


def main():
    rng = np.random.default_rng(2209)
    torch.set_printoptions(precision=4)
    log = []
    h_par = register_module_parameter_registration_hook(
        lambda m, name, p: log.append(("param", type(m).__name__, name, tuple(p.shape))))
    h_buf = register_module_buffer_registration_hook(
        lambda m, name, b: log.append(("buffer", type(m).__name__, name, None if b is None else str(b.dtype))))
    h_mod = register_module_module_registration_hook(
        lambda m, name, sub: log.append(("module", type(m).__name__, name, type(sub).__name__)))
    torch.manual_seed(3)
    model = Tagger()
    for entry in log:
        print(entry)
    log.clear()

    def halve_init(m, name, p):
        if name == "bias":
            return nn.Parameter(torch.full_like(p, 0.25))

    h_cast = register_module_parameter_registration_hook(halve_init)
    extra = nn.Linear(2, 2)
    print("bias replaced by hook", extra.bias, log[-1])
    model.norm.register_buffer("flag", None)
    model.out = nn.Linear(4, 3)
    print("after reassign", log[-3:], model.out.bias)
    for h in (h_par, h_buf, h_mod, h_cast):
        h.remove()

    with torch.no_grad():
        for name, p in model.named_parameters():
            p.copy_(torch.tensor(rng.normal(scale=0.5, size=tuple(p.shape)), dtype=torch.float32))
    grads = []
    pre_seen = []
    hb = register_module_full_backward_hook(
        lambda m, gi, go: grads.append((type(m).__name__, [None if g is None else round(g.norm().item(), 4)
                                                            for g in go])))
    hp = register_module_full_backward_pre_hook(lambda m, go: pre_seen.append(type(m).__name__))
    own = model.mix.register_full_backward_hook(lambda m, gi, go: grads.append(("own mix", len(gi))))
    kw = []
    hf = register_module_forward_hook(lambda m, args, kwargs, out: kw.append((type(m).__name__, sorted(kwargs))),
                                      with_kwargs=True)
    ids = torch.tensor(rng.integers(0, 6, size=(2, 5)))
    labels = torch.tensor(rng.integers(0, 3, size=(2, 5)))
    logits = model(ids, scale=0.5)
    loss = nn.functional.cross_entropy(logits.reshape(-1, 3), labels.reshape(-1))
    loss.backward()
    print("loss", round(loss.item(), 5))
    print("forward kwargs seen", kw)
    print("backward pre order", pre_seen)
    for entry in grads:
        print("backward", entry)
    for h in (hb, hp, own, hf):
        h.remove()
    grads.clear()
    model(ids).sum().backward()
    print("after remove", grads, model.tok.steps)

    buf = io.BytesIO()
    torch.save(model.state_dict(), buf)
    print("state keys", [k for k in model.state_dict() if "extra" in k or "steps" in k])
    buf.seek(0)
    clone = Tagger()
    clone.tok.vocab = ["?"]
    res = clone.load_state_dict(torch.load(buf, weights_only=False))
    print("restored", clone.tok.vocab, clone.tok.steps, res)
    print("same logits", torch.allclose(clone(ids), model(ids)))

    lazy = nn.utils.skip_init(nn.Linear, 3, 2)
    print("skip_init", lazy.weight.shape, lazy.bias.shape, type(lazy).__name__)
    model.tok.requires_grad_(False)
    print("frozen", [n for n, p in model.named_parameters() if not p.requires_grad])
    print("trainable", sum(p.numel() for p in model.parameters() if p.requires_grad))
    model.zero_grad()
    model(ids).pow(2).mean().backward()
    print("frozen grad", model.tok.emb.weight.grad, model.mix.weight.grad.abs().sum().item() > 0)
    model.to(torch.float64)
    print("to float64", model.mix.weight.dtype, model.norm.weight.dtype, model.tok.steps.dtype,
          model.tok.emb.weight.requires_grad)
    print("double logits", model(ids)[0, 0])
    half = Tagger().half()
    print("half", half.mix.bias.dtype, half.tok.steps.dtype, half.out.weight.dtype)


if __name__ == "__main__":
    main()
