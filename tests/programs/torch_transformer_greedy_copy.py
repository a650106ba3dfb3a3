"""A sequence-to-sequence nn.Transformer trained to reverse short digit strings and then decoded greedily, as the
PyTorch translation tutorial structures it: token embeddings scaled by sqrt(d_model) plus a sinusoidal buffer,
nn.Transformer with norm_first=True and gelu, generate_square_subsequent_mask, src/tgt/memory key padding
masks, a memory_mask that hides the padded source from every query, separate encode / decode calls with
tgt_is_causal, and a greedy loop that grows the target token by token. Float32, seeded by torch.manual_seed
alone.
"""
import math

import torch
import torch.nn as nn

PAD, BOS, EOS = 0, 1, 2


class Seq2Seq(nn.Module):
    def __init__(self, vocab=13, d_model=16, heads=2, layers=1, max_len=16):
        super().__init__()
        self.d_model = d_model
        self.embed = nn.Embedding(vocab, d_model, padding_idx=PAD)
        position = torch.arange(max_len).unsqueeze(1)
        div = torch.exp(torch.arange(0, d_model, 2) * (-math.log(10000.0) / d_model))
        table = torch.zeros(max_len, d_model)
        table[:, 0::2] = torch.sin(position * div)
        table[:, 1::2] = torch.cos(position * div)
        self.register_buffer("positions", table)
        self.transformer = nn.Transformer(d_model, heads, layers, layers, dim_feedforward=32, dropout=0.0,
                                          activation="gelu", batch_first=True, norm_first=True)
        self.out = nn.Linear(d_model, vocab)

    def embed_tokens(self, tokens):
        return self.embed(tokens) * math.sqrt(self.d_model) + self.positions[: tokens.shape[1]]

    def forward(self, src, tgt):
        causal = nn.Transformer.generate_square_subsequent_mask(tgt.shape[1])
        hidden = self.transformer(self.embed_tokens(src), self.embed_tokens(tgt), tgt_mask=causal,
                                  src_key_padding_mask=src == PAD, tgt_key_padding_mask=tgt == PAD,
                                  memory_key_padding_mask=src == PAD, tgt_is_causal=True)
        return self.out(hidden)

    def encode(self, src):
        return self.transformer.encoder(self.embed_tokens(src), src_key_padding_mask=src == PAD)

    def decode_step(self, memory, src, tgt):
        causal = nn.Transformer.generate_square_subsequent_mask(tgt.shape[1])
        memory_mask = (src == PAD)[0].unsqueeze(0).expand(tgt.shape[1], -1)
        hidden = self.transformer.decoder(self.embed_tokens(tgt), memory, tgt_mask=causal, memory_mask=memory_mask,
                                          tgt_is_causal=True)
        return self.out(hidden[:, -1])


def make_batch(n, length):
    digits = torch.randint(3, 13, (n, length))
    lengths = torch.randint(2, length + 1, (n,))
    keep = torch.arange(length)[None, :] < lengths[:, None]
    src = torch.where(keep, digits, torch.full_like(digits, PAD))
    reversed_rows = [torch.cat([row[:k].flip(0), torch.tensor([EOS]), torch.zeros(length - k, dtype=torch.long)])
                     for row, k in zip(src, lengths.tolist())]
    tgt = torch.cat([torch.full((n, 1), BOS), torch.stack(reversed_rows)], dim=1)
    return src, tgt


def main():
    torch.manual_seed(1716)
    model = Seq2Seq()
    print("parameters", sum(p.numel() for p in model.parameters()))
    print("embedding pad row", model.embed.weight[PAD].abs().sum().item())
    print("causal mask", nn.Transformer.generate_square_subsequent_mask(4).tolist())
    src, tgt = make_batch(4, 5)
    print("src", src.tolist())
    print("tgt", tgt.tolist())
    optimizer = torch.optim.Adam(model.parameters(), lr=0.005)
    loss_fn = nn.CrossEntropyLoss(ignore_index=PAD)
    for step in range(40):
        src, tgt = make_batch(16, 5)
        logits = model(src, tgt[:, :-1])
        loss = loss_fn(logits.reshape(-1, logits.shape[-1]), tgt[:, 1:].reshape(-1))
        optimizer.zero_grad()
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        if step % 8 == 0 or step == 39:
            print(f"step {step:2d} loss {loss.item():.5f}")

    model.eval()
    src, tgt = make_batch(3, 5)
    with torch.no_grad():
        logits = model(src, tgt[:, :-1])
        print("teacher-forced accuracy", round((logits.argmax(-1) == tgt[:, 1:])[tgt[:, 1:] != PAD].float().mean().item(), 4))
        for row in range(3):
            single = src[row:row + 1]
            memory = model.encode(single)
            out = torch.tensor([[BOS]])
            scores = []
            for _ in range(6):
                step_logits = model.decode_step(memory, single, out)
                next_token = step_logits.argmax(-1, keepdim=True)
                scores.append(round(step_logits.log_softmax(-1).max().item(), 4))
                out = torch.cat([out, next_token], dim=1)
                if next_token.item() == EOS:
                    break
            print("source", single[0].tolist(), "greedy", out[0].tolist(), "scores", scores)
        print("memory", tuple(memory.shape), round(memory.std().item(), 5))
