"""torch.nn.utils as a recurrent-model training script uses it: tests run it as is and with only its imports
changed, and compare what both print. weight_norm in its old hook form (dim=0, dim=1, dim=None, then
remove_weight_norm) and as parametrizations.weight_norm (original0 / original1, remove_parametrizations with and
without leave_parametrized), trained a few steps; clip_grad_norm_ with foreach on and off, norm types 1, 2, 3 and
inf, error_if_nonfinite on a NaN gradient, get_total_norm / clip_grads_with_norm_ / clip_grad_value_(foreach=);
parameters_to_vector / vector_to_parameters; pack_sequence and pack_padded_sequence with enforce_sorted=False,
pad_packed_sequence with total_length and padding_value, unpack_sequence / unpad_sequence, through a GRU.
Float32, torch.manual_seed.
"""
import torch
import torch.nn as nn
from torch.nn.utils import (clip_grad_norm_, clip_grad_value_, clip_grads_with_norm_, get_total_norm,
                            parameters_to_vector, remove_weight_norm, vector_to_parameters, weight_norm)
from torch.nn.utils.parametrizations import weight_norm as param_weight_norm
from torch.nn.utils.parametrize import remove_parametrizations
from torch.nn.utils.rnn import (pack_padded_sequence, pack_sequence, pad_packed_sequence, pad_sequence,
                                unpack_sequence, unpad_sequence)


def main():
    torch.manual_seed(2525)
    x = torch.randn(5, 4)
    for dim in (0, 1, None):
        lin = nn.Linear(4, 3)
        weight_norm(lin, dim=dim)
        print("hook dim", dim, lin.weight_g.shape, lin.weight_v.shape, sorted(n for n, _ in lin.named_parameters()))
        out = lin(x)
        print("  weight node", lin.weight.grad_fn.name())
        out.pow(2).mean().backward()
        print("  g grad", lin.weight_g.grad.flatten()[:3], "v grad", lin.weight_v.grad[0])
        remove_weight_norm(lin)
        print("  removed", sorted(n for n, _ in lin.named_parameters()), lin.weight.grad_fn)

    lin = param_weight_norm(nn.Linear(4, 3), dim=0)
    print("param names", sorted(n for n, _ in lin.named_parameters()))
    print("original0", lin.parametrizations.weight.original0.flatten())
    opt = torch.optim.SGD(lin.parameters(), lr=0.1)
    for step in range(3):
        loss = (lin(x) - 1).pow(2).mean()
        opt.zero_grad()
        loss.backward()
        opt.step()
        print("step", step, round(loss.item(), 6), lin.weight.norm(dim=1))
    kept = lin.weight.detach().clone()
    remove_parametrizations(lin, "weight", leave_parametrized=True)
    print("leave_parametrized", torch.equal(lin.weight.detach(), kept), type(lin.weight).__name__)
    lin2 = param_weight_norm(nn.Linear(4, 2), dim=1)
    print("dim=1 g", lin2.parametrizations.weight.original0.shape, lin2.weight.grad_fn.name())

    model = nn.Sequential(nn.Linear(4, 6), nn.Tanh(), nn.Linear(6, 2))
    (model(x) ** 3).sum().backward()
    grads = [p.grad.clone() for p in model.parameters()]
    for norm_type, foreach in [(2.0, False), (2.0, True), (1.0, None), (3.0, True), (float("inf"), False)]:
        for p, g in zip(model.parameters(), grads):
            p.grad = g.clone()
        total = clip_grad_norm_(model.parameters(), max_norm=0.5, norm_type=norm_type, foreach=foreach)
        print("clip", norm_type, foreach, total, parameters_to_vector(p.grad for p in model.parameters())[:4])
    for p, g in zip(model.parameters(), grads):
        p.grad = g.clone()
    total = get_total_norm([p.grad for p in model.parameters()], norm_type=2.0)
    clip_grads_with_norm_(model.parameters(), max_norm=1.0, total_norm=total)
    print("with_norm", total, model[0].weight.grad[0])
    clip_grad_value_(model.parameters(), clip_value=0.05, foreach=True)
    print("value", model[2].bias.grad, model[0].weight.grad.abs().max())
    model[0].bias.grad[1] = float("nan")
    try:
        clip_grad_norm_(model.parameters(), 1.0, error_if_nonfinite=True)
    except RuntimeError as e:
        print("nonfinite raised", type(e).__name__)
    print("nonfinite quiet", clip_grad_norm_(model.parameters(), 1.0, error_if_nonfinite=False))
    vec = parameters_to_vector(model.parameters())
    vector_to_parameters(torch.arange(vec.numel(), dtype=torch.float32) / 100, model.parameters())
    print("vector", vec.shape, model[2].weight[1], model[2].bias)

    seqs = [torch.randn(n, 3) for n in (2, 5, 3)]
    packed = pack_sequence(seqs, enforce_sorted=False)
    print("packed", packed.batch_sizes, packed.sorted_indices, packed.unsorted_indices, packed.data.shape)
    gru = nn.GRU(3, 4, batch_first=True)
    out, h = gru(packed)
    padded, lengths = pad_packed_sequence(out, batch_first=True, total_length=6, padding_value=-1.0)
    print("padded", padded.shape, lengths, padded[0, :, 0])
    print("h", h[0], out.data.sum())
    back = unpack_sequence(out)
    print("unpacked", [t.shape for t in back], torch.allclose(back[1], padded[1, :5]))
    padded_in = pad_sequence(seqs, batch_first=True)
    lens = torch.tensor([2, 5, 3])
    packed2 = pack_padded_sequence(padded_in, lens, batch_first=True, enforce_sorted=False)
    out2, h2 = gru(packed2)
    print("same h", torch.allclose(h, h2), packed2.sorted_indices)
    restored = unpad_sequence(padded_in, lens, batch_first=True)
    print("unpad", [t.shape for t in restored], torch.equal(restored[2], seqs[2]))
    h2.sum().backward()
    print("gru grads", gru.weight_ih_l0.grad[0], gru.bias_hh_l0.grad[:4])
