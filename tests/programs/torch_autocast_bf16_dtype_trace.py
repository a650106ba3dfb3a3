"""Mixed precision on the CPU as the AMP recipe shows it: torch.autocast("cpu", dtype=torch.bfloat16) around a
small conv + attention + MLP model, printing the dtype of each intermediate result (linear, conv, matmul, bmm
run in bfloat16; softmax, layer_norm, sum and the losses stay or go to float32; elementwise ops follow their
inputs' promotion), torch.is_autocast_enabled / get_autocast_dtype, a nested autocast(enabled=False) region,
parameter gradients arriving in float32, and a few float32 training steps. Float32 weights; torch.manual_seed.
"""
import torch
import torch.nn as nn
import torch.nn.functional as F


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv1d(4, 8, 3, padding=1)
        self.norm = nn.LayerNorm(8)
        self.qkv = nn.Linear(8, 24)
        self.head = nn.Linear(8, 3)

    def forward(self, x, trace=None):
        h = self.conv(x)
        if trace is not None:
            trace.append(("conv", h.dtype))
        h = h.transpose(1, 2)
        n = self.norm(h)
        q, k, v = self.qkv(n).chunk(3, dim=-1)
        att = torch.bmm(q, k.transpose(1, 2)) / 8 ** 0.5
        p = att.softmax(-1)
        o = torch.bmm(p, v)
        pooled = (o + h).mean(1)
        out = self.head(pooled)
        if trace is not None:
            trace += [("layer_norm", n.dtype), ("qkv", q.dtype), ("bmm", att.dtype), ("softmax", p.dtype),
                      ("residual", (o + h).dtype), ("mean", pooled.dtype), ("head", out.dtype)]
        return out


def main():
    torch.manual_seed(18)
    model = Net()
    x = torch.randn(5, 4, 7)
    y = torch.randint(0, 3, (5,))
    print("autocast enabled outside:", torch.is_autocast_enabled("cpu"))
    with torch.autocast("cpu", dtype=torch.bfloat16):
        print("inside:", torch.is_autocast_enabled("cpu"), torch.get_autocast_dtype("cpu"))
        trace = []
        out = model(x, trace)
        for name, dt in trace:
            print(f"  {name}: {dt}")
        loss = F.cross_entropy(out, y)
        print("loss dtype:", loss.dtype, "mse dtype:", F.mse_loss(out, torch.zeros_like(out, dtype=torch.float32)).dtype)
        m = torch.mm(x[0], x[0].T)
        print("mm:", m.dtype, "addmm:", torch.addmm(torch.zeros(4, 4), x[0], x[0].T).dtype, "sum:", m.sum().dtype)
        with torch.autocast("cpu", enabled=False):
            print("nested disabled:", torch.is_autocast_enabled("cpu"), torch.mm(x[0], x[0].T).dtype)
        print("exp of bf16:", torch.exp(m).dtype, "bf16 + f32:", (m + x[0, 0, 0]).dtype, "bf16 * f32 tensor:", (m * torch.ones(4, 4)).dtype)
    print("loss:", round(loss.item(), 2), "out row0:", [round(v, 1) for v in out[0].float().tolist()])
    loss.backward()
    print("grad dtypes:", {n: str(p.grad.dtype).replace("torch.", "") for n, p in model.named_parameters() if "weight" in n})
    print("head grad norm:", round(model.head.weight.grad.norm().item(), 1))
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    for step in range(4):
        opt.zero_grad()
        with torch.autocast("cpu", dtype=torch.bfloat16, enabled=False):
            l32 = F.cross_entropy(model(x), y)
        l32.backward()
        opt.step()
        print(f"fp32 step {step}: {l32.item():.6f}")
    bf = torch.tensor([1.0, 1.00390625, 3.14159, 1000.7]).to(torch.bfloat16)
    print("bf16 values:", bf.float().tolist(), bf.dtype)
