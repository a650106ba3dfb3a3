"""A character-level CNN text classifier as in the char-CNN papers' small variants: strings encoded to ids with
a padding id, nn.Embedding(padding_idx=0, max_norm=...) whose pad row stays zero and gets no gradient, several
Conv1d widths with dilation and padding="same", nn.AdaptiveMaxPool1d(1) with return_indices, AdaptiveAvgPool1d
to a fixed length, dropout in train mode only, and a training loop with Adam and a StepLR. Float32; torch.manual_seed
drives every random number.
"""
import torch
import torch.nn as nn
import torch.nn.functional as F

TEXTS = ["good movie", "bad film", "great acting", "awful plot", "loved it", "hated it", "superb", "terrible",
         "fine work", "poor show", "nice story", "boring"]
LABELS = [1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0]
ALPHABET = sorted(set("".join(TEXTS)))
MAXLEN = 14


def encode(text):
    ids = [ALPHABET.index(c) + 1 for c in text][:MAXLEN]
    return ids + [0] * (MAXLEN - len(ids))


class CharCNN(nn.Module):
    def __init__(self):
        super().__init__()
        self.emb = nn.Embedding(len(ALPHABET) + 1, 10, padding_idx=0, max_norm=2.0)
        self.convs = nn.ModuleList([nn.Conv1d(10, 6, k, padding="same", dilation=d) for k, d in [(2, 1), (3, 1), (3, 2)]])
        self.pool = nn.AdaptiveMaxPool1d(1, return_indices=True)
        self.avg = nn.AdaptiveAvgPool1d(4)
        self.drop = nn.Dropout(0.2)
        self.fc = nn.Linear(18 + 6 * 4, 2)

    def forward(self, ids):
        e = self.emb(ids).transpose(1, 2)
        feats = [F.relu(c(e)) for c in self.convs]
        pooled, where = zip(*[self.pool(f) for f in feats])
        h = torch.cat([p.squeeze(-1) for p in pooled] + [self.avg(feats[1]).flatten(1)], dim=1)
        return self.fc(self.drop(h)), where


def main():
    torch.manual_seed(21)
    ids = torch.tensor([encode(t) for t in TEXTS])
    y = torch.tensor(LABELS)
    print("alphabet:", len(ALPHABET), "ids row0:", ids[0].tolist())
    print("pad fraction:", round((ids == 0).float().mean().item(), 6))
    model = CharCNN()
    print("pad row:", model.emb.weight[0].abs().sum().item(), "emb norm max:", round(model.emb.weight.norm(dim=1).max().item(), 4))
    out, where = model(ids)
    print("logits:", tuple(out.shape), "max-pool index shape:", tuple(where[0].shape), "first indices:", where[2][0, :, 0].tolist())
    print("emb norm max after lookup:", round(model.emb.weight.norm(dim=1).max().item(), 4))
    opt = torch.optim.Adam(model.parameters(), lr=0.01)
    sched = torch.optim.lr_scheduler.StepLR(opt, step_size=4, gamma=0.5)
    for epoch in range(10):
        model.train()
        opt.zero_grad()
        out, _ = model(ids)
        loss = F.cross_entropy(out, y, label_smoothing=0.1)
        loss.backward()
        if epoch == 0:
            print("pad grad zero:", model.emb.weight.grad[0].abs().sum().item(), "non-pad grad:", round(model.emb.weight.grad[1:].abs().sum().item(), 5))
        opt.step()
        sched.step()
        print(f"epoch {epoch}: loss {loss.item():.5f} lr {sched.get_last_lr()[0]:.5f}")
    model.eval()
    with torch.no_grad():
        out, _ = model(ids)
        acc = (out.argmax(1) == y).float().mean().item()
        new, _ = model(torch.tensor([encode("good plot"), encode("awful film")]))
    print("train accuracy:", acc, "new predictions:", new.argmax(1).tolist())
    print("new probs:", [round(v, 4) for v in new.softmax(1)[:, 1].tolist()])
    print("pad row after training:", model.emb.weight[0].abs().sum().item())
    print("conv dilation/padding:", model.convs[2].dilation, model.convs[2].padding, tuple(model.convs[0].weight.shape))
