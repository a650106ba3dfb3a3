"""A character-level language model in the style of Karpathy's char-rnn ports and the PyTorch "generating names"
tutorial, seeded by torch.manual_seed(1337): an nn.Embedding (default N(0, 1) init) feeding a one-layer
nn.LSTM whose recurrent weights are re-initialised with nn.init.orthogonal_ and input weights with
xavier_uniform_ (forget-gate bias set to 1), random training windows picked with torch.randint, gradient
clipping, and text sampled with torch.multinomial from temperature-scaled softmax probabilities (and greedy
decoding beside it). Float32; every random number comes from torch.manual_seed.
"""
import torch
import torch.nn as nn
import torch.nn.functional as F

text = ("the quick brown fox jumps over the lazy dog. a stitch in time saves nine. "
        "all that glitters is not gold. the early bird catches the worm. ") * 3


class CharRNN(nn.Module):
    def __init__(self, vocab_size, embed=12, hidden=32):
        super().__init__()
        self.embed = nn.Embedding(vocab_size, embed)
        self.lstm = nn.LSTM(embed, hidden, batch_first=True)
        self.fc = nn.Linear(hidden, vocab_size)
        for name, param in self.lstm.named_parameters():
            if 'weight_hh' in name:
                nn.init.orthogonal_(param)
            elif 'weight_ih' in name:
                nn.init.xavier_uniform_(param)
            elif 'bias' in name:
                param.data.fill_(0)
                param.data[hidden:2 * hidden] = 1.0

    def forward(self, x, state=None):
        out, state = self.lstm(self.embed(x), state)
        return self.fc(out), state


def sample(model, stoi, itos, start, length, temperature=1.0, greedy=False):
    model.eval()
    idx = torch.tensor([[stoi[c] for c in start]])
    out = list(start)
    with torch.no_grad():
        logits, state = model(idx)
        for _ in range(length):
            probs = F.softmax(logits[0, -1] / temperature, dim=-1)
            if greedy:
                nxt = torch.argmax(probs).item()
            else:
                nxt = torch.multinomial(probs, num_samples=1).item()
            out.append(itos[nxt])
            logits, state = model(torch.tensor([[nxt]]), state)
    return ''.join(out)


def main():
    torch.manual_seed(1337)
    chars = sorted(set(text))
    stoi = {ch: i for i, ch in enumerate(chars)}
    itos = {i: ch for ch, i in stoi.items()}
    data = torch.tensor([stoi[c] for c in text], dtype=torch.long)
    print("vocab:", len(chars), "tokens:", len(data))
    model = CharRNN(len(chars))
    print("embedding row 0:", [round(v, 4) for v in model.embed.weight[0, :5].tolist()])
    print("orthogonal W_hh row 0:", [round(v, 4) for v in model.lstm.weight_hh_l0[0, :5].tolist()])
    w = model.lstm.weight_hh_l0.detach()
    print("W_hh has orthonormal columns:", torch.allclose(w.T @ w, torch.eye(32), atol=1e-5))
    optimizer = torch.optim.Adam(model.parameters(), lr=0.01)
    block, batch = 24, 16
    for step in range(40):
        model.train()
        ix = torch.randint(len(data) - block - 1, (batch,))
        x = torch.stack([data[i:i + block] for i in ix])
        y = torch.stack([data[i + 1:i + block + 1] for i in ix])
        logits, _ = model(x)
        loss = F.cross_entropy(logits.reshape(-1, len(chars)), y.reshape(-1))
        optimizer.zero_grad()
        loss.backward()
        norm = nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        if step % 8 == 0:
            print(f"step {step:2d}: loss {loss.item():.4f} grad norm {norm.item():.4f} windows {ix[:4].tolist()}")
    print("greedy:", repr(sample(model, stoi, itos, "the ", 30, greedy=True)))
    print("t=0.8: ", repr(sample(model, stoi, itos, "the ", 30, temperature=0.8)))
    print("t=1.5: ", repr(sample(model, stoi, itos, "a ", 30, temperature=1.5)))
    probs = F.softmax(model(torch.tensor([[stoi['t'], stoi['h']]]))[0][0, -1], dim=-1)
    print("5 draws with replacement:", torch.multinomial(probs, 5, replacement=True).tolist())
    print("top-5 without replacement:", torch.multinomial(probs, 5).tolist())
