"""A tiny vision transformer written the way lucidrains' vit-pytorch writes it, with einops throughout:
patches cut by the `Rearrange` layer, a class token added with `repeat`, multi-head attention split and merged
with `rearrange`, scores by `einsum`, mean pooling by `reduce`, the heads mixed by an `EinMix` layer, a
`Reduce` layer pooling, `pack`/`unpack` around the class token and `parse_shape`. Trained a few AdamW steps on
random images; float32, every random number from torch.manual_seed.
"""
import torch
import torch.nn as nn
import torch.nn.functional as F
from einops import einsum, pack, parse_shape, rearrange, reduce, repeat, unpack
from einops.layers.torch import EinMix, Rearrange, Reduce


class Attention(nn.Module):
    def __init__(self, dim, heads=2, dim_head=4):
        super().__init__()
        self.heads, self.scale = heads, dim_head ** -0.5
        self.norm = nn.LayerNorm(dim)
        self.to_qkv = nn.Linear(dim, heads * dim_head * 3, bias=False)
        self.to_out = nn.Linear(heads * dim_head, dim)

    def forward(self, x):
        q, k, v = self.to_qkv(self.norm(x)).chunk(3, dim=-1)
        q, k, v = (rearrange(t, "b n (h d) -> b h n d", h=self.heads) for t in (q, k, v))
        dots = einsum(q, k, "b h i d, b h j d -> b h i j") * self.scale
        attn = dots.softmax(dim=-1)
        out = einsum(attn, v, "b h i j, b h j d -> b h i d")
        return self.to_out(rearrange(out, "b h n d -> b n (h d)"))


class ViT(nn.Module):
    def __init__(self, image=8, patch=4, channels=3, dim=12, classes=5):
        super().__init__()
        self.to_patches = nn.Sequential(
            Rearrange("b c (h p1) (w p2) -> b (h w) (p1 p2 c)", p1=patch, p2=patch),
            nn.Linear(patch * patch * channels, dim))
        self.cls = nn.Parameter(torch.randn(dim) * 0.1)
        self.pos = nn.Parameter(torch.randn(1 + (image // patch) ** 2, dim) * 0.1)
        self.attn = Attention(dim)
        self.mix = EinMix("b n d -> b n e", weight_shape="d e", bias_shape="e", d=dim, e=dim)
        self.pool = Reduce("b n d -> b d", "mean")
        self.head = nn.Linear(dim, classes)

    def forward(self, img):
        x = self.to_patches(img)
        cls = repeat(self.cls, "d -> b d", b=x.shape[0])
        x, ps = pack([cls, x], "b * d")
        x = x + self.pos
        x = x + self.attn(x)
        x = x + F.gelu(self.mix(x))
        cls, patches = unpack(x, ps, "b * d")
        pooled = self.pool(patches)
        return self.head(cls + pooled), patches


def main():
    torch.manual_seed(0)
    model = ViT()
    images = torch.randn(6, 3, 8, 8)
    labels = torch.randint(0, 5, (6,))
    print("shape", parse_shape(images, "b c h w"))
    print("patch", model.to_patches[0])
    opt = torch.optim.AdamW(model.parameters(), lr=0.01)
    for step in range(4):
        logits, patches = model(images)
        loss = F.cross_entropy(logits, labels)
        opt.zero_grad()
        loss.backward()
        opt.step()
        print(f"step {step} loss {loss.item():.6f} patches {tuple(patches.shape)}")
    print("cls grad", model.cls.grad[:4])
    print("mix grad", reduce(model.mix.weight.grad, "d e -> e", "sum")[:4])
    x = torch.arange(24.0).reshape(2, 3, 4).requires_grad_()
    y = reduce(x, "b (c1 c2) d -> b d", "max", c1=1) + reduce(x, "b c d -> b c", "min").sum(-1, keepdim=True)
    y = y * reduce(x, "b c d -> d", "prod")[:4] * 0.001
    y.sum().backward()
    print("reductions", y)
    print("grad", x.grad[0])
    with torch.no_grad():
        logits, _ = model(images)
    print("pred", logits.argmax(-1))
    print("images", rearrange(images[0, :, :2, :2], "c h w -> (h w) c"))
