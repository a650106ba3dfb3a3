"""One SGD training step of a classifier (softmax cross-entropy), built the same way for deepgrad
and for PyTorch: the mlp, cnn and large workloads differ only in the model and the data."""
from ..case import Side
from ..sides import load_deepgrad, load_torch


def training_step(opt, model, loss_fn, x, y):
    """A no-argument call that runs one training step of `model` on (x, y) with `opt` (either library)."""
    def step():
        opt.zero_grad()
        loss_fn(model(x), y).backward()
        opt.step()
    return step


def training_side(opt, model, loss_fn, x, y, sync):
    """A Side whose step is training_step (with the device's `sync`)."""
    return Side(step=training_step(opt, model, loss_fn, x, y), sync=sync)


def ours(device, build_model, data, lr):
    """deepgrad: `build_model(nn)` on `device`, trained by SGD(lr) on the NumPy arrays `data` = (x, y)."""
    ag, nn, F, sync = load_deepgrad(device)
    model = build_model(nn).to(device)
    x, y = (ag.tensor(a, device=device) for a in data)
    return training_side(nn.optim.SGD(model.parameters(), lr=lr), model, F.cross_entropy, x, y, sync)


def torch(device, threads, build_model, data, lr):
    """PyTorch: the same step, `build_model(torch.nn)` on the matching torch device."""
    torch_module, tdev, sync = load_torch(device, threads)
    model = build_model(torch_module.nn).to(tdev)
    x, y = (torch_module.from_numpy(a).to(tdev) for a in data)
    return training_side(torch_module.optim.SGD(model.parameters(), lr=lr), model,
                 torch_module.nn.functional.cross_entropy, x, y, sync)
