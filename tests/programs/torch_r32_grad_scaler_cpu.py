"""Loss scaling on the CPU, float32: torch.amp.GradScaler('cpu') with a small growth_interval and backoff, steps
skipped when an injected inf reaches a gradient (the scale halving and the parameters unchanged), unscale_ before
clip_grad_norm_, get_scale / get_growth_tracker / is_enabled, two optimizers sharing one scaler, scaler.state_dict
resumed into a fresh scaler mid-run, a disabled scaler, and bfloat16 autocast around the forward with the
dtypes of the activations printed."""
import torch
import torch.nn as nn


def main():
    torch.manual_seed(12)
    x = torch.randn(24, 6)
    y = torch.randint(0, 3, (24,))
    enc = nn.Sequential(nn.Linear(6, 12), nn.ReLU())
    head = nn.Linear(12, 3)
    opt_e = torch.optim.SGD(enc.parameters(), lr=0.1, momentum=0.9)
    opt_h = torch.optim.Adam(head.parameters(), lr=0.01)
    scaler = torch.amp.GradScaler("cpu", init_scale=1024.0, growth_factor=2.0, backoff_factor=0.25,
                                  growth_interval=2)
    print("scaler", scaler.is_enabled(), scaler.get_scale(), scaler.get_growth_factor(), scaler.get_backoff_factor(),
          scaler.get_growth_interval())
    for step in range(7):
        opt_e.zero_grad()
        opt_h.zero_grad()
        with torch.autocast("cpu", dtype=torch.bfloat16):
            h = enc(x)
            logits = head(h)
        loss = nn.functional.cross_entropy(logits.float(), y)
        scaled = scaler.scale(loss)
        scaled.backward()
        if step in (2, 5):
            head.weight.grad[0, 0] = float("inf") if step == 2 else float("nan")
        scaler.unscale_(opt_e)
        norm = nn.utils.clip_grad_norm_(enc.parameters(), 0.5)
        before = head.bias.detach().clone()
        scaler.step(opt_e)
        scaler.step(opt_h)
        scaler.update()
        print("step", step, h.dtype, logits.dtype, round(loss.item(), 3), round(scaled.item(), 1),
              round(norm.item(), 3), scaler.get_scale(), scaler._get_growth_tracker(),
              torch.equal(before, head.bias.detach()))
        if step == 3:
            saved = scaler.state_dict()
            print("saved", sorted(saved.items()))
            scaler = torch.amp.GradScaler("cpu")
            scaler.load_state_dict(saved)
            print("resumed", scaler.get_scale(), scaler.get_growth_interval())
    off = torch.amp.GradScaler("cpu", enabled=False)
    loss = nn.functional.cross_entropy(head(enc(x)), y)
    print("disabled", off.is_enabled(), off.scale(loss) is loss, off.get_scale(), off.state_dict())
    sc = torch.amp.GradScaler("cpu", init_scale=8.0)
    outs = sc.scale([loss, loss * 2, (loss, loss * 3)])
    print("scale nested", [type(o).__name__ for o in outs], round(outs[2][1].item(), 4))
