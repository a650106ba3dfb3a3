"""A small CTC speech/handwriting recogniser as the PyTorch CTC tutorials write it: a Conv1d front end over
feature frames, a bidirectional GRU, a Linear to the vocabulary with the blank at index 0, log_softmax over
(T, N, C), and nn.CTCLoss trained with Adam. Targets come both padded (N, S) and concatenated (sum of lengths),
input lengths differ per utterance, one target is too long for its input (an infinite loss, which zero_infinity
turns to zero), and every reduction is printed; then greedy decoding collapses repeats and drops blanks.
Float32; every random number comes from torch.manual_seed.
"""
import torch
import torch.nn as nn
import torch.nn.functional as F


class Recogniser(nn.Module):
    def __init__(self, feats=6, hidden=8, vocab=5):
        super().__init__()
        self.conv = nn.Conv1d(feats, hidden, 3, padding=1)
        self.rnn = nn.GRU(hidden, hidden, bidirectional=True)
        self.out = nn.Linear(2 * hidden, vocab)

    def forward(self, x):                      # x: (N, feats, T)
        h = F.relu(self.conv(x)).permute(2, 0, 1)
        h, _ = self.rnn(h)
        return self.out(h).log_softmax(dim=-1)  # (T, N, C)


def greedy(log_probs, lengths):
    best = log_probs.argmax(dim=-1).t()
    words = []
    for row, n in zip(best.tolist(), lengths.tolist()):
        out, prev = [], 0
        for s in row[:n]:
            if s != prev and s != 0:
                out.append(s)
            prev = s
        words.append(out)
    return words


def main():
    torch.manual_seed(0)
    n, t = 4, 12
    x = torch.randn(n, 6, t)
    targets = torch.tensor([[1, 2, 2, 3], [4, 1, 0, 0], [3, 3, 3, 0], [2, 4, 1, 3]])
    target_lengths = torch.tensor([4, 2, 3, 4])
    input_lengths = torch.tensor([12, 10, 4, 12])
    flat = torch.cat([targets[i, :target_lengths[i]] for i in range(n)])
    model = Recogniser()
    lp = model(x)
    print("log_probs", lp.shape, lp.grad_fn.name())
    for reduction in ("none", "sum", "mean"):
        loss = F.ctc_loss(lp, targets, input_lengths, target_lengths, reduction=reduction)
        print(reduction, loss.detach() if reduction == "none" else round(loss.item(), 4))
    for zi in (False, True):
        loss = F.ctc_loss(lp, targets, input_lengths, target_lengths, reduction="none", zero_infinity=zi)
        print("zero_infinity", zi, loss.detach(), loss.grad_fn.name())
    ctc = nn.CTCLoss(blank=0, zero_infinity=True)
    loss_padded = ctc(lp, targets, input_lengths, target_lengths)
    loss_flat = ctc(lp, flat, input_lengths, target_lengths)
    print("padded vs flat", round(loss_padded.item(), 5), round(loss_flat.item(), 5))
    g_pad, = torch.autograd.grad(loss_padded, lp, retain_graph=True)
    print("grad rows", g_pad[:, 2].abs().sum(dim=-1))
    print("grad past length zero", bool((g_pad[10:, 1] == 0).all()), "inf row zero", bool((g_pad[:, 2] == 0).all()))
    opt = torch.optim.Adam(model.parameters(), lr=0.03)
    for step in range(8):
        opt.zero_grad()
        loss = ctc(model(x), targets, input_lengths, target_lengths)
        loss.backward()
        gn = torch.nn.utils.clip_grad_norm_(model.parameters(), 5.0)
        opt.step()
        print(f"step {step} ctc {loss.item():.5f} grad norm {gn.item():.5f}")
    with torch.no_grad():
        lp = model(x)
    print("decoded", greedy(lp, input_lengths))
    print("blank prob", lp[:, 0, 0].exp())
    summed = F.ctc_loss(lp, flat, input_lengths, target_lengths, blank=0, reduction="sum", zero_infinity=True)
    print("sum after training", round(summed.item(), 4))


if __name__ == "__main__":
    main()
