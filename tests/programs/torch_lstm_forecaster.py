"""Time-series forecasting written for PyTorch; tests run it as is and with only its imports changed, and compare
what both print. A Conv1d feature extractor in front of an nn.LSTMCell trained with teacher forcing and rolled out
autoregressively for a multi-step forecast; an nn.LSTM over variable-length sequences packed with
pack_padded_sequence(enforce_sorted=False) and unpacked with pad_packed_sequence (also bidirectional with an initial
state, and with proj_size); MSELoss and L1Loss,
ReduceLROnPlateau (the learning rate printed each epoch), a TensorDataset + DataLoader(shuffle=False) loop,
model.train()/eval(). Float64, weights from NumPy.
"""
import math

import numpy as np
import torch
import torch.nn as nn
from torch.nn.utils.rnn import pack_padded_sequence, pack_sequence, pad_packed_sequence, pad_sequence
from torch.utils.data import DataLoader, TensorDataset


def make_series(rng, n, length):
    t = np.arange(length)
    phase = rng.uniform(0, 2 * math.pi, size=(n, 1))
    amp = rng.uniform(0.5, 1.5, size=(n, 1))
    return amp * np.sin(0.3 * t + phase) + 0.05 * rng.standard_normal((n, length))


class ConvLSTMForecaster(nn.Module):
    """Conv1d features over the history, then an LSTMCell stepping through time."""

    def __init__(self, channels=6, hidden=16):
        super().__init__()
        self.hidden = hidden
        self.conv = nn.Conv1d(1, channels, kernel_size=3, padding=1)
        self.act = nn.Tanh()
        self.cell = nn.LSTMCell(channels + 1, hidden)
        self.out = nn.Linear(hidden, 1)

    def step(self, value, feature, state):
        h, c = self.cell(torch.cat([value, feature], dim=1), state)
        return self.out(h), (h, c)

    def forward(self, history, future=None, horizon=4):
        """history (B, T); with `future` (B, H) the decoder is teacher-forced, else it feeds back its predictions."""
        feats = self.act(self.conv(history.unsqueeze(1)))            # (B, C, T)
        batch = history.size(0)
        state = (history.new_zeros(batch, self.hidden), history.new_zeros(batch, self.hidden))
        pred = None
        for t in range(history.size(1)):
            pred, state = self.step(history[:, t:t + 1], feats[:, :, t], state)
        context = feats.mean(dim=2)
        outputs = [pred]
        steps = future.size(1) if future is not None else horizon
        for k in range(1, steps):
            value = future[:, k - 1:k] if future is not None else pred
            pred, state = self.step(value, context, state)
            outputs.append(pred)
        return torch.cat(outputs, dim=1)


class PackedRegressor(nn.Module):
    """An LSTM over padded variable-length sequences, packed so padding never enters the state."""

    def __init__(self, hidden=8):
        super().__init__()
        self.lstm = nn.LSTM(1, hidden, batch_first=True)
        self.head = nn.Linear(hidden, 1)

    def forward(self, padded, lengths):
        packed = pack_padded_sequence(padded.unsqueeze(-1), lengths, batch_first=True, enforce_sorted=False)
        out, (h_n, c_n) = self.lstm(packed)
        unpacked, out_lengths = pad_packed_sequence(out, batch_first=True)
        return self.head(h_n[-1]).squeeze(-1), unpacked, out_lengths


def numpy_init(model, rng, scale=0.3):
    with torch.no_grad():
        for p in model.parameters():
            p.copy_(torch.from_numpy(rng.uniform(-scale, scale, size=tuple(p.shape))))


