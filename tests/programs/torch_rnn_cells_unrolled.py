"""Recurrent layers unrolled by hand with the cell modules, written for PyTorch the way people check their
understanding of nn.GRU / nn.LSTM / nn.RNN; tests run it as is and with only its imports changed, and compare what
both print. A two-layer bidirectional batch_first nn.GRU with an initial state h0 of shape
(num_layers * 2, batch, hidden) is re-run as a loop of nn.GRUCell steps whose weights are copied from
weight_ih_l{k}{_reverse} / weight_hh_l{k}{_reverse}, the reverse direction on the flipped sequence, layer 2 reading
the concatenated directions; the h_n layout (layer-major, direction-minor) and output[:, -1, :H] == h_n[-2] are
checked; then an nn.LSTM unrolled by nn.LSTMCell with (h0, c0), an nn.RNNCell(nonlinearity='relu') without biases,
unbatched inputs to the cells and the modules, and the gradients with respect to h0 from both ways. Float64,
weights and data from NumPy.
"""
import numpy as np
import torch
import torch.nn as nn


def load_numpy(module, rng, scale=0.4):
    module.load_state_dict({k: torch.from_numpy(rng.normal(0, scale, tuple(v.shape)))
                            for k, v in module.state_dict().items()})


def cell_from(rnn, cell, layer, suffix=""):
    sd = {"weight_ih": getattr(rnn, f"weight_ih_l{layer}{suffix}"),
          "weight_hh": getattr(rnn, f"weight_hh_l{layer}{suffix}")}
    if rnn.bias:
        sd["bias_ih"] = getattr(rnn, f"bias_ih_l{layer}{suffix}")
        sd["bias_hh"] = getattr(rnn, f"bias_hh_l{layer}{suffix}")
    cell.load_state_dict({k: v.detach() for k, v in sd.items()})
    return cell


def unroll_bigru(gru, x, h0):
    H = gru.hidden_size
    layer_in = x
    finals = []
    for layer in range(gru.num_layers):
        outs = []
        for d, suffix in enumerate(("", "_reverse")):
            cell = cell_from(gru, nn.GRUCell(layer_in.shape[-1], H), layer, suffix)
            h = h0[2 * layer + d]
            steps = range(x.shape[1]) if d == 0 else reversed(range(x.shape[1]))
            seq = [None] * x.shape[1]
            for t in steps:
                h = cell(layer_in[:, t], h)
                seq[t] = h
            outs.append(torch.stack(seq, dim=1))
            finals.append(h)
        layer_in = torch.cat(outs, dim=-1)
    return layer_in, torch.stack(finals)


def main():
    torch.set_default_dtype(torch.float64)
    rng = np.random.default_rng(23)
    B, T, F_in, H = 3, 5, 4, 6
    gru = nn.GRU(F_in, H, num_layers=2, bidirectional=True, batch_first=True)
    load_numpy(gru, rng)
    print(gru)
    print("gru params:", [(n, tuple(p.shape)) for n, p in gru.named_parameters()][:5])
    x = torch.from_numpy(rng.standard_normal((B, T, F_in)))
    h0 = torch.from_numpy(rng.standard_normal((4, B, H))).requires_grad_()
    out, hn = gru(x, h0)
    print("gru out / h_n:", tuple(out.shape), tuple(hn.shape))
    print("last forward step == h_n[-2]:", torch.allclose(out[:, -1, :H], hn[-2]),
          "first reverse step == h_n[-1]:", torch.allclose(out[:, 0, H:], hn[-1]))
    h0_loop = h0.detach().clone().requires_grad_()
    out2, hn2 = unroll_bigru(gru, x, h0_loop)
    print("unrolled GRUCell:", torch.allclose(out, out2), torch.allclose(hn, hn2))
    print("default h0 is zeros:", torch.allclose(gru(x)[0], gru(x, torch.zeros(4, B, H))[0]))
    print("out[0, 2]:", [round(v, 6) for v in out[0, 2].tolist()])
    weights = torch.from_numpy(rng.standard_normal(out.shape))
    ((out * weights).sum() + hn.pow(2).sum()).backward()
    ((out2 * weights).sum() + hn2.pow(2).sum()).backward()
    print("h0 grads agree:", torch.allclose(h0.grad, h0_loop.grad), [round(v, 6) for v in h0.grad[3, 1].tolist()])

    lstm = nn.LSTM(F_in, H, num_layers=1)
    load_numpy(lstm, rng)
    xs = x.transpose(0, 1)
    h_0 = torch.from_numpy(rng.standard_normal((1, B, H)))
    c_0 = torch.from_numpy(rng.standard_normal((1, B, H)))
    out_l, (h_l, c_l) = lstm(xs, (h_0, c_0))
    cell = cell_from(lstm, nn.LSTMCell(F_in, H), 0)
    h, c = h_0[0], c_0[0]
    steps = []
    for t in range(T):
        h, c = cell(xs[t], (h, c))
        steps.append(h)
    print("LSTMCell loop:", torch.allclose(out_l, torch.stack(steps)), torch.allclose(h_l[0], h),
          torch.allclose(c_l[0], c),
          round(c.sum().item(), 8))
    h1, c1 = cell(xs[0, 0])
    print("unbatched cell, zero state:", tuple(h1.shape), [round(v, 6) for v in c1.tolist()])
    o_u, (h_u, c_u) = lstm(xs[:, 0])
    print("unbatched LSTM:", tuple(o_u.shape), tuple(h_u.shape), torch.allclose(o_u[0], h1))

    rnn = nn.RNN(F_in, H, nonlinearity="relu", bias=False, batch_first=True)
    load_numpy(rnn, rng)
    rcell = cell_from(rnn, nn.RNNCell(F_in, H, bias=False, nonlinearity="relu"), 0)
    print(rnn, rcell)
    h = torch.zeros(B, H)
    for t in range(T):
        h = rcell(x[:, t], h)
    o_r, h_r = rnn(x)
    print("relu RNNCell:", torch.allclose(h, h_r[0]), torch.allclose(o_r[:, -1], h),
          "dead units:", int((o_r == 0).sum().item()))
    print("rnn h_n:", [round(v, 6) for v in h_r[0, 0].tolist()])
