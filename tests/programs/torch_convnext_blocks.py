"""ConvNeXt building blocks as the reference implementation writes them, written for PyTorch; tests run it as is and
with only its imports changed, and compare what both print. A channels-first LayerNorm written by hand (mean and
biased variance over dim 1, affine per channel) checked against F.layer_norm on permuted input, the ConvNeXt block
(7x7 depthwise conv, permute to channels-last, nn.LayerNorm, a 4x inverted-bottleneck MLP of nn.Linear + GELU, a
learnable layer-scale vector, stochastic depth written as drop_path with a per-sample mask, the identity in eval),
a stem by a patchify conv, downsampling by LayerNorm + strided conv, global average pooling and a head; trained for
a few AdamW steps with no weight decay on norms, biases and layer scales, with the stochastic-depth masks drawn by a
seeded NumPy generator and passed in. Float32, weights and data from NumPy.
"""
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


def drop_path(x, drop_prob, training, keep_mask=None):
    if drop_prob == 0.0 or not training:
        return x
    keep_prob = 1.0 - drop_prob
    shape = (x.shape[0],) + (1,) * (x.ndim - 1)
    mask = keep_mask.reshape(shape).to(x.dtype)
    return x.div(keep_prob) * mask


class LayerNorm2d(nn.Module):
    def __init__(self, channels, eps=1e-6):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(channels))
        self.bias = nn.Parameter(torch.zeros(channels))
        self.eps = eps

    def forward(self, x):
        u = x.mean(1, keepdim=True)
        s = (x - u).pow(2).mean(1, keepdim=True)
        x = (x - u) / torch.sqrt(s + self.eps)
        return self.weight[:, None, None] * x + self.bias[:, None, None]


class Block(nn.Module):
    def __init__(self, dim, drop_path=0.0, layer_scale_init_value=1e-6):
        super().__init__()
        self.dwconv = nn.Conv2d(dim, dim, kernel_size=7, padding=3, groups=dim)
        self.norm = nn.LayerNorm(dim, eps=1e-6)
        self.pwconv1 = nn.Linear(dim, 4 * dim)
        self.act = nn.GELU()
        self.pwconv2 = nn.Linear(4 * dim, dim)
        self.gamma = nn.Parameter(layer_scale_init_value * torch.ones(dim))
        self.drop_prob = drop_path

    def forward(self, x, keep_mask=None):
        shortcut = x
        x = self.dwconv(x)
        x = x.permute(0, 2, 3, 1)
        x = self.norm(x)
        x = self.pwconv2(self.act(self.pwconv1(x)))
        x = self.gamma * x
        x = x.permute(0, 3, 1, 2)
        return shortcut + drop_path(x, self.drop_prob, self.training, keep_mask)


class TinyConvNeXt(nn.Module):
    def __init__(self, in_chans=3, num_classes=4, dims=(8, 16), drop_path_rate=0.2):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(in_chans, dims[0], kernel_size=2, stride=2), LayerNorm2d(dims[0]))
        self.down = nn.Sequential(LayerNorm2d(dims[0]), nn.Conv2d(dims[0], dims[1], kernel_size=2, stride=2))
        rates = [r.item() for r in torch.linspace(0, drop_path_rate, 3)]
        self.stage1 = nn.ModuleList([Block(dims[0], rates[0], 0.5), Block(dims[0], rates[1], 0.5)])
        self.stage2 = nn.ModuleList([Block(dims[1], rates[2], 0.5)])
        self.norm = nn.LayerNorm(dims[-1], eps=1e-6)
        self.head = nn.Linear(dims[-1], num_classes)

    def forward(self, x, masks=None):
        masks = masks if masks is not None else [None] * 3
        x = self.stem(x)
        for blk, m in zip(self.stage1, masks[:2]):
            x = blk(x, m)
        x = self.down(x)
        x = self.stage2[0](x, masks[2])
        return self.head(self.norm(x.mean([-2, -1])))


def main():
    rng = np.random.default_rng(13)
    torch.manual_seed(0)
    model = TinyConvNeXt()
    model.load_state_dict({k: torch.from_numpy(rng.normal(0, 0.3, tuple(v.shape)).astype(np.float32))
                           if not k.endswith("gamma") else v for k, v in model.state_dict().items()})
    print("drop rates:", [round(b.drop_prob, 4) for b in list(model.stage1) + list(model.stage2)])
    print("params:", sum(p.numel() for p in model.parameters()))

    x = torch.from_numpy(rng.standard_normal((6, 3, 16, 16)).astype(np.float32))
    y = torch.from_numpy(rng.integers(0, 4, 6))

    ln2d = model.stem[1]
    z = model.stem[0](x)
    by_hand = ln2d(z)
    by_f = F.layer_norm(z.permute(0, 2, 3, 1), (8,), ln2d.weight, ln2d.bias, 1e-6).permute(0, 3, 1, 2)
    print("LayerNorm2d vs F.layer_norm:", torch.allclose(by_hand, by_f, atol=1e-5), tuple(by_hand.shape))
    print("stem out[0,:3,0,0]:", [round(v, 4) for v in by_hand[0, :3, 0, 0].tolist()])

    blk = model.stage1[1]
    blk.train()
    keep = torch.tensor([1.0, 0.0, 1.0, 1.0, 0.0, 1.0])
    out_train = blk(z, keep)
    print("dropped samples equal input:", torch.equal(out_train[1], z[1]), torch.equal(out_train[4], z[4]))
    print("kept sample scaled by 1/keep:", round((out_train[0] - z[0]).abs().sum().item(), 4))
    blk.eval()
    out_eval = blk(z, keep)
    print("eval residual:", round((out_eval[0] - z[0]).abs().sum().item(), 4))

    model.eval()
    with torch.no_grad():
        logits = model(x)
    print("eval logits:", torch.round(logits[:2], decimals=4).tolist())

    decay, no_decay = [], []
    for p in model.parameters():
        (no_decay if p.ndim <= 1 else decay).append(p)
    print("groups:", len(decay), len(no_decay))
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": 0.05},
                             {"params": no_decay, "weight_decay": 0.0}], lr=3e-3, betas=(0.9, 0.999))
    model.train()
    for step in range(6):
        masks = [torch.from_numpy((rng.random(6) > r).astype(np.float32)) for r in (0.0, 0.1, 0.2)]
        opt.zero_grad()
        loss = F.cross_entropy(model(x, masks), y, label_smoothing=0.1)
        loss.backward()
        gnorm = torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        print(f"step {step}: loss {loss.item():.5f} grad-norm {gnorm.item():.4f}")
    print("gamma after:", [round(v, 5) for v in model.stage2[0].gamma[:4].tolist()])
    model.eval()
    with torch.no_grad():
        pred = model(x).argmax(1)
    print("eval predictions:", pred.tolist(), "labels:", y.tolist())
