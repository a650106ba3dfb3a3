"""Gradient clipping and its guards as training loops for unstable models use them: clip_grad_norm_ with the
2-norm, the max-norm, a fractional and a 3-norm, foreach on and off, error_if_nonfinite raising on an exploded
gradient (caught, and the step skipped), clip_grad_value_, get_total_norm and clip_grads_with_norm_ split into
two steps, parameters_to_vector / vector_to_parameters for a flat view of the model, a per-layer gradient-norm
log and a recurrent net trained with clipping while its input is scaled up until the gradients overflow.
Float32, NumPy weights and data.
"""
import math

import numpy as np
import torch
import torch.nn as nn
from torch.nn.utils import (clip_grad_norm_, clip_grad_value_, clip_grads_with_norm_, get_total_norm,
                            parameters_to_vector, vector_to_parameters)


class Tagger(nn.Module):
    def __init__(self):
        super().__init__()
        self.rnn = nn.RNN(3, 6, batch_first=True, nonlinearity="tanh")
        self.out = nn.Linear(6, 2)

    def forward(self, x):
        hidden, _ = self.rnn(x)
        return self.out(hidden)


def load(model, rng):
    with torch.no_grad():
        for p in model.parameters():
            p.copy_(torch.from_numpy(0.5 * rng.standard_normal(tuple(p.shape)).astype(np.float32)))


def grads(model):
    return [p.grad.clone() for p in model.parameters()]


def main():
    rng = np.random.default_rng(1718)
    model = Tagger()
    load(model, rng)
    x = torch.from_numpy(rng.standard_normal((4, 7, 3)).astype(np.float32))
    y = torch.from_numpy(rng.integers(0, 2, (4, 7)))
    loss_fn = nn.CrossEntropyLoss()
    loss_fn(model(x).reshape(-1, 2), y.reshape(-1)).backward()
    raw = grads(model)
    print("per-layer grad norms", [(name, round(p.grad.norm().item(), 5)) for name, p in model.named_parameters()])

    for norm_type, foreach in ((2.0, None), (float("inf"), True), (0.5, False), (3, True), ("inf", False)):
        for p, g in zip(model.parameters(), raw):
            p.grad = g.clone()
        total = clip_grad_norm_(model.parameters(), max_norm=0.5, norm_type=norm_type, foreach=foreach)
        after = get_total_norm([p.grad for p in model.parameters()], norm_type=norm_type)
        print(f"norm {norm_type} foreach {foreach}: total {total.item():.5f} after {after.item():.5f}")

    for p, g in zip(model.parameters(), raw):
        p.grad = g.clone()
    clip_grad_value_(model.parameters(), clip_value=0.05)
    print("clipped values", [round(v, 5) for v in model.out.weight.grad[0].tolist()])
    print("bias hits the bound", int((model.rnn.bias_hh_l0.grad.abs() == 0.05).sum().item()))

    for p, g in zip(model.parameters(), raw):
        p.grad = g.clone()
    total = get_total_norm([p.grad for p in model.parameters()])
    clip_grads_with_norm_(model.parameters(), 0.25, total)
    print("two-step clip", round(total.item(), 5), round(get_total_norm([p.grad for p in model.parameters()]).item(), 5))

    flat = parameters_to_vector(model.parameters())
    print("flat parameters", tuple(flat.shape), round(flat.sum().item(), 5))
    vector_to_parameters(flat * 0.9, model.parameters())
    print("rescaled out.bias", [round(v, 5) for v in model.out.bias.tolist()])
    flat_grad = parameters_to_vector(p.grad for p in model.parameters())
    print("flat grad", round(flat_grad.norm().item(), 5))

    model.out.weight.grad[0, 0] = float("inf")
    try:
        clip_grad_norm_(model.parameters(), 1.0, error_if_nonfinite=True)
        print("no error")
    except RuntimeError:
        print("non-finite total norm refused")
    total = clip_grad_norm_(model.parameters(), 1.0, error_if_nonfinite=False)
    print("without the guard", total.item(), bool(torch.isnan(model.out.bias.grad).any()))
    model.out.weight.grad[0, 0] = float("nan")
    print("nan total", clip_grad_norm_(model.parameters(), 1.0).item())

    load(model, rng)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    skipped = 0
    for step in range(8):
        scale = 10.0 ** (step - 1) if step >= 5 else 1.0
        optimizer.zero_grad()
        loss = loss_fn(model(x * scale).reshape(-1, 2), y.reshape(-1)) * (1e36 if step == 7 else 1.0)
        loss.backward()
        try:
            total = clip_grad_norm_(model.parameters(), 1.0, error_if_nonfinite=True)
        except RuntimeError:
            skipped += 1
            print(f"step {step} skipped: loss {loss.item():.5g}")
            continue
        optimizer.step()
        print(f"step {step} loss {loss.item():.5f} grad norm {total.item():.5f} "
              f"clipped {bool(total > 1.0)} log-norm {math.log10(total.item() + 1e-12):.4f}")
    print("skipped", skipped, "final out.weight", [round(v, 5) for v in model.out.weight[1, :3].tolist()])
