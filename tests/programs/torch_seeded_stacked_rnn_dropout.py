"""A sequence classifier whose recurrent encoders are stacked with inter-layer dropout, as the nn.LSTM / nn.GRU
docs describe (num_layers=2, dropout=0.3): in training the second layer sees a dropped-out first layer, in eval
it does not. An LSTM (bidirectional, batch_first) and a GRU (time-major) are trained a few Adam steps on data
from torch.randn; every mask comes from the global stream seeded by torch.manual_seed alone, so the losses
depend on PyTorch's exact draw order (weights at construction, then one mask per layer boundary per call).
Float32.
"""
import torch
import torch.nn as nn
import torch.nn.functional as F


class Encoder(nn.Module):
    def __init__(self, vocab, hidden, classes):
        super().__init__()
        self.embed = nn.Embedding(vocab, 8)
        self.lstm = nn.LSTM(8, hidden, num_layers=2, dropout=0.3, batch_first=True, bidirectional=True)
        self.gru = nn.GRU(2 * hidden, hidden, num_layers=2, dropout=0.3)
        self.drop = nn.Dropout(0.2)
        self.head = nn.Linear(hidden, classes)

    def forward(self, tokens):
        x = self.embed(tokens)
        out, (h, c) = self.lstm(x)
        seq = self.drop(out).transpose(0, 1)
        g_out, g_h = self.gru(seq)
        return self.head(g_h[-1]), out, h, c, g_out


def main():
    torch.manual_seed(21)
    model = Encoder(vocab=20, hidden=6, classes=3)
    print("lstm params:", [(n, tuple(p.shape)) for n, p in model.lstm.named_parameters()][:4])
    print("gru dropout / layers:", model.gru.dropout, model.gru.num_layers, "lstm:", model.lstm.dropout)
    print("lstm w_hh_l1_reverse[0]:", model.lstm.weight_hh_l1_reverse[0])
    tokens = torch.randint(0, 20, (5, 7))
    labels = torch.randint(0, 3, (5,))
    print("tokens[0]:", tokens[0].tolist(), "labels:", labels.tolist())

    model.train()
    logits, out, h, c, g_out = model(tokens)
    print("train out shape:", tuple(out.shape), "h:", tuple(h.shape), "c:", tuple(c.shape), "gru:", tuple(g_out.shape))
    print("train logits:", logits)
    logits2 = model(tokens)[0]
    print("second train call differs:", bool((logits - logits2).abs().max() > 0))

    model.eval()
    with torch.no_grad():
        e1 = model(tokens)[0]
        e2 = model(tokens)[0]
    print("eval deterministic:", torch.equal(e1, e2))
    print("eval logits:", e1)

    model.train()
    opt = torch.optim.Adam(model.parameters(), lr=0.02)
    for step in range(6):
        opt.zero_grad()
        logits = model(tokens)[0]
        loss = F.cross_entropy(logits, labels)
        loss.backward()
        gnorm = torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        print(f"step {step}: loss {loss.item():.5f} grad norm {gnorm.item():.5f}")

    # a single GRU layer with dropout warns and ignores it; state passed in explicitly
    torch.manual_seed(3)
    gru1 = nn.GRU(4, 5, num_layers=2, dropout=0.5)
    x = torch.randn(6, 2, 4)
    h0 = torch.randn(2, 2, 5)
    y_train, hn_train = gru1(x, h0)
    gru1.eval()
    y_eval, hn_eval = gru1(x, h0)
    print("gru1 train last:", y_train[-1])
    print("gru1 eval last:", y_eval[-1])
    print("gru1 hn diff:", (hn_train - hn_eval).abs().sum().item())

    # LSTM with proj_size in training with dropout
    torch.manual_seed(5)
    lstm_p = nn.LSTM(3, 6, num_layers=2, dropout=0.25, proj_size=2)
    seq = torch.randn(4, 3, 3)
    o, (hp, cp) = lstm_p(seq)
    print("proj out:", tuple(o.shape), tuple(hp.shape), tuple(cp.shape))
    print("proj out last:", o[-1])
    print("global stream after:", torch.rand(3))
