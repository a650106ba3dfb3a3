"""A Child-Sum Tree-LSTM written for PyTorch the way recursive-network code over parse trees writes it; tests run it
as is and with only its imports changed, and compare what both print. Random trees built by a seeded NumPy
generator, a recursive forward in Python (each node sums its children's hidden states, one forget gate per child
from torch.stack of the children's states, torch.split of the fused i/o/u gates), node-level sentiment labels
with a per-node cross-entropy, gradients through the dynamic graph (a different graph per tree), Adagrad with
weight decay as the original paper trains it, an embedding table frozen after a warm-up by requires_grad_(False),
a level-order batched evaluation that groups nodes by depth and uses index_select / index_add_ to gather children,
checked against the recursive one. Float64, weights from NumPy.
"""
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


class Node:
    def __init__(self, word, children, label):
        self.word, self.children, self.label = word, children, label


def random_tree(rng, depth=0):
    if depth >= 3 or (depth > 0 and rng.uniform() < 0.35):
        w = int(rng.integers(0, 10))
        return Node(w, [], int(w >= 5))
    kids = [random_tree(rng, depth + 1) for _ in range(int(rng.integers(1, 4)))]
    label = int(np.mean([k.label for k in kids]) >= 0.5)
    return Node(int(rng.integers(0, 10)), kids, label)


def flatten(tree):
    nodes = []

    def visit(n, depth):
        n.depth = depth
        nodes.append(n)
        for c in n.children:
            visit(c, depth + 1)
    visit(tree, 0)
    for i, n in enumerate(nodes):
        n.index = i
    return nodes


class ChildSumTreeLSTM(nn.Module):
    def __init__(self, vocab=10, dim=5, hidden=6, classes=2):
        super().__init__()
        self.hidden = hidden
        self.emb = nn.Embedding(vocab, dim)
        self.iou_x = nn.Linear(dim, 3 * hidden)
        self.iou_h = nn.Linear(hidden, 3 * hidden, bias=False)
        self.f_x = nn.Linear(dim, hidden)
        self.f_h = nn.Linear(hidden, hidden, bias=False)
        self.out = nn.Linear(hidden, classes)

    def node_forward(self, x, child_c, child_h):
        h_sum = child_h.sum(0)
        i, o, u = torch.split(self.iou_x(x) + self.iou_h(h_sum), self.hidden)
        i, o, u = torch.sigmoid(i), torch.sigmoid(o), torch.tanh(u)
        f = torch.sigmoid(self.f_h(child_h) + self.f_x(x).unsqueeze(0))
        c = i * u + (f * child_c).sum(0)
        return c, o * torch.tanh(c)

    def forward(self, node, outputs):
        if node.children:
            states = [self.forward(ch, outputs) for ch in node.children]
            child_c = torch.stack([s[0] for s in states])
            child_h = torch.stack([s[1] for s in states])
        else:
            child_c = child_h = torch.zeros(1, self.hidden)
        c, h = self.node_forward(self.emb(torch.tensor(node.word)), child_c, child_h)
        outputs.append((node, self.out(h)))
        return c, h

    def level_order(self, nodes):
        n = len(nodes)
        c_all = torch.zeros(n, self.hidden)
        h_all = torch.zeros(n, self.hidden)
        for depth in range(max(x.depth for x in nodes), -1, -1):
            level = [x for x in nodes if x.depth == depth]
            idx = torch.tensor([x.index for x in level])
            x = self.emb(torch.tensor([x.word for x in level]))
            kids = [(k, ch.index) for k, x_ in enumerate(level) for ch in x_.children]
            h_sum = torch.zeros(len(level), self.hidden)
            fc_sum = torch.zeros(len(level), self.hidden)
            if kids:
                owner = torch.tensor([k for k, _ in kids])
                child = torch.tensor([c for _, c in kids])
                ch_h, ch_c = h_all.index_select(0, child), c_all.index_select(0, child)
                h_sum = h_sum.index_add(0, owner, ch_h)
                f = torch.sigmoid(self.f_h(ch_h) + self.f_x(x).index_select(0, owner))
                fc_sum = fc_sum.index_add(0, owner, f * ch_c)
            i, o, u = torch.split(self.iou_x(x) + self.iou_h(h_sum), self.hidden, dim=1)
            c = torch.sigmoid(i) * torch.tanh(u) + fc_sum
            h = torch.sigmoid(o) * torch.tanh(c)
            c_all = c_all.index_copy(0, idx, c)
            h_all = h_all.index_copy(0, idx, h)
        return self.out(h_all)


def main():
    torch.set_default_dtype(torch.float64)
    rng = np.random.default_rng(83)
    trees = [random_tree(rng) for _ in range(8)]
    sizes = [len(flatten(t)) for t in trees]
    print("tree sizes:", sizes, "depths:", [max(n.depth for n in flatten(t)) for t in trees])
    model = ChildSumTreeLSTM()
    with torch.no_grad():
        for p in model.parameters():
            p.copy_(torch.from_numpy(rng.normal(0, 0.4, tuple(p.shape))))
    opt = torch.optim.Adagrad(model.parameters(), lr=0.05, weight_decay=1e-4)
    for epoch in range(4):
        if epoch == 2:
            model.emb.weight.requires_grad_(False)
        total, correct, count = 0.0, 0, 0
        for tree in trees:
            outputs = []
            model(tree, outputs)
            logits = torch.stack([o for _, o in outputs])
            labels = torch.tensor([n.label for n, _ in outputs])
            loss = F.cross_entropy(logits, labels, reduction="sum")
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item()
            correct += int((logits.argmax(1) == labels).sum())
            count += len(labels)
        print(f"epoch {epoch}: loss {total / count:.8f} node accuracy {correct / count:.6f}"
              f" emb grad {model.emb.weight.grad is not None and model.emb.weight.requires_grad}")
    nodes = flatten(trees[0])
    outputs = []
    with torch.no_grad():
        model(trees[0], outputs)
        rec = torch.stack([o for _, o in sorted(outputs, key=lambda t: t[0].index)])
        lev = model.level_order(nodes)
    print("level-order matches recursion:", torch.allclose(rec, lev, atol=1e-12))
    print("root logits:", [round(v, 8) for v in lev[0].tolist()])
    lev_g = model.level_order(nodes)
    lev_g.logsumexp(1).sum().backward()
    print("iou_h grad norm:", round(model.iou_h.weight.grad.norm().item(), 8))
    print("frozen embedding grad is None:", model.emb.weight.grad is None)
    with torch.no_grad():
        for k, tree in enumerate(trees[:4]):
            probs = F.softmax(model.level_order(flatten(tree)), dim=1)
            print(f"tree {k}: root label {tree.label} p(positive) {probs[0, 1].item():.8f}"
                  f" mean node confidence {probs.max(1).values.mean().item():.8f}")
