"""A character-level Transformer language model trained on the bundled Shakespeare text; prints samples.

    python examples/char_transformer.py                 # about two minutes on a CPU, then samples
    python examples/char_transformer.py --steps 3000 --device numba
    python examples/char_transformer.py --quick         # a few seconds: a tiny model, a few steps

The model is a decoder-only ("GPT-style") stack written with PyTorch's modules: token and position
embeddings, nn.TransformerEncoder layers (pre-norm, GELU) under a causal mask, a final LayerNorm and
a linear head over the characters. Recipe: the first 90% of the text to train on and the rest to
validate on, random windows of `--block` characters, AdamW (lr 2e-3, cosine decay), gradients
clipped to norm 1; every character predicts the next one (cross-entropy).
"""
import argparse
import math
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))  # run from a checkout

import numpy as np  # noqa: E402

import autograd as ag  # noqa: E402
import nn  # noqa: E402
import nn.functional as F  # noqa: E402


class CharTransformer(nn.Module):
    """Next-character logits (N, T, vocab) for character ids (N, T), each position seeing only its past."""

    def __init__(self, vocab, block, d_model, nhead, num_layers, dropout):
        super().__init__()
        self.block = block
        self.tokens = nn.Embedding(vocab, d_model)
        self.positions = nn.Embedding(block, d_model)
        layer = nn.TransformerEncoderLayer(d_model, nhead, 4 * d_model, dropout, activation="gelu",
                                           batch_first=True, norm_first=True)
        self.encoder = nn.TransformerEncoder(layer, num_layers, enable_nested_tensor=False)
        self.norm = nn.LayerNorm(d_model)
        self.head = nn.Linear(d_model, vocab)
        for name, p in self.named_parameters():   # small embeddings, as GPT-2 initialises them
            if name in ("tokens.weight", "positions.weight"):
                nn.init.normal_(p, 0.0, 0.02)

    def forward(self, ids):
        t = ids.shape[1]
        x = self.tokens(ids) + self.positions(ag.arange(t, dtype=ag.int64, device=ids.device))
        mask = nn.Transformer.generate_square_subsequent_mask(t, device=ids.device)
        return self.head(self.norm(self.encoder(x, mask=mask, is_causal=True)))


def load_text(chars=None):
    """(ids int64, alphabet): the bundled text as character ids, the first `chars` characters if given."""
    text = nn.data.load_shakespeare()
    if chars:
        text = text[:chars]
    alphabet = sorted(set(text))
    lookup = np.zeros(128, np.int64)
    lookup[[ord(c) for c in alphabet]] = np.arange(len(alphabet))
    return lookup[np.frombuffer(text.encode("ascii"), np.uint8)], alphabet


def batches(ids, batch, block, rng):
    """An endless stream of (inputs, targets): `batch` random windows of `block` ids and the ids one later."""
    while True:
        starts = rng.integers(0, len(ids) - block - 1, batch)
        windows = np.stack([ids[s:s + block + 1] for s in starts])
        yield ag.tensor(windows[:, :-1]), ag.tensor(windows[:, 1:])


def loss_of(model, inputs, targets):
    logits = model(inputs)
    return F.cross_entropy(logits.reshape(-1, logits.shape[-1]), targets.reshape(-1))


def evaluate(model, ids, batch, block, rounds=4):
    """Mean validation loss over `rounds` fixed batches, in eval mode without gradients."""
    model.eval()
    stream = batches(ids, batch, block, np.random.default_rng(1234))
    with ag.no_grad():
        value = float(np.mean([loss_of(model, *next(stream)).item() for _ in range(rounds)]))
    model.train()
    return value


def sample(model, alphabet, prompt, length, temperature, rng):
    """`prompt` continued by `length` characters drawn one at a time from the model's distribution."""
    model.eval()
    index = {c: i for i, c in enumerate(alphabet)}
    ids = [index[c] for c in prompt if c in index] or [0]
    with ag.no_grad():
        for _ in range(length):
            context = ag.tensor(np.array([ids[-model.block:]], np.int64))
            logits = model(context).numpy()[0, -1].astype(np.float64) / temperature
            p = np.exp(logits - logits.max())
            ids.append(int(rng.choice(len(p), p=p / p.sum())))
    model.train()
    return "".join(alphabet[i] for i in ids)


def main(argv=None):
    """Train, print losses and samples; returns {"train_loss", "val_loss", "first_loss", "sample"}."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=600, help="optimiser steps (default 600: about 2 minutes)")
    parser.add_argument("--quick", action="store_true", help="a tiny model for a few steps (for tests)")
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument("--block", type=int, default=64, help="characters of context")
    parser.add_argument("--d-model", type=int, default=128)
    parser.add_argument("--heads", type=int, default=4)
    parser.add_argument("--layers", type=int, default=3)
    parser.add_argument("--dropout", type=float, default=0.1)
    parser.add_argument("--lr", type=float, default=2e-3)
    parser.add_argument("--sample-length", type=int, default=400)
    parser.add_argument("--device", default=None, help="cpu, numba, cuda (default: DEEPGRAD_DEVICE or cpu)")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    if args.quick:
        args.steps, args.batch, args.block, args.d_model, args.layers, args.sample_length = 25, 8, 32, 32, 1, 60
    if args.device:
        ag.set_default_device(args.device)
    ag.manual_seed(args.seed)
    rng = np.random.default_rng(args.seed)

    ids, alphabet = load_text(40_000 if args.quick else None)
    split = int(0.9 * len(ids))
    train_ids, val_ids = ids[:split], ids[split:]
    model = CharTransformer(len(alphabet), args.block, args.d_model, args.heads, args.layers, args.dropout)
    opt = nn.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=0.01)
    schedule = nn.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=args.steps, eta_min=args.lr / 10)
    print(f"{len(ids):,} characters, {len(alphabet)} distinct; {sum(p.numpy().size for p in model.parameters()):,} "
          f"parameters; {args.steps} steps of {args.batch} x {args.block} characters")

    stream = batches(train_ids, args.batch, args.block, rng)
    start, first_loss, report_every = time.perf_counter(), None, max(1, args.steps // 6)
    for step in range(1, args.steps + 1):
        opt.zero_grad()
        loss = loss_of(model, *next(stream))
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        schedule.step()
        first_loss = loss.item() if first_loss is None else first_loss
        if step % report_every == 0 or step == args.steps:
            print(f"step {step:5d}  train loss {loss.item():.3f}  val loss "
                  f"{evaluate(model, val_ids, args.batch, args.block):.3f}  ({time.perf_counter() - start:.0f}s)")
    val_loss = evaluate(model, val_ids, args.batch, args.block)
    text = sample(model, alphabet, "ROMEO:\n", args.sample_length, 0.8, rng)
    print(f"\nuniform guessing would score {math.log(len(alphabet)):.3f}; sample at temperature 0.8:\n")
    print(text)
    return {"train_loss": loss.item(), "val_loss": val_loss, "first_loss": first_loss, "sample": text}


if __name__ == "__main__":
    main()
