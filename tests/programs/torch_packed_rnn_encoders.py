"""Recurrent encoders over variable-length batches in float64, written for PyTorch; tests run it as is and with only
its imports changed, and compare what both print. A two-layer bidirectional LSTM with proj_size reads a batch
packed by pack_padded_sequence(enforce_sorted=False) from given initial states (h0 of the projected size, c0 of
the hidden size, in the caller's batch order), a two-layer nn.RNN(nonlinearity='relu', bias=False) and a GRU read
the same batch packed by pack_sequence(enforce_sorted=False); the PackedSequence fields (data, batch_sizes,
sorted_indices, unsorted_indices) are printed, outputs are unpacked with pad_packed_sequence(batch_first=True,
padding_value, total_length), the final states are checked against the last valid output step, and an
nn.RNNCell / nn.LSTMCell loop reproduces the first layer by hand. The encoders are trained to predict each
sequence's sum. Data and weights from a seeded NumPy generator.
"""
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.optim as optim
from torch.nn.utils.rnn import pack_padded_sequence, pack_sequence, pad_packed_sequence, pad_sequence


def fill(module, rng, scale=0.3):
    with torch.no_grad():
        for p in module.parameters():
            p.copy_(torch.from_numpy(scale * rng.standard_normal(tuple(p.shape))))


def main():
    rng = np.random.default_rng(2718)
    lengths = [3, 6, 2, 5, 4]
    seqs = [torch.from_numpy(rng.standard_normal((n, 3))) for n in lengths]
    targets = torch.stack([s.sum() for s in seqs])[:, None]
    padded = pad_sequence(seqs, batch_first=True)
    print("padded", tuple(padded.shape), padded[2, :3, 0])

    lstm = nn.LSTM(3, 5, num_layers=2, bidirectional=True, proj_size=2, batch_first=True).double()
    rnn = nn.RNN(3, 4, num_layers=2, nonlinearity="relu", bias=False).double()
    gru = nn.GRU(3, 4, batch_first=False).double()
    head = nn.Linear(2 * 2 + 4 + 4, 1).double()
    for module in (lstm, gru, head):
        fill(module, rng)
    fill(rnn, rng, scale=0.8)
    print("lstm shapes", [tuple(p.shape) for n, p in lstm.named_parameters() if n.endswith("l0")],
          [n for n, _ in lstm.named_parameters()][-3:])
    h0 = torch.from_numpy(0.1 * rng.standard_normal((4, 5, 2)))
    c0 = torch.from_numpy(0.1 * rng.standard_normal((4, 5, 5)))

    packed = pack_padded_sequence(padded, torch.tensor(lengths), batch_first=True, enforce_sorted=False)
    print("batch_sizes", packed.batch_sizes.tolist(), "sorted", packed.sorted_indices.tolist(),
          "unsorted", packed.unsorted_indices.tolist(), "data", tuple(packed.data.shape))
    packed_tm = pack_sequence(seqs, enforce_sorted=False)
    print("same data", torch.equal(packed.data, packed_tm.data), packed_tm.data[:3, 0])

    def encode():
        out, (h, c) = lstm(packed, (h0, c0))
        rnn_out, rnn_h = rnn(packed_tm)
        _, gru_h = gru(packed_tm, torch.zeros(1, 5, 4, dtype=torch.float64))
        feats = torch.cat([h[-2], h[-1], rnn_h[-1], gru_h[-1]], 1)
        return head(feats), out, h, c, rnn_out, rnn_h

    pred, out, h, c, rnn_out, rnn_h = encode()
    unpacked, out_lengths = pad_packed_sequence(out, batch_first=True, padding_value=-9.0, total_length=7)
    print("unpacked", tuple(unpacked.shape), out_lengths.tolist(), unpacked[2, :3, 0], "h", tuple(h.shape),
          "c", tuple(c.shape))
    last = unpacked[torch.arange(5), torch.tensor(lengths) - 1, :2]
    print("forward final state = last valid step", torch.allclose(last, h[-2]), "backward = first step",
          torch.allclose(unpacked[:, 0, 2:], h[-1]))
    rnn_pad, _ = pad_packed_sequence(rnn_out)
    print("rnn relu", tuple(rnn_pad.shape), rnn_pad[:, 1, 0], "h", rnn_h[1, :, 0])

    cell = nn.RNNCell(3, 4, bias=False, nonlinearity="relu").double()
    with torch.no_grad():
        cell.weight_ih.copy_(rnn.weight_ih_l0)
        cell.weight_hh.copy_(rnn.weight_hh_l0)
    hx = torch.zeros(5, 4, dtype=torch.float64)
    layer0 = []
    for t in range(padded.shape[1]):
        new = cell(padded[:, t], hx)
        valid = (torch.tensor(lengths) > t)[:, None]
        hx = torch.where(valid, new, hx)
        layer0.append(hx)
    lcell = nn.LSTMCell(3, 4).double()
    fill(lcell, rng)
    state = (torch.zeros(5, 4, dtype=torch.float64), torch.zeros(5, 4, dtype=torch.float64))
    for t in range(3):
        state = lcell(padded[:, t], state)
    print("rnn cell layer 0 final", hx[:, 1], "lstm cell", state[0][0], state[1][0])

    params = list(lstm.parameters()) + list(rnn.parameters()) + list(gru.parameters()) + list(head.parameters())
    opt = optim.Adam(params, lr=0.02)
    for step in range(10):
        pred, *_ = encode()
        loss = F.mse_loss(pred, targets)
        opt.zero_grad()
        loss.backward()
        opt.step()
        print(f"step {step} loss {loss.item():.10f} proj grad {lstm.weight_hr_l1_reverse.grad.norm().item():.10f} "
              f"rnn grad {rnn.weight_hh_l1.grad.norm().item():.10f}")
    print("pred", pred.flatten(), "target", targets.flatten())


if __name__ == "__main__":
    main()
