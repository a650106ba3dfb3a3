"""BERT-style masked-language-model pretraining as the tutorials write it: token, position and segment embeddings,
a post-norm TransformerEncoder with GELU, an MLM head whose decoder weight is tied to the token embedding, the
80/10/10 masking recipe (NumPy draws), CrossEntropyLoss ignoring unmasked positions (-100), AdamW with weight decay
off for LayerNorm and biases, a linear warmup/decay through LambdaLR and clip_grad_norm_. Float32.
"""
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

VOCAB, DIM, SEQ, PAD, CLS, SEP, MASK = 40, 32, 12, 0, 1, 2, 3


class MiniBert(nn.Module):
    def __init__(self):
        super().__init__()
        self.tok = nn.Embedding(VOCAB, DIM, padding_idx=PAD)
        self.pos = nn.Embedding(SEQ, DIM)
        self.seg = nn.Embedding(2, DIM)
        self.ln = nn.LayerNorm(DIM, eps=1e-12)
        layer = nn.TransformerEncoderLayer(DIM, 4, 64, dropout=0.0, activation="gelu", batch_first=True)
        self.encoder = nn.TransformerEncoder(layer, 2, enable_nested_tensor=False)
        self.transform = nn.Sequential(nn.Linear(DIM, DIM), nn.GELU(), nn.LayerNorm(DIM, eps=1e-12))
        self.decoder = nn.Linear(DIM, VOCAB)
        self.decoder.weight = self.tok.weight

    def forward(self, ids, segments):
        positions = torch.arange(ids.shape[1]).unsqueeze(0)
        h = self.ln(self.tok(ids) + self.pos(positions) + self.seg(segments))
        h = self.encoder(h, src_key_padding_mask=ids == PAD)
        return self.decoder(self.transform(h))


def init_weights(module, rng):
    if isinstance(module, (nn.Linear, nn.Embedding)):
        with torch.no_grad():
            module.weight.copy_(torch.tensor(rng.normal(0, 0.02, tuple(module.weight.shape)), dtype=torch.float32))
            if isinstance(module, nn.Embedding) and module.padding_idx is not None:
                module.weight[module.padding_idx].zero_()
    if isinstance(module, nn.Linear) and module.bias is not None:
        nn.init.zeros_(module.bias)
    if isinstance(module, nn.MultiheadAttention):
        with torch.no_grad():
            module.in_proj_weight.copy_(torch.tensor(rng.normal(0, 0.02, (3 * DIM, DIM)), dtype=torch.float32))
            module.in_proj_bias.zero_()


def mask_tokens(ids, rng):
    ids = ids.clone()
    labels = ids.clone()
    special = (ids == PAD) | (ids == CLS) | (ids == SEP)
    chosen = torch.tensor(rng.random(tuple(ids.shape)) < 0.15) & ~special
    labels[~chosen] = -100
    action = torch.tensor(rng.random(tuple(ids.shape)))
    ids[chosen & (action < 0.8)] = MASK
    randoms = torch.tensor(rng.integers(4, VOCAB, tuple(ids.shape)))
    swap = chosen & (action >= 0.8) & (action < 0.9)
    ids[swap] = randoms[swap]
    return ids, labels


def make_batch(rng, batch=8):
    ids = torch.full((batch, SEQ), PAD, dtype=torch.long)
    segments = torch.zeros(batch, SEQ, dtype=torch.long)
    for b in range(batch):
        a, c = int(rng.integers(2, 5)), int(rng.integers(2, 5))
        first = rng.integers(4, VOCAB, a)
        second = (first[:c] + 1) % (VOCAB - 4) + 4 if c <= a else rng.integers(4, VOCAB, c)
        row = [CLS, *first, SEP, *second, SEP]
        ids[b, :len(row)] = torch.tensor(row)
        segments[b, a + 2:len(row)] = 1
    return ids, segments


def main():
    torch.manual_seed(0)
    rng = np.random.default_rng(12)
    model = MiniBert()
    model.apply(lambda m: init_weights(m, rng))
    print("tied:", model.decoder.weight is model.tok.weight, "params:", sum(p.numel() for p in model.parameters()))
    print("pad row zero:", bool((model.tok.weight[PAD] == 0).all()))
    decay, no_decay = [], []
    for name, p in model.named_parameters():
        (no_decay if p.ndim == 1 or "ln" in name or "norm" in name else decay).append(p)
    print("groups:", len(decay), len(no_decay))
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": 0.01}, {"params": no_decay, "weight_decay": 0.0}],
                            lr=3e-3, betas=(0.9, 0.999), eps=1e-6)
    total, warm = 12, 3
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: (s + 1) / warm if s < warm else max(0.0, (total - s) / (total - warm)))
    loss_fn = nn.CrossEntropyLoss(ignore_index=-100)
    for step in range(total):
        ids, segments = make_batch(rng)
        inputs, labels = mask_tokens(ids, rng)
        logits = model(inputs, segments)
        loss = loss_fn(logits.view(-1, VOCAB), labels.view(-1))
        opt.zero_grad()
        loss.backward()
        norm = torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        sched.step()
        n_masked = int((labels != -100).sum())
        print(f"step {step}: masked {n_masked} loss {loss.item():.5f} grad-norm {norm.item():.5f} lr {sched.get_last_lr()[0]:.6f}")
    model.eval()
    with torch.no_grad():
        ids, segments = make_batch(rng)
        inputs, labels = mask_tokens(ids, rng)
        logits = model(inputs, segments)
        keep = labels != -100
        pred = logits.argmax(-1)
        print("eval masked:", int(keep.sum()), "correct:", int((pred[keep] == labels[keep]).sum()))
        probs = F.softmax(logits[0, :5], -1)
        print("top-3 probs row 0:", probs.topk(3, dim=-1).values)
        print("embedding row 5 norm:", model.tok.weight[5].norm().item())
        print("decoder bias:", model.decoder.bias[:6])
