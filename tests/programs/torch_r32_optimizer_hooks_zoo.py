"""Optimisers a training script rarely prints, float32: Adafactor, RAdam and NAdam with decoupled weight decay,
Adamax, ASGD, Rprop with custom etas and step sizes, Adagrad with lr_decay and SGD(maximize=True, nesterov), each
driving the same small regression; the optimizer hooks (register_step_pre_hook / register_step_post_hook,
register_state_dict_pre_hook / post_hook, register_load_state_dict_pre_hook / post_hook), add_param_group
mid-run and a state_dict round trip into a fresh optimizer, with the state's keys and step counts printed."""
import torch
import torch.nn as nn


def make_model():
    torch.manual_seed(5)
    return nn.Sequential(nn.Linear(4, 8), nn.Tanh(), nn.Linear(8, 1))


def main():
    torch.manual_seed(1)
    x = torch.randn(32, 4)
    y = (x[:, :1] * 1.5 - x[:, 1:2] ** 2 + 0.3 * x[:, 2:3]).sin()
    makers = [
        ("Adafactor", lambda p: torch.optim.Adafactor(p, lr=0.05, beta2_decay=-0.7, weight_decay=0.01)),
        ("RAdam", lambda p: torch.optim.RAdam(p, lr=0.02, weight_decay=0.1, decoupled_weight_decay=True)),
        ("NAdam", lambda p: torch.optim.NAdam(p, lr=0.02, momentum_decay=3e-3, weight_decay=0.05,
                                              decoupled_weight_decay=True)),
        ("Adamax", lambda p: torch.optim.Adamax(p, lr=0.03, betas=(0.8, 0.95), weight_decay=0.01)),
        ("ASGD", lambda p: torch.optim.ASGD(p, lr=0.05, lambd=1e-3, alpha=0.5, t0=2, weight_decay=0.01)),
        ("Rprop", lambda p: torch.optim.Rprop(p, lr=0.01, etas=(0.4, 1.3), step_sizes=(1e-4, 0.2))),
        ("Adagrad", lambda p: torch.optim.Adagrad(p, lr=0.1, lr_decay=0.05, initial_accumulator_value=0.1)),
        ("SGD", lambda p: torch.optim.SGD(p, lr=0.05, momentum=0.9, nesterov=True, maximize=True)),
    ]
    for name, make in makers:
        model = make_model()
        opt = make(model.parameters())
        sign = -1.0 if name == "SGD" else 1.0
        losses = []
        for step in range(5):
            opt.zero_grad()
            loss = nn.functional.mse_loss(model(x), y)
            (sign * loss).backward()
            opt.step()
            losses.append(round(loss.item(), 6))
        state = opt.state_dict()["state"][0]
        print(name, losses, sorted(state.keys()))
        print("  w0", model[0].weight[0].detach().numpy().round(5), "step", float(state.get("step", -1)))

    model = make_model()
    opt = torch.optim.NAdam(model[0].parameters(), lr=0.01)
    log = []
    h1 = opt.register_step_pre_hook(lambda o, args, kwargs: log.append("pre"))
    h2 = opt.register_step_post_hook(lambda o, args, kwargs: log.append("post"))

    def sd_pre(o):
        log.append("sd_pre")

    def sd_post(o, sd):
        log.append("sd_post")
        sd["note"] = "kept"
        return sd

    def load_pre(o, sd):
        log.append("load_pre " + str(sd.get("note")))
        sd = dict(sd)
        sd.pop("note", None)
        return sd

    def load_post(o):
        log.append("load_post")
    opt.register_state_dict_pre_hook(sd_pre)
    opt.register_state_dict_post_hook(sd_post)
    for step in range(3):
        opt.zero_grad()
        loss = nn.functional.mse_loss(model(x), y)
        loss.backward()
        opt.step()
        if step == 1:
            opt.add_param_group({"params": model[2].parameters(), "lr": 0.05, "betas": (0.85, 0.99)})
        print("hooked step", step, round(loss.item(), 6), len(opt.param_groups))
    h1.remove()
    h2.remove()
    sd = opt.state_dict()
    print("groups", [(g["lr"], g["betas"], g["params"]) for g in sd["param_groups"]], sd["note"])
    print("state ids", sorted(sd["state"].keys()), float(sd["state"][0]["step"]), float(sd["state"][2]["step"]))
    fresh = torch.optim.NAdam([{"params": model[0].parameters()}, {"params": model[2].parameters()}], lr=0.5)
    fresh.register_load_state_dict_pre_hook(load_pre)
    fresh.register_load_state_dict_post_hook(load_post)
    fresh.load_state_dict(sd)
    print("loaded lr", [g["lr"] for g in fresh.param_groups], round(fresh.state[model[0].weight]["mu_product"].item(), 6))
    for step in range(2):
        fresh.zero_grad()
        loss = nn.functional.mse_loss(model(x), y)
        loss.backward()
        fresh.step()
        print("resumed", step, round(loss.item(), 6), model[2].bias.detach().numpy().round(5))
    print("log", log)
