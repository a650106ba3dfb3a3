"""Training steps as users write them, compiled with ag.jit: every replay equals eager mode bit for bit
(outputs and parameters), or the capture is refused with a message that names the problem."""
import copy

import numpy as np
import pytest

import autograd as ag
import nn
import nn.functional as F


def _gan(device):
    gen = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 6)).to(device)
    disc = nn.Sequential(nn.Linear(6, 8), nn.LeakyReLU(0.2), nn.Linear(8, 1)).to(device)
    opt_g = nn.optim.Adam(gen.parameters(), 1e-3, betas=(0.5, 0.999))
    opt_d = nn.optim.Adam(disc.parameters(), 1e-3)

    def step(x, y):
        fake = gen(ag.randn(8, 4, device=device))
        opt_d.zero_grad()
        loss_d = F.binary_cross_entropy_with_logits(disc(x), ag.ones(8, 1, device=device)) + \
            F.binary_cross_entropy_with_logits(disc(fake.detach()), ag.zeros(8, 1, device=device))
        loss_d.backward()
        opt_d.step()            # reads the discriminator's gradients before the generator's backward adds to them
        opt_g.zero_grad()
        loss_g = F.binary_cross_entropy_with_logits(disc(fake), ag.ones(8, 1, device=device))
        loss_g.backward()
        opt_g.step()
        return loss_d, loss_g
    return step, list(gen.parameters()) + list(disc.parameters())


def _accumulate_and_clip(device):
    model = nn.Sequential(nn.Linear(6, 8), nn.ReLU(), nn.Linear(8, 3)).to(device)
    opt = nn.optim.SGD(model.parameters(), lr=0.1)

    def step(x, y):
        opt.zero_grad()
        for part in range(2):
            F.cross_entropy(model(x[part::2]), y[part::2]).backward()
        norm = ag.sqrt(sum(p.grad.pow(2).sum() for p in model.parameters()))   # reads the summed .grad
        nn.utils.clip_grad_norm_(model.parameters(), 0.5)
        opt.step()
        return norm
    return step, list(model.parameters())


def _retain_graph(device):
    model = nn.Sequential(nn.Linear(6, 8), nn.Tanh(), nn.Linear(8, 3)).to(device)
    opt = nn.optim.SGD(model.parameters(), lr=0.1)

    def step(x, y):
        opt.zero_grad()
        out = model(x)
        first, second = F.cross_entropy(out, y), out.pow(2).mean()
        first.backward(retain_graph=True)
        second.backward()
        opt.step()
        return first + second
    return step, list(model.parameters())


def _ema(device):
    model = nn.Sequential(nn.Linear(6, 8), nn.ReLU(), nn.Linear(8, 3)).to(device)
    average = copy.deepcopy(model)
    opt = nn.optim.SGD(model.parameters(), lr=0.1)

    def step(x, y):
        model.zero_grad()
        loss = F.cross_entropy(model(x), y)
        loss.backward()
        opt.step()
        with ag.no_grad():
            for slow, fast in zip(average.parameters(), model.parameters()):
                slow.mul_(0.9).add_(fast, alpha=0.1)
        return loss, average(x)
    return step, list(average.parameters())


def _sum_loss(device):
    model = nn.Linear(6, 3).to(device)
    opt = nn.optim.SGD(model.parameters(), lr=0.01)

    def step(x, y):
        opt.zero_grad()
        loss = model(x).sum()
        loss.backward()
        opt.step()
        return loss
    return step, list(model.parameters())


def _causal_language_model(device):
    emb = nn.Embedding(30, 16, padding_idx=0).to(device)
    enc = nn.TransformerEncoder(nn.TransformerEncoderLayer(16, 2, 32, dropout=0.1, batch_first=True), 2).to(device)
    head = nn.Linear(16, 30).to(device)
    params = list(emb.parameters()) + list(enc.parameters()) + list(head.parameters())
    opt = nn.optim.AdamW(params, 1e-3)
    sched = nn.optim.lr_scheduler.LambdaLR(opt, lambda s: min(1.0, (s + 1) / 3))
    causal = nn.Transformer.generate_square_subsequent_mask(7).to(device)   # made once, outside the step

    def step(x, y):
        tokens = (y.reshape(8, 1) * 7 + ag.arange(8, device=device)) % 30   # some padding (0) inside
        opt.zero_grad()
        hidden = enc(emb(tokens[:, :-1]), mask=causal, src_key_padding_mask=(tokens == 0)[:, :-1])
        loss = F.cross_entropy(head(hidden).reshape(-1, 30), tokens[:, 1:].reshape(-1), ignore_index=0)
        loss.backward()
        nn.utils.clip_grad_norm_(params, 1.0)
        opt.step()
        sched.step()
        return loss
    return step, params


PROGRAMS = {"gan": _gan, "causal_language_model": _causal_language_model, "accumulate_and_clip": _accumulate_and_clip, "retain_graph": _retain_graph,
            "ema": _ema, "sum_loss": _sum_loss}


def _run(device, build, compiled):
    ag.manual_seed(0)
    step, params = build(device)
    step = ag.jit(step) if compiled else step
    rng = np.random.default_rng(1)
    outs = []
    for _ in range(5):
        x = ag.tensor(rng.standard_normal((8, 6)).astype(np.float32), device=device)
        y = ag.tensor(rng.integers(0, 3, 8), device=device)
        result = step(x, y)
        outs += [t.numpy() for t in (result if isinstance(result, tuple) else (result,))]
    return outs + [p.numpy() for p in params]


@pytest.mark.parametrize("name", sorted(PROGRAMS))
def test_users_steps_replay_as_eager(device, name):
    for a, b in zip(_run(device, PROGRAMS[name], True), _run(device, PROGRAMS[name], False)):
        np.testing.assert_array_equal(a, b)


def test_a_learning_rate_set_in_the_steps_python_is_refused():
    model = nn.Linear(6, 3)
    opt = nn.optim.SGD(model.parameters(), lr=0.1)
    calls = [0]

    @ag.jit
    def step(x, y):
        calls[0] += 1
        for group in opt.param_groups:
            group["lr"] = 0.1 * min(1.0, calls[0] / 4)     # a warm-up a replay would never repeat
        opt.zero_grad()
        loss = F.cross_entropy(model(x), y)
        loss.backward()
        opt.step()
        return loss
    x, y = ag.randn(8, 6), ag.randint(0, 3, (8,))
    step(x, y)
    with pytest.raises(ag.CaptureError, match=r"SGD.param_groups\[0\]\['lr'\] from 0.025 to 0.05"):
        step(x, y)
