"""Gated recurrent units, LSTM and deep bidirectional RNNs from scratch in the style of Dive into Deep Learning
(d2l.ai), written for PyTorch; tests run it as is and with only its imports changed, and compare what both print.
d2l's gru and lstm functions (three_params helpers, torch.sigmoid gates, `H = Z * H + (1 - Z) * H_tilde`, the
memory cell `C = F * C + I * C_tilda`) unrolled over time and checked against nn.GRU / nn.LSTM whose packed
weights are split with chunk into the gate order PyTorch uses (r, z, n and i, f, g, o; PyTorch puts b_hn inside
the reset gate's product), a deep RNN stacking the hand-written cell over num_layers, a bidirectional layer that
runs the reverse direction on torch.flip of the inputs and concatenates, checked against nn.LSTM(num_layers=2,
bidirectional=True), and the gradients of a loss on the outputs with respect to the inputs from both. Float64,
weights and data from NumPy.
"""
import numpy as np
import torch
import torch.nn as nn


def gru(inputs, H, params):
    W_xr, W_hr, b_r, W_xz, W_hz, b_z, W_xh, W_hh, b_xh, b_hh = params
    outputs = []
    for X in inputs:
        R = torch.sigmoid((X @ W_xr) + (H @ W_hr) + b_r)
        Z = torch.sigmoid((X @ W_xz) + (H @ W_hz) + b_z)
        H_tilde = torch.tanh((X @ W_xh) + R * ((H @ W_hh) + b_hh) + b_xh)
        H = Z * H + (1 - Z) * H_tilde
        outputs.append(H)
    return torch.stack(outputs), H


def lstm(inputs, state, params):
    W_xi, W_hi, b_i, W_xf, W_hf, b_f, W_xc, W_hc, b_c, W_xo, W_ho, b_o = params
    H, C = state
    outputs = []
    for X in inputs:
        I = torch.sigmoid((X @ W_xi) + (H @ W_hi) + b_i)
        F = torch.sigmoid((X @ W_xf) + (H @ W_hf) + b_f)
        O = torch.sigmoid((X @ W_xo) + (H @ W_ho) + b_o)
        C_tilda = torch.tanh((X @ W_xc) + (H @ W_hc) + b_c)
        C = F * C + I * C_tilda
        H = O * torch.tanh(C)
        outputs.append(H)
    return torch.stack(outputs), (H, C)


def gru_params_from(module, layer=0, suffix=""):
    w_ih = getattr(module, f"weight_ih_l{layer}{suffix}")
    w_hh = getattr(module, f"weight_hh_l{layer}{suffix}")
    b_ih = getattr(module, f"bias_ih_l{layer}{suffix}")
    b_hh = getattr(module, f"bias_hh_l{layer}{suffix}")
    (W_xr, W_xz, W_xh), (W_hr, W_hz, W_hh) = w_ih.chunk(3, 0), w_hh.chunk(3, 0)
    (bi_r, bi_z, bi_n), (bh_r, bh_z, bh_n) = b_ih.chunk(3), b_hh.chunk(3)
    return [W_xr.T, W_hr.T, bi_r + bh_r, W_xz.T, W_hz.T, bi_z + bh_z, W_xh.T, W_hh.T, bi_n, bh_n]


def lstm_params_from(module, layer=0, suffix=""):
    w_ih = getattr(module, f"weight_ih_l{layer}{suffix}")
    w_hh = getattr(module, f"weight_hh_l{layer}{suffix}")
    b = getattr(module, f"bias_ih_l{layer}{suffix}") + getattr(module, f"bias_hh_l{layer}{suffix}")
    params = []
    for gate in (0, 1, 2, 3):
        params += [w_ih[gate * module.hidden_size:(gate + 1) * module.hidden_size].T,
                   w_hh[gate * module.hidden_size:(gate + 1) * module.hidden_size].T,
                   b[gate * module.hidden_size:(gate + 1) * module.hidden_size]]
    i, f, g, o = params[0:3], params[3:6], params[6:9], params[9:12]
    return i + f + g + o


