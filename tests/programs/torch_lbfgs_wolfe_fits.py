"""Full-batch fitting with torch.optim.LBFGS the way scientific code does it: a closure that zeroes, computes and
backpropagates the loss, line_search_fn='strong_wolfe' against the fixed-step default, small history_size,
max_iter and max_eval limits, tolerance_grad / tolerance_change stopping, the optimiser's state (func_evals,
n_iter, the stored curvature pairs) inspected between calls, and three problems: an L2-regularised logistic
regression, a nonlinear curve fit of a damped oscillation, and a softmax regression over parameter groups.
Float64 throughout, NumPy data.
"""
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


def main():
    rng = np.random.default_rng(1715)
    X = torch.from_numpy(rng.standard_normal((80, 4)))
    true_w = torch.tensor([1.5, -2.0, 0.5, 0.0], dtype=torch.float64)
    y = (torch.sigmoid(X @ true_w + 0.3) > torch.from_numpy(rng.uniform(size=80))).double()
    print("positives", int(y.sum().item()))

    for line_search in (None, "strong_wolfe"):
        w = torch.zeros(4, dtype=torch.float64, requires_grad=True)
        b = torch.zeros(1, dtype=torch.float64, requires_grad=True)
        optimizer = torch.optim.LBFGS([w, b], lr=1, max_iter=15, history_size=5, line_search_fn=line_search)
        calls = []

        def closure():
            optimizer.zero_grad()
            loss = F.binary_cross_entropy_with_logits(X @ w + b, y) + 0.01 * (w ** 2).sum()
            loss.backward()
            calls.append(loss.item())
            return loss

        for outer in range(3):
            returned = optimizer.step(closure)
            state = optimizer.state[optimizer._params[0]]
            print(f"{line_search} outer {outer} returned {returned.item():.10f} evals {state['func_evals']} "
                  f"iters {state['n_iter']} history {len(state['old_dirs'])}")
        print(line_search, "w", [round(v, 8) for v in w.tolist()], "b", round(b.item(), 8))
        print(line_search, "first losses", [round(v, 8) for v in calls[:4]], "calls", len(calls))

    t = torch.linspace(0, 6, 60, dtype=torch.float64)
    signal = 2.0 * torch.exp(-0.4 * t) * torch.cos(3.0 * t + 0.5) + 0.05 * torch.from_numpy(rng.standard_normal(60))
    params = torch.tensor([1.0, 0.2, 2.8, 0.0], dtype=torch.float64, requires_grad=True)
    optimizer = torch.optim.LBFGS([params], lr=0.8, max_iter=40, max_eval=50, tolerance_grad=1e-9,
                                  tolerance_change=1e-12, history_size=8, line_search_fn="strong_wolfe")

    def curve_closure():
        optimizer.zero_grad()
        amp, decay, freq, phase = params
        model = amp * torch.exp(-decay * t) * torch.cos(freq * t + phase)
        loss = ((model - signal) ** 2).mean()
        loss.backward()
        return loss

    for outer in range(3):
        loss = optimizer.step(curve_closure)
        state = optimizer.state[params]
        print(f"curve outer {outer} loss {loss.item():.10f} evals {state['func_evals']} iters {state['n_iter']} "
              f"t {float(state['t']):.8f}")
    print("curve params", [round(v, 6) for v in params.tolist()])
    print("curve grad small", bool(params.grad.abs().max() < 1e-5))

    classes = 3
    Xc = torch.from_numpy(rng.standard_normal((60, 3)))
    labels = torch.from_numpy(rng.integers(0, classes, 60))
    model = nn.Linear(3, classes).double()
    with torch.no_grad():
        model.weight.copy_(torch.from_numpy(0.1 * rng.standard_normal((classes, 3))))
        model.bias.zero_()
    optimizer = torch.optim.LBFGS(model.parameters(), lr=0.5, max_iter=10, history_size=3,
                                  line_search_fn="strong_wolfe")

    def softmax_closure():
        optimizer.zero_grad()
        loss = F.cross_entropy(model(Xc), labels) + 1e-3 * model.weight.pow(2).sum()
        loss.backward()
        return loss

    for outer in range(4):
        loss = optimizer.step(softmax_closure)
        print(f"softmax outer {outer} loss {loss.item():.10f}")
    accuracy = (model(Xc).argmax(1) == labels).double().mean().item()
    print("softmax accuracy", round(accuracy, 6), "bias", [round(v, 8) for v in model.bias.tolist()])
    saved = optimizer.state_dict()
    print("state keys", sorted(saved["state"][0]), "group keys", sorted(k for k in saved["param_groups"][0]
                                                                           if k != "params"))
