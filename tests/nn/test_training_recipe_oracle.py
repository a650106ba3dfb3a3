"""One realistic training recipe run in deepgrad and in PyTorch, every logged number compared.

The recipe combines AdamW param groups (decay on weights only, per-group lr), gradient accumulation,
gradient clipping, a cosine schedule, an EMA copy of the model, BatchNorm/Dropout/LayerNorm in eval,
top-k accuracy, a custom sampler and collate_fn, and a save/load resume, all in float64.
"""
import copy
import io

import numpy as np
import pytest


def _recipe(torch_like, nn_mod, F, data_mod, save, load, init, X, Y, order):
    """Trains, checkpoints after 6 micro-batches, resumes a fresh copy, returns the logged numbers."""
    log = []

    class Net(nn_mod.Module):
        def __init__(self):
            super().__init__()
            self.fc1, self.bn, self.drop = nn_mod.Linear(6, 16), nn_mod.BatchNorm1d(16), nn_mod.Dropout(0.3)
            self.fc2, self.ln, self.fc3 = nn_mod.Linear(16, 8), nn_mod.LayerNorm(8), nn_mod.Linear(8, 4)

        def forward(self, x):
            x = self.drop(F.gelu(self.bn(self.fc1(x))))
            return self.fc3(F.relu(self.ln(self.fc2(x))))

    def build():
        m = Net().double()
        with torch_like.no_grad():
            for k, v in m.state_dict().items():
                v.copy_(torch_like.from_numpy(init[k].copy()))
        return m

    def make_opt(m):
        decay = [p for n, p in m.named_parameters() if n.startswith("fc") and n.endswith("weight")]
        rest = [p for n, p in m.named_parameters() if not (n.startswith("fc") and n.endswith("weight"))]
        opt = torch_like.optim.AdamW([{"params": decay, "weight_decay": 0.05, "lr": 3e-3},
                                      {"params": rest, "weight_decay": 0.0, "lr": 6e-3}], betas=(0.9, 0.99))
        return opt, torch_like.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=10, eta_min=1e-5)

    class FixedOrder(data_mod.Sampler):
        def __init__(self, idx):
            self.idx = idx

        def __iter__(self):
            return iter(self.idx)

        def __len__(self):
            return len(self.idx)

    class Rows(data_mod.Dataset):
        def __len__(self):
            return len(Y)

        def __getitem__(self, i):
            return {"x": X[i], "y": int(Y[i]), "w": 1.0 + i % 3}

    def collate(items):
        return (torch_like.from_numpy(np.stack([it["x"] for it in items])),
                torch_like.tensor([it["y"] for it in items]),
                torch_like.tensor([it["w"] for it in items], dtype=torch_like.float64))

    def train(m, ema, opt, sched, idx):
        m.train()
        m.drop.eval()       # dropout masks are random draws: keep them out of the comparison
        loader = data_mod.DataLoader(Rows(), batch_size=8, sampler=FixedOrder(idx), collate_fn=collate)
        for i, (x, y, w) in enumerate(loader):
            loss = (F.cross_entropy(m(x), y, reduction="none", label_smoothing=0.1) * w).sum() / w.sum()
            (loss / 2).backward()
            log.append(loss.item())
            if i % 2 == 1:
                log.append(float(nn_mod.utils.clip_grad_norm_(m.parameters(), 1.0)))
                opt.step()
                opt.zero_grad(set_to_none=True)
                sched.step()
                log.extend(g["lr"] for g in opt.param_groups)
                with torch_like.no_grad():
                    for pe, p in zip(ema.parameters(), m.parameters()):
                        pe.mul_(0.99).add_(p, alpha=0.01)
                    for be, b in zip(ema.buffers(), m.buffers()):
                        be.copy_(b)

    def evaluate(m):
        m.eval()
        with torch_like.no_grad():
            out = m(torch_like.from_numpy(X))
            y = torch_like.from_numpy(Y)
            hits = out.topk(3, dim=1)[1].eq(y.view(-1, 1))
            log.extend([F.cross_entropy(out, y).item(), hits[:, 0].double().mean().item(),
                        hits.any(dim=1).double().mean().item()])
            log.extend(out.numpy().ravel().tolist())

    m = build()
    ema = copy.deepcopy(m)
    opt, sched = make_opt(m)
    train(m, ema, opt, sched, order[:48])
    buffer = io.BytesIO()
    save({"model": m.state_dict(), "ema": ema.state_dict(), "opt": opt.state_dict(),
          "sched": sched.state_dict()}, buffer)
    train(m, ema, opt, sched, order[48:80])
    evaluate(m)
    evaluate(ema)
    buffer.seek(0)
    ck = load(buffer)
    m2 = build()
    m2.load_state_dict(ck["model"])
    ema2 = copy.deepcopy(m2)
    ema2.load_state_dict(ck["ema"])
    opt2, sched2 = make_opt(m2)
    opt2.load_state_dict(ck["opt"])
    sched2.load_state_dict(ck["sched"])
    train(m2, ema2, opt2, sched2, order[48:80])
    evaluate(m2)
    evaluate(ema2)
    return np.array(log)


def test_training_recipe_matches_torch_and_resumes_exactly():
    torch = pytest.importorskip("torch")
    import autograd as ag
    import nn
    import nn.functional as F
    from nn import data as dg_data
    from torch.utils import data as torch_data

    rs = np.random.RandomState(0)
    X = rs.randn(40, 6)
    Y = (X @ rs.randn(6, 4) + 0.5 * rs.randn(40, 4)).argmax(1).astype(np.int64)
    order = np.concatenate([rs.permutation(40), rs.permutation(40)]).tolist()
    init = {k: v.numpy() for k, v in _torch_init(torch).items()}
    ours = _recipe(ag, nn, F, dg_data, nn.save, nn.load, init, X, Y, order)
    theirs = _recipe(torch, torch.nn, torch.nn.functional, torch_data, torch.save, torch.load, init, X, Y, order)
    assert ours.shape == theirs.shape
    np.testing.assert_allclose(ours, theirs, rtol=1e-9, atol=1e-10)
    resumed = 10 + 2 * (3 + 40 * 4)      # 4 micro-batches (4 losses, 2 x norm + 2 lrs) + 2 evaluations
    np.testing.assert_array_equal(ours[-resumed:], ours[-2 * resumed:-resumed])


def _torch_init(torch):
    """Initial weights for the recipe's network, drawn once with PyTorch's default initialisation."""
    torch.manual_seed(0)
    layers = {"fc1": torch.nn.Linear(6, 16), "bn": torch.nn.BatchNorm1d(16),
              "fc2": torch.nn.Linear(16, 8), "ln": torch.nn.LayerNorm(8), "fc3": torch.nn.Linear(8, 4)}
    return {f"{name}.{k}": v.detach().double() for name, layer in layers.items()
            for k, v in layer.state_dict().items()}
