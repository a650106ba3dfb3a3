"""Learning-rate schedules that are rarely printed, each driving a small regression a few steps (float32):
CosineAnnealingWarmRestarts(T_mult=2, eta_min) stepped with fractional epochs, CyclicLR in 'exp_range' and
'triangular2' modes with momentum cycling on SGD, OneCycleLR(three_phase=True, anneal_strategy='linear') with
its Adam beta1 cycling, PolynomialLR(power=2), ChainedScheduler of ConstantLR and ExponentialLR, and
ReduceLROnPlateau(threshold_mode='abs', cooldown=) on a plateauing metric, with state_dict / load_state_dict
round trips of scheduler and optimizer mid-run (the resumed run prints the same rates)."""
import torch
import torch.nn as nn
from torch.optim.lr_scheduler import (CosineAnnealingWarmRestarts, CyclicLR, OneCycleLR, PolynomialLR,
                                      ChainedScheduler, ConstantLR, ExponentialLR, ReduceLROnPlateau)


def fmt(xs):
    return [f"{v:.6g}" for v in xs]


def make(seed=0):
    torch.manual_seed(seed)
    return nn.Linear(3, 1)


def step_model(model, opt, x, y):
    opt.zero_grad()
    loss = ((model(x) - y) ** 2).mean()
    loss.backward()
    opt.step()
    return loss.item()


def main():
    torch.manual_seed(0)
    x = torch.randn(16, 3)
    y = x @ torch.tensor([[1.0], [-2.0], [0.5]]) + 0.3

    model = make()
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    sched = CosineAnnealingWarmRestarts(opt, T_0=2, T_mult=2, eta_min=0.01)
    iters = 4
    for epoch in range(5):
        for i in range(iters):
            step_model(model, opt, x, y)
            sched.step(epoch + i / iters)
        print("cawr", epoch, fmt(sched.get_last_lr()), sched.T_cur, sched.T_i)
    print("cawr weight", model.weight.detach().numpy().round(5))

    for mode in ["exp_range", "triangular2"]:
        model = make()
        opt = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
        sched = CyclicLR(opt, base_lr=0.005, max_lr=0.05, step_size_up=3, step_size_down=2, mode=mode,
                         gamma=0.9, cycle_momentum=True, base_momentum=0.8, max_momentum=0.95)
        rates = []
        for s in range(12):
            loss = step_model(model, opt, x, y)
            sched.step()
            rates.append((f"{opt.param_groups[0]['lr']:.5g}", f"{opt.param_groups[0]['momentum']:.5g}"))
            if s == 6:
                saved = (sched.state_dict(), opt.state_dict())
        print(mode, rates)
        print(mode, "loss", f"{loss:.5f}")
        model2 = make()
        opt2 = torch.optim.SGD(model2.parameters(), lr=0.01, momentum=0.9)
        sched2 = CyclicLR(opt2, base_lr=0.005, max_lr=0.05, step_size_up=3, step_size_down=2, mode=mode,
                          gamma=0.9, cycle_momentum=True, base_momentum=0.8, max_momentum=0.95)
        sched2.load_state_dict(saved[0])
        opt2.load_state_dict(saved[1])
        print(mode, "resumed", sched2.last_epoch, fmt(sched2.get_last_lr()), f"{opt2.param_groups[0]['momentum']:.5g}")

    model = make()
    opt = torch.optim.Adam(model.parameters(), lr=0.01)
    sched = OneCycleLR(opt, max_lr=0.1, total_steps=12, pct_start=0.25, three_phase=True,
                       anneal_strategy="linear", div_factor=10, final_div_factor=100)
    for s in range(12):
        step_model(model, opt, x, y)
        sched.step()
        if s < 11:
            print("onecycle", s, fmt(sched.get_last_lr()), f"{opt.param_groups[0]['betas'][0]:.5g}")
    print("onecycle state keys", sorted(k for k in sched.state_dict() if not k.startswith("_")))

    model = make()
    opt = torch.optim.SGD(model.parameters(), lr=0.2)
    sched = PolynomialLR(opt, total_iters=6, power=2.0)
    out = []
    for s in range(8):
        step_model(model, opt, x, y)
        sched.step()
        out.append(f"{sched.get_last_lr()[0]:.6g}")
    print("poly", out)

    model = make()
    opt = torch.optim.SGD([{"params": [model.weight]}, {"params": [model.bias], "lr": 0.02}], lr=0.1)
    sched = ChainedScheduler([ConstantLR(opt, factor=0.5, total_iters=3), ExponentialLR(opt, gamma=0.8)])
    for s in range(6):
        step_model(model, opt, x, y)
        sched.step()
        print("chained", s, fmt(sched.get_last_lr()))
    sd = sched.state_dict()
    print("chained sd", sorted(sd.keys()), len(sd["_schedulers"]))

    model = make()
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    sched = ReduceLROnPlateau(opt, mode="min", factor=0.5, patience=1, threshold=0.05, threshold_mode="abs",
                              cooldown=2, min_lr=0.01)
    metrics = [1.0, 0.97, 0.96, 0.99, 0.5, 0.48, 0.47, 0.46, 0.455, 0.45, 0.2, 0.2, 0.2, 0.2]
    for i, m in enumerate(metrics):
        step_model(model, opt, x, y)
        sched.step(m)
        print("plateau", i, fmt(sched.get_last_lr()), sched.num_bad_epochs, sched.cooldown_counter,
              f"{sched.best:.4g}")
        if i == 6:
            state = sched.state_dict()
    sched3 = ReduceLROnPlateau(opt, mode="min")
    sched3.load_state_dict(state)
    print("plateau resumed", sched3.cooldown, sched3.threshold_mode, sched3.last_epoch, sched3.num_bad_epochs)
