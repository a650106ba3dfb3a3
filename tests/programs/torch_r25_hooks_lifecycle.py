"""Module and tensor hooks over a model's whole life, as instrumentation code registers them: tests run it as is and
with only its imports changed, and compare what both print. A forward pre-hook with with_kwargs=True that rewrites
a keyword argument, a forward hook with with_kwargs=True and always_call=True that still runs when forward raises,
register_full_backward_pre_hook scaling grad_output, register_full_backward_hook replacing grad_input,
prepend=True ordering, Tensor.register_post_accumulate_grad_hook running a per-parameter SGD step inside
backward, register_state_dict_pre_hook / register_state_dict_post_hook, load_state_dict pre and post hooks (a
renamed key mapped back, missing keys cleared), and handles removed one by one. Float32, torch.manual_seed.
"""
import torch
import torch.nn as nn


class Scaler(nn.Module):
    def __init__(self):
        super().__init__()
        self.lin = nn.Linear(3, 2)

    def forward(self, x, scale=1.0, fail=False):
        if fail:
            raise ValueError("asked to fail")
        return self.lin(x) * scale


def main():
    torch.manual_seed(2507)
    m = Scaler()
    log = []

    def pre(module, args, kwargs):
        log.append(("pre", sorted(kwargs)))
        kwargs = dict(kwargs)
        kwargs["scale"] = kwargs.get("scale", 1.0) * 2
        return args, kwargs

    def post(module, args, kwargs, output):
        log.append(("post", kwargs.get("scale"), None if output is None else tuple(output.shape)))

    def first(module, args, kwargs):
        log.append(("first", len(args)))

    h_pre = m.register_forward_pre_hook(pre, with_kwargs=True)
    h_first = m.register_forward_pre_hook(first, with_kwargs=True, prepend=True)
    h_post = m.register_forward_hook(post, with_kwargs=True, always_call=True)
    x = torch.randn(4, 3)
    y = m(x, scale=0.5)
    print("kwargs rewritten", torch.allclose(y, m.lin(x)), log)
    log.clear()
    try:
        m(x, fail=True)
    except ValueError as e:
        print("forward raised", e, log)
    log.clear()
    h_first.remove()
    h_pre.remove()

    grads_seen = []

    def bw_pre(module, grad_output):
        grads_seen.append(("bw_pre", grad_output[0].sum().item()))
        return (grad_output[0] * 10,)

    def bw(module, grad_input, grad_output):
        grads_seen.append(("bw", grad_input[0].sum().item(), grad_output[0].sum().item()))
        return (grad_input[0] * 0 + 1,)

    inner_seen = []
    hb_pre = m.lin.register_full_backward_pre_hook(bw_pre)
    hb = m.lin.register_full_backward_hook(bw)
    m.lin.register_full_backward_hook(lambda mod, gi, go: inner_seen.append(gi[0].sum().item()), )
    xr = torch.randn(4, 3, requires_grad=True)
    m(xr).sum().backward()
    print("backward hooks", [(k, round(v, 5)) if len(t) == 2 else (k, round(v, 5), round(t[2], 5))
                             for t in grads_seen for k, v in [t[:2]]], [round(v, 5) for v in inner_seen])
    print("input grad replaced", xr.grad)
    print("weight grad scaled", m.lin.weight.grad)
    hb_pre.remove()
    hb.remove()
    h_post.remove()

    net = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 1))
    order = []
    for name, p in net.named_parameters():
        def step(param, name=name):
            order.append(name)
            with torch.no_grad():
                param.add_(param.grad, alpha=-0.1)
            param.grad = None
        p.register_post_accumulate_grad_hook(step)
    before = net[2].weight.detach().clone()
    data = torch.randn(6, 3)
    target = torch.randn(6, 1)
    for _ in range(3):
        loss = ((net(data) - target) ** 2).mean()
        loss.backward()
        print("in-backward step", round(loss.item(), 6), all(p.grad is None for p in net.parameters()))
    print("stepped", sorted(set(order)), len(order), (net[2].weight - before).abs().sum().item() > 0)
    print("weights", net[2].weight.detach(), net[0].bias.detach())

    def sd_pre(module, prefix, keep_vars):
        print("  state_dict pre", type(module).__name__, repr(prefix), keep_vars)

    def sd_post(module, state_dict, prefix, local_metadata):
        state_dict[prefix + "note"] = torch.tensor(7)

    h1 = net[0].register_state_dict_pre_hook(sd_pre)
    h2 = net.register_state_dict_post_hook(sd_post)
    sd = net.state_dict()
    print("state_dict keys", list(sd))
    h1.remove()
    h2.remove()
    print("after remove", list(net.state_dict()))

    def load_pre(module, state_dict, prefix, local_metadata, strict, missing_keys, unexpected_keys, error_msgs):
        old = prefix + "w_legacy"
        if old in state_dict:
            state_dict[prefix + "weight"] = state_dict.pop(old)
        print("  load pre", repr(prefix), strict)

    def load_post(module, incompatible):
        print("  load post", sorted(incompatible.missing_keys), sorted(incompatible.unexpected_keys))
        incompatible.missing_keys.clear()

    fresh = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 1))
    fresh[0].register_load_state_dict_pre_hook(load_pre)
    fresh.register_load_state_dict_post_hook(load_post)
    saved = {k: v for k, v in net.state_dict().items() if k != "2.bias"}
    saved["0.w_legacy"] = saved.pop("0.weight")
    result = fresh.load_state_dict(saved, strict=True)
    print("loaded", result.missing_keys, result.unexpected_keys, torch.equal(fresh[0].weight, net[0].weight))
    print("bias kept", fresh[2].bias.shape, torch.equal(fresh[2].weight, net[2].weight))
