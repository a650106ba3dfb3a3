"""A character-level language model written for PyTorch in the style of the char-RNN / "NLP from scratch" examples;
tests run it as is and with only its imports changed, and compare what both print. A vocabulary from
sorted(set(text)), nn.Embedding + a two-layer batch_first nn.GRU + nn.Linear, truncated backprop through time
(the hidden state detached between chunks: detach(), and in place with detach_()), CrossEntropyLoss over
(batch*seq, vocab) logits, clip_grad_norm_ (its returned norm printed), Adam, perplexity with math.exp, greedy
generation under torch.no_grad, and one step of temperature softmax probabilities; a weight-tied variant
(flatten_parameters, NLLLoss) and the "classifying names" Elman RNN on one-hot letters with a manual p.data.add_
update. Float64, weights from NumPy.
"""
import math

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.optim as optim

TEXT = ("the quick brown fox jumps over the lazy dog. "
        "a lazy dog sleeps under the brown tree. "
        "the fox runs home before the night falls. ")


class CharModel(nn.Module):
    def __init__(self, vocab_size, emb=12, hidden=20, layers=2):
        super().__init__()
        self.hidden_size, self.num_layers = hidden, layers
        self.embedding = nn.Embedding(vocab_size, emb)
        self.gru = nn.GRU(emb, hidden, num_layers=layers, batch_first=True)
        self.decoder = nn.Linear(hidden, vocab_size)

    def forward(self, x, hidden):
        out, hidden = self.gru(self.embedding(x), hidden)
        return self.decoder(out), hidden

    def init_hidden(self, batch):
        weight = next(self.parameters())
        return weight.new_zeros(self.num_layers, batch, self.hidden_size)


class TiedModel(nn.Module):
    """Decoder weight shared with the embedding (Press & Wolf), as in the word-language-model example."""

    def __init__(self, vocab_size, hidden=16):
        super().__init__()
        self.hidden_size = hidden
        self.encoder = nn.Embedding(vocab_size, hidden)
        self.drop = nn.Dropout(0.0)
        self.rnn = nn.GRU(hidden, hidden, num_layers=2, dropout=0.0)
        self.decoder = nn.Linear(hidden, vocab_size)
        self.decoder.weight = self.encoder.weight

    def forward(self, x, hidden):
        out, hidden = self.rnn(self.drop(self.encoder(x)), hidden)
        out = self.decoder(self.drop(out))
        return F.log_softmax(out.view(-1, out.size(-1)), dim=1), hidden


class NameRNN(nn.Module):
    """The "classifying names" model: one-hot letters through an Elman RNN, LogSoftmax over the categories."""

    def __init__(self, n_letters, hidden, n_categories):
        super().__init__()
        self.hidden_size = hidden
        self.rnn = nn.RNN(n_letters, hidden, nonlinearity="tanh")
        self.h2o = nn.Linear(hidden, n_categories)
        self.softmax = nn.LogSoftmax(dim=1)

    def forward(self, line_tensor):
        rnn_out, hidden = self.rnn(line_tensor)
        return self.softmax(self.h2o(hidden[0]))


def set_weights(model, rng):
    with torch.no_grad():
        for name, p in model.named_parameters():
            scale = 0.5 if "embedding" in name else 1.0 / math.sqrt(model.hidden_size)
            p.copy_(torch.from_numpy(rng.uniform(-scale, scale, size=tuple(p.shape))))


def batchify(ids, batch):
    """(batch, n) rows of consecutive characters, dropping the remainder."""
    n = ids.size(0) // batch
    return ids[: n * batch].view(batch, n)


def generate(model, stoi, itos, prompt, length):
    model.eval()
    with torch.no_grad():
        hidden = model.init_hidden(1)
        x = torch.tensor([[stoi[c] for c in prompt]], dtype=torch.long)
        logits, hidden = model(x, hidden)
        chars = list(prompt)
        for _ in range(length):
            nxt = logits[0, -1].argmax().item()
            chars.append(itos[nxt])
            logits, hidden = model(torch.tensor([[nxt]]), hidden)
    model.train()
    return "".join(chars)


