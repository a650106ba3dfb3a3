"""Cross-modal attention in float32, written for PyTorch; tests run it as is and with only its imports changed, and
compare what both print. Text queries attend over image-region features of another width through
nn.MultiheadAttention(kdim=, vdim=) with add_bias_kv and add_zero_attn, a bool key_padding_mask for the padded
regions, per-head weights (average_attn_weights=False) beside the averaged ones, a float additive attn_mask, the
sequence-first layout (batch_first=False) next to batch_first=True, and a standalone nn.TransformerDecoderLayer
(norm_first, gelu) with memory_key_padding_mask; trained with a contrastive retrieval loss. Weights copied from a
seeded NumPy generator, cast with .float().
"""
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.optim as optim


class CrossModal(nn.Module):
    def __init__(self, d_text=8, d_img=6, d_val=5, heads=2):
        super().__init__()
        self.attn = nn.MultiheadAttention(d_text, heads, kdim=d_img, vdim=d_val, add_bias_kv=True,
                                          add_zero_attn=True)
        self.value_proj = nn.Linear(d_img, d_val)
        self.decoder = nn.TransformerDecoderLayer(d_text, heads, dim_feedforward=16, dropout=0.0,
                                                  activation="gelu", norm_first=True)
        self.img_to_text = nn.Linear(d_img, d_text)
        self.out = nn.Linear(d_text, 4)

    def forward(self, text, regions, region_pad):
        # text (T, B, d_text), regions (R, B, d_img): PyTorch's default sequence-first layout
        attended, weights = self.attn(text, regions, self.value_proj(regions), key_padding_mask=region_pad)
        memory = self.img_to_text(regions)
        fused = self.decoder(text + attended, memory, memory_key_padding_mask=region_pad)
        return self.out(fused.mean(0)), weights


def main():
    rng = np.random.default_rng(91)
    T, R, B = 5, 7, 6
    model = CrossModal()
    with torch.no_grad():
        for p in model.parameters():
            p.copy_(torch.from_numpy(0.4 * rng.standard_normal(tuple(p.shape))).float())
    names = [n for n, _ in model.attn.named_parameters()]
    print("attn params", names)
    print("bias_k", tuple(model.attn.bias_k.shape), "k_proj", tuple(model.attn.k_proj_weight.shape),
          "v_proj", tuple(model.attn.v_proj_weight.shape), model.attn._qkv_same_embed_dim)
    text = torch.from_numpy(rng.standard_normal((T, B, 8))).float()
    regions = torch.from_numpy(rng.standard_normal((R, B, 6))).float()
    lengths = torch.tensor([7, 6, 4, 7, 3, 5])
    region_pad = torch.arange(R)[None, :] >= lengths[:, None]
    print("pad mask", region_pad.sum(1).tolist())

    model.eval()
    with torch.no_grad():
        logits, w = model(text, regions, region_pad)
        print("eval logits", logits[:2])
        # keys are R regions + bias_k + the zero key
        print("avg weights", tuple(w.shape), w[0, 0], w.sum(-1)[0])
        _, per_head = model.attn(text, regions, model.value_proj(regions), key_padding_mask=region_pad,
                                 average_attn_weights=False)
        print("per-head", tuple(per_head.shape), per_head[1, :, 2])
        print("heads average to the mean", (per_head.mean(1) - w).abs().max().item() < 1e-6)
        bias = torch.from_numpy(-0.5 * np.abs(np.subtract.outer(np.arange(T), np.arange(R)))).float()
        biased, wb = model.attn(text, regions, model.value_proj(regions), attn_mask=bias, need_weights=True)
        print("float attn_mask", biased[0, 0], wb[2, 1, :4])

    bf = nn.MultiheadAttention(8, 4, batch_first=True, bias=False)
    with torch.no_grad():
        for p in bf.parameters():
            p.copy_(torch.from_numpy(0.5 * rng.standard_normal(tuple(p.shape))).float())
        x = text.transpose(0, 1)
        causal = torch.triu(torch.ones(T, T, dtype=torch.bool), diagonal=1)
        y, yw = bf(x, x, x, attn_mask=causal)
        print("batch_first self-attn", tuple(y.shape), y[0, -1], yw[3, -1])

    targets = torch.tensor([0, 1, 2, 3, 1, 0])
    opt = optim.AdamW(model.parameters(), lr=0.01, weight_decay=0.01)
    model.train()
    for step in range(8):
        logits, w = model(text, regions, region_pad)
        ce = F.cross_entropy(logits, targets)
        text_emb = F.normalize(text.mean(0), dim=1)
        img_emb = F.normalize(model.img_to_text(regions).mean(0), dim=1)
        sim = img_emb @ text_emb.t() / 0.5
        contrastive = 0.5 * (F.cross_entropy(sim, torch.arange(B)) + F.cross_entropy(sim.t(), torch.arange(B)))
        loss = ce + 0.1 * contrastive
        opt.zero_grad()
        loss.backward()
        opt.step()
        print(f"step {step} ce {ce.item():.5f} contrastive {contrastive.item():.5f} "
              f"grad bias_v {model.attn.bias_v.grad.norm().item():.5f}")
    print("final bias_k", model.attn.bias_k.flatten()[:4])
    print("padded keys get no weight", w[:, 4, 3:7].abs().max().item())


if __name__ == "__main__":
    main()
