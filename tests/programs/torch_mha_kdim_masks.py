"""Cross-attention between a text query and an audio memory with nn.MultiheadAttention as retrieval code uses it:
different key and value widths (kdim, vdim), batch_first, a boolean key_padding_mask and a float one, a 2-D and a
per-head 3-D attn_mask, add_bias_kv and add_zero_attn, per-head weights (average_attn_weights=False) and averaged
ones, need_weights=False, and a few training steps of a pooled classifier on top. Float32, seeded by
torch.manual_seed alone (default initialisation of every projection).
"""
import torch
import torch.nn as nn


class Retriever(nn.Module):
    def __init__(self, dim=8, heads=2, kdim=6, vdim=5, classes=3):
        super().__init__()
        self.attn = nn.MultiheadAttention(dim, heads, kdim=kdim, vdim=vdim, batch_first=True)
        self.head = nn.Linear(dim, classes)

    def forward(self, query, key, value, pad):
        out, weights = self.attn(query, key, value, key_padding_mask=pad)
        return self.head(out.mean(dim=1)), weights


def main():
    torch.manual_seed(17)
    batch, tgt, src = 3, 4, 6
    query = torch.randn(batch, tgt, 8)
    key = torch.randn(batch, src, 6)
    value = torch.randn(batch, src, 5)
    lengths = torch.tensor([6, 4, 2])
    pad = torch.arange(src)[None, :] >= lengths[:, None]
    print("pad mask", pad.int().tolist())

    model = Retriever()
    names = [(name, tuple(p.shape)) for name, p in model.attn.named_parameters()]
    print("parameters", names)
    print("in_proj_weight is None:", model.attn.in_proj_weight is None, "bias", tuple(model.attn.in_proj_bias.shape))

    logits, weights = model(query, key, value, pad)
    print("averaged weights", tuple(weights.shape), [round(v, 5) for v in weights[1, 0].tolist()])
    print("rows sum to one", [round(v, 5) for v in weights.sum(-1)[:, 0].tolist()])

    out, per_head = model.attn(query, key, value, key_padding_mask=pad, average_attn_weights=False)
    print("per-head weights", tuple(per_head.shape), [round(v, 5) for v in per_head[2, 1, 3].tolist()])
    print("mean of heads equals average:", torch.allclose(per_head.mean(1), weights, atol=1e-6))
    out_none, w_none = model.attn(query, key, value, key_padding_mask=pad, need_weights=False)
    print("need_weights=False", w_none, round((out_none - out).abs().max().item(), 6))

    # a float padding mask adds -inf (or any bias) to the scores
    float_pad = torch.zeros(batch, src).masked_fill(pad, float("-inf"))
    out_f, _ = model.attn(query, key, value, key_padding_mask=float_pad)
    print("float mask agrees:", round((out_f - out).abs().max().item(), 6))

    # a 2-D attention mask shared by the batch, and a 3-D one per (batch, head)
    band = torch.ones(tgt, src, dtype=torch.bool).triu(3)
    out2, w2 = model.attn(query, key, value, attn_mask=band, key_padding_mask=pad)
    print("band mask", [round(v, 5) for v in w2[0, 0].tolist()], round(out2.sum().item(), 4))
    per_head_bias = torch.randn(batch * 2, tgt, src)
    out3, w3 = model.attn(query, key, value, attn_mask=per_head_bias, average_attn_weights=False)
    print("3-D float mask", tuple(w3.shape), [round(v, 5) for v in w3[1, 1, 2].tolist()])

    # extra learned key/value and a zero attention slot
    extra = nn.MultiheadAttention(8, 4, add_bias_kv=True, add_zero_attn=True, dropout=0.0)
    print("bias_k", tuple(extra.bias_k.shape), "bias_v", tuple(extra.bias_v.shape))
    seq_q = torch.randn(tgt, batch, 8)
    seq_kv = torch.randn(src, batch, 8)
    out4, w4 = extra(seq_q, seq_kv, seq_kv, key_padding_mask=pad)
    print("bias_kv + zero_attn", tuple(out4.shape), tuple(w4.shape), [round(v, 5) for v in w4[2, 0].tolist()])
    self_out, self_w = extra(seq_q, seq_q, seq_q, attn_mask=nn.Transformer.generate_square_subsequent_mask(tgt),
                             is_causal=False)
    print("causal self-attention", [round(v, 5) for v in self_w[0, 1].tolist()], round(self_out.std().item(), 5))

    labels = torch.tensor([0, 2, 1])
    optimizer = torch.optim.AdamW(model.parameters(), lr=0.02, weight_decay=0.05)
    loss_fn = nn.CrossEntropyLoss(label_smoothing=0.1)
    for step in range(6):
        optimizer.zero_grad()
        logits, _ = model(query, key, value, pad)
        loss = loss_fn(logits, labels)
        loss.backward()
        grad_norm = torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        print(f"step {step} loss {loss.item():.5f} grad norm {grad_norm.item():.5f}")
    print("k_proj grad", [round(v, 5) for v in model.attn.k_proj_weight.grad[0, :4].tolist()])
    print("final predictions", logits.argmax(1).tolist())
