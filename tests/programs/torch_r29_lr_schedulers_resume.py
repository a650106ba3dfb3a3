"""Learning-rate schedules printed epoch by epoch and resumed from their state_dicts: LambdaLR with one lambda
per param group, MultiplicativeLR, PolynomialLR(power=2), LinearLR and ConstantLR, CosineAnnealingWarmRestarts
(T_mult=2, eta_min) stepped with fractional epochs inside an epoch (`scheduler.step(epoch + i / iters)`) as its
documentation shows, and OneCycleLR's three-phase schedule with momentum cycling; each `get_last_lr()` is printed
beside the group's lr, and each scheduler's state_dict is loaded into a fresh scheduler halfway through, which
must then continue with the same values. Float32; the model comes from torch.manual_seed.
"""
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.optim.lr_scheduler import (ConstantLR, CosineAnnealingWarmRestarts, LambdaLR, LinearLR, MultiplicativeLR,
                                      OneCycleLR, PolynomialLR)


def warm(epoch):
    return min(1.0, (epoch + 1) / 3)


def halve_every_two(epoch):
    return 0.5 ** (epoch // 2)


def shrink(epoch):
    return 0.9


def run(name, build, opt_factory, epochs=8, resume_at=4):
    opt = opt_factory()
    sched = build(opt)
    lrs = []
    for epoch in range(epochs):
        opt.step()
        sched.step()
        lrs.append([round(v, 7) for v in sched.get_last_lr()])
        if epoch == resume_at - 1:
            saved = sched.state_dict()
            opt2 = opt_factory()
            opt2.load_state_dict(opt.state_dict())
            sched2 = build(opt2)
            sched2.load_state_dict(saved)
    tail = []
    for epoch in range(resume_at, epochs):
        opt2.step()
        sched2.step()
        tail.append([round(v, 7) for v in sched2.get_last_lr()])
    print(f"{name}: {lrs}")
    print(f"  resumed tail equal {tail == lrs[resume_at:]} last_epoch {sched2.last_epoch} "
          f"keys {sorted(k for k in saved if not k.startswith('_'))}")


def main():
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 1))

    def two_groups():
        return torch.optim.SGD([{"params": model[0].parameters(), "lr": 0.1},
                                {"params": model[2].parameters(), "lr": 0.01}], lr=0.1, momentum=0.9)

    run("LambdaLR", lambda o: LambdaLR(o, lr_lambda=[warm, halve_every_two]), two_groups)
    run("MultiplicativeLR", lambda o: MultiplicativeLR(o, lr_lambda=shrink), two_groups)
    run("PolynomialLR", lambda o: PolynomialLR(o, total_iters=6, power=2.0), two_groups)
    run("LinearLR", lambda o: LinearLR(o, start_factor=0.2, end_factor=0.9, total_iters=5), two_groups)
    run("ConstantLR", lambda o: ConstantLR(o, factor=0.3, total_iters=3), two_groups)
    run("WarmRestarts", lambda o: CosineAnnealingWarmRestarts(o, T_0=2, T_mult=2, eta_min=0.001), two_groups,
        epochs=10, resume_at=5)

    x = torch.randn(20, 3)
    y = x.sum(1, keepdim=True)
    opt = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
    sched = CosineAnnealingWarmRestarts(opt, T_0=2, T_mult=2, eta_min=0.005)
    iters = 4
    for epoch in range(4):
        row = []
        for i in range(iters):
            opt.zero_grad()
            loss = F.mse_loss(model(x), y)
            loss.backward()
            opt.step()
            sched.step(epoch + i / iters)
            row.append(round(opt.param_groups[0]["lr"], 7))
        print(f"fractional epoch {epoch}: lrs {row} T_i {sched.T_i} T_cur {round(sched.T_cur, 4)} "
              f"loss {loss.item():.6f}")
    print("last_epoch", sched.last_epoch, [round(v, 7) for v in sched.get_last_lr()])

    opt = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    one = OneCycleLR(opt, max_lr=0.2, total_steps=10, pct_start=0.3, anneal_strategy="linear",
                     three_phase=True, div_factor=10, final_div_factor=100, base_momentum=0.8, max_momentum=0.95)
    trace = []
    for step in range(10):
        opt.zero_grad()
        F.mse_loss(model(x), y).backward()
        opt.step()
        trace.append((round(opt.param_groups[0]["lr"], 6), round(opt.param_groups[0]["momentum"], 6)))
        one.step() if step < 9 else None
    print("one cycle", trace)
    state = one.state_dict()
    print("one cycle state", sorted(k for k in state if not k.startswith("_")), state["total_steps"],
          state["last_epoch"])
    final = F.mse_loss(model(x), y).item()
    print(f"final loss {final:.6f}")
    print("weights", model[2].weight)


if __name__ == "__main__":
    main()
