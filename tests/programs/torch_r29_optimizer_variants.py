"""The optimisers' rarer settings printed step by step on one small regression: Rprop (custom etas and step
sizes, maximize), ASGD (t0, lambd, alpha and its averaged `ax` state), NAdam with decoupled_weight_decay and
momentum_decay, RAdam with decoupled_weight_decay (through its rectification threshold), Adamax, Adagrad with
lr_decay and initial_accumulator_value, SGD with nesterov, SGD with dampening, Adam(maximize=True, amsgrad=True),
and the foreach=False / foreach=True implementations side by side; each optimiser's state after the run and a
state_dict round trip into a fresh optimiser that continues identically. Float32; the data and weights come from
torch.manual_seed.
"""
import torch
import torch.nn as nn
import torch.nn.functional as F


def make(seed):
    torch.manual_seed(seed)
    return nn.Sequential(nn.Linear(4, 6), nn.Tanh(), nn.Linear(6, 1))


CONFIGS = [
    ("Rprop", lambda p: torch.optim.Rprop(p, lr=0.02, etas=(0.4, 1.3), step_sizes=(1e-4, 0.1))),
    ("Rprop max", lambda p: torch.optim.Rprop(p, lr=0.01, maximize=True)),
    ("ASGD", lambda p: torch.optim.ASGD(p, lr=0.05, lambd=1e-3, alpha=0.75, t0=2, weight_decay=0.01)),
    ("NAdam dwd", lambda p: torch.optim.NAdam(p, lr=0.02, weight_decay=0.1, momentum_decay=0.006,
                                              decoupled_weight_decay=True)),
    ("NAdam", lambda p: torch.optim.NAdam(p, lr=0.02, weight_decay=0.1)),
    ("RAdam dwd", lambda p: torch.optim.RAdam(p, lr=0.02, weight_decay=0.1, decoupled_weight_decay=True)),
    ("Adamax", lambda p: torch.optim.Adamax(p, lr=0.05, betas=(0.8, 0.99), weight_decay=0.01)),
    ("Adagrad", lambda p: torch.optim.Adagrad(p, lr=0.1, lr_decay=0.05, initial_accumulator_value=0.3,
                                              weight_decay=0.01)),
    ("SGD nesterov", lambda p: torch.optim.SGD(p, lr=0.05, momentum=0.8, nesterov=True, weight_decay=1e-3)),
    ("SGD dampening", lambda p: torch.optim.SGD(p, lr=0.05, momentum=0.8, dampening=0.3)),
    ("Adam max ams", lambda p: torch.optim.Adam(p, lr=0.01, maximize=True, amsgrad=True)),
    ("AdamW foreach", lambda p: torch.optim.AdamW(p, lr=0.01, foreach=True)),
    ("AdamW loop", lambda p: torch.optim.AdamW(p, lr=0.01, foreach=False)),
    ("RMSprop foreach", lambda p: torch.optim.RMSprop(p, lr=0.01, momentum=0.5, centered=True, foreach=True)),
]


def objective(model, x, y, name):
    loss = F.mse_loss(model(x), y)
    return -loss if "max" in name else loss


def main():
    torch.manual_seed(0)
    x = torch.randn(32, 4)
    y = (x[:, :1] * 0.7 - x[:, 1:2] * x[:, 2:3] + 0.1 * torch.randn(32, 1))
    finals = {}
    for name, build in CONFIGS:
        model = make(1)
        opt = build(model.parameters())
        losses = []
        for step in range(6):
            opt.zero_grad()
            loss = objective(model, x, y, name)
            loss.backward()
            opt.step()
            losses.append(round(loss.item(), 6))
        w = model[2].weight
        state = opt.state[w]
        keys = sorted(state)
        print(f"{name:16s} {losses} w0 {w[0, 0].item():.6f} state {keys}")
        finals[name] = torch.cat([p.detach().view(-1) for p in model.parameters()])
        if "ax" in state:
            print("  asgd eta", state["eta"].item(), "mu", state["mu"].item(), "ax", state["ax"][0, :3])
        if "mu_product" in state:
            print("  nadam mu_product", round(state["mu_product"].item(), 7), "step", state["step"].item())
        if "prev" in state:
            print("  rprop step_size", state["step_size"][0, :3], "prev", state["prev"][0, :3])
        if "sum" in state:
            print("  adagrad sum", state["sum"][0, :3])
        if "exp_inf" in state:
            print("  adamax exp_inf", state["exp_inf"][0, :3])
        if "max_exp_avg_sq" in state:
            print("  amsgrad max", state["max_exp_avg_sq"][0, :3])
    print("foreach == loop", torch.allclose(finals["AdamW foreach"], finals["AdamW loop"], atol=1e-7))

    for name, build in [("ASGD", CONFIGS[2][1]), ("NAdam dwd", CONFIGS[3][1]), ("Rprop", CONFIGS[0][1]),
                        ("Adagrad", CONFIGS[7][1])]:
        model = make(2)
        opt = build(model.parameters())
        for _ in range(3):
            opt.zero_grad()
            objective(model, x, y, name).backward()
            opt.step()
        sd = opt.state_dict()
        twin = make(3)
        twin.load_state_dict(model.state_dict())
        opt2 = build(twin.parameters())
        opt2.load_state_dict(sd)
        for m, o in ((model, opt), (twin, opt2)):
            for _ in range(2):
                o.zero_grad()
                objective(m, x, y, name).backward()
                o.step()
        same = all(torch.equal(a, b) for a, b in zip(model.parameters(), twin.parameters()))
        group = {k: v for k, v in sd["param_groups"][0].items() if k != "params"}
        print(f"resume {name}: identical {same} group keys {sorted(group)}")
        first, twin_first = next(model.parameters()), next(twin.parameters())
        print(f"  first param state {sorted(sd['state'][0])} lr {group['lr']} steps "
              f"{opt.state[first]['step'].item()} {opt2.state[twin_first]['step'].item()} twin loss "
              f"{objective(twin, x, y, name).item():.6f} own loss {objective(model, x, y, name).item():.6f}")


if __name__ == "__main__":
    main()
