"""Module hooks as interpretability and debugging code registers them; tests run it as is and with only its imports
changed, and compare what both print. forward pre-hooks with with_kwargs=True that rewrite keyword arguments,
forward hooks with with_kwargs=True and always_call, prepend=True ordering, full backward pre-hooks that scale
the incoming gradient, full backward hooks that replace grad_input, a hook that returns a new output, handles
removed in the middle, hooks on the tensor of an intermediate activation, state_dict post-hooks and
load_state_dict pre/post hooks that rename keys, and global module forward hooks. Float32, NumPy weights.
"""
import numpy as np
import torch
import torch.nn as nn


class Scaled(nn.Module):
    def __init__(self):
        super().__init__()
        self.lin = nn.Linear(4, 3)

    def forward(self, x, scale=1.0, shift=None):
        out = self.lin(x) * scale
        return out if shift is None else out + shift


def main():
    rng = np.random.default_rng(119)
    m = Scaled()
    with torch.no_grad():
        m.lin.weight.copy_(torch.from_numpy(rng.standard_normal((3, 4)).astype(np.float32)))
        m.lin.bias.copy_(torch.from_numpy(rng.standard_normal(3).astype(np.float32)))
    x = torch.from_numpy(rng.standard_normal((2, 4)).astype(np.float32))
    log = []

    def pre_kwargs(module, args, kwargs):
        log.append(f"pre {type(module).__name__} args={len(args)} kwargs={sorted(kwargs)}")
        kwargs = dict(kwargs)
        kwargs["scale"] = kwargs.get("scale", 1.0) * 2
        return args, kwargs

    def post_kwargs(module, args, kwargs, output):
        log.append(f"post scale={kwargs.get('scale')} out={tuple(output.shape)}")
        return output + 1

    h1 = m.register_forward_pre_hook(pre_kwargs, with_kwargs=True)
    h2 = m.register_forward_hook(post_kwargs, with_kwargs=True)
    print(m(x), m(x, scale=0.5, shift=torch.ones(3)))
    print(log)
    order = []
    h3 = m.register_forward_hook(lambda mod, a, o: order.append("appended"))
    h4 = m.register_forward_hook(lambda mod, a, o: order.append("prepended"), prepend=True)
    h5 = m.register_forward_pre_hook(lambda mod, a: order.append("pre-prepended"), prepend=True)
    m(x)
    print(order)
    for h in (h1, h2, h3, h4, h5):
        h.remove()
    print(m(x, scale=3.0), len(m._forward_hooks), len(m._forward_pre_hooks))
    grads = []
    net = nn.Sequential(nn.Linear(4, 5), nn.Tanh(), nn.Linear(5, 2))
    with torch.no_grad():
        for p in net.parameters():
            p.copy_(torch.from_numpy(rng.standard_normal(tuple(p.shape)).astype(np.float32) * 0.5))

    def scale_incoming(module, grad_output):
        grads.append(("pre", grad_output[0].shape))
        return (grad_output[0] * 10,)

    def clip_grad_input(module, grad_input, grad_output):
        grads.append(("full", grad_input[0].norm().item() > 0, grad_output[0].shape))
        return (grad_input[0].clamp(-0.5, 0.5),)

    hb1 = net[2].register_full_backward_pre_hook(scale_incoming)
    hb2 = net[1].register_full_backward_hook(clip_grad_input)
    xin = x.clone().requires_grad_(True)
    out = net(xin)
    out.sum().backward()
    print(xin.grad, net[0].weight.grad[0], net[2].bias.grad)
    print([g[0] for g in grads], grads[0][1], grads[1][2])
    hb1.remove()
    hb2.remove()
    acts = {}

    def keep(name):
        def hook(module, inp, output):
            acts[name] = output
            output.register_hook(lambda g: acts.__setitem__(name + ".grad", g))
        return hook

    handles = [mod.register_forward_hook(keep(name)) for name, mod in net.named_children()]
    net.zero_grad()
    xin.grad = None
    net(xin).pow(2).mean().backward()
    print(sorted(acts), acts["1"][0], acts["1.grad"][0], acts["0.grad"].sum())
    for h in handles:
        h.remove()

    def always(module, args, output):
        print("always_call hook ran for", type(module).__name__)

    class Failing(nn.Module):
        def forward(self, x):
            raise ValueError("boom")

    f = Failing()
    f.register_forward_hook(always, always_call=True)
    try:
        f(x)
    except ValueError as e:
        print("caught", e)

    def sd_post(module, state_dict, prefix, local_metadata):
        state_dict[prefix + "extra_scale"] = torch.tensor(2.0)

    m2 = Scaled()
    m2.lin.register_state_dict_post_hook(sd_post)
    sd = m2.state_dict()
    print(list(sd.keys()))

    def rename_old_keys(module, state_dict, prefix, local_metadata, strict, missing_keys, unexpected_keys, error_msgs):
        for old, new in [("lin.w", "lin.weight"), ("lin.b", "lin.bias")]:
            if prefix + old in state_dict:
                state_dict[prefix + new] = state_dict.pop(prefix + old)

    def report(module, incompatible):
        print("post load missing", incompatible.missing_keys, "unexpected", incompatible.unexpected_keys)

    m3 = Scaled()
    m3.register_load_state_dict_pre_hook(rename_old_keys)
    m3.register_load_state_dict_post_hook(report)
    old = {"lin.w": m.lin.weight.detach().clone(), "lin.b": m.lin.bias.detach().clone()}
    res = m3.load_state_dict(old)
    print(res.missing_keys, torch.equal(m3.lin.weight, m.lin.weight), m3(x))
    seen = []
    gh = nn.modules.module.register_module_forward_hook(lambda mod, a, o: seen.append(type(mod).__name__))
    net(x)
    gh.remove()
    net(x)
    print(seen)


if __name__ == "__main__":
    main()
