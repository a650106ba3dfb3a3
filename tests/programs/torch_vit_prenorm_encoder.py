"""A small Vision Transformer on the built-in encoder layer, float32 with torch.manual_seed: a Conv2d patch
embedding (kernel = stride = patch size) flattened and transposed to tokens, a learned class token expanded over
the batch and concatenated, learned position embeddings initialised with nn.init.trunc_normal_(std=0.02),
nn.TransformerEncoderLayer(norm_first=True, batch_first=True, activation="gelu", dropout=0) stacked by
nn.TransformerEncoder with a final LayerNorm, the class token's output to a head; AdamW with parameter groups (no
weight decay on biases, norms and embeddings) and a linear warmup through LambdaLR, gradient clipping; the
attention weights of the first layer's self_attn read back with need_weights and average_attn_weights=False, and
eval-mode outputs under torch.inference_mode.
"""
import torch
import torch.nn as nn
import torch.nn.functional as F


class ViT(nn.Module):
    def __init__(self, image_size=16, patch_size=4, dim=24, depth=2, heads=4, mlp_dim=48, num_classes=5):
        super().__init__()
        self.patch_size = patch_size
        self.conv_proj = nn.Conv2d(3, dim, kernel_size=patch_size, stride=patch_size)
        n = (image_size // patch_size) ** 2
        self.class_token = nn.Parameter(torch.zeros(1, 1, dim))
        self.pos_embedding = nn.Parameter(torch.empty(1, n + 1, dim))
        nn.init.trunc_normal_(self.pos_embedding, std=0.02)
        layer = nn.TransformerEncoderLayer(dim, heads, mlp_dim, dropout=0.0, activation="gelu", batch_first=True,
                                           norm_first=True)
        self.encoder = nn.TransformerEncoder(layer, depth, norm=nn.LayerNorm(dim), enable_nested_tensor=False)
        self.head = nn.Linear(dim, num_classes)
        nn.init.zeros_(self.head.weight)
        nn.init.zeros_(self.head.bias)

    def tokens(self, x):
        n = x.shape[0]
        x = self.conv_proj(x).flatten(2).transpose(1, 2)
        cls = self.class_token.expand(n, -1, -1)
        return torch.cat([cls, x], dim=1) + self.pos_embedding

    def forward(self, x):
        return self.head(self.encoder(self.tokens(x))[:, 0])


def param_groups(model, weight_decay):
    decay, no_decay = [], []
    for name, p in model.named_parameters():
        if p.ndim <= 1 or name.endswith(".bias") or "embedding" in name or "token" in name:
            no_decay.append(p)
        else:
            decay.append(p)
    return [{"params": decay, "weight_decay": weight_decay}, {"params": no_decay, "weight_decay": 0.0}]


def main():
    torch.manual_seed(2024)
    model = ViT()
    x = torch.randn(6, 3, 16, 16)
    y = torch.randint(0, 5, (6,))
    print("tokens", model.tokens(x).shape, "pos std", round(model.pos_embedding.std().item(), 3),
          "max |pos|", model.pos_embedding.abs().max().item() <= 0.04)
    layer0 = model.encoder.layers[0]
    print("norm_first", layer0.norm_first, layer0.self_attn.batch_first, layer0.linear1)
    groups = param_groups(model, 0.05)
    print("groups", [len(g["params"]) for g in groups], sum(p.numel() for p in model.parameters()))
    opt = torch.optim.AdamW(groups, lr=3e-3, betas=(0.9, 0.95))
    warmup = 3
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: min(1.0, (s + 1) / warmup))
    for step in range(5):
        model.train()
        opt.zero_grad(set_to_none=True)
        loss = F.cross_entropy(model(x), y)
        loss.backward()
        gn = nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        sched.step()
        print(f"step {step}: loss {loss.item():.5f} grad norm {gn.item():.5f} lr {opt.param_groups[0]['lr']:.5f}")
    print("cls token", model.class_token[0, 0, :5])
    with torch.no_grad():
        h = layer0.norm1(model.tokens(x[:2]))
        out, weights = layer0.self_attn(h, h, h, need_weights=True, average_attn_weights=False)
        _, avg = layer0.self_attn(h, h, h)
    print("per-head weights", weights.shape, weights[0, :, 0].sum(-1))
    print("cls attends", weights[0, 0, 0, :6])
    print("averaged equals mean", torch.allclose(avg, weights.mean(1), atol=1e-6), avg.shape)
    model.eval()
    with torch.inference_mode():
        logits = model(x)
    print("eval logits", logits[:2])
    print("predictions", logits.argmax(1).tolist(), "targets", y.tolist())
    print("final norm", model.encoder.norm.weight[:4])
