"""The optimisers of torch.optim with their less common switches, each minimising the Rosenbrock function from
the same start, as optimiser-comparison notebooks do: Adagrad with lr_decay and an initial accumulator, Adamax
and NAdam with weight decay (NAdam's momentum_decay and decoupled_weight_decay), RAdam decoupled, ASGD's
averaging (its 'ax' state), Rprop with custom etas and step sizes, Adam with amsgrad and maximize on the negated
function, AdamW with amsgrad, RMSprop centered with momentum, SGD with nesterov and dampening, and a state_dict
inspection (step counts and state keys). Float64 throughout.
"""
import torch


def rosenbrock(xy):
    x, y = xy[0], xy[1]
    return (1 - x) ** 2 + 100 * (y - x ** 2) ** 2


def run(name, make, steps=60, negate=False):
    xy = torch.tensor([-1.2, 1.0], dtype=torch.float64, requires_grad=True)
    optimizer = make([xy])
    losses = []
    for _ in range(steps):
        optimizer.zero_grad()
        value = rosenbrock(xy)
        (-value if negate else value).backward()
        optimizer.step()
        losses.append(value.item())
    print(f"{name:22s} xy {[round(v, 8) for v in xy.tolist()]} loss {losses[-1]:.8f} "
          f"first {[round(v, 6) for v in losses[:3]]}")
    return optimizer, xy


def main():
    run("adagrad", lambda p: torch.optim.Adagrad(p, lr=0.3, lr_decay=0.01, initial_accumulator_value=0.1,
                                                  weight_decay=0.001))
    run("adamax", lambda p: torch.optim.Adamax(p, lr=0.05, betas=(0.8, 0.95), weight_decay=0.01))
    run("nadam", lambda p: torch.optim.NAdam(p, lr=0.02, momentum_decay=0.008, weight_decay=0.01))
    run("nadam decoupled", lambda p: torch.optim.NAdam(p, lr=0.02, weight_decay=0.05, decoupled_weight_decay=True))
    run("radam", lambda p: torch.optim.RAdam(p, lr=0.03, weight_decay=0.01))
    run("radam decoupled", lambda p: torch.optim.RAdam(p, lr=0.03, weight_decay=0.1, decoupled_weight_decay=True))
    asgd, xy = run("asgd", lambda p: torch.optim.ASGD(p, lr=0.0005, lambd=0.001, alpha=0.75, t0=20,
                                                      weight_decay=0.001))
    state = asgd.state[xy]
    print("asgd state", sorted(state), [round(v, 8) for v in state["ax"].tolist()],
          round(float(state["eta"]), 10), round(float(state["mu"]), 10))
    run("rprop", lambda p: torch.optim.Rprop(p, lr=0.01, etas=(0.4, 1.3), step_sizes=(1e-5, 0.5)))
    run("adam amsgrad maximize", lambda p: torch.optim.Adam(p, lr=0.05, amsgrad=True, maximize=True), negate=True)
    adamw, xy = run("adamw amsgrad", lambda p: torch.optim.AdamW(p, lr=0.05, amsgrad=True, weight_decay=0.1))
    print("adamw max_exp_avg_sq", [round(v, 6) for v in adamw.state[xy]["max_exp_avg_sq"].tolist()])
    rms, xy = run("rmsprop centered", lambda p: torch.optim.RMSprop(p, lr=0.001, alpha=0.9, momentum=0.5,
                                                                    centered=True, weight_decay=0.001))
    print("rmsprop state", sorted(rms.state[xy]), [round(v, 6) for v in rms.state[xy]["grad_avg"].tolist()])
    run("sgd nesterov", lambda p: torch.optim.SGD(p, lr=0.0005, momentum=0.9, nesterov=True, weight_decay=0.01))
    run("sgd dampening", lambda p: torch.optim.SGD(p, lr=0.001, momentum=0.8, dampening=0.3))
    nadam, xy = run("nadam state", lambda p: torch.optim.NAdam(p, lr=0.01), steps=5)
    saved = nadam.state_dict()
    entry = saved["state"][0]
    print("nadam state keys", sorted(entry), float(entry["step"]), round(float(entry["mu_product"]), 10))
    print("nadam groups", sorted(k for k in saved["param_groups"][0] if k != "params"))
    adagrad, xy = run("adagrad state", lambda p: torch.optim.Adagrad(p, lr=0.1), steps=4)
    print("adagrad sum", [round(v, 6) for v in adagrad.state[xy]["sum"].tolist()], float(adagrad.state[xy]["step"]))
    rprop, xy = run("rprop state", lambda p: torch.optim.Rprop(p), steps=4)
    print("rprop step sizes", [round(v, 8) for v in rprop.state[xy]["step_size"].tolist()],
          [round(v, 6) for v in rprop.state[xy]["prev"].tolist()])
