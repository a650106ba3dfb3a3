"""Swin Transformer window attention as the reference implementation writes it, written for PyTorch; tests run it as
is and with only its imports changed, and compare what both print. window_partition / window_reverse by view,
permute and contiguous; the relative-position-bias table indexed by a buffer built from meshgrid(indexing="ij"),
flatten, broadcasting, permute and sum; cyclic shifts with torch.roll; the shifted-window attention mask built by
slicing an image of region ids, partitioned, compared pairwise and filled with masked_fill(-100.0); qkv by one
Linear reshaped into heads, scaled dot products plus bias plus mask, softmax, the projection; patch merging by
strided slicing and cat. A two-block stage (plain, then shifted) with a pre-norm MLP is trained for a few Adam
steps. Float32, weights and data from NumPy.
"""
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


def window_partition(x, ws):
    B, H, W, C = x.shape
    x = x.view(B, H // ws, ws, W // ws, ws, C)
    return x.permute(0, 1, 3, 2, 4, 5).contiguous().view(-1, ws, ws, C)


def window_reverse(windows, ws, H, W):
    B = int(windows.shape[0] / (H * W / ws / ws))
    x = windows.view(B, H // ws, W // ws, ws, ws, -1)
    return x.permute(0, 1, 3, 2, 4, 5).contiguous().view(B, H, W, -1)


class WindowAttention(nn.Module):
    def __init__(self, dim, ws, num_heads):
        super().__init__()
        self.ws, self.num_heads = ws, num_heads
        self.scale = (dim // num_heads) ** -0.5
        self.relative_position_bias_table = nn.Parameter(torch.zeros((2 * ws - 1) * (2 * ws - 1), num_heads))
        coords = torch.stack(torch.meshgrid([torch.arange(ws), torch.arange(ws)], indexing="ij"))
        coords_flatten = torch.flatten(coords, 1)
        rel = coords_flatten[:, :, None] - coords_flatten[:, None, :]
        rel = rel.permute(1, 2, 0).contiguous()
        rel[:, :, 0] += ws - 1
        rel[:, :, 1] += ws - 1
        rel[:, :, 0] *= 2 * ws - 1
        self.register_buffer("relative_position_index", rel.sum(-1))
        self.qkv = nn.Linear(dim, dim * 3)
        self.proj = nn.Linear(dim, dim)

    def forward(self, x, mask=None):
        B_, N, C = x.shape
        qkv = self.qkv(x).reshape(B_, N, 3, self.num_heads, C // self.num_heads).permute(2, 0, 3, 1, 4)
        q, k, v = qkv[0], qkv[1], qkv[2]
        attn = (q * self.scale) @ k.transpose(-2, -1)
        bias = self.relative_position_bias_table[self.relative_position_index.view(-1)].view(N, N, -1)
        attn = attn + bias.permute(2, 0, 1).contiguous().unsqueeze(0)
        if mask is not None:
            nW = mask.shape[0]
            attn = attn.view(B_ // nW, nW, self.num_heads, N, N) + mask.unsqueeze(1).unsqueeze(0)
            attn = attn.view(-1, self.num_heads, N, N)
        attn = attn.softmax(dim=-1)
        x = (attn @ v).transpose(1, 2).reshape(B_, N, C)
        return self.proj(x)


def shifted_window_mask(H, W, ws, shift):
    img_mask = torch.zeros((1, H, W, 1))
    cnt = 0
    for h in (slice(0, -ws), slice(-ws, -shift), slice(-shift, None)):
        for w in (slice(0, -ws), slice(-ws, -shift), slice(-shift, None)):
            img_mask[:, h, w, :] = cnt
            cnt += 1
    mask_windows = window_partition(img_mask, ws).view(-1, ws * ws)
    attn_mask = mask_windows.unsqueeze(1) - mask_windows.unsqueeze(2)
    return attn_mask.masked_fill(attn_mask != 0, float(-100.0)).masked_fill(attn_mask == 0, float(0.0))


class SwinBlock(nn.Module):
    def __init__(self, dim, H, W, ws, shift, heads):
        super().__init__()
        self.H, self.W, self.ws, self.shift = H, W, ws, shift
        self.norm1 = nn.LayerNorm(dim)
        self.attn = WindowAttention(dim, ws, heads)
        self.norm2 = nn.LayerNorm(dim)
        self.mlp = nn.Sequential(nn.Linear(dim, 2 * dim), nn.GELU(), nn.Linear(2 * dim, dim))
        self.register_buffer("attn_mask", shifted_window_mask(H, W, ws, shift) if shift else None)

    def forward(self, x):
        B, L, C = x.shape
        shortcut = x
        x = self.norm1(x).view(B, self.H, self.W, C)
        if self.shift:
            x = torch.roll(x, shifts=(-self.shift, -self.shift), dims=(1, 2))
        win = window_partition(x, self.ws).view(-1, self.ws * self.ws, C)
        win = self.attn(win, mask=self.attn_mask).view(-1, self.ws, self.ws, C)
        x = window_reverse(win, self.ws, self.H, self.W)
        if self.shift:
            x = torch.roll(x, shifts=(self.shift, self.shift), dims=(1, 2))
        x = shortcut + x.view(B, L, C)
        return x + self.mlp(self.norm2(x))


class PatchMerging(nn.Module):
    def __init__(self, H, W, dim):
        super().__init__()
        self.H, self.W = H, W
        self.norm = nn.LayerNorm(4 * dim)
        self.reduction = nn.Linear(4 * dim, 2 * dim, bias=False)

    def forward(self, x):
        B, L, C = x.shape
        x = x.view(B, self.H, self.W, C)
        x = torch.cat([x[:, 0::2, 0::2], x[:, 1::2, 0::2], x[:, 0::2, 1::2], x[:, 1::2, 1::2]], -1)
        return self.reduction(self.norm(x.view(B, -1, 4 * C)))


def main():
    rng = np.random.default_rng(5)
    H = W = 8
    ws, dim = 4, 8
    x_img = torch.from_numpy(rng.standard_normal((2, H, W, dim)).astype(np.float32))
    wins = window_partition(x_img, ws)
    print("windows:", tuple(wins.shape), "round trip:", torch.equal(window_reverse(wins, ws, H, W), x_img))

    mask = shifted_window_mask(H, W, ws, 2)
    print("mask:", tuple(mask.shape), "masked per window:", (mask == -100).sum((1, 2)).tolist())
    wa = WindowAttention(dim, ws, 2)
    idx = wa.relative_position_index
    print("rel index:", tuple(idx.shape), idx.dtype, idx[0, :6].tolist(), idx.max().item(),
          idx.diagonal().unique().tolist())

    stage = nn.Sequential(SwinBlock(dim, H, W, ws, 0, 2), SwinBlock(dim, H, W, ws, 2, 2), PatchMerging(H, W, dim))
    print("buffers:", [n for n, _ in stage.named_buffers()])
    stage.load_state_dict({k: torch.from_numpy(rng.normal(0, 0.3, tuple(v.shape)).astype(np.float32))
                           if "relative_position_index" not in k and "attn_mask" not in k else v
                           for k, v in stage.state_dict().items()})
    head = nn.Linear(2 * dim, 3)
    head.load_state_dict({k: torch.from_numpy(rng.normal(0, 0.3, tuple(v.shape)).astype(np.float32))
                          for k, v in head.state_dict().items()})
    tokens = x_img.view(2, H * W, dim)
    out = stage(tokens)
    print("stage out:", tuple(out.shape), round(out.sum().item(), 4), round(out.std().item(), 5))

    y = torch.tensor([0, 2])
    params = list(stage.parameters()) + list(head.parameters())
    opt = torch.optim.Adam(params, lr=1e-2)
    for step in range(5):
        opt.zero_grad()
        logits = head(stage(tokens).mean(1))
        loss = F.cross_entropy(logits, y)
        loss.backward()
        g = stage[1].attn.relative_position_bias_table.grad
        opt.step()
        print(f"step {step}: loss {loss.item():.5f} bias-table grad {g.abs().sum().item():.5f}")
    print("bias table row 0:", [round(v, 4) for v in stage[1].attn.relative_position_bias_table[0].tolist()])
    print("probs:", torch.round(F.softmax(head(stage(tokens).mean(1)), -1), decimals=4).tolist())
