"""Image captioning with a CNN encoder and an nn.TransformerDecoder, written for PyTorch the way captioning tutorials
build it; tests run it as is and with only its imports changed, and compare what both print. A small conv encoder
whose feature map is flattened into a memory sequence (flatten(2).permute), captions with <bos> / <eos> / <pad>
shifted for teacher forcing, nn.TransformerDecoder of two nn.TransformerDecoderLayer (batch_first, norm_first,
dropout 0) with a final LayerNorm, a causal tgt_mask from nn.Transformer.generate_square_subsequent_mask together
with tgt_is_causal, tgt_key_padding_mask and memory_key_padding_mask (some regions masked), CrossEntropyLoss with
ignore_index on the padding, AdamW with a warm-up LambdaLR, token accuracy over non-pad positions, and greedy
decoding step by step until <eos>; the decoder's last-position output checked to be independent of later tokens.
Float32, data and weights from NumPy.
"""
import numpy as np
import torch
import torch.nn as nn

PAD, BOS, EOS = 0, 1, 2


class Captioner(nn.Module):
    def __init__(self, vocab=9, d_model=16, max_len=8):
        super().__init__()
        self.encoder = nn.Sequential(nn.Conv2d(1, 8, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                                     nn.Conv2d(8, d_model, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2))
        self.embed = nn.Embedding(vocab, d_model, padding_idx=PAD)
        self.pos = nn.Parameter(torch.zeros(1, max_len, d_model))
        layer = nn.TransformerDecoderLayer(d_model, nhead=2, dim_feedforward=32, dropout=0.0, batch_first=True,
                                           norm_first=True)
        self.decoder = nn.TransformerDecoder(layer, num_layers=2, norm=nn.LayerNorm(d_model))
        self.out = nn.Linear(d_model, vocab)

    def encode(self, images):
        return self.encoder(images).flatten(2).permute(0, 2, 1)

    def forward(self, images, tokens, memory_mask=None):
        memory = self.encode(images)
        T = tokens.shape[1]
        causal = nn.Transformer.generate_square_subsequent_mask(T)
        h = self.embed(tokens) + self.pos[:, :T]
        h = self.decoder(h, memory, tgt_mask=causal, tgt_is_causal=True, tgt_key_padding_mask=tokens == PAD,
                         memory_key_padding_mask=memory_mask)
        return self.out(h)


def make_data(rng, n):
    images = rng.normal(0, 0.3, (n, 1, 8, 8)).astype(np.float32)
    captions = []
    for i in range(n):
        length = rng.integers(2, 5)
        words = rng.integers(3, 9, length)
        for j, w in enumerate(words):
            images[i, 0, (2 * j) % 8, w - 3] += 2.0
        captions.append([BOS] + words.tolist() + [EOS])
    width = max(len(c) for c in captions)
    padded = [c + [PAD] * (width - len(c)) for c in captions]
    return torch.from_numpy(images), torch.tensor(padded)


def main():
    rng = np.random.default_rng(53)
    torch.manual_seed(0)
    model = Captioner()
    model.load_state_dict({k: torch.from_numpy(rng.normal(0, 0.25, tuple(v.shape)).astype(np.float32))
                           for k, v in model.state_dict().items()})
    images, captions = make_data(rng, 10)
    print("captions:", captions[:3].tolist())
    memory = model.encode(images)
    print("memory:", tuple(memory.shape), "mask:", nn.Transformer.generate_square_subsequent_mask(3).tolist())
    inp, target = captions[:, :-1], captions[:, 1:]
    memory_mask = torch.zeros(10, 4, dtype=torch.bool)
    memory_mask[::3, -1] = True

    model.eval()
    with torch.no_grad():
        full = model(images, inp, memory_mask)
        changed = inp.clone()
        changed[:, 3:] = 5
        part = model(images, changed, memory_mask)
    print("causal: early positions unchanged:", torch.allclose(full[:, :3], part[:, :3], atol=1e-5),
          "later changed:", not torch.allclose(full[:, 3:], part[:, 3:]))
    print("logits[0, 0]:", [round(v, 4) for v in full[0, 0].tolist()])

    criterion = nn.CrossEntropyLoss(ignore_index=PAD)
    opt = torch.optim.AdamW(model.parameters(), lr=5e-3, weight_decay=0.01)
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda step: min(1.0, (step + 1) / 3))
    model.train()
    for step in range(8):
        opt.zero_grad()
        logits = model(images, inp, memory_mask)
        loss = criterion(logits.reshape(-1, logits.shape[-1]), target.reshape(-1))
        loss.backward()
        opt.step()
        sched.step()
        keep = target != PAD
        acc = (logits.argmax(-1)[keep] == target[keep]).float().mean()
        print(f"step {step}: loss {loss.item():.5f} token acc {acc.item():.4f} lr {sched.get_last_lr()[0]:.5f}")

    model.eval()
    with torch.no_grad():
        seq = torch.full((3, 1), BOS)
        done = torch.zeros(3, dtype=torch.bool)
        for _ in range(6):
            nxt = model(images[:3], seq, memory_mask[:3])[:, -1].argmax(-1)
            nxt = torch.where(done, torch.full_like(nxt, PAD), nxt)
            seq = torch.cat([seq, nxt[:, None]], dim=1)
            done |= nxt == EOS
            if done.all():
                break
    print("greedy:", seq.tolist())
    print("references:", captions[:3].tolist())
