"""An encoder-decoder built from nn.TransformerEncoderLayer / nn.TransformerDecoderLayer with dropout left on in
training (post-norm and pre-norm, relu and gelu, batch_first), wrapped in nn.TransformerEncoder /
nn.TransformerDecoder with a final LayerNorm, a causal mask from nn.Transformer.generate_square_subsequent_mask
and a key padding mask. Every dropout mask (attention weights, feed-forward, residual) comes from the global stream
seeded by torch.manual_seed alone, so training losses depend on PyTorch's exact order of draws inside each layer.
Float64.
"""
import torch
import torch.nn as nn
import torch.nn.functional as F


def main():
    torch.set_default_dtype(torch.float64)
    torch.manual_seed(11)
    d_model, nhead, vocab = 8, 2, 12
    enc_layer = nn.TransformerEncoderLayer(d_model, nhead, dim_feedforward=16, dropout=0.2, batch_first=True)
    dec_layer = nn.TransformerDecoderLayer(d_model, nhead, dim_feedforward=16, dropout=0.2, batch_first=True,
                                           activation="gelu", norm_first=True)
    encoder = nn.TransformerEncoder(enc_layer, num_layers=2, norm=nn.LayerNorm(d_model), enable_nested_tensor=False)
    decoder = nn.TransformerDecoder(dec_layer, num_layers=2, norm=nn.LayerNorm(d_model))
    src_embed = nn.Embedding(vocab, d_model)
    tgt_embed = nn.Embedding(vocab, d_model)
    out_proj = nn.Linear(d_model, vocab)
    params = [p for m in (encoder, decoder, src_embed, tgt_embed, out_proj) for p in m.parameters()]
    print("parameter tensors:", len(params), "total:", sum(p.numel() for p in params))
    print("encoder layer 1 in_proj row 0:", encoder.layers[1].self_attn.in_proj_weight[0])
    print("layers share init:", torch.equal(encoder.layers[0].linear1.weight, encoder.layers[1].linear1.weight))

    src = torch.randint(1, vocab, (3, 6))
    src[2, 4:] = 0
    tgt = torch.randint(1, vocab, (3, 5))
    pad = src == 0
    causal = nn.Transformer.generate_square_subsequent_mask(4)
    print("src:", src.tolist())
    print("causal mask row 1:", causal[1].tolist())

    def run(train):
        for m in (encoder, decoder):
            m.train(train)
        memory = encoder(src_embed(src), src_key_padding_mask=pad)
        dec = decoder(tgt_embed(tgt[:, :-1]), memory, tgt_mask=causal, tgt_is_causal=True,
                      memory_key_padding_mask=pad)
        return out_proj(dec), memory

    logits, memory = run(True)
    print("memory shape:", tuple(memory.shape), "logits shape:", tuple(logits.shape))
    print("train memory[0, 0]:", memory[0, 0])
    print("train logits[1, 2]:", logits[1, 2])
    with torch.no_grad():
        ev, _ = run(False)
        ev2, _ = run(False)
    print("eval repeatable:", torch.equal(ev, ev2))
    print("eval logits[1, 2]:", ev[1, 2])

    opt = torch.optim.AdamW(params, lr=0.01, weight_decay=0.01)
    for step in range(5):
        opt.zero_grad()
        logits, _ = run(True)
        loss = F.cross_entropy(logits.reshape(-1, vocab), tgt[:, 1:].reshape(-1), label_smoothing=0.1)
        loss.backward()
        opt.step()
        print(f"step {step}: loss {loss.item():.10f}")

    # a single encoder layer, functional path through its pieces: the attention weights with dropout
    torch.manual_seed(2)
    layer = nn.TransformerEncoderLayer(4, 2, dim_feedforward=8, dropout=0.5)
    x = torch.randn(3, 2, 4)
    attn_out, attn_w = layer.self_attn(x, x, x, need_weights=True, average_attn_weights=False)
    print("attn weights shape:", tuple(attn_w.shape))
    print("attn weights (dropped) head 0:", attn_w[0, 0])
    y = layer(x)
    print("layer out[0]:", y[0])
    mha = nn.MultiheadAttention(4, 1, dropout=0.4)
    o, w = mha(x, x, x)
    print("mha averaged weights[0]:", w[0])
    print("dropout on input:", F.dropout(x[0], p=0.3, training=True))
    print("global stream after:", torch.rand(3))
