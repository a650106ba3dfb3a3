"""Skip-gram word2vec with negative sampling as blog-post implementations write it, seeded by
torch.manual_seed(7): a toy corpus, subsampling of frequent words with torch.rand against Mikolov's keep
probability, (center, context) pairs with a dynamic window drawn by torch.randint, negatives drawn with
torch.multinomial from the unigram distribution raised to 3/4 (with replacement), input embeddings initialised
by uniform_(-0.5 / dim, 0.5 / dim) and output embeddings zeroed (the reference C code's scheme), sparse=False
embeddings trained with SGD, and nearest neighbours by cosine similarity. Float32; every random number comes
from torch.manual_seed.
"""
import torch
import torch.nn as nn
import torch.nn.functional as F

corpus = ("the king rules the kingdom . the queen rules the kingdom . the king and the queen sit on thrones . "
          "a dog chases a cat . a cat chases a mouse . the dog and the cat eat food . "
          "the man walks the dog . the woman feeds the cat . the king is a man . the queen is a woman .").split()


class SkipGramNeg(nn.Module):
    def __init__(self, vocab_size, dim):
        super().__init__()
        self.in_embed = nn.Embedding(vocab_size, dim)
        self.out_embed = nn.Embedding(vocab_size, dim)
        initrange = 0.5 / dim
        self.in_embed.weight.data.uniform_(-initrange, initrange)
        self.out_embed.weight.data.zero_()

    def forward(self, center, context, negatives):
        v = self.in_embed(center)                              # (B, D)
        u = self.out_embed(context)                            # (B, D)
        u_neg = self.out_embed(negatives)                      # (B, K, D)
        pos = F.logsigmoid((v * u).sum(-1))
        neg = F.logsigmoid(-torch.bmm(u_neg, v.unsqueeze(2)).squeeze(2)).sum(-1)
        return -(pos + neg).mean()


def main():
    torch.manual_seed(7)
    vocab = sorted(set(corpus))
    w2i = {w: i for i, w in enumerate(vocab)}
    ids = torch.tensor([w2i[w] for w in corpus])
    counts = torch.bincount(ids, minlength=len(vocab)).float()
    freqs = counts / counts.sum()
    t = 0.02
    keep_prob = (torch.sqrt(freqs / t) + 1) * t / freqs
    kept = ids[torch.rand(len(ids)) < keep_prob[ids]]
    print("vocab:", len(vocab), "tokens:", len(ids), "after subsampling:", len(kept))

    pairs = []
    for i in range(len(kept)):
        window = torch.randint(1, 3, (1,)).item()
        for j in range(max(0, i - window), min(len(kept), i + window + 1)):
            if j != i:
                pairs.append((kept[i].item(), kept[j].item()))
    pairs = torch.tensor(pairs)
    print("pairs:", len(pairs), "first:", [(vocab[a], vocab[b]) for a, b in pairs[:3].tolist()])

    noise = counts ** 0.75
    noise = noise / noise.sum()
    model = SkipGramNeg(len(vocab), 10)
    print("in_embed row 0:", [round(v, 5) for v in model.in_embed.weight[0, :5].tolist()])
    optimizer = torch.optim.SGD(model.parameters(), lr=2.0)
    K, batch = 4, 32
    for epoch in range(6):
        perm = torch.randperm(len(pairs))
        total = 0.0
        for s in range(0, len(pairs), batch):
            b = pairs[perm[s:s + batch]]
            negatives = torch.multinomial(noise, b.size(0) * K, replacement=True).view(b.size(0), K)
            loss = model(b[:, 0], b[:, 1], negatives)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            total += loss.item() * b.size(0)
        print(f"epoch {epoch}: loss {total / len(pairs):.4f} negatives {negatives[0].tolist()}")
    emb = F.normalize(model.in_embed.weight.detach(), dim=1)
    sims = emb @ emb.T
    for word in ("king", "cat", "dog"):
        best = sims[w2i[word]].topk(3).indices[1:].tolist()
        print(word, "->", [vocab[i] for i in best], [round(sims[w2i[word], i].item(), 4) for i in best])
