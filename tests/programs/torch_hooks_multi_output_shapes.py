"""Debugging hooks on modules with several inputs and outputs, as people add them to find where gradients vanish:
forward hooks on an LSTM (a tuple output with a nested (h, c) pair), full backward pre-hooks and backward hooks
on a two-headed module whose second head is unused in one loss (its grad_output is None) and used in another,
a backward hook that rescales grad_input, forward pre-hooks with kwargs, Tensor.register_post_accumulate_grad_hook
driving a per-parameter SGD update inside backward, Tensor.register_hook on an intermediate, and a printed
shape log. Float32, seeded by torch.manual_seed alone.
"""
import torch
import torch.nn as nn


def shape(t):
    return None if t is None else tuple(t.shape)


class TwoHeads(nn.Module):
    def __init__(self):
        super().__init__()
        self.body = nn.Linear(4, 6)
        self.classify = nn.Linear(6, 3)
        self.regress = nn.Linear(6, 1)

    def forward(self, x, context):
        h = torch.relu(self.body(x) + context)
        return self.classify(h), self.regress(h)


class Tagger(nn.Module):
    def __init__(self):
        super().__init__()
        self.lstm = nn.LSTM(4, 5, batch_first=True)
        self.heads = TwoHeads()
        self.project = nn.Linear(5, 4)

    def forward(self, tokens, context=None):
        seq, (h, c) = self.lstm(tokens)
        return self.heads(self.project(seq[:, -1]), context)


def main():
    torch.manual_seed(1720)
    model = Tagger()
    log = []

    model.lstm.register_forward_hook(
        lambda m, args, out: log.append(f"lstm out {shape(out[0])} h {shape(out[1][0])} c {shape(out[1][1])}"))
    model.lstm.register_full_backward_hook(
        lambda m, gi, go: log.append(f"lstm backward gi {[shape(g) for g in gi]} go {[shape(g) for g in go]}"))

    def pre_heads(module, go):
        log.append(f"heads pre-hook {[shape(g) for g in go]}")

    def heads_hook(module, gi, go):
        log.append(f"heads hook gi {[shape(g) for g in gi]} go {[shape(g) for g in go]}")
        return (gi[0] * 0.5, gi[1])

    model.heads.register_full_backward_pre_hook(pre_heads)
    model.heads.register_full_backward_hook(heads_hook)

    def with_context(module, args, kwargs):
        if kwargs.get("context") is None:
            kwargs = dict(kwargs, context=torch.zeros(args[0].shape[0], 6))
        log.append(f"tagger pre-hook args {[shape(a) for a in args]} kwargs {sorted(kwargs)}")
        return args, kwargs

    model.register_forward_pre_hook(with_context, with_kwargs=True)

    lr = 0.05
    updates = []

    def sgd_in_backward(param):
        if param.grad is None:   # a head whose output got no gradient in this loss
            return
        updates.append(tuple(param.shape))
        with torch.no_grad():
            param.add_(param.grad, alpha=-lr)
        param.grad = None

    for p in model.heads.parameters():
        p.register_post_accumulate_grad_hook(sgd_in_backward)

    tokens = torch.randn(3, 7, 4)
    labels = torch.tensor([0, 2, 1])
    targets = torch.randn(3, 1)
    context = torch.randn(3, 6, requires_grad=True)

    logits, value = model(tokens, context=context)
    hidden = []
    # the heads' backward hooks make one node of both outputs: an unused output's hook is called with None
    value.register_hook(lambda g: hidden.append(None if g is None else round(g.abs().sum().item(), 6)))
    nn.functional.cross_entropy(logits, labels).backward()
    print("\n".join(log))
    print("context grad", [round(v, 5) for v in context.grad[0].tolist()])
    print("regress hook fired", hidden, "updates", sorted(updates))
    print("heads grads cleared", [p.grad for p in model.heads.parameters()])
    print("lstm weight grad", shape(model.lstm.weight_ih_l0.grad), round(model.lstm.weight_ih_l0.grad.norm().item(), 5))

    log.clear()
    updates.clear()
    context.grad = None
    logits, value = model(tokens)
    loss = nn.functional.cross_entropy(logits, labels) + nn.functional.mse_loss(value, targets)
    loss.backward()
    print("\n".join(log))
    print("second loss", round(loss.item(), 5), "updates", len(updates), "context", context.grad)
    print("regress hook fired", hidden)

    optimizer = torch.optim.SGD(list(model.lstm.parameters()) + list(model.project.parameters()), lr=lr)
    for step in range(4):
        optimizer.zero_grad()
        logits, value = model(tokens)
        loss = nn.functional.cross_entropy(logits, labels) + nn.functional.mse_loss(value, targets)
        loss.backward()
        optimizer.step()
        print(f"step {step} loss {loss.item():.5f} classify bias {[round(v, 5) for v in model.heads.classify.bias.tolist()]}")
    print("log lines per step", len(log) // 6)
