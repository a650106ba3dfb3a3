"""Sequence labelling (part-of-speech style tags) with a bidirectional GRU over padded batches, written for
PyTorch; tests run it as is and with only its imports changed, and compare what both print. Variable-length
sentences are padded with pad_sequence, run through pack_padded_sequence(enforce_sorted=False) and
pad_packed_sequence, the loss skips padding through CrossEntropyLoss(ignore_index), the accuracy is masked,
and a CRF-free Viterbi-like greedy decode is read back per sentence. Float64 and weights from a seeded NumPy
generator.
"""
import numpy as np
import torch
import torch.nn as nn
import torch.optim as optim
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence, pad_sequence

PAD = -100


class Tagger(nn.Module):
    def __init__(self, vocab, n_tags, emb=8, hidden=10):
        super().__init__()
        self.embed = nn.Embedding(vocab, emb, padding_idx=0)
        self.gru = nn.GRU(emb, hidden, num_layers=2, batch_first=True, bidirectional=True)
        self.out = nn.Linear(2 * hidden, n_tags)

    def forward(self, tokens, lengths):
        packed = pack_padded_sequence(self.embed(tokens), lengths, batch_first=True, enforce_sorted=False)
        out, h_n = self.gru(packed)
        out, out_lengths = pad_packed_sequence(out, batch_first=True, total_length=tokens.size(1))
        return self.out(out), h_n, out_lengths


def make_sentences(rng, n, vocab, n_tags):
    sentences, tags = [], []
    for _ in range(n):
        length = int(rng.integers(3, 9))
        words = rng.integers(1, vocab, length)
        # a word's tag depends on the word and on its left neighbour
        t = (words + np.concatenate([[0], words[:-1]]) // 3) % n_tags
        sentences.append(torch.from_numpy(words))
        tags.append(torch.from_numpy(t))
    return sentences, tags


def main():
    rng = np.random.default_rng(8)
    vocab, n_tags = 15, 4
    sentences, tags = make_sentences(rng, 40, vocab, n_tags)
    model = Tagger(vocab, n_tags).double()
    with torch.no_grad():
        for name, p in model.named_parameters():
            p.copy_(torch.from_numpy(0.3 * rng.standard_normal(tuple(p.shape))))
        model.embed.weight[0].zero_()
    print("gru params", [(n, tuple(p.shape)) for n, p in model.gru.named_parameters()][:4])
    print("n params", sum(p.numel() for p in model.parameters()))
    loss_fn = nn.CrossEntropyLoss(ignore_index=PAD)
    opt = optim.Adam(model.parameters(), lr=0.01)
    for epoch in range(6):
        total, correct, count = 0.0, 0, 0
        for b in range(0, 40, 10):
            tokens = pad_sequence(sentences[b:b + 10], batch_first=True, padding_value=0)
            target = pad_sequence(tags[b:b + 10], batch_first=True, padding_value=PAD)
            lengths = torch.tensor([len(s) for s in sentences[b:b + 10]])
            logits, h_n, out_lengths = model(tokens, lengths)
            loss = loss_fn(logits.reshape(-1, n_tags), target.reshape(-1))
            opt.zero_grad()
            loss.backward()
            opt.step()
            mask = target != PAD
            correct += ((logits.argmax(-1) == target) & mask).sum().item()
            count += mask.sum().item()
            total += loss.item() * mask.sum().item()
        print(f"epoch {epoch} loss {total / count:.6f} acc {correct / count:.4f} "
              f"emb pad grad {model.embed.weight.grad[0].abs().sum().item():.1f}")
    print("last batch", tokens.shape, logits.shape, h_n.shape, out_lengths.tolist())
    print("padded logits are zero-input", logits[lengths.argmin(), -1])
    with torch.no_grad():
        tokens = pad_sequence(sentences[:3], batch_first=False)
        lengths = torch.tensor([len(s) for s in sentences[:3]])
        emb = model.embed(tokens)
        packed = pack_padded_sequence(emb, lengths, enforce_sorted=False)
        print("batch sizes", packed.batch_sizes.tolist(), "sorted", packed.sorted_indices.tolist(),
              "unsorted", packed.unsorted_indices.tolist(), packed.data.shape)
        out, h = model.gru(packed)
        out, lens = pad_packed_sequence(out)
        # the forward direction's last state equals the output at each sentence's last real step
        last = out[lens - 1, torch.arange(3), :10]
        print("h_n matches outputs", torch.allclose(last, h[-2]), torch.allclose(out[0, :, 10:], h[-1]))
        pred = model.out(out).argmax(-1).t()
        for i, n in enumerate(lens.tolist()):
            print("sentence", i, pred[i, :n].tolist(), tags[i].tolist())


if __name__ == "__main__":
    main()
