"""The torch.nn.utils helpers as training scripts reach for them: clip_grad_norm_ with the inf / L1 norms,
foreach and error_if_nonfinite (a NaN gradient caught and skipped), get_total_norm + clip_grads_with_norm_,
clip_grad_value_, parameters_to_vector / vector_to_parameters for a flat-weights line search, the weight_norm
parametrization (original0 / original1, recomputed on each access and folded back with remove_parametrizations),
and the rnn utilities (pad_sequence with padding_side, pack_padded_sequence with enforce_sorted=False,
pad_packed_sequence with total_length, unpad_sequence, unpack_sequence). NumPy weights, float32.
"""
import numpy as np
import torch
import torch.nn as nn
from torch.nn.utils import parameters_to_vector, vector_to_parameters
from torch.nn.utils.parametrizations import weight_norm
from torch.nn.utils.parametrize import remove_parametrizations
from torch.nn.utils.rnn import (pack_padded_sequence, pack_sequence, pad_packed_sequence, pad_sequence,
                                unpack_sequence, unpad_sequence)


def fill(module, rng, scale=0.5):
    with torch.no_grad():
        for p in module.parameters():
            p.copy_(torch.tensor(rng.normal(0, scale, tuple(p.shape)), dtype=torch.float32))


def main():
    torch.manual_seed(0)
    rng = np.random.default_rng(44)
    model = nn.Sequential(nn.Linear(4, 6), nn.Tanh(), nn.Linear(6, 2))
    fill(model, rng)
    x = torch.tensor(rng.normal(0, 1, (8, 4)), dtype=torch.float32)
    y = torch.tensor(rng.normal(0, 1, (8, 2)), dtype=torch.float32)
    loss = nn.functional.mse_loss(model(x), y)
    loss.backward()
    grads = [p.grad.clone() for p in model.parameters()]
    for norm_type in (2.0, 1.0, float("inf")):
        for p, g in zip(model.parameters(), grads):
            p.grad = g.clone()
        total = torch.nn.utils.clip_grad_norm_(model.parameters(), 0.5, norm_type=norm_type, foreach=True)
        after = torch.nn.utils.get_total_norm([p.grad for p in model.parameters()], norm_type)
        print(f"norm {norm_type}: before {total.item():.6f} after {after.item():.6f}")
    for p, g in zip(model.parameters(), grads):
        p.grad = g.clone()
    total = torch.nn.utils.get_total_norm([p.grad for p in model.parameters()])
    torch.nn.utils.clip_grads_with_norm_(model.parameters(), 0.25, total)
    print("clip_grads_with_norm_ first grad row:", model[0].weight.grad[0])
    for p, g in zip(model.parameters(), grads):
        p.grad = g.clone()
    torch.nn.utils.clip_grad_value_(model.parameters(), clip_value=0.05)
    print("clip value max:", max(p.grad.abs().max().item() for p in model.parameters()))
    model[2].bias.grad[0] = float("nan")
    try:
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0, error_if_nonfinite=True)
        print("no error")
    except RuntimeError:
        print("non-finite gradient caught, step skipped")
    print("without the check:", torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0).item())

    flat = parameters_to_vector(model.parameters())
    print("flat:", flat.shape, round(flat.sum().item(), 5))
    direction = torch.tensor(rng.normal(0, 1, flat.shape), dtype=torch.float32)
    with torch.no_grad():
        for alpha in (0.0, 0.05, 0.1):
            vector_to_parameters(flat + alpha * direction, model.parameters())
            print(f"line search alpha {alpha}: loss {nn.functional.mse_loss(model(x), y).item():.6f}")
    vector_to_parameters(flat, model.parameters())

    layer = nn.Linear(3, 4)
    fill(layer, rng)
    before = layer.weight.detach().clone()
    layer = weight_norm(layer, name="weight", dim=0)
    g = layer.parametrizations.weight.original0
    v = layer.parametrizations.weight.original1
    print("weight norm g:", g.shape, g.detach().flatten())
    print("reconstructed equal:", torch.allclose(layer.weight, before, atol=1e-6))
    out = layer(x[:, :3]).pow(2).sum()
    out.backward()
    print("grad g:", g.grad.flatten())
    print("grad v row 0:", v.grad[0])
    with torch.no_grad():
        g.mul_(2.0)
    print("doubled g scales weight:", torch.allclose(layer.weight, 2 * before, atol=1e-6))
    remove_parametrizations(layer, "weight")
    print("after removal:", type(layer.weight).__name__, sorted(n for n, _ in layer.named_parameters()))

    seqs = [torch.tensor(rng.normal(0, 1, (n, 2)), dtype=torch.float32) for n in (3, 5, 2)]
    padded = pad_sequence(seqs, batch_first=True, padding_value=-1.0)
    left = pad_sequence(seqs, batch_first=True, padding_side="left")
    print("padded:", padded.shape, padded[2], "left padded first col:", left[:, :, 0])
    lengths = torch.tensor([3, 5, 2])
    packed = pack_padded_sequence(padded, lengths, batch_first=True, enforce_sorted=False)
    print("batch sizes:", packed.batch_sizes, "sorted:", packed.sorted_indices, "unsorted:", packed.unsorted_indices)
    rnn = nn.GRU(2, 3, batch_first=True)
    fill(rnn, rng)
    out, h = rnn(packed)
    unpacked, lens = pad_packed_sequence(out, batch_first=True, total_length=6)
    print("unpacked:", unpacked.shape, lens, "h:", h)
    print("zero beyond length:", bool((unpacked[2, 2:] == 0).all()))
    pieces = unpad_sequence(unpacked, lens, batch_first=True)
    print("unpadded lengths:", [p.shape[0] for p in pieces], "last steps equal h:",
          torch.allclose(torch.stack([p[-1] for p in pieces]), h[0]))
    again = unpack_sequence(pack_sequence(seqs, enforce_sorted=False))
    print("unpack_sequence round trip:", all(torch.equal(a, b) for a, b in zip(again, seqs)))
