"""A tiny Vision Transformer with timm's / the ViT paper's initialisation, seeded by torch.manual_seed(0):
nn.init.trunc_normal_(std=.02) on the position embedding, the class token and every Linear (biases zeroed),
LayerNorm reset to ones / zeros through self.apply(self._init_weights), a Conv2d patch embedding left at its
default init, pre-norm blocks whose attention is written out (qkv Linear, softmax, nn.Dropout on the attention
weights) with a GELU MLP and dropout, trained in train mode on torch.randn "images" whose class is a patch-level
pattern, with AdamW and a cosine schedule. Float32; every random number comes from torch.manual_seed
(the attention is not F.scaled_dot_product_attention, whose dropout mask PyTorch draws in its own order).
"""
import torch
import torch.nn as nn
import torch.nn.functional as F


class Attention(nn.Module):
    def __init__(self, dim, num_heads, attn_drop=0.1, proj_drop=0.1):
        super().__init__()
        self.num_heads = num_heads
        self.scale = (dim // num_heads) ** -0.5
        self.qkv = nn.Linear(dim, dim * 3)
        self.attn_drop = nn.Dropout(attn_drop)
        self.proj = nn.Linear(dim, dim)
        self.proj_drop = nn.Dropout(proj_drop)

    def forward(self, x):
        B, N, C = x.shape
        qkv = self.qkv(x).reshape(B, N, 3, self.num_heads, C // self.num_heads).permute(2, 0, 3, 1, 4)
        q, k, v = qkv.unbind(0)
        attn = (q @ k.transpose(-2, -1)) * self.scale
        attn = attn.softmax(dim=-1)
        attn = self.attn_drop(attn)
        x = (attn @ v).transpose(1, 2).reshape(B, N, C)
        return self.proj_drop(self.proj(x))


class Block(nn.Module):
    def __init__(self, dim, num_heads, mlp_ratio=2.0, drop=0.1):
        super().__init__()
        self.norm1 = nn.LayerNorm(dim)
        self.attn = Attention(dim, num_heads)
        self.norm2 = nn.LayerNorm(dim)
        hidden = int(dim * mlp_ratio)
        self.mlp = nn.Sequential(nn.Linear(dim, hidden), nn.GELU(), nn.Dropout(drop), nn.Linear(hidden, dim),
                                 nn.Dropout(drop))

    def forward(self, x):
        x = x + self.attn(self.norm1(x))
        return x + self.mlp(self.norm2(x))


class VisionTransformer(nn.Module):
    def __init__(self, img_size=8, patch_size=4, in_chans=1, num_classes=3, embed_dim=16, depth=2, num_heads=2):
        super().__init__()
        self.patch_embed = nn.Conv2d(in_chans, embed_dim, kernel_size=patch_size, stride=patch_size)
        num_patches = (img_size // patch_size) ** 2
        self.cls_token = nn.Parameter(torch.zeros(1, 1, embed_dim))
        self.pos_embed = nn.Parameter(torch.zeros(1, num_patches + 1, embed_dim))
        self.pos_drop = nn.Dropout(p=0.1)
        self.blocks = nn.Sequential(*[Block(embed_dim, num_heads) for _ in range(depth)])
        self.norm = nn.LayerNorm(embed_dim)
        self.head = nn.Linear(embed_dim, num_classes)
        nn.init.trunc_normal_(self.pos_embed, std=.02)
        nn.init.trunc_normal_(self.cls_token, std=.02)
        self.apply(self._init_weights)

    def _init_weights(self, m):
        if isinstance(m, nn.Linear):
            nn.init.trunc_normal_(m.weight, std=.02)
            if m.bias is not None:
                nn.init.constant_(m.bias, 0)
        elif isinstance(m, nn.LayerNorm):
            nn.init.constant_(m.bias, 0)
            nn.init.constant_(m.weight, 1.0)

    def forward(self, x):
        x = self.patch_embed(x).flatten(2).transpose(1, 2)
        cls_token = self.cls_token.expand(x.shape[0], -1, -1)
        x = torch.cat((cls_token, x), dim=1)
        x = self.pos_drop(x + self.pos_embed)
        x = self.norm(self.blocks(x))
        return self.head(x[:, 0])


def main():
    torch.manual_seed(0)
    model = VisionTransformer()
    print("parameters:", sum(p.numel() for p in model.parameters()))
    print("cls token:", [round(v, 5) for v in model.cls_token.flatten()[:6].tolist()])
    print("pos embed row 1:", [round(v, 5) for v in model.pos_embed[0, 1, :6].tolist()])
    print("qkv weight:", [round(v, 5) for v in model.blocks[0].attn.qkv.weight[0, :6].tolist()])
    print("patch conv (default init):", [round(v, 5) for v in model.patch_embed.weight.flatten()[:6].tolist()])

    n = 96
    labels = torch.randint(0, 3, (n,))
    images = 0.5 * torch.randn(n, 1, 8, 8)
    images[labels == 0, :, :4, :4] += 1.0       # class 0: the top-left patch is bright
    images[labels == 1, :, 4:, 4:] += 1.0       # class 1: the bottom-right one
    optimizer = torch.optim.AdamW(model.parameters(), lr=3e-3, weight_decay=0.05)
    scheduler = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=6)
    for epoch in range(6):
        model.train()
        perm = torch.randperm(n)
        total = 0.0
        for i in range(0, n, 32):
            idx = perm[i:i + 32]
            loss = F.cross_entropy(model(images[idx]), labels[idx], label_smoothing=0.1)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            total += loss.item()
        scheduler.step()
        model.eval()
        with torch.no_grad():
            acc = (model(images).argmax(-1) == labels).float().mean().item()
        print(f"epoch {epoch}: loss {total / 3:.4f} acc {acc:.4f} lr {scheduler.get_last_lr()[0]:.6f}")
    with torch.no_grad():
        print(F.softmax(model(images[:3]), dim=-1))
