"""The autograd graph as a user inspects and steers it, float64: grad_fn.next_functions walked to the leaves
(AccumulateGrad's variable), saved attributes of nodes (_saved_self, _saved_other, _saved_exponent, _saved_dim,
_saved_keepdim), hooks and pre-hooks on a Node (a pre-hook that rescales the incoming gradient, a hook that sees
grad_inputs and grad_outputs), register_multi_grad_hook in 'all' and 'any' modes, get_gradient_edge with
torch.autograd.grad, queue_callback from a hook, and custom Functions with mark_dirty, needs_input_grad and
set_materialize_grads, in a small regression trained a few steps."""
import torch
from torch.autograd.graph import get_gradient_edge, register_multi_grad_hook


def walk(fn, depth=0, seen=None):
    seen = set() if seen is None else seen
    if fn is None or fn in seen:
        return
    seen.add(fn)
    extra = ""
    if hasattr(fn, "variable"):
        extra = f" var{tuple(fn.variable.shape)}"
    print("  " * depth + fn.name() + extra)
    for child, nr in fn.next_functions:
        walk(child, depth + 1, seen)


class ScaleInplace(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, s):
        ctx.mark_dirty(x)
        ctx.save_for_backward(s)
        return x.mul_(s)

    @staticmethod
    def backward(ctx, g):
        (s,) = ctx.saved_tensors
        print("ScaleInplace needs", ctx.needs_input_grad)
        return g * s, None


class TwoOut(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        ctx.set_materialize_grads(False)
        ctx.save_for_backward(x)
        return x.exp(), x.sin()

    @staticmethod
    def backward(ctx, ga, gb):
        (x,) = ctx.saved_tensors
        print("TwoOut grads None", ga is None, gb is None)
        out = torch.zeros_like(x)
        if ga is not None:
            out = out + ga * x.exp()
        if gb is not None:
            out = out + gb * x.cos()
        return out


def main():
    torch.manual_seed(11)
    dt = torch.float64
    w = torch.randn(3, 2, dtype=dt, requires_grad=True)
    b = torch.zeros(2, dtype=dt, requires_grad=True)
    x = torch.randn(5, 3, dtype=dt)
    h = torch.tanh(x @ w + b)
    loss = (h.pow(3).sum(dim=1, keepdim=True) / 2.5).mean()
    walk(loss.grad_fn)
    node = loss.grad_fn.next_functions[0][0]
    print("div saved other", node.name(), node._saved_other)
    pw = node.next_functions[0][0].next_functions[0][0]
    print("pow saved", pw.name(), pw._saved_exponent, tuple(pw._saved_self.shape))
    sm = node.next_functions[0][0]
    print("sum saved", sm.name(), sm._saved_dim, sm._saved_keepdim, sm._saved_self_sym_sizes)
    th = pw.next_functions[0][0]
    print("tanh saved result", torch.equal(th._saved_result, h))

    def pre(grad_outputs):
        print("prehook on", th.name(), tuple(grad_outputs[0].shape))
        return (grad_outputs[0] * 2,)

    def post(grad_inputs, grad_outputs):
        print("hook on", th.name(), [tuple(g.shape) for g in grad_inputs], round(grad_outputs[0].sum().item(), 8))

    hp = th.register_prehook(pre)
    hh = th.register_hook(post)
    calls = []

    def on_all(grads):
        calls.append("all")
        print("multi all", [None if g is None else round(g.sum().item(), 8) for g in grads])

    def on_any(grad):
        calls.append("any")
        print("multi any", tuple(grad.shape))
    m1 = register_multi_grad_hook((w, b), on_all)
    m2 = register_multi_grad_hook((w, b), on_any, mode="any")

    def cb():
        print("queued callback ran, w.grad set", w.grad is not None)

    def leaf_hook(g):
        torch.autograd.Variable._execution_engine.queue_callback(cb)
        return g
    hb = b.register_hook(leaf_hook)
    loss.backward(retain_graph=True)
    print("calls", calls, w.grad.numpy().round(8), b.grad.numpy().round(8))
    for handle in (hp, hh, m1, m2, hb):
        handle.remove()

    edge = get_gradient_edge(h)
    print("edge", edge.node.name(), edge.output_nr)
    (gh,) = torch.autograd.grad(loss, edge, retain_graph=True)
    print("grad wrt edge", gh.numpy().round(8))
    (gw,) = torch.autograd.grad(loss, w)
    print("same as w.grad/2", torch.allclose(gw * 2, w.grad))

    z = torch.randn(4, dtype=dt, requires_grad=True)
    s = torch.tensor(1.5, dtype=dt, requires_grad=True)
    t = z * 1.0
    v = t.add_(0)
    out = ScaleInplace.apply(t, s)
    print("dirty", out is t, out.grad_fn.name(), t._version)
    out.sum().backward()
    print("z grad", z.grad.numpy().round(8), s.grad)

    q = torch.randn(3, dtype=dt, requires_grad=True)
    ea, sb = TwoOut.apply(q)
    ea.sum().backward(retain_graph=True)
    print("q grad a", q.grad.numpy().round(8))
    q.grad = None
    (ea.sum() + 2 * sb.sum()).backward()
    print("q grad ab", q.grad.numpy().round(8))

    opt = torch.optim.SGD([w, b], lr=0.3)
    for step in range(3):
        opt.zero_grad()
        e, s2 = TwoOut.apply(x @ w + b)
        l2 = (s2 ** 2).mean() + 0.01 * e.mean()
        l2.backward()
        opt.step()
        print("step", step, round(l2.item(), 10), l2.grad_fn.next_functions[0][0].name())
