"""Hand-written recurrent loops and the rarer layers around them: an LSTMCell and a GRUCell unrolled step by step
over a batch (checked against nn.LSTM / nn.GRU holding the same weights), LSTM(proj_size=) with its projected hidden
state and its weight_hr parameter, nn.Bilinear fusing the two encoders' states, LocalResponseNorm over channels,
GroupNorm, and InstanceNorm1d(track_running_stats=True, affine=True) whose running statistics are printed in
training and used in eval; trained a few Adam steps with gradient clipping. Float32; every random number comes
from torch.manual_seed.
"""
import torch
import torch.nn as nn
import torch.nn.functional as F


class Fusion(nn.Module):
    def __init__(self):
        super().__init__()
        self.lstm_cell = nn.LSTMCell(3, 5)
        self.gru_cell = nn.GRUCell(3, 4)
        self.proj_lstm = nn.LSTM(3, 6, proj_size=2, batch_first=True)
        self.bilinear = nn.Bilinear(5, 4, 6)
        self.lrn = nn.LocalResponseNorm(3, alpha=0.1, beta=0.75, k=1.5)
        self.group = nn.GroupNorm(2, 6)
        self.inorm = nn.InstanceNorm1d(2, affine=True, track_running_stats=True, momentum=0.2)
        self.out = nn.Linear(6 + 2 + 2, 2)

    def forward(self, seq):
        batch, steps, _ = seq.shape
        h, c = torch.zeros(batch, 5), torch.zeros(batch, 5)
        g = torch.zeros(batch, 4)
        for t in range(steps):
            h, c = self.lstm_cell(seq[:, t], (h, c))
            g = self.gru_cell(seq[:, t], g)
        fused = self.bilinear(h, g)                                      # (B, 6)
        z = self.lrn(fused.unsqueeze(-1).unsqueeze(-1)).flatten(1)       # LRN over the 6 channels
        z = self.group(z.unsqueeze(-1)).squeeze(-1)
        projected, (hp, cp) = self.proj_lstm(seq)                        # (B, T, 2): proj_size=2
        last = self.inorm(projected.transpose(1, 2))[:, :, -1]           # normalised over time, last step
        return self.out(torch.cat([z, last, hp[-1]], dim=1)), projected, hp, cp


def main():
    torch.manual_seed(0)
    model = Fusion()
    seq = torch.randn(4, 5, 3)
    target = torch.tensor([0, 1, 1, 0])
    print("proj lstm params", [(n, tuple(p.shape)) for n, p in model.proj_lstm.named_parameters()])
    logits, projected, hp, cp = model(seq)
    print("shapes", logits.shape, projected.shape, hp.shape, cp.shape, projected.grad_fn.name())
    print("bilinear weight", model.bilinear.weight.shape, model.bilinear)
    print(model.lrn, model.group, model.inorm)

    lstm = nn.LSTM(3, 5, batch_first=True)
    gru = nn.GRU(3, 4, batch_first=True)
    with torch.no_grad():
        for name in ["weight_ih", "weight_hh", "bias_ih", "bias_hh"]:
            getattr(lstm, name + "_l0").copy_(getattr(model.lstm_cell, name))
            getattr(gru, name + "_l0").copy_(getattr(model.gru_cell, name))
    _, (h_ref, c_ref) = lstm(seq)
    _, g_ref = gru(seq)
    h, c = torch.zeros(4, 5), torch.zeros(4, 5)
    g = torch.zeros(4, 4)
    for t in range(5):
        h, c = model.lstm_cell(seq[:, t], (h, c))
        g = model.gru_cell(seq[:, t], g)
    print("cell loops match", torch.allclose(h, h_ref[0], atol=1e-6), torch.allclose(c, c_ref[0], atol=1e-6),
          torch.allclose(g, g_ref[0], atol=1e-6))
    print("cell nodes", h.grad_fn.name(), g.grad_fn.name())

    opt = torch.optim.Adam(model.parameters(), lr=0.02)
    for step in range(4):
        model.train()
        opt.zero_grad()
        logits, projected, hp, cp = model(seq)
        loss = F.cross_entropy(logits, target) + 0.1 * projected.pow(2).mean()
        loss.backward()
        norm = nn.utils.clip_grad_norm_(model.parameters(), max_norm=0.5)
        opt.step()
        print(f"step {step} loss {loss.item():.6f} grad norm {norm.item():.6f} "
              f"running mean {[round(v, 5) for v in model.inorm.running_mean[:3].tolist()]} "
              f"var {[round(v, 5) for v in model.inorm.running_var[:3].tolist()]}")
    print("weight_hr grad", model.proj_lstm.weight_hr_l0.grad)
    print("bilinear grad", model.bilinear.weight.grad[0, :2])
    print("num batches", model.inorm.num_batches_tracked.item())
    model.eval()
    with torch.no_grad():
        eval_logits = model(seq)[0]
    print("eval logits", eval_logits)

    x = torch.randn(2, 6, 4, 4, requires_grad=True)
    lrn = F.local_response_norm(x, size=4, alpha=0.02, beta=0.5, k=2.0)
    gn = F.group_norm(x, 3, weight=torch.linspace(0.5, 1.5, 6), bias=torch.zeros(6))
    inst = F.instance_norm(x.flatten(2), use_input_stats=True)
    (lrn.pow(2).sum() + gn[:, :2].sum() + inst.pow(3).sum()).backward()
    print("norm grads", x.grad[0, :2, 0, 0], x.grad[1, 5, 3], lrn.grad_fn.name(), gn.grad_fn.name())
    bil = nn.Bilinear(2, 3, 1, bias=False)
    print("bilinear no bias", bil(torch.ones(1, 2), torch.ones(1, 3)), bil.bias)


if __name__ == "__main__":
    main()
