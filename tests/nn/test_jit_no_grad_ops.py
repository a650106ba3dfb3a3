"""Ops without a gradient (comparisons, where masks, argmax, sort/topk indices, any/all, isnan, rounded
division, logical ops) are recomputed by every ag.jit replay: a mask or accuracy computed in a step
must follow the step's new inputs and parameters, not stay as the capture computed it."""
import numpy as np
import pytest

import autograd as ag
import nn
import nn.functional as F


def _step_outputs(model, opt, x, y):
    opt.zero_grad()
    logits = model(x)
    loss = F.cross_entropy(logits, y)
    loss.backward()
    opt.step()
    h = logits.detach()
    return (loss.detach(), (logits.argmax(1) == y).float().mean(), ag.where(h > 0, h, h * 0.5).sum(),
            h.topk(2, dim=1).indices.float().sum(), h.sort(dim=1).indices.float().sum(),
            (h > 1).any().float() + (h < 5).all().float(), ag.isfinite(h).float().sum(),
            ag.div(h * 10, 3, rounding_mode="floor").sum(), ag.logical_not(h > 0).float().sum(),
            h.argmin(1).float().sum())


@pytest.mark.parametrize("act", [nn.ELU, nn.ReLU, nn.LeakyReLU])
def test_replays_recompute_masks_and_indices_like_eager(device, act):
    rng = np.random.default_rng(0)
    batches = [(ag.tensor(rng.standard_normal((8, 5)).astype(np.float32), device=device),
                ag.tensor(rng.integers(0, 3, 8), device=device)) for _ in range(6)]
    results = {}
    for mode in ("eager", "jit"):
        ag.manual_seed(0)
        model = nn.Sequential(nn.Linear(5, 16), act(), nn.Linear(16, 3)).to(device)
        opt = nn.optim.SGD(model.parameters(), lr=0.5, momentum=0.9)
        step = (lambda x, y: _step_outputs(model, opt, x, y))
        if mode == "jit":
            step = ag.jit(step)
        results[mode] = [[t.numpy() for t in step(x, y)] for x, y in batches]
    for k, (eager, jit) in enumerate(zip(results["eager"], results["jit"])):
        for j, (a, b) in enumerate(zip(eager, jit)):
            np.testing.assert_array_equal(a, b, err_msg=f"call {k}, output {j}")


def test_one_hot_follows_each_replays_labels(device):
    w = ag.tensor(np.arange(12, dtype=np.float32).reshape(4, 3), device=device, requires_grad=True)

    def step(y):
        loss = (F.one_hot(y, 4).float() @ w).sum(0)
        return loss.detach()
    compiled = ag.jit(step)
    for labels in ([0, 1], [2, 3], [3, 3], [1, 0]):
        y = ag.tensor(np.array(labels), device=device)
        np.testing.assert_array_equal(compiled(y).numpy(), step(y).numpy())
    assert compiled.replays >= 2


def test_attention_padding_masks_follow_each_replays_batch():
    """A bool key_padding_mask turned into an additive mask is recomputed by every replay."""
    ag.manual_seed(0)
    attention = nn.MultiheadAttention(8, 2, batch_first=True)
    x = ag.randn(2, 5, 8)

    def step(mask):
        out, _ = attention(x, x, x, key_padding_mask=mask)
        return out.detach()
    compiled = ag.jit(step)
    for lengths in ((5, 3), (2, 4), (1, 5), (4, 4)):
        mask = ag.tensor(np.arange(5)[None, :] >= np.array(lengths)[:, None])
        np.testing.assert_array_equal(compiled(mask).numpy(), step(mask).numpy())
    assert compiled.replays >= 2


LOSSES = {
    "cross_entropy K-dim": lambda x, t, w: F.cross_entropy(x, t),
    "cross_entropy weighted": lambda x, t, w: F.cross_entropy(x[:, :, 0], t[:, 0], weight=w),
    "cross_entropy weighted, ignore_index": lambda x, t, w: F.cross_entropy(x, t, weight=w, ignore_index=2),
    "cross_entropy label smoothing": lambda x, t, w: F.cross_entropy(x, t, label_smoothing=0.1),
    "nll_loss K-dim": lambda x, t, w: F.nll_loss(x, t),
    "nll_loss weighted": lambda x, t, w: F.nll_loss(x[:, :, 0], t[:, 0], weight=w),
    "nll_loss uint8 targets": lambda x, t, w: F.nll_loss(x, t.byte()),   # PyTorch refuses int32 targets
}


@pytest.mark.parametrize("name", LOSSES)
def test_class_index_losses_follow_each_replays_targets(device, name):
    rng = np.random.default_rng(0)
    x = ag.tensor(rng.standard_normal((2, 3, 4)).astype(np.float32), device=device)
    w = ag.tensor(np.array([1.0, 2.0, 0.5], np.float32), device=device)
    loss = LOSSES[name]
    compiled = ag.jit(lambda t: loss(x, t, w).detach())
    for seed in range(5):
        t = ag.tensor(np.random.default_rng(seed).integers(0, 3, (2, 4)), device=device)
        np.testing.assert_array_equal(compiled(t).numpy(), loss(x, t, w).detach().numpy(), err_msg=f"call {seed}")
    assert compiled.replays >= 3
