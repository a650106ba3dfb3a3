"""A hand-written training loop with gradient accumulation and gradient-norm clipping, written for PyTorch; tests
run it as is and with only its imports changed, and compare what both print. Micro-batches whose losses are
scaled by the number of accumulation steps, optimizer.step every k micro-batches, clip_grad_norm_ (its returned
total norm, max_norm reached and not, the inf norm and error_if_nonfinite), clip_grad_value_, a warm-up then
cosine LambdaLR schedule, zero_grad(set_to_none=False) against the default, the accumulated gradient checked
equal to the full-batch gradient, and AdamW with weight decay on weights only (a second param group). Float32.
"""
import math

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


def make_model(rng):
    model = nn.Sequential(nn.Linear(5, 16), nn.Tanh(), nn.Linear(16, 16), nn.GELU(), nn.Linear(16, 3))
    with torch.no_grad():
        for p in model.parameters():
            p.copy_(torch.from_numpy(rng.standard_normal(p.shape).astype(np.float32) * 0.4))
    return model


def main():
    rng = np.random.default_rng(16)
    x = torch.from_numpy(rng.standard_normal((24, 5)).astype(np.float32))
    y = torch.from_numpy(rng.integers(0, 3, size=24))
    model = make_model(rng)
    # accumulated micro-batch gradients equal the full-batch gradient
    F.cross_entropy(model(x[:12]), y[:12]).backward()
    full = [p.grad.clone() for p in model.parameters()]
    model.zero_grad()
    for k in range(3):
        (F.cross_entropy(model(x[4 * k:4 * k + 4]), y[4 * k:4 * k + 4]) / 3).backward()
    print([round(float((p.grad - g).abs().max()), 5) for p, g in zip(model.parameters(), full)])
    norm = nn.utils.clip_grad_norm_(model.parameters(), max_norm=100.0)
    print(norm, torch.stack([p.grad.norm() for p in model.parameters()]).norm())
    norm = nn.utils.clip_grad_norm_(model.parameters(), max_norm=0.5)
    print(norm, sum(p.grad.pow(2).sum() for p in model.parameters()).sqrt())
    print(nn.utils.clip_grad_norm_(model.parameters(), 1.0, norm_type=float("inf")), model[0].bias.grad[:4])
    nn.utils.clip_grad_value_(model.parameters(), clip_value=0.01)
    print(model[2].weight.grad.abs().max(), model[4].bias.grad)
    model.zero_grad(set_to_none=False)
    print(model[0].weight.grad.abs().sum(), model[4].bias.grad)
    model.zero_grad()
    print(model[0].weight.grad)
    model[0].weight.grad = torch.full_like(model[0].weight, float("nan"))
    try:
        nn.utils.clip_grad_norm_(model.parameters(), 1.0, error_if_nonfinite=True)
    except RuntimeError:
        print("non-finite gradient norm refused")
    model.zero_grad()

    decay = [p for n, p in model.named_parameters() if n.endswith("weight")]
    no_decay = [p for n, p in model.named_parameters() if n.endswith("bias")]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": 0.05}, {"params": no_decay, "weight_decay": 0.0}],
                            lr=0.01, betas=(0.9, 0.98))
    warmup, total = 2, 6
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: (s + 1) / warmup if s < warmup else 0.5 * (1 + math.cos(math.pi * (s - warmup) / (total - warmup))))
    accum, step = 4, 0
    for epoch in range(3):
        running = 0.0
        for i in range(8):
            xb, yb = x[3 * i:3 * i + 3], y[3 * i:3 * i + 3]
            loss = F.cross_entropy(model(xb), yb) / accum
            loss.backward()
            running += loss.item()
            if (i + 1) % accum == 0:
                gnorm = nn.utils.clip_grad_norm_(model.parameters(), max_norm=1.0)
                opt.step()
                sched.step()
                opt.zero_grad()
                step += 1
                print(f"step {step}: loss {running:.6f} grad norm {gnorm.item():.6f} lr {sched.get_last_lr()[0]:.6f}")
                running = 0.0
    with torch.no_grad():
        logits = model(x)
        print(F.cross_entropy(logits, y), (logits.argmax(1) == y).float().mean(), model[4].bias)
    print(opt.state_dict()["param_groups"][0]["weight_decay"], opt.state[model[4].bias]["step"],
          opt.state[model[0].weight]["exp_avg_sq"].sum())


if __name__ == "__main__":
    main()
