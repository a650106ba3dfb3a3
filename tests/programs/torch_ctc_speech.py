"""A toy speech recogniser trained with CTC, written for PyTorch the way its speech-recognition pipelines use
nn.CTCLoss; tests run it as is and with only its imports changed, and compare what both print. Synthetic
"spectrogram" frames are rendered from label sequences by a seeded NumPy generator (each symbol a noisy template
held for a few frames, silence between); a Conv1d front end, a bidirectional LSTM and a Linear head give
(T, N, C) log-probabilities; CTCLoss with padded 2-D targets and with concatenated 1-D targets, reduction
'mean'/'sum'/'none', zero_infinity for an impossible alignment, gradient clipping, greedy decoding (argmax,
unique_consecutive, blank removal) and an edit-distance character error rate. Float64, weights from NumPy.
"""
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

BLANK, N_SYMBOLS, N_FEATS = 0, 5, 6


class SpeechModel(nn.Module):
    def __init__(self, hidden=12):
        super().__init__()
        self.conv = nn.Conv1d(N_FEATS, hidden, kernel_size=3, padding=1)
        self.rnn = nn.LSTM(hidden, hidden, batch_first=False, bidirectional=True)
        self.head = nn.Linear(2 * hidden, N_SYMBOLS)

    def forward(self, frames, lengths):
        x = F.gelu(self.conv(frames.permute(1, 2, 0))).permute(2, 0, 1)
        packed = nn.utils.rnn.pack_padded_sequence(x, lengths, enforce_sorted=False)
        out, _ = self.rnn(packed)
        out, _ = nn.utils.rnn.pad_packed_sequence(out, total_length=frames.size(0))
        return self.head(out).log_softmax(dim=-1)


def render(rng, templates, labels):
    frames = []
    for sym in labels:
        frames += [rng.normal(0, 0.1, N_FEATS)] * int(rng.integers(0, 2))
        frames += [templates[sym] + rng.normal(0, 0.3, N_FEATS) for _ in range(int(rng.integers(2, 4)))]
    return np.array(frames)


def make_batch(rng, templates, n=5):
    labels = [rng.integers(1, N_SYMBOLS, int(rng.integers(2, 5))) for _ in range(n)]
    feats = [render(rng, templates, lab) for lab in labels]
    t_max = max(len(f) for f in feats)
    frames = np.zeros((t_max, n, N_FEATS))
    targets = np.zeros((n, 4), dtype=np.int64)
    for i, (f, lab) in enumerate(zip(feats, labels)):
        frames[:len(f), i] = f
        targets[i, :len(lab)] = lab
    return (torch.from_numpy(frames), torch.tensor([len(f) for f in feats]), torch.from_numpy(targets),
            torch.tensor([len(lab) for lab in labels]))


def greedy(log_probs, lengths):
    best = log_probs.argmax(dim=-1).T
    hyps = []
    for seq, n in zip(best, lengths.tolist()):
        collapsed = torch.unique_consecutive(seq[:n])
        hyps.append(collapsed[collapsed != BLANK].tolist())
    return hyps


def edit_distance(a, b):
    d = list(range(len(b) + 1))
    for i, x in enumerate(a, 1):
        prev, d[0] = d[0], i
        for j, y in enumerate(b, 1):
            prev, d[j] = d[j], min(d[j] + 1, d[j - 1] + 1, prev + (x != y))
    return d[-1]


def main():
    torch.set_default_dtype(torch.float64)
    rng = np.random.default_rng(3)
    templates = rng.normal(0, 1.0, (N_SYMBOLS, N_FEATS))
    model = SpeechModel()
    model.load_state_dict({k: torch.from_numpy(rng.normal(0, 0.3, tuple(v.shape)))
                           for k, v in model.state_dict().items()})
    ctc = nn.CTCLoss(blank=BLANK, zero_infinity=True)
    opt = torch.optim.Adam(model.parameters(), lr=0.02)
    for step in range(10):
        frames, in_lens, targets, tgt_lens = make_batch(rng, templates)
        log_probs = model(frames, in_lens)
        loss = ctc(log_probs, targets, in_lens, tgt_lens)
        opt.zero_grad()
        loss.backward()
        norm = nn.utils.clip_grad_norm_(model.parameters(), 5.0)
        opt.step()
        print(f"step {step}: ctc {loss.item():.6f} grad norm {norm.item():.6f}")

    frames, in_lens, targets, tgt_lens = make_batch(rng, templates, n=4)
    log_probs = model(frames, in_lens)
    flat = torch.cat([t[:n] for t, n in zip(targets, tgt_lens)])
    per_seq = F.ctc_loss(log_probs, flat, in_lens, tgt_lens, reduction="none")
    print("per sequence:", [round(v, 6) for v in per_seq.tolist()])
    print("sum:", round(F.ctc_loss(log_probs, targets, in_lens, tgt_lens, reduction="sum").item(), 6),
          "mean:", round(F.ctc_loss(log_probs, flat, in_lens, tgt_lens).item(), 6))
    grad_lp, = torch.autograd.grad(per_seq.sum(), log_probs)
    print("grad at t=0:", [round(v, 6) for v in grad_lp[0, 0].tolist()])
    short = torch.tensor([1, 2, 2, 2])
    impossible = F.ctc_loss(log_probs, targets, short, tgt_lens, reduction="none", zero_infinity=False)
    print("impossible alignments:", impossible.tolist()[:2])
    print("zero_infinity:", F.ctc_loss(log_probs, targets, short, tgt_lens, reduction="none",
                                       zero_infinity=True).tolist()[:2])
    hyps = greedy(log_probs.detach(), in_lens)
    refs = [t[:n].tolist() for t, n in zip(targets, tgt_lens)]
    for hyp, ref in zip(hyps, refs):
        print("ref", ref, "hyp", hyp)
    errors = sum(edit_distance(h, r) for h, r in zip(hyps, refs))
    print(f"CER: {errors / sum(len(r) for r in refs):.6f}")
