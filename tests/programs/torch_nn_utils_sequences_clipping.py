"""nn.utils in float32 around a small sequence model: variable-length sequences padded on the left and right
with pad_sequence(padding_side=...), unpad_sequence back, pack_sequence(enforce_sorted=False) through a GRU and
unpack_sequence / pad_packed_sequence(total_length=...), then the optimizer-side utilities: clip_grad_norm_ with
foreach, several norm types and error_if_nonfinite, get_total_norm / clip_grads_with_norm_, clip_grad_value_,
parameters_to_vector / vector_to_parameters for a flat update.
"""
import math

import numpy as np
import torch
import torch.nn as nn
from torch.nn.utils import clip_grad_norm_, clip_grad_value_, clip_grads_with_norm_, get_total_norm
from torch.nn.utils import parameters_to_vector, vector_to_parameters
from torch.nn.utils.rnn import (pack_padded_sequence, pack_sequence, pad_packed_sequence, pad_sequence,
                                unpack_sequence, unpad_sequence)


def main():
    rng = np.random.default_rng(2207)
    torch.set_printoptions(precision=4)
    lengths = [3, 5, 2, 4]
    seqs = [torch.tensor(rng.normal(size=(n, 3)), dtype=torch.float32) for n in lengths]
    right = pad_sequence(seqs, batch_first=True)
    left = pad_sequence(seqs, batch_first=True, padding_side="left", padding_value=-1.0)
    print("right padded", right.shape, right[2, :, 0])
    print("left padded", left[2, :, 0])
    print("time major", pad_sequence(seqs).shape, pad_sequence(seqs, padding_side="left")[:, 0, 1])
    back = unpad_sequence(right, torch.tensor(lengths), batch_first=True)
    print("unpad", [tuple(t.shape) for t in back], all(torch.equal(a, b) for a, b in zip(back, seqs)))
    tm = unpad_sequence(pad_sequence(seqs), torch.tensor(lengths))
    print("unpad time major", [t.shape[0] for t in tm])

    packed = pack_sequence(seqs, enforce_sorted=False)
    print("batch_sizes", packed.batch_sizes, "sorted", packed.sorted_indices, "unsorted", packed.unsorted_indices)
    print("packed data", packed.data.shape, packed.data[:4, 0])
    torch.manual_seed(7)
    gru = nn.GRU(3, 4, batch_first=True)
    head = nn.Linear(4, 2)
    out, h = gru(packed)
    print("h_n", h.shape, h[0, :, 0])
    outs = unpack_sequence(out)
    print("unpacked", [tuple(o.shape) for o in outs])
    padded, lens = pad_packed_sequence(out, batch_first=True, total_length=6, padding_value=0.5)
    print("pad_packed", padded.shape, lens, padded[2, :, 0])
    again = pack_padded_sequence(right, torch.tensor(lengths), batch_first=True, enforce_sorted=False)
    print("same packing", torch.equal(again.data, packed.data), torch.equal(again.batch_sizes, packed.batch_sizes))
    last = torch.stack([o[-1] for o in outs])
    print("last steps match h_n", torch.allclose(last, h[0]))

    targets = torch.tensor([0, 1, 1, 0])
    loss = nn.functional.cross_entropy(head(h[0]), targets)
    loss.backward()
    params = list(gru.parameters()) + list(head.parameters())
    norms = [p.grad.norm().item() for p in params]
    print("loss", round(loss.item(), 5), "grad norms", [round(n, 4) for n in norms])
    total = get_total_norm([p.grad for p in params])
    print("total norm", total, math.isclose(total.item(), math.sqrt(sum(n * n for n in norms)), rel_tol=1e-5))
    print("inf norm", get_total_norm([p.grad for p in params], norm_type="inf"))
    print("l1 norm", get_total_norm([p.grad for p in params], norm_type=1.0, foreach=True))
    saved = [p.grad.clone() for p in params]
    returned = clip_grad_norm_(params, max_norm=0.05, foreach=True)
    print("clip returned", returned, "after", get_total_norm([p.grad for p in params]))
    for p, g in zip(params, saved):
        p.grad = g.clone()
    clip_grads_with_norm_(params, max_norm=0.05, total_norm=total * 2)
    print("clip with given norm", get_total_norm([p.grad for p in params]))
    for p, g in zip(params, saved):
        p.grad = g.clone()
    print("norm 1 clip", clip_grad_norm_(params, 1.0, norm_type=1), clip_grad_norm_(params, 10.0, norm_type=1))
    clip_grad_value_(params, 0.01)
    print("clip by value", max(p.grad.abs().max().item() for p in params))
    print("big max_norm leaves grads", clip_grad_norm_(head.parameters(), 100.0).item() <= 100.0)
    head.weight.grad[0, 0] = float("nan")
    try:
        clip_grad_norm_(head.parameters(), 1.0, error_if_nonfinite=True)
    except RuntimeError as e:
        print("nonfinite error", "non-finite" in str(e))
    print("nan norm", clip_grad_norm_(head.parameters(), 1.0))
    print("empty", clip_grad_norm_([], 1.0))

    vec = parameters_to_vector(gru.parameters())
    print("vector", vec.shape, vec[:5])
    grads = parameters_to_vector([p.grad for p in gru.parameters()])
    vector_to_parameters(vec - 10.0 * grads, gru.parameters())
    print("updated", gru.bias_hh_l0[:4], gru.weight_ih_l0.shape)
    out2, h2 = gru(packed)
    print("new h_n", h2[0, :, 0])
    try:
        vector_to_parameters(vec[:-1], gru.parameters())
    except Exception as e:
        print("short vector", isinstance(e, RuntimeError))


if __name__ == "__main__":
    main()