def main():
    torch.set_default_dtype(torch.float64)
    rng = np.random.default_rng(7)
    chars = sorted(set(TEXT))
    stoi = {c: i for i, c in enumerate(chars)}
    itos = {i: c for c, i in stoi.items()}
    vocab = len(chars)
    data = torch.tensor([stoi[c] for c in TEXT], dtype=torch.long)
    print("vocab", vocab, repr("".join(chars)), "data", data.shape, data.dtype, data[:8].tolist())

    model = CharModel(vocab)
    set_weights(model, rng)
    print("params", sum(p.numel() for p in model.parameters()), [n for n, _ in model.named_parameters()][:5])
    criterion = nn.CrossEntropyLoss()
    optimizer = optim.Adam(model.parameters(), lr=0.03)
    rows = batchify(data, 4)
    bptt = 10
    print("rows", tuple(rows.shape), "bptt", bptt)

    for epoch in range(30):
        hidden = model.init_hidden(rows.size(0))
        total, count = 0.0, 0
        for start in range(0, rows.size(1) - 1, bptt):
            seq = min(bptt, rows.size(1) - 1 - start)
            x = rows[:, start:start + seq]
            y = rows[:, start + 1:start + 1 + seq]
            hidden = hidden.detach()
            optimizer.zero_grad()
            logits, hidden = model(x, hidden)
            loss = criterion(logits.view(-1, vocab), y.reshape(-1))
            loss.backward()
            norm = nn.utils.clip_grad_norm_(model.parameters(), max_norm=1.0)
            optimizer.step()
            total += loss.item() * x.numel()
            count += x.numel()
        mean = total / count
        if epoch % 3 == 2:
            print(f"epoch {epoch} loss {mean:.10f} ppl {math.exp(mean):.8f} last norm {norm.item():.10f}")

    print("norm tensor", norm.dim(), norm.dtype, norm.requires_grad)
    print("hidden", tuple(hidden.shape), hidden.requires_grad, hidden.grad_fn is None)
    model.eval()
    with torch.no_grad():
        logits, _ = model(rows[:, :bptt], model.init_hidden(rows.size(0)))
        eval_loss = F.cross_entropy(logits.reshape(-1, vocab), rows[:, 1:bptt + 1].reshape(-1))
        per_char = F.cross_entropy(logits.transpose(1, 2), rows[:, 1:bptt + 1], reduction="none")
    print(f"eval loss {eval_loss.item():.10f} ppl {math.exp(eval_loss.item()):.8f}")
    print("per char", per_char.shape, per_char[0, :4])
    print("generated", repr(generate(model, stoi, itos, "the ", 30)))
    print("generated", repr(generate(model, stoi, itos, "a l", 20)))

    with torch.no_grad():
        x = torch.tensor([[stoi[c] for c in "the fo"]])
        logits, h = model(x, None)
        last = logits[:, -1, :]
        for temperature in (0.5, 1.0, 2.0):
            probs = F.softmax(last / temperature, dim=-1)
            top = torch.topk(probs, 3, dim=-1)
            print(f"T={temperature}", [itos[i] for i in top.indices[0].tolist()],
                  [round(v, 8) for v in top.values[0].tolist()], f"sum {probs.sum().item():.6f}")
        probs = torch.softmax(last.squeeze(0) / 0.8, 0)
        print("argmax", itos[int(torch.argmax(probs))], "max", round(probs.max().item(), 10), probs.shape)
    print("h_n", tuple(h.shape), h[-1, 0, :3])
    print("out logits", logits.shape, logits.dtype)
    picks = [int(rng.choice(vocab, p=F.softmax(last[0] / 0.7, dim=0).numpy())) for _ in range(8)]
    print("sampled", "".join(itos[i] for i in picks))

    tied = TiedModel(vocab)
    set_weights(tied, rng)
    tied.rnn.flatten_parameters()
    print("tied", len(list(tied.parameters())), tied.decoder.weight is tied.encoder.weight, len(tied.state_dict()))
    columns = rows.t().contiguous()
    nll = nn.NLLLoss()
    opt = optim.Adam(tied.parameters(), lr=0.02)
    hidden = torch.zeros(2, columns.size(1), 16)
    for step, i in enumerate(range(0, columns.size(0) - 1, 6)):
        seq = min(6, columns.size(0) - 1 - i)
        x, y = columns[i:i + seq], columns[i + 1:i + 1 + seq].reshape(-1)
        hidden.detach_()   # in place this time: the graph behind the state is cut
        opt.zero_grad(set_to_none=True)
        out, hidden = tied(x, hidden)
        loss = nll(out, y)
        loss.backward()
        inf_norm = torch.nn.utils.clip_grad_norm_(tied.parameters(), 0.5, norm_type=float("inf"))
        opt.step()
        print(f"tied step {step} seq {seq} loss {loss.item():.10f} inf-norm {inf_norm.item():.10f}")
    words = {"noun": ["fox", "dog", "tree", "night"], "verb": ["jumps", "sleeps", "runs", "falls"]}
    categories = sorted(words)
    classifier = NameRNN(vocab, 10, len(categories))
    set_weights(classifier, rng)
    criterion = nn.NLLLoss()
    order = rng.permutation(8)
    pairs = [(c, w) for c in categories for w in words[c]]
    for epoch in range(3):
        total = 0.0
        for k in order.tolist():
            category, word = pairs[k]
            line = F.one_hot(torch.tensor([stoi[ch] for ch in word]), vocab).unsqueeze(1).double()
            target = torch.tensor([categories.index(category)], dtype=torch.long)
            classifier.zero_grad()
            output = classifier(line)
            loss = criterion(output, target)
            loss.backward()
            for p in classifier.parameters():
                p.data.add_(p.grad.data, alpha=-0.05)
            total += loss.item()
        print(f"names epoch {epoch} loss {total / 8:.10f}")
    with torch.no_grad():
        line = F.one_hot(torch.tensor([stoi[ch] for ch in "dog"]), vocab).unsqueeze(1).to(torch.float64)
        top_v, top_i = classifier(line).topk(1)
    print("dog ->", categories[top_i[0].item()], f"{top_v.item():.10f}", line.shape, line.dtype)
    print("shared grad", tied.encoder.weight.grad.shape, f"{tied.encoder.weight.grad.abs().sum().item():.10f}")


if __name__ == "__main__":
    main()
