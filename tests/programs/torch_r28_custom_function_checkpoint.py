"""Custom autograd in a training loop, as the "Extending PyTorch" docs and memory-saving recipes write it:
torch.autograd.Function subclasses in the separate-setup_context style (forward without ctx, setup_context
saving inputs and outputs, ctx.mark_non_differentiable for an integer argmax output, ctx.set_materialize_grads
(False) with a backward that handles None gradients, ctx.needs_input_grad, ctx.save_for_backward of an output),
a straight-through quantiser, and activation checkpointing with torch.utils.checkpoint.checkpoint
(use_reentrant=False) and checkpoint_sequential around the blocks of an MLP trained with SGD, whose gradients
must equal the un-checkpointed run; gradcheck on each Function. Float64 throughout; every random number comes
from torch.manual_seed.
"""
import torch
import torch.nn as nn
from torch.utils.checkpoint import checkpoint, checkpoint_sequential


class SoftmaxWithArgmax(torch.autograd.Function):
    @staticmethod
    def forward(x, dim):
        y = torch.softmax(x, dim)
        return y, y.argmax(dim)

    @staticmethod
    def setup_context(ctx, inputs, output):
        _, dim = inputs
        y, idx = output
        ctx.mark_non_differentiable(idx)
        ctx.save_for_backward(y)
        ctx.dim = dim

    @staticmethod
    def backward(ctx, gy, gidx):
        y, = ctx.saved_tensors
        return y * (gy - (gy * y).sum(ctx.dim, keepdim=True)), None


class ScaledPair(torch.autograd.Function):
    """(a * s, b * s): a backward that is called with None for an unused output."""
    @staticmethod
    def forward(a, b, s):
        return a * s, b * s

    @staticmethod
    def setup_context(ctx, inputs, output):
        a, b, s = inputs
        ctx.set_materialize_grads(False)
        ctx.save_for_backward(a, b, s)
        ctx.seen = None

    @staticmethod
    def backward(ctx, g1, g2):
        a, b, s = ctx.saved_tensors
        ctx.seen = (g1 is None, g2 is None, ctx.needs_input_grad)
        ga = None if g1 is None else g1 * s
        gb = None if g2 is None else g2 * s
        gs = torch.zeros_like(s)
        if g1 is not None:
            gs = gs + (g1 * a).sum()
        if g2 is not None:
            gs = gs + (g2 * b).sum()
        return ga, gb, (gs if ctx.needs_input_grad[2] else None)


class NoneUnaware(torch.autograd.Function):
    """A backward written as if both gradients were always defined, under set_materialize_grads(False)."""
    @staticmethod
    def forward(ctx, x):
        ctx.set_materialize_grads(False)
        ctx.save_for_backward(x)
        return x * 2, x.exp()

    @staticmethod
    def backward(ctx, g1, g2):
        x, = ctx.saved_tensors
        return g1 * 2 + g2 * x.exp()


class STEQuantise(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, levels):
        ctx.save_for_backward(x)
        return torch.round(x * levels) / levels

    @staticmethod
    def backward(ctx, g):
        x, = ctx.saved_tensors
        return g * (x.abs() <= 1).to(g.dtype), None


class Block(nn.Module):
    def __init__(self, dim):
        super().__init__()
        self.lin1, self.lin2 = nn.Linear(dim, 2 * dim), nn.Linear(2 * dim, dim)
        self.norm = nn.LayerNorm(dim)

    def forward(self, x):
        return x + self.lin2(torch.tanh(self.lin1(self.norm(x))))


class Net(nn.Module):
    def __init__(self, dim=6, blocks=3, use_ckpt=False):
        super().__init__()
        self.blocks = nn.ModuleList([Block(dim) for _ in range(blocks)])
        self.head = nn.Linear(dim, 3)
        self.use_ckpt = use_ckpt

    def forward(self, x):
        for b in self.blocks:
            x = checkpoint(b, x, use_reentrant=False) if self.use_ckpt else b(x)
        return self.head(x)


def main():
    torch.manual_seed(0)
    torch.set_default_dtype(torch.float64)
    x = torch.randn(3, 5, requires_grad=True)
    y, idx = SoftmaxWithArgmax.apply(x, 1)
    print("argmax", idx.tolist(), idx.requires_grad, y.grad_fn.name(), y.requires_grad)
    (y * torch.arange(5.0)).sum().backward()
    print("softmax grad", x.grad[0])
    print("gradcheck softmax", torch.autograd.gradcheck(lambda t: SoftmaxWithArgmax.apply(t, 1)[0], (x,)))
    a, b = torch.randn(4, requires_grad=True), torch.randn(4, requires_grad=True)
    s = torch.tensor(1.5, requires_grad=True)
    p, q = ScaledPair.apply(a, b, s)
    p.sum().backward()
    print("pair grads", a.grad, b.grad, s.grad.item(), "seen", p.grad_fn.seen)
    print("gradcheck pair", torch.autograd.gradcheck(ScaledPair.apply, (a, b, s)))
    y1, y2 = NoneUnaware.apply(a)
    (y1 + y2).sum().backward()
    print("both outputs used", a.grad)
    for kwargs in ({}, {"check_undefined_grad": False}):
        try:
            torch.autograd.gradcheck(NoneUnaware.apply, (a,), **kwargs)
        except TypeError as e:
            print("gradcheck", kwargs, type(e).__name__, "NoneType" in str(e))
    w = torch.linspace(-1.5, 1.5, 7, requires_grad=True)
    qw = STEQuantise.apply(w, 2)
    (qw * torch.arange(7.0)).sum().backward()
    print("quantised", qw.tolist(), "ste grad", w.grad.tolist(), qw.grad_fn.name())

    data, target = torch.randn(16, 6), torch.randint(0, 3, (16,))
    torch.manual_seed(1)
    plain = Net()
    ckpt = Net(use_ckpt=True)
    ckpt.load_state_dict(plain.state_dict())
    opts = [torch.optim.SGD(m.parameters(), lr=0.1, momentum=0.9) for m in (plain, ckpt)]
    for step in range(5):
        losses = []
        for m, opt in zip((plain, ckpt), opts):
            opt.zero_grad()
            loss = nn.functional.cross_entropy(m(data), target)
            loss.backward()
            losses.append(loss)
        same = all(torch.allclose(p1.grad, p2.grad, rtol=1e-12, atol=1e-14)
                   for p1, p2 in zip(plain.parameters(), ckpt.parameters()))
        print(f"step {step} loss {losses[0].item():.12f} ckpt {losses[1].item():.12f} same grads {same} "
              f"|g| {plain.blocks[0].lin1.weight.grad.norm().item():.10f}")
        for opt in opts:
            opt.step()
    seq = nn.Sequential(*[Block(6) for _ in range(4)])
    inp = torch.randn(2, 6, requires_grad=True)
    out = checkpoint_sequential(seq, 2, inp, use_reentrant=False)
    out.sum().backward()
    g_ck = inp.grad.clone()
    inp.grad = None
    seq(inp).sum().backward()
    print("checkpoint_sequential", out.grad_fn.name(), torch.allclose(g_ck, inp.grad), g_ck[0])
    torch.set_default_dtype(torch.float32)


if __name__ == "__main__":
    main()
