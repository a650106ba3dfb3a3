"""Inspecting the autograd graph the way PyTorch's "Autograd mechanics" notes and torchviz-style debugging code do:
the grad_fn printed after each intermediate tensor of a small model (a Conv2d feature extractor with nn.Unfold
patches, a global average pool to 1 x 1, dropout in training, PReLU, a GRUCell and an RNNCell, pdist between
embeddings, cross-entropy against soft labels, a float64 copy for a metric), a breadth-first walk over
grad_fn.next_functions that counts the leaves and looks for the layers' nodes, retain_grad on intermediates, tensor and node hooks
(register_hook, register_prehook) that log gradient shapes, and requires_grad / is_leaf bookkeeping. Float32;
torch.manual_seed for weights, data and the dropout masks.
"""
from collections import Counter, deque

import torch
import torch.nn as nn
import torch.nn.functional as F


class Probe(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(1, 4, 3, padding=1)
        self.unfold = nn.Unfold(kernel_size=2, stride=2)
        self.act = nn.PReLU()
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.gru = nn.GRUCell(4, 6)
        self.rnn = nn.RNNCell(6, 5)
        self.head = nn.Linear(5, 3)

    def forward(self, x, trace):
        f = self.act(self.conv(x))
        trace("features", f)
        patches = self.unfold(f)
        trace("patches", patches)
        pooled = self.pool(f).flatten(1)
        trace("pooled", pooled)
        dropped = F.dropout(pooled, 0.25, training=self.training)
        trace("dropped", dropped)
        h = self.gru(dropped)
        trace("gru", h)
        r = self.rnn(h)
        trace("rnn", r)
        return self.head(r), patches


def walk(root):
    counts, seen, queue = Counter(), set(), deque([root])
    while queue:
        node = queue.popleft()
        if node is None or node in seen:
            continue
        seen.add(node)
        counts[type(node).__name__] += 1
        for nxt, _ in node.next_functions:
            queue.append(nxt)
    return counts


def main():
    torch.manual_seed(1907)
    model = Probe()
    x = torch.randn(6, 1, 6, 6)
    soft = torch.softmax(torch.randn(6, 3), dim=1)

    def trace(name, t):
        print(f"{name:9s} {tuple(t.shape)} {t.grad_fn.name()} leaf={t.is_leaf} requires_grad={t.requires_grad}")

    model.train()
    logits, patches = model(x, trace)
    loss = F.cross_entropy(logits, soft)
    print("loss", loss)
    spread = F.pdist(logits)
    print("pdist", spread.shape, spread.grad_fn.name(), spread[:4])
    metric = logits.double().softmax(1).max(1).values.mean()
    print("metric", metric)
    counts = walk(loss.grad_fn)
    print("leaf accumulators", counts["AccumulateGrad"], "parameters", len(list(model.parameters())))
    print("named nodes", [name for name in ("ConvolutionBackward0", "PreluKernelBackward0", "LogSoftmaxBackward0",
                                            "MeanBackward1", "DivBackward1") if counts[name] == 1])

    logits.retain_grad()
    patches.retain_grad()
    log = []
    logits.register_hook(lambda g: log.append(("logits hook", tuple(g.shape), round(g.abs().sum().item(), 5))))
    handle = loss.grad_fn.register_prehook(lambda gO: log.append(("loss prehook", len(gO))))
    total = loss + 0.01 * spread.mean() + 0.001 * patches.pow(2).mean()
    total.backward()
    print("hooks", log)
    handle.remove()
    print("logits grad", logits.grad[:2])
    print("patches grad", patches.grad.shape, patches.grad.abs().sum().item())
    print("prelu grad", model.act.weight.grad, "conv bias grad", model.conv.bias.grad)
    print("gru grads", model.gru.weight_ih.grad.abs().sum().item(), model.gru.bias_hh.grad[:3])

    model.eval()
    with torch.no_grad():
        out, _ = model(x, lambda name, t: None)
    print("eval out", out.requires_grad, out.grad_fn, out[:2])
    x64 = x.double().requires_grad_()
    cast = x64.float()
    print("cast", cast.grad_fn.name(), cast.dtype, x64.grad_fn, x64.is_leaf)
    y, _ = model(cast, lambda name, t: None)
    y.sum().backward()
    print("x64 grad", x64.grad.dtype, x64.grad.sum().item())
    det = logits.detach()
    print("detached", det.requires_grad, det.grad_fn, det.is_leaf)


if __name__ == "__main__":
    main()