def main():
    torch.set_default_dtype(torch.float64)
    rng = np.random.default_rng(5)
    hist_len, horizon = 12, 4
    series = make_series(rng, 40, hist_len + horizon)
    x = torch.from_numpy(series[:, :hist_len])
    y = torch.from_numpy(series[:, hist_len:])
    train_ds = TensorDataset(x[:32], y[:32])
    val_x, val_y = x[32:], y[32:]
    loader = DataLoader(train_ds, batch_size=8, shuffle=False)
    print("data", x.shape, y.shape, len(train_ds), len(loader), x.dtype)

    model = ConvLSTMForecaster()
    numpy_init(model, rng)
    mse, mae = nn.MSELoss(), nn.L1Loss()
    optimizer = torch.optim.Adam(model.parameters(), lr=0.02)
    scheduler = torch.optim.lr_scheduler.ReduceLROnPlateau(optimizer, mode="min", factor=0.5, patience=1,
                                                           threshold=1e-2)
    for epoch in range(8):
        model.train()
        total = 0.0
        for xb, yb in loader:
            optimizer.zero_grad()
            pred = model(xb, future=yb)
            loss = mse(pred, yb)
            loss.backward()
            optimizer.step()
            total += loss.item() * xb.size(0)
        model.eval()
        with torch.no_grad():
            forecast = model(val_x, horizon=horizon)
            val_mse, val_mae = mse(forecast, val_y).item(), mae(forecast, val_y).item()
        scheduler.step(val_mse)
        print(f"epoch {epoch} train {total / len(train_ds):.10f} val mse {val_mse:.10f} mae {val_mae:.10f} "
              f"lr {optimizer.param_groups[0]['lr']:.6f}")
    print("scheduler", scheduler.num_bad_epochs, f"{scheduler.best:.10f}", scheduler.get_last_lr())
    print("training", model.training, model.cell.training)
    with torch.no_grad():
        long = model(val_x[:2], horizon=8)
    print("forecast", long.shape, long[0])
    print("truth", val_y[0])
    print("conv out", model.conv(val_x[:1].unsqueeze(1)).shape, model.conv.weight.shape)

    lengths = torch.tensor([5, 9, 3, 7, 9, 4])
    padded = torch.zeros(6, 9)
    for i, n in enumerate(lengths.tolist()):
        padded[i, :n] = torch.from_numpy(series[i, :n])
    targets = torch.from_numpy(series[:6, 9])
    reg = PackedRegressor()
    numpy_init(reg, rng)
    opt = torch.optim.SGD(reg.parameters(), lr=0.1, momentum=0.9)
    plateau = torch.optim.lr_scheduler.ReduceLROnPlateau(opt, patience=0, factor=0.3, min_lr=0.01)
    packed = pack_padded_sequence(padded.unsqueeze(-1), lengths, batch_first=True, enforce_sorted=False)
    print("packed", packed.data.shape, packed.batch_sizes.tolist(), packed.sorted_indices.tolist(),
          packed.unsorted_indices.tolist())
    reg.train()
    for step in range(6):
        opt.zero_grad()
        pred, unpacked, out_lengths = reg(padded, lengths)
        loss = nn.functional.l1_loss(pred, targets) + 0.5 * nn.functional.mse_loss(pred, targets, reduction="sum")
        loss.backward()
        opt.step()
        plateau.step(loss.item())
        print(f"packed step {step} loss {loss.item():.10f} lr {opt.param_groups[0]['lr']:.6f}")
    reg.eval()
    print("unpacked", unpacked.shape, out_lengths, unpacked[2, 2:5, 0])
    padded_sum = unpacked.abs().sum(dim=(1, 2))
    print("padding zero", bool((unpacked[2, 3:] == 0).all()), padded_sum.shape)
    print("pred", pred.detach(), "grad", reg.head.weight.grad.norm())

    seqs = [torch.from_numpy(series[i, :n]).unsqueeze(-1) for i, n in enumerate([4, 7, 2])]
    padded3 = pad_sequence(seqs, batch_first=True, padding_value=-1.0)
    bi = nn.LSTM(1, 5, num_layers=2, bidirectional=True)
    numpy_init(bi, rng)
    h0 = torch.from_numpy(rng.standard_normal((4, 3, 5)) * 0.1)
    c0 = torch.zeros(4, 3, 5)
    out, (h_n, c_n) = bi(pack_sequence(seqs, enforce_sorted=False), (h0, c0))
    unpacked, lens = pad_packed_sequence(out, total_length=8, padding_value=0.5)
    print("bi", padded3.shape, padded3[2, :, 0], unpacked.shape, lens, out.data.shape)
    print("bi h_n", h_n.shape, h_n[:, 2, 0], c_n.sum().item())
    proj = nn.LSTM(1, 6, proj_size=2, batch_first=True)
    numpy_init(proj, rng)
    p_out, (p_h, p_c) = proj(pack_padded_sequence(padded3, torch.tensor([4, 7, 2]), batch_first=True,
                                                  enforce_sorted=False).float().double())
    print("proj", p_out.data.shape, p_h.shape, p_c.shape, p_h[0, :, 1], pad_packed_sequence(p_out)[0].sum().item())
    dilated = nn.Conv1d(1, 2, kernel_size=3, padding="same", dilation=2, padding_mode="replicate")
    numpy_init(dilated, rng)
    feats = dilated(padded3.transpose(1, 2))
    print("same conv", feats.shape, feats[1, 0, :4])
    tracker = torch.optim.lr_scheduler.ReduceLROnPlateau(torch.optim.SGD(bi.parameters(), lr=1.0), mode="max",
                                                         patience=0, cooldown=1, threshold=0.1, threshold_mode="abs")
    for score in [0.5, 0.55, 0.52, 0.7, 0.69, 0.69, 0.71]:
        tracker.step(score)
    print("tracker", tracker.get_last_lr(), tracker.best, tracker.cooldown_counter, tracker.num_bad_epochs,
          sorted(tracker.state_dict().keys())[:4])


if __name__ == "__main__":
    main()
