"""Weight averaging at the end of training as a PyTorch recipe does it (float32): AveragedModel with
get_ema_multi_avg_fn and with a hand-written avg_fn, use_buffers=True against update_bn over a DataLoader of
(input, target) pairs, SWALR's cosine and linear annealing beside the optimizer's own schedule, the averaged
model's n_averaged buffer and state_dict keys, and the evaluation losses of the raw, EMA and SWA models."""
import torch
import torch.nn as nn
from torch.optim.swa_utils import AveragedModel, SWALR, get_ema_multi_avg_fn, update_bn
from torch.utils import data


def make_model():
    torch.manual_seed(0)
    return nn.Sequential(nn.Linear(3, 8), nn.BatchNorm1d(8), nn.ReLU(), nn.Linear(8, 1))


def main():
    torch.manual_seed(1)
    x = torch.randn(48, 3)
    y = (x[:, :1] * 1.5 - x[:, 1:2] + 0.5 * x[:, 2:] ** 2)
    loader = data.DataLoader(data.TensorDataset(x, y), batch_size=12, shuffle=False)

    model = make_model()
    ema = AveragedModel(model, multi_avg_fn=get_ema_multi_avg_fn(0.9))
    ema_buffers = AveragedModel(model, multi_avg_fn=get_ema_multi_avg_fn(0.8), use_buffers=True)
    swa = AveragedModel(model, avg_fn=lambda avg, new, n: avg + (new - avg) / (n + 1))
    opt = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    swa_sched = SWALR(opt, swa_lr=0.02, anneal_epochs=3, anneal_strategy="cos")
    print("keys", list(ema.state_dict().keys())[:3], len(ema.state_dict()), ema.n_averaged.item())
    for epoch in range(6):
        total = 0.0
        for xb, yb in loader:
            loss = nn.functional.mse_loss(model(xb), yb)
            opt.zero_grad()
            loss.backward()
            opt.step()
            ema.update_parameters(model)
            ema_buffers.update_parameters(model)
            total += loss.item()
        if epoch >= 2:
            swa.update_parameters(model)
            swa_sched.step()
        print("epoch", epoch, f"{total / len(loader):.6f}", [f"{g['lr']:.6f}" for g in opt.param_groups],
              ema.n_averaged.item(), swa.n_averaged.item())
    print("ema bn mean", [round(v, 5) for v in ema.module[1].running_mean[:4].tolist()])
    print("ema_buffers bn mean", [round(v, 5) for v in ema_buffers.module[1].running_mean[:4].tolist()],
          ema_buffers.module[1].num_batches_tracked.item())
    update_bn(loader, swa)
    print("swa bn after update_bn", [round(v, 5) for v in swa.module[1].running_mean[:4].tolist()],
          [round(v, 5) for v in swa.module[1].running_var[:4].tolist()], swa.module[1].momentum,
          swa.module[1].num_batches_tracked.item())
    for name, net in [("raw", model), ("ema", ema), ("ema_buffers", ema_buffers), ("swa", swa)]:
        net.eval()
        with torch.no_grad():
            print("eval", name, f"{nn.functional.mse_loss(net(x), y).item():.6f}")
    print("swa weight", [round(v, 5) for v in swa.module[0].weight[0].tolist()])

    # linear annealing from the current lr, stepped per batch
    model2 = make_model()
    opt2 = torch.optim.Adam(model2.parameters(), lr=0.01)
    sched2 = SWALR(opt2, swa_lr=0.05, anneal_epochs=4, anneal_strategy="linear")
    lrs = []
    for step in range(6):
        xb, yb = x[step * 8:(step + 1) * 8], y[step * 8:(step + 1) * 8]
        loss = nn.functional.mse_loss(model2(xb), yb)
        opt2.zero_grad()
        loss.backward()
        opt2.step()
        sched2.step()
        lrs.append(f"{sched2.get_last_lr()[0]:.6f}")
    print("linear swalr", lrs, sched2.state_dict()["anneal_epochs"], f"{loss.item():.6f}")


main()
