"""A GRU encoder-decoder for reversing variable-length digit sequences, as in the seq2seq tutorials: the padded
batch goes through nn.utils.rnn.pack_padded_sequence(enforce_sorted=False), the encoder's packed output comes
back through pad_packed_sequence (with total_length), the decoder runs step by step with teacher forcing on a
fixed schedule, the loss ignores padding through ignore_index, and greedy decoding follows. Float64 (model.double());
torch.manual_seed drives every random number.
"""
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

PAD, SOS, VOCAB, HID = 0, 1, 8, 12


class Encoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.emb = nn.Embedding(VOCAB, 6, padding_idx=PAD)
        self.gru = nn.GRU(6, HID, batch_first=True, bidirectional=True)
        self.bridge = nn.Linear(2 * HID, HID)

    def forward(self, src, lengths):
        packed = pack_padded_sequence(self.emb(src), lengths, batch_first=True, enforce_sorted=False)
        out, h = self.gru(packed)
        out, out_lengths = pad_packed_sequence(out, batch_first=True, total_length=src.shape[1])
        return out, out_lengths, torch.tanh(self.bridge(torch.cat([h[0], h[1]], dim=1)))


class Decoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.emb = nn.Embedding(VOCAB, 6)
        self.cell = nn.GRUCell(6, HID)
        self.out = nn.Linear(HID, VOCAB)

    def forward(self, tok, h):
        h = self.cell(self.emb(tok), h)
        return self.out(h), h


def make_batch(g):
    lengths = torch.randint(2, 7, (6,), generator=g)
    src = torch.zeros(6, 6, dtype=torch.long)
    tgt = torch.zeros(6, 6, dtype=torch.long)
    for i, n in enumerate(lengths.tolist()):
        seq = torch.randint(2, VOCAB, (n,), generator=g)
        src[i, :n] = seq
        tgt[i, :n] = seq.flip(0)
    return src, tgt, lengths


def main():
    torch.manual_seed(11)
    enc, dec = Encoder().double(), Decoder().double()
    g = torch.Generator().manual_seed(2)
    src, tgt, lengths = make_batch(g)
    print("lengths:", lengths.tolist(), "src row0:", src[0].tolist(), "tgt row0:", tgt[0].tolist())
    packed = pack_padded_sequence(src, lengths, batch_first=True, enforce_sorted=False)
    print("batch_sizes:", packed.batch_sizes.tolist(), "sorted:", packed.sorted_indices.tolist())
    print("unsorted:", packed.unsorted_indices.tolist(), "data:", packed.data.shape)
    out, out_len, h = enc(src, lengths)
    print("encoder out:", tuple(out.shape), "lengths back:", out_len.tolist(), "h:", tuple(h.shape))
    print("padding is zero:", bool((out[lengths.argmin(), lengths.min():] == 0).all()), "out sum:", round(out.sum().item(), 8))
    params = list(enc.parameters()) + list(dec.parameters())
    opt = torch.optim.Adam(params, lr=0.02)
    for step in range(12):
        if step % 3 == 0:
            src, tgt, lengths = make_batch(g)
        opt.zero_grad()
        _, _, h = enc(src, lengths)
        tok = torch.full((6,), SOS, dtype=torch.long)
        loss = 0.0
        for t in range(tgt.shape[1]):
            logits, h = dec(tok, h)
            loss = loss + F.cross_entropy(logits, tgt[:, t], ignore_index=PAD, reduction="sum")
            teacher = step % 2 == 0
            tok = tgt[:, t] if teacher else logits.argmax(1)
        loss = loss / (tgt != PAD).sum()
        loss.backward()
        norm = nn.utils.clip_grad_norm_(params, 5.0)
        opt.step()
        if step % 2 == 1 or step == 0:
            print(f"step {step}: loss {loss.item():.8f} grad norm {norm.item():.8f}")
    with torch.no_grad():
        _, _, h = enc(src, lengths)
        tok = torch.full((6,), SOS, dtype=torch.long)
        decoded = []
        for t in range(6):
            logits, h = dec(tok, h)
            tok = logits.argmax(1)
            decoded.append(tok)
        decoded = torch.stack(decoded, 1)
    print("decoded row0:", decoded[0].tolist(), "target:", tgt[0].tolist())
    print("token accuracy:", round(((decoded == tgt) & (tgt != PAD)).sum().item() / (tgt != PAD).sum().item(), 6))
    print("emb pad row zero:", enc.emb.weight[PAD].abs().sum().item(), "gru w_ih_l0_reverse:", tuple(enc.gru.weight_ih_l0_reverse.shape))
