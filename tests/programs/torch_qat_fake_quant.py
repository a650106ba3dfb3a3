"""Quantization-aware training written for PyTorch the way QAT code does it by hand; tests run it as is and with
only its imports changed, and compare what both print. Weights are fake-quantized per output channel (symmetric
int8, torch.fake_quantize_per_channel_affine with float32 scales and int32 zero points), activations per tensor
(asymmetric uint8, torch.fake_quantize_per_tensor_affine with a moving-average min/max observer kept in buffers);
straight-through gradients (zero outside the clamping range) are checked; a hand-written straight-through round
as a torch.autograd.Function and a learned-step-size (LSQ) quantizer with its gradient scaling train alongside; the
fake-quantized model is compared with the float model, and the integer weights are read back. Data from a seeded
NumPy generator; float64 model, weights from NumPy.
"""
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


class RoundSTE(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        return torch.round(x)

    @staticmethod
    def backward(ctx, grad):
        return grad


def grad_scale(x, scale):
    return (x - x * scale).detach() + x * scale


def lsq_quantize(x, step, qmin, qmax):
    g = 1.0 / np.sqrt(x.numel() * qmax)
    s = grad_scale(step, g)
    return RoundSTE.apply(torch.clamp(x / s, qmin, qmax)) * s


class QuantLinear(nn.Linear):
    def __init__(self, i, o, act_quant=True):
        super().__init__(i, o)
        self.act_quant = act_quant
        self.register_buffer("act_min", torch.tensor(0.0))
        self.register_buffer("act_max", torch.tensor(0.0))
        self.register_buffer("seen", torch.tensor(0))

    def weight_qparams(self):
        amax = self.weight.detach().abs().amax(dim=1).clamp(min=1e-8)
        return (amax / 127.0).float(), torch.zeros(self.out_features, dtype=torch.int32)

    def act_qparams(self):
        lo, hi = min(self.act_min.item(), 0.0), max(self.act_max.item(), 0.0)
        scale = max((hi - lo) / 255.0, 1e-8)
        zero = int(np.clip(round(-lo / scale), 0, 255))
        return scale, zero

    def forward(self, x):
        if self.act_quant:
            if self.training:
                with torch.no_grad():
                    lo, hi = x.min(), x.max()
                    if self.seen.item() == 0:
                        self.act_min.copy_(lo)
                        self.act_max.copy_(hi)
                    else:
                        self.act_min.mul_(0.9).add_(0.1 * lo)
                        self.act_max.mul_(0.9).add_(0.1 * hi)
                    self.seen += 1
            scale, zero = self.act_qparams()
            x = torch.fake_quantize_per_tensor_affine(x, scale, zero, 0, 255)
        s, z = self.weight_qparams()
        w = torch.fake_quantize_per_channel_affine(self.weight, s, z, 0, -128, 127)
        return F.linear(x, w, self.bias)


class QNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = QuantLinear(4, 12, act_quant=False)
        self.fc2 = QuantLinear(12, 12)
        self.fc3 = QuantLinear(12, 3)

    def forward(self, x):
        return self.fc3(F.relu(self.fc2(F.relu(self.fc1(x)))))


def main():
    torch.set_default_dtype(torch.float64)
    rng = np.random.default_rng(29)
    x = torch.from_numpy(rng.uniform(-2, 2, 8)).requires_grad_(True)
    fq = torch.fake_quantize_per_tensor_affine(x, 0.1, 3, 0, 15)
    fq.sum().backward()
    print("per-tensor fq:", [round(v, 7) for v in fq.tolist()])
    print("ste mask:", x.grad.tolist())
    w = torch.from_numpy(rng.normal(0, 1, (3, 5))).requires_grad_(True)
    scales = torch.tensor([0.05, 0.1, 0.2], dtype=torch.float32)
    zps = torch.tensor([0, 2, -1], dtype=torch.int32)
    wq = torch.fake_quantize_per_channel_affine(w, scales, zps, 0, -8, 7)
    (wq * torch.arange(5.0)).sum().backward()
    print("per-channel fq row 2:", [round(v, 7) for v in wq[2].tolist()])
    print("per-channel grad rows:", w.grad.sum(1).tolist())
    r = torch.tensor([0.4, 1.5, 2.5, -0.5, -1.7], requires_grad=True)
    RoundSTE.apply(r * 2).sum().backward()
    print("round-half-even with STE:", torch.round(r * 2).tolist(), r.grad.tolist())

    data = torch.from_numpy(rng.standard_normal((64, 4)))
    labels = torch.from_numpy(np.argmax(data.numpy() @ rng.standard_normal((4, 3)), 1))
    qnet = QNet()
    qnet.load_state_dict({k: torch.from_numpy(rng.normal(0, 0.5, tuple(v.shape))) if v.dtype == torch.float64 else v
                          for k, v in qnet.state_dict().items()})
    float_net = nn.Sequential(nn.Linear(4, 12), nn.ReLU(), nn.Linear(12, 12), nn.ReLU(), nn.Linear(12, 3))
    float_net.load_state_dict({k: v for k, v in zip(float_net.state_dict(),
                               [qnet.state_dict()[n] for n in qnet.state_dict() if n.endswith(("weight", "bias"))])})
    step = nn.Parameter(torch.tensor(0.05))
    head = nn.Linear(4, 3)
    head.load_state_dict({k: torch.from_numpy(rng.normal(0, 0.5, tuple(v.shape)))
                          for k, v in head.state_dict().items()})
    opt = torch.optim.Adam(list(qnet.parameters()) + [step] + list(head.parameters()), lr=1e-2)
    for epoch in range(6):
        qnet.train()
        loss = F.cross_entropy(qnet(data), labels)
        lsq_out = F.linear(data, lsq_quantize(head.weight, step, -8, 7), head.bias)
        lsq_loss = F.cross_entropy(lsq_out, labels)
        opt.zero_grad()
        (loss + lsq_loss).backward()
        opt.step()
        print(f"epoch {epoch}: qat loss {loss.item():.8f} lsq loss {lsq_loss.item():.8f} step {step.item():.8f}"
              f" act range [{qnet.fc2.act_min.item():.6f}, {qnet.fc2.act_max.item():.6f}]")
    qnet.eval()
    with torch.no_grad():
        gap = (qnet(data) - float_net(data)).abs().max()
        scale, zero = qnet.fc3.act_qparams()
    print("eval act qparams:", round(scale, 8), zero, "gap to float start:", round(gap.item(), 6))
    s, z = qnet.fc2.weight_qparams()
    ints = torch.clamp(torch.round(qnet.fc2.weight.detach() / s.double().unsqueeze(1)), -128, 127).to(torch.int8)
    print("int8 weights row 0:", ints[0].tolist())
    print("weight grad of fc1:", round(qnet.fc1.weight.grad.abs().sum().item(), 8),
          "bias grad of fc3:", [round(v, 8) for v in qnet.fc3.bias.grad.tolist()])
