"""A spectral feature extractor trained a few steps (float32), printing what round 33 fixed along the way: the
real and imaginary parts of an FFT as graph nodes, ReLU and clamp of values that dropout or a product left as
-0. (PyTorch keeps the sign), maximum / minimum of tied operands, noise from torch.normal(mean, std, size)
with a generator, and soft_margin_loss with a detached target after its refusal of one that requires grad."""
import torch
import torch.nn as nn
import torch.nn.functional as F


class SpectralNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.proj = nn.Linear(10, 4)
        self.head = nn.Linear(4, 1)

    def forward(self, x):
        spec = torch.fft.rfft(x, dim=-1)
        feats = torch.cat([spec.real, spec.imag], dim=-1)
        hidden = F.relu(self.proj(feats))
        return self.head(hidden).squeeze(-1), spec


def main():
    g = torch.Generator().manual_seed(11)
    x = torch.normal(0.0, 1.0, (6, 8), generator=g)
    noise = torch.normal(0.5, 0.25, (6, 8), generator=g)
    print("normal", [round(v, 6) for v in x[0].tolist()], [round(v, 6) for v in noise[0, :4].tolist()])
    labels = torch.tensor([1.0, -1.0, 1.0, -1.0, -1.0, 1.0])

    signed = torch.tensor([-1.5, -0.0, 0.0, 2.0, -3.0]) * torch.tensor([0.0, 1.0, 1.0, 1.0, 0.0])
    print("zeros", signed.tolist(), F.relu(signed).tolist(), signed.clamp(min=0.0).tolist(),
          signed.clamp(-1.0, 1.0).tolist(), torch.maximum(signed, torch.zeros(5)).tolist(),
          torch.minimum(signed, torch.zeros(5)).tolist())
    print("relu module", nn.ReLU()(signed), nn.ReLU6()(signed))

    torch.manual_seed(0)
    model = SpectralNet()
    opt = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.5)
    inputs = (x + noise).requires_grad_()
    try:
        F.soft_margin_loss(model(inputs)[0], labels.clone().requires_grad_())
    except RuntimeError as e:
        print("refused", str(e).split(".")[0])
    for step in range(6):
        scores, spec = model(inputs)
        loss = F.soft_margin_loss(scores, labels)
        opt.zero_grad()
        loss.backward()
        opt.step()
        print("step", step, f"{loss.item():.6f}", spec.real.grad_fn.name(), spec.imag.grad_fn.name(),
              scores.grad_fn.name(), f"{model.proj.weight.grad.abs().sum().item():.6f}")
    scores, spec = model(inputs)
    (gx,) = torch.autograd.grad(spec.real.sum() + 2 * spec.imag.pow(2).sum() + scores.sum(), inputs)
    print("input grad", [round(v, 5) for v in gx[0].tolist()])
    print("weights", [round(v, 5) for v in model.head.weight.reshape(-1).tolist()])


main()
