"""Reshaping an image batch into tiles and back the way augmentation code does (float32): tensor_split by
sections and by indices, hsplit / vsplit / dsplit, uneven chunk, narrow, unbind, tile, rot90 with negative k,
flip, roll over two dims, movedim, unflatten, F.pad with negative pads (cropping) in every mode, and a tiny
convolutional model trained on the reassembled tiles; each view's shape, grad_fn node and gradient sums."""
import torch
import torch.nn.functional as F


def summary(label, outs, x):
    outs = outs if isinstance(outs, (tuple, list)) else [outs]
    total = sum((o * torch.arange(o.numel(), dtype=o.dtype).reshape(o.shape)).sum() for o in outs)
    (g,) = torch.autograd.grad(total, x)
    print(label, [tuple(o.shape) for o in outs], [o.grad_fn.name() for o in outs][:3],
          f"{float(sum(o.sum() for o in outs)):.4f}", f"{g.sum().item():.4f}", [round(v, 4) for v in g.reshape(-1)[:6].tolist()])


def main():
    torch.manual_seed(0)
    x = torch.randn(2, 3, 6, 5, requires_grad=True)
    summary("tensor_split n", torch.tensor_split(x, 4, dim=3), x)
    summary("tensor_split idx", torch.tensor_split(x, [1, 4], dim=2), x)
    summary("tensor_split t", x.tensor_split(torch.tensor([2]), dim=1), x)
    summary("hsplit", torch.hsplit(x, [2]), x)
    summary("vsplit", torch.vsplit(x, 2), x)
    summary("dsplit", torch.dsplit(x, [1, 3]), x)
    summary("chunk", x.chunk(4, dim=2), x)
    summary("narrow", x.narrow(3, 1, 3), x)
    summary("narrow neg", torch.narrow(x, -2, -4, 2), x)
    summary("unbind", x.unbind(1), x)
    summary("tile", x[:, :1, :2, :2].tile((1, 2, 1, 3)), x)
    summary("tile short", torch.tile(x[0, 0, 0], (2,)), x)
    summary("rot90", torch.rot90(x, 1, (2, 3)), x)
    summary("rot90 neg", torch.rot90(x, -1, (2, 3)), x)
    summary("rot90 k2", x.rot90(2, [3, 2]), x)
    summary("flip", x.flip(1, 3), x)
    summary("fliplr", torch.fliplr(x[0, 0]), x)
    summary("roll", torch.roll(x, shifts=(1, -2), dims=(2, 3)), x)
    summary("roll flat", torch.roll(x, 7), x)
    summary("movedim", torch.movedim(x, (1, 3), (3, 0)), x)
    summary("unflatten", x.flatten(2).unflatten(2, (3, -1)), x)
    for mode in ["constant", "reflect", "replicate", "circular"]:
        summary(f"pad {mode}", F.pad(x, (1, -1, -2, 2), mode=mode), x)
    summary("pad crop", F.pad(x, (-1, -1, -1, -1)), x)
    summary("pad 3d", F.pad(x, (0, 1, 1, 0, -1, 2), value=0.5), x)

    # split every image into 2x2 tiles, augment each tile (rot90 / flip), reassemble and train a small CNN
    images = torch.randn(8, 1, 8, 8)
    labels = (images.mean(dim=(1, 2, 3)) > 0).long()
    model = torch.nn.Sequential(torch.nn.Conv2d(1, 4, 3, padding=1, padding_mode="circular"), torch.nn.ReLU(),
                                torch.nn.AdaptiveAvgPool2d(1), torch.nn.Flatten(), torch.nn.Linear(4, 2))
    opt = torch.optim.Adam(model.parameters(), lr=0.05)
    for step in range(5):
        rows = torch.tensor_split(images, 2, dim=2)
        tiles = [t for row in rows for t in torch.tensor_split(row, 2, dim=3)]
        tiles = [torch.rot90(t, k=i - 1, dims=(2, 3)) if i % 2 else t.flip(-1) for i, t in enumerate(tiles)]
        top, bottom = torch.cat(tiles[:2], dim=3), torch.cat(tiles[2:], dim=3)
        batch = F.pad(torch.cat([top, bottom], dim=2), (1, 1, 1, 1), mode="reflect")
        logits = model(batch)
        loss = F.cross_entropy(logits, labels)
        opt.zero_grad()
        loss.backward()
        opt.step()
        print("tiles", step, tuple(batch.shape), f"{loss.item():.6f}", f"{model[0].weight.grad.abs().sum().item():.6f}")
    print("conv", [round(v, 5) for v in model[0].weight.detach().reshape(-1)[:6].tolist()])


main()
