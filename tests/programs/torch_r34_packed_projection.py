"""Recurrent corners a tagging script hits (float64): a two-layer bidirectional LSTM with proj_size over an
unsorted packed batch (enforce_sorted=False), pad_packed_sequence with total_length and padding_value, a
two-layer bidirectional GRU over the same packing with an initial state, pack_sequence / unpack_sequence /
unpad_sequence, LSTMCell and GRUCell loops that must equal the layers, and a few SGD steps."""
import torch
import torch.nn as nn
from torch.nn.utils.rnn import pack_padded_sequence, pack_sequence, pad_packed_sequence, unpack_sequence, unpad_sequence


def r(t, digits=8):
    return [round(v, digits) for v in t.detach().reshape(-1).tolist()]


def main():
    torch.manual_seed(12)
    d = torch.float64
    x = torch.randn(3, 6, 4, dtype=d)
    lengths = torch.tensor([4, 6, 2])
    packed = pack_padded_sequence(x, lengths, batch_first=True, enforce_sorted=False)
    print("packed", packed.batch_sizes.tolist(), packed.sorted_indices.tolist(), packed.unsorted_indices.tolist())
    lstm = nn.LSTM(4, 5, num_layers=2, bidirectional=True, proj_size=3, batch_first=True).double()
    out, (h, c) = lstm(packed)
    padded, lens = pad_packed_sequence(out, batch_first=True, total_length=8, padding_value=-1.0)
    print("lstm proj", tuple(padded.shape), lens.tolist(), tuple(h.shape), tuple(c.shape))
    print("lstm out", r(padded[2, 1]), r(padded[2, 2]), r(padded[0, 7]))
    print("lstm h", r(h[3]), r(c[1, 0]))
    gru = nn.GRU(4, 3, num_layers=2, bidirectional=True, batch_first=True).double()
    h0 = torch.randn(4, 3, 3, dtype=d)
    gout, gh = gru(packed, h0)
    gpad, _ = pad_packed_sequence(gout, batch_first=True)
    print("gru", tuple(gpad.shape), r(gpad[0, 3]), r(gh[2, 2]))
    full, _ = gru(x[2:3, :2], h0[:, 2:3])
    print("gru one row", (full[0, 1] - gpad[2, 1]).abs().max().item() < 1e-12)
    seqs = [torch.randn(n, 4, dtype=d) for n in (3, 5, 1)]
    ps = pack_sequence(seqs, enforce_sorted=False)
    back = unpack_sequence(ps)
    print("pack_sequence", ps.batch_sizes.tolist(), [tuple(s.shape) for s in back], max((a - b).abs().max().item() for a, b in zip(seqs, back)))
    padded_seqs = nn.utils.rnn.pad_sequence(seqs, batch_first=True, padding_value=0.5)
    un = unpad_sequence(padded_seqs, torch.tensor([3, 5, 1]), batch_first=True)
    print("unpad", [tuple(s.shape) for s in un], r(padded_seqs[2, :, 0]))

    cell = nn.LSTMCell(4, 5).double()
    ref = nn.LSTM(4, 5).double()
    with torch.no_grad():
        for name in ["weight_ih", "weight_hh", "bias_ih", "bias_hh"]:
            getattr(ref, name + "_l0").copy_(getattr(cell, name))
    hx, cx = torch.zeros(3, 5, dtype=d), torch.zeros(3, 5, dtype=d)
    for t in range(6):
        hx, cx = cell(x[:, t], (hx, cx))
    ro, (rh, rc) = ref(x.transpose(0, 1))
    print("lstm cell loop", r(hx[0]), (hx - rh[0]).abs().max().item() < 1e-12, (cx - rc[0]).abs().max().item() < 1e-12)
    gcell = nn.GRUCell(4, 3).double()
    hg = torch.zeros(3, 3, dtype=d)
    states = []
    for t in range(6):
        hg = gcell(x[:, t], hg)
        states.append(hg)
    print("gru cell loop", r(hg[1]), r(torch.stack(states, 1)[2, 1]))

    head = nn.Linear(6, 2).double()
    opt = torch.optim.SGD(list(lstm.parameters()) + list(head.parameters()), lr=0.1, momentum=0.9)
    tags = torch.randint(0, 2, (3, 8))
    mask = torch.arange(8)[None] < lengths[:, None]
    for step in range(5):
        out, _ = lstm(packed)
        padded, _ = pad_packed_sequence(out, batch_first=True, total_length=8)
        logits = head(padded)
        loss = nn.functional.cross_entropy(logits[mask], tags[mask])
        opt.zero_grad()
        loss.backward()
        opt.step()
        print("train", step, f"{loss.item():.10f}", r(lstm.weight_hr_l1_reverse.grad[0]))


main()