def deep_bilstm(X, module):
    H = module.hidden_size
    layer_in = X
    h_n, c_n = [], []
    for layer in range(module.num_layers):
        zeros = (torch.zeros(X.shape[1], H), torch.zeros(X.shape[1], H))
        fwd, (hf, cf) = lstm(layer_in, zeros, lstm_params_from(module, layer))
        bwd, (hb, cb) = lstm(torch.flip(layer_in, [0]), zeros, lstm_params_from(module, layer, "_reverse"))
        layer_in = torch.cat((fwd, torch.flip(bwd, [0])), dim=-1)
        h_n += [hf, hb]
        c_n += [cf, cb]
    return layer_in, (torch.stack(h_n), torch.stack(c_n))


def load_numpy(module, rng, scale=0.3):
    module.load_state_dict({k: torch.from_numpy(rng.normal(0, scale, tuple(v.shape)))
                            for k, v in module.state_dict().items()})


def main():
    torch.set_default_dtype(torch.float64)
    rng = np.random.default_rng(7)
    T, B, D, H = 6, 3, 5, 4
    X = torch.from_numpy(rng.normal(0, 1, (T, B, D))).requires_grad_()

    ref_gru = nn.GRU(D, H)
    load_numpy(ref_gru, rng)
    H0 = torch.from_numpy(rng.normal(0, 0.5, (B, H)))
    out_ref, hn_ref = ref_gru(X, H0[None])
    out, hn = gru(X, H0, gru_params_from(ref_gru))
    print("gru:", tuple(out.shape), torch.allclose(out, out_ref), torch.allclose(hn, hn_ref[0]))
    print("gru h_n[1]:", [round(v, 8) for v in hn[1].tolist()])
    g_ref, = torch.autograd.grad(out_ref.sum(), X)
    g_mine, = torch.autograd.grad(out.sum(), X)
    print("gru input grads agree:", torch.allclose(g_ref, g_mine), round(g_mine.abs().sum().item(), 8))

    ref_lstm = nn.LSTM(D, H)
    load_numpy(ref_lstm, rng)
    state = (torch.from_numpy(rng.normal(0, 0.5, (B, H))), torch.from_numpy(rng.normal(0, 0.5, (B, H))))
    out_ref, (h_ref, c_ref) = ref_lstm(X, (state[0][None], state[1][None]))
    out, (h, c) = lstm(X, state, lstm_params_from(ref_lstm))
    print("lstm:", torch.allclose(out, out_ref), torch.allclose(h, h_ref[0]), torch.allclose(c, c_ref[0]))
    print("lstm c_n[0]:", [round(v, 8) for v in c[0].tolist()])

    deep = nn.GRU(D, H, num_layers=3)
    load_numpy(deep, rng)
    layer_in, finals = X, []
    for layer in range(3):
        layer_in, h_last = gru(layer_in, torch.zeros(B, H), gru_params_from(deep, layer))
        finals.append(h_last)
    out_ref, hn_ref = deep(X)
    print("deep gru (3 layers):", torch.allclose(layer_in, out_ref), torch.allclose(torch.stack(finals), hn_ref))

    bi = nn.LSTM(D, H, num_layers=2, bidirectional=True)
    load_numpy(bi, rng)
    out_ref, (h_ref, c_ref) = bi(X)
    out, (h, c) = deep_bilstm(X, bi)
    print("deep bidirectional lstm:", tuple(out.shape), torch.allclose(out, out_ref), torch.allclose(h, h_ref),
          torch.allclose(c, c_ref))
    print("reverse direction's first step is its last state:", torch.allclose(out[0, :, H:], h[-1]))
    print("out[2, 1]:", [round(v, 8) for v in out[2, 1].tolist()])
    w = torch.from_numpy(rng.normal(0, 1, out.shape))
    g_ref, = torch.autograd.grad((out_ref * w).sum(), X)
    g_mine, = torch.autograd.grad((out * w).sum(), X)
    print("bilstm input grads agree:", torch.allclose(g_ref, g_mine), [round(v, 8) for v in g_mine[0, 0].tolist()])

    head = nn.Linear(2 * H, 3)
    load_numpy(head, rng)
    opt = torch.optim.Adam(list(bi.parameters()) + list(head.parameters()), lr=0.05)
    target = torch.from_numpy(rng.integers(0, 3, (T, B)))
    for step in range(4):
        opt.zero_grad()
        out, _ = deep_bilstm(X.detach(), bi)
        loss = nn.functional.cross_entropy(head(out).reshape(-1, 3), target.reshape(-1))
        loss.backward()
        opt.step()
        print(f"train through the hand-written cells, step {step}: {loss.item():.10f}")
