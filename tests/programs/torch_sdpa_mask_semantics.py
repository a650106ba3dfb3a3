"""F.scaled_dot_product_attention's mask semantics, written for PyTorch the way attention code checks a fused call
against the textbook formula; tests run it as is and with only its imports changed, and compare what both print.
A reference softmax(q k^T * scale + bias) v is compared with the fused call for: no mask, a bool mask (True =
attend) broadcast over heads and over the batch, a query row with no allowed key (zeros, where the formula gives
NaN), an additive float mask with -inf entries, is_causal with as many queries as keys and with fewer queries than
keys (PyTorch aligns the causal mask to the top left), a custom scale, grouped-query attention with
enable_gqa=True against repeat_interleave of the key / value heads, a padding mask built from sequence lengths,
and the gradients of q, k and v through the masked call. Float32, data from NumPy.
"""
import math

import numpy as np
import torch
import torch.nn.functional as F


def reference(q, k, v, bias=None, scale=None):
    scale = 1.0 / math.sqrt(q.shape[-1]) if scale is None else scale
    scores = q @ k.transpose(-2, -1) * scale
    if bias is not None:
        scores = scores + bias
    return torch.softmax(scores, dim=-1) @ v


def to_bias(bool_mask):
    return torch.zeros(bool_mask.shape).masked_fill(~bool_mask, float("-inf"))


def close(a, b):
    return torch.allclose(a, b, atol=1e-5, rtol=1e-4)


def main():
    rng = np.random.default_rng(41)
    B, Hh, L, S, E = 2, 4, 5, 5, 8
    q = torch.from_numpy(rng.standard_normal((B, Hh, L, E)).astype(np.float32))
    k = torch.from_numpy(rng.standard_normal((B, Hh, S, E)).astype(np.float32))
    v = torch.from_numpy(rng.standard_normal((B, Hh, S, E)).astype(np.float32))
    out = F.scaled_dot_product_attention(q, k, v)
    print("plain:", tuple(out.shape), close(out, reference(q, k, v)), round(out.sum().item(), 4))

    keep = torch.from_numpy(rng.random((L, S)) > 0.3)
    keep[:, 0] = True
    fused = F.scaled_dot_product_attention(q, k, v, attn_mask=keep)
    print("bool mask (L, S):", close(fused, reference(q, k, v, to_bias(keep))), int(keep.sum().item()))
    keep_b = torch.from_numpy(rng.random((B, 1, 1, S)) > 0.4)
    keep_b[..., -1] = True
    fused_b = F.scaled_dot_product_attention(q, k, v, attn_mask=keep_b)
    print("bool mask (B, 1, 1, S):", close(fused_b, reference(q, k, v, to_bias(keep_b))), keep_b.flatten().tolist())

    none_row = keep.clone()
    none_row[2] = False
    empty = F.scaled_dot_product_attention(q, k, v, attn_mask=none_row)
    print("query with no allowed key:", empty[:, :, 2].abs().max().item(), close(empty[:, :, 3], fused[:, :, 3]))

    bias = torch.from_numpy(rng.standard_normal((Hh, L, S)).astype(np.float32))
    bias[0, 1, 2:] = float("-inf")
    fused_f = F.scaled_dot_product_attention(q, k, v, attn_mask=bias)
    print("float mask:", close(fused_f, reference(q, k, v, bias)), round(fused_f[1, 0, 1, 0].item(), 5))

    causal = F.scaled_dot_product_attention(q, k, v, is_causal=True)
    tril = torch.ones(L, S, dtype=torch.bool).tril()
    print("causal square:", close(causal, reference(q, k, v, to_bias(tril))),
          "first query sees only key 0:", close(causal[..., 0, :], v[..., 0, :]))
    q3 = q[:, :, :3]
    causal_rect = F.scaled_dot_product_attention(q3, k, v, is_causal=True)
    top_left = torch.ones(3, S, dtype=torch.bool).tril(diagonal=0)
    bottom_right = torch.ones(3, S, dtype=torch.bool).tril(diagonal=S - 3)
    print("causal 3x5 top-left:", close(causal_rect, reference(q3, k, v, to_bias(top_left))),
          "bottom-right:", close(causal_rect, reference(q3, k, v, to_bias(bottom_right))))

    scaled = F.scaled_dot_product_attention(q, k, v, scale=0.05)
    print("scale=0.05:", close(scaled, reference(q, k, v, scale=0.05)),
          "flatter than default:", bool(scaled.std() < out.std()))

    kv_heads = 2
    k2 = torch.from_numpy(rng.standard_normal((B, kv_heads, S, E)).astype(np.float32))
    v2 = torch.from_numpy(rng.standard_normal((B, kv_heads, S, E)).astype(np.float32))
    gqa = F.scaled_dot_product_attention(q, k2, v2, enable_gqa=True, is_causal=True)
    rep = F.scaled_dot_product_attention(q, k2.repeat_interleave(Hh // kv_heads, dim=1),
                                         v2.repeat_interleave(Hh // kv_heads, dim=1), is_causal=True)
    print("gqa:", tuple(gqa.shape), close(gqa, rep), round(gqa[0, 3, 4, 0].item(), 5))

    lengths = torch.tensor([5, 3])
    pad = torch.arange(S)[None, :] < lengths[:, None]
    mask = pad[:, None, None, :]
    qg = q.clone().requires_grad_()
    kg = k.clone().requires_grad_()
    vg = v.clone().requires_grad_()
    o = F.scaled_dot_product_attention(qg, kg, vg, attn_mask=mask)
    w = torch.from_numpy(rng.standard_normal(o.shape).astype(np.float32))
    (o * w).sum().backward()
    print("padded keys get no grad:", kg.grad[1, :, 3:].abs().max().item(), vg.grad[1, :, 3:].abs().max().item())
    print("q grad:", [round(x, 4) for x in qg.grad[1, 2, 0, :4].tolist()])
    print("k grad:", [round(x, 4) for x in kg.grad[0, 1, 2, :4].tolist()])
    print("v grad:", [round(x, 4) for x in vg.grad[1, 0, 1, :4].tolist()])
    qr, kr, vr = (t.detach().clone().requires_grad_() for t in (q, k, v))
    (reference(qr, kr, vr, to_bias(mask)) * w).sum().backward()
    print("grads match reference:", close(qg.grad, qr.grad), close(kg.grad, kr.grad), close(vg.grad, vr.grad))
