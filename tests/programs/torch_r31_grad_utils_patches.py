"""Gradient utilities and patch ops around a small image model, float64: F.unfold / F.fold patch round trips with
stride, padding and dilation, pixel_unshuffle / pixel_shuffle, local_response_norm, rrelu in eval mode,
interpolate(mode='bicubic', antialias=True) downsampling, affine_grid + grid_sample with align_corners both ways,
the model trained with nn.utils.get_total_norm / clip_grads_with_norm_ / clip_grad_value_, parameters_to_vector /
vector_to_parameters for a weight average, an optimizer stepped inside backward by
register_post_accumulate_grad_hook, and torch.inference_mode / torch.set_grad_enabled / torch.no_grad used as
decorators."""
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.nn.utils import (get_total_norm, clip_grads_with_norm_, clip_grad_value_, parameters_to_vector,
                            vector_to_parameters)


class PatchNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(4, 6, 3, padding=1)
        self.proj = nn.Linear(6 * 9, 8)
        self.head = nn.Linear(8, 2)
        self.act = nn.RReLU(0.1, 0.3)

    def forward(self, x):
        x = F.pixel_unshuffle(x, 2)
        x = F.local_response_norm(self.act(self.conv(x)), size=3, alpha=1e-2, beta=0.75, k=1.0)
        patches = F.unfold(x, kernel_size=3, stride=1, padding=0)
        return self.head(torch.tanh(self.proj(patches.transpose(1, 2)))).mean(1)


@torch.inference_mode()
def predict(model, x):
    return model(x), torch.is_inference_mode_enabled(), torch.is_grad_enabled()


@torch.no_grad()
def average_into(model, vecs):
    vector_to_parameters(torch.stack(vecs).mean(0), model.parameters())


@torch.set_grad_enabled(False)
def frozen_norm(model):
    return parameters_to_vector(model.parameters()).norm(), torch.is_grad_enabled()


def main():
    torch.manual_seed(12)
    dt = torch.float64
    img = torch.randn(2, 3, 7, 7, dtype=dt, requires_grad=True)
    cols = F.unfold(img, kernel_size=(3, 2), dilation=(1, 2), padding=1, stride=2)
    print("unfold", cols.shape, cols.grad_fn.name())
    back = F.fold(cols, output_size=(7, 7), kernel_size=(3, 2), dilation=(1, 2), padding=1, stride=2)
    ones = F.fold(F.unfold(torch.ones_like(img), (3, 2), dilation=(1, 2), padding=1, stride=2), (7, 7), (3, 2),
                  dilation=(1, 2), padding=1, stride=2)
    print("fold counts", ones[0, 0, :3].detach().numpy().tolist(), back.grad_fn.name())
    (back * torch.linspace(0, 1, 7, dtype=dt)).sum().backward()
    print("fold grad", img.grad[0, 0, :2].numpy().round(8))

    x = torch.randn(1, 2, 8, 8, dtype=dt, requires_grad=True)
    small = F.interpolate(x, size=(3, 5), mode="bicubic", antialias=True, align_corners=False)
    print("aa bicubic", small[0, 0].detach().numpy().round(8), small.grad_fn.name())
    small.pow(2).sum().backward()
    print("aa grad", x.grad[0, 1, :2].numpy().round(8))
    x.grad = None
    theta = torch.tensor([[[0.9, -0.2, 0.1], [0.15, 1.1, -0.05]]], dtype=dt, requires_grad=True)
    for ac in [False, True]:
        grid = F.affine_grid(theta, (1, 2, 5, 6), align_corners=ac)
        out = F.grid_sample(x, grid, mode="bilinear", padding_mode="border", align_corners=ac)
        out.sum().backward()
        print("grid", ac, out[0, 0, 0].detach().numpy().round(8), theta.grad.numpy().round(8).tolist())
        theta.grad = None
    lrn = F.local_response_norm(x, size=2, alpha=0.1, beta=0.5, k=2.0)
    print("lrn", lrn[0, :, 0, :3].detach().numpy().round(8))
    rr = nn.RReLU(0.1, 0.3).eval()
    print("rrelu eval", rr(torch.tensor([-2.0, -0.5, 0.0, 1.5], dtype=dt)).numpy().round(8))
    print("pixel", F.pixel_shuffle(F.pixel_unshuffle(torch.arange(32.0).view(1, 2, 4, 4), 2), 2).equal(
        torch.arange(32.0).view(1, 2, 4, 4)), F.pixel_unshuffle(torch.arange(16.0).view(1, 1, 4, 4), 2)[0, :, 0, 0])

    torch.manual_seed(3)
    model = PatchNet().double()
    x_in = torch.randn(6, 1, 10, 10, dtype=dt)
    target = torch.randint(0, 2, (6,))
    opt = torch.optim.SGD(model.parameters(), lr=0.2, momentum=0.9)
    snapshots = []
    for step in range(4):
        opt.zero_grad()
        loss = F.cross_entropy(model(x_in), target)
        loss.backward()
        grads = [p.grad for p in model.parameters()]
        total = get_total_norm(grads, norm_type=2.0)
        clip_grads_with_norm_(model.parameters(), max_norm=0.5, total_norm=total)
        clip_grad_value_(model.parameters(), clip_value=0.05)
        opt.step()
        snapshots.append(parameters_to_vector(model.parameters()).detach().clone())
        print("step", step, round(loss.item(), 10), round(total.item(), 10),
              round(get_total_norm([p.grad for p in model.parameters()], norm_type="inf").item(), 10))
    average_into(model, snapshots)
    norm, enabled = frozen_norm(model)
    print("averaged norm", round(norm.item(), 8), enabled, torch.is_grad_enabled())
    out, inf_mode, grad_on = predict(model.eval(), x_in)
    print("predict", out.numpy().round(8), out.is_inference(), inf_mode, grad_on, out.requires_grad)

    model.train()
    optims = {p: torch.optim.Adam([p], lr=0.01) for p in model.parameters()}
    order = []

    def step_hook(p):
        optims[p].step()
        optims[p].zero_grad()
        order.append(tuple(p.shape))
    handles = [p.register_post_accumulate_grad_hook(step_hook) for p in model.parameters()]
    for step in range(3):
        loss = F.cross_entropy(model(x_in), target)
        loss.backward()
        print("in-backward step", step, round(loss.item(), 10), sorted(order)[:3], len(order),
              all(p.grad is None or float(p.grad.abs().sum()) == 0.0 for p in model.parameters()))
        order.clear()
    for h in handles:
        h.remove()
