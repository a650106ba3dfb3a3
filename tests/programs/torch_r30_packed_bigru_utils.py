"""Variable-length sequences through nn.utils.rnn end to end, in float32: pad_sequence with batch_first and
padding_side='left' / 'right' and a padding_value, pack_sequence(enforce_sorted=False) and its sorted_indices /
unsorted_indices / batch_sizes, pack_padded_sequence from lengths given as a list and as a tensor, a
bidirectional two-layer GRU over the packed batch, pad_packed_sequence(total_length=), unpad_sequence and
unpack_sequence back to the ragged list, the last forward and first backward states picked from h_n, and a
tagger trained four Adam steps with a masked loss.
"""
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.nn.utils.rnn import (pack_padded_sequence, pack_sequence, pad_packed_sequence, pad_sequence,
                                unpack_sequence, unpad_sequence)


class Tagger(nn.Module):
    def __init__(self, vocab=12, emb=5, hidden=6, tags=3):
        super().__init__()
        self.emb = nn.Embedding(vocab, emb, padding_idx=0)
        self.gru = nn.GRU(emb, hidden, num_layers=2, bidirectional=True, batch_first=True)
        self.out = nn.Linear(2 * hidden, tags)

    def forward(self, tokens, lengths):
        packed = pack_padded_sequence(self.emb(tokens), lengths, batch_first=True, enforce_sorted=False)
        out, h = self.gru(packed)
        padded, out_lengths = pad_packed_sequence(out, batch_first=True, total_length=tokens.shape[1])
        summary = torch.cat([h[-2], h[-1]], dim=1)
        return self.out(padded), out_lengths, summary, out


def main():
    torch.manual_seed(0)
    lengths = [3, 5, 2, 4]
    seqs = [torch.randint(1, 12, (n,)) for n in lengths]
    right = pad_sequence(seqs, batch_first=True)
    left = pad_sequence(seqs, batch_first=True, padding_side="left", padding_value=-1)
    print("right padded", right)
    print("left padded", left)
    print("time-major", tuple(pad_sequence(seqs).shape))

    feats = [torch.randn(n, 2) for n in lengths]
    packed = pack_sequence(feats, enforce_sorted=False)
    print("batch_sizes", packed.batch_sizes, "sorted", packed.sorted_indices, "unsorted", packed.unsorted_indices)
    print("packed data", tuple(packed.data.shape), packed.data[:4, 0])
    back = unpack_sequence(packed)
    print("unpack_sequence", [tuple(t.shape) for t in back], all(torch.equal(a, b) for a, b in zip(back, feats)))
    padded_feats = pad_sequence(feats, batch_first=True)
    again = unpad_sequence(padded_feats, torch.tensor(lengths), batch_first=True)
    print("unpad_sequence", [tuple(t.shape) for t in again], all(torch.equal(a, b) for a, b in zip(again, feats)))

    gru = nn.GRU(2, 3, bidirectional=True)
    h0 = torch.randn(2, 4, 3)
    out0, hn = gru(packed, h0)
    print("h0 follows the batch order", hn[1], torch.equal(hn, gru(packed, h0)[1]))
    last = pad_packed_sequence(out0)[0]
    print("last forward step equals h_n", torch.allclose(last[torch.tensor(lengths) - 1, torch.arange(4), :3], hn[0]),
          "first backward step", torch.allclose(last[0, :, 3:], hn[1]))

    model = Tagger()
    tokens = right
    tags = pad_sequence([torch.randint(0, 3, (n,)) for n in lengths], batch_first=True, padding_value=-100)
    logits, out_lengths, summary, out = model(tokens, torch.tensor(lengths))
    print("logits", tuple(logits.shape), "lengths", out_lengths, "summary", tuple(summary.shape))
    print("packed out sorted", out.sorted_indices, tuple(out.data.shape))
    print("padding rows zero", logits[2, 2:].sub(model.out.bias).abs().max().item())
    opt = torch.optim.Adam(model.parameters(), lr=0.02)
    for step in range(4):
        opt.zero_grad()
        logits, _, summary, _ = model(tokens, lengths)
        loss = F.cross_entropy(logits.reshape(-1, 3), tags.reshape(-1), ignore_index=-100)
        loss.backward()
        opt.step()
        print(f"step {step} loss {loss.item():.6f} gru grad {model.gru.weight_hh_l1_reverse.grad.norm().item():.6f} "
              f"emb pad grad {model.emb.weight.grad[0].abs().sum().item()}")
    print("summary", summary[:, :4])
    print("logits grad_fn", logits.grad_fn.name(), summary.grad_fn.name())
    with torch.no_grad():
        logits, _, _, _ = model(tokens, lengths)
    pred = logits.argmax(-1)
    mask = tags != -100
    print("predictions", pred.masked_fill(~mask, -1))
    print("accuracy", ((pred == tags) & mask).sum().item() / mask.sum().item())


if __name__ == "__main__":
    main()
