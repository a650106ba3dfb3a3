"""A batched BiLSTM-CRF sequence tagger, written for PyTorch in the style of its Bi-LSTM CRF tutorial but over
padded batches: sentences of different lengths go through pad_sequence, pack_padded_sequence (enforce_sorted=False)
and pad_packed_sequence; the CRF log-partition is the forward algorithm with logsumexp over a transition matrix under
a length mask, the gold path score gathers emissions and transitions, and Viterbi decoding keeps backpointers with
max(dim) and follows them back per sentence. Trained with SGD and weight decay; float64, weights and data from a
seeded NumPy generator."""
import numpy as np
import torch
import torch.nn as nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence, pad_sequence

N_TAGS, START, STOP = 5, 3, 4


class BiLSTMCRF(nn.Module):
    def __init__(self, vocab, emb=6, hidden=8):
        super().__init__()
        self.emb = nn.Embedding(vocab, emb, padding_idx=0)
        self.lstm = nn.LSTM(emb, hidden // 2, batch_first=True, bidirectional=True)
        self.out = nn.Linear(hidden, N_TAGS)
        self.trans = nn.Parameter(torch.zeros(N_TAGS, N_TAGS))   # trans[i, j]: score of moving j -> i

    def emissions(self, tokens, lengths):
        packed = pack_padded_sequence(self.emb(tokens), lengths, batch_first=True, enforce_sorted=False)
        out, _ = self.lstm(packed)
        out, out_lengths = pad_packed_sequence(out, batch_first=True, total_length=tokens.shape[1])
        return self.out(out), out_lengths

    def trans_masked(self):
        t = self.trans.clone()
        t[START, :] = -1e4
        t[:, STOP] = -1e4
        return t

    def log_partition(self, feats, mask):
        trans = self.trans_masked()
        alpha = torch.full((feats.shape[0], N_TAGS), -1e4)
        alpha[:, START] = 0.0
        for t in range(feats.shape[1]):
            scores = alpha.unsqueeze(1) + trans.unsqueeze(0) + feats[:, t].unsqueeze(2)
            new = torch.logsumexp(scores, dim=2)
            alpha = torch.where(mask[:, t:t + 1], new, alpha)
        return torch.logsumexp(alpha + trans[STOP].unsqueeze(0), dim=1)

    def gold_score(self, feats, tags, mask):
        trans = self.trans_masked()
        prev = torch.cat([torch.full((tags.shape[0], 1), START, dtype=torch.long), tags[:, :-1]], dim=1)
        emit = feats.gather(2, tags.unsqueeze(2)).squeeze(2)
        step = trans[tags, prev]
        score = ((emit + step) * mask).sum(1)
        last = tags.gather(1, (mask.sum(1) - 1).long().unsqueeze(1)).squeeze(1)
        return score + trans[STOP, last]

    def viterbi(self, feats, lengths):
        trans = self.trans_masked()
        paths = []
        for b in range(feats.shape[0]):
            score = torch.full((N_TAGS,), -1e4)
            score[START] = 0.0
            back = []
            for t in range(int(lengths[b])):
                best, idx = (score.unsqueeze(0) + trans).max(dim=1)
                back.append(idx)
                score = best + feats[b, t]
            final = score + trans[STOP]
            tag = int(final.argmax())
            best_score = final[tag]
            path = [tag]
            for idx in reversed(back[1:]):
                tag = int(idx[tag])
                path.append(tag)
            paths.append((round(best_score.item(), 8), path[::-1]))
        return paths


def main():
    torch.set_default_dtype(torch.float64)
    rng = np.random.default_rng(1676)
    lengths = [7, 4, 6, 3, 5, 6]
    sents = [torch.from_numpy(rng.integers(1, 15, n)) for n in lengths]
    tags = [(s % 3) for s in sents]
    tokens = pad_sequence(sents, batch_first=True)
    gold = pad_sequence(tags, batch_first=True, padding_value=0)
    lens = torch.tensor(lengths)
    mask = torch.arange(tokens.shape[1]).unsqueeze(0) < lens.unsqueeze(1)
    print("batch", tokens.shape, mask.sum(1).tolist(), gold[1].tolist())

    model = BiLSTMCRF(15)
    with torch.no_grad():
        for name, p in model.named_parameters():
            p.copy_(torch.from_numpy(rng.normal(0.0, 0.3, tuple(p.shape))))
    model.emb.weight.data[0].zero_()
    feats, out_lengths = model.emissions(tokens, lens)
    print("emissions", feats.shape, out_lengths.tolist(), feats[3, 3:].abs().sum().item())
    print("first decode", model.viterbi(feats.detach(), lens)[:2])

    opt = torch.optim.SGD(model.parameters(), lr=0.05, weight_decay=1e-4)
    for epoch in range(10):
        opt.zero_grad()
        feats, _ = model.emissions(tokens, lens)
        nll = (model.log_partition(feats, mask) - model.gold_score(feats, gold, mask.double())).mean()
        nll.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 5.0)
        opt.step()
        print(f"epoch {epoch} nll {nll.item():.8f} trans grad {model.trans.grad.abs().sum().item():.8f}")

    with torch.no_grad():
        feats, _ = model.emissions(tokens, lens)
        decoded = model.viterbi(feats, lens)
    for (score, path), g, n in zip(decoded, gold, lengths):
        print("viterbi", score, path, "gold", g[:n].tolist())
    correct = sum(sum(int(a == b) for a, b in zip(p, g[:n].tolist())) for (_, p), g, n in zip(decoded, gold, lengths))
    print("token accuracy", correct / sum(lengths))
    print("transitions", model.trans_masked()[:3, :3])


if __name__ == "__main__":
    main()
