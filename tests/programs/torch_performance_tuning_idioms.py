"""The idioms of pytorch.org's "Performance Tuning Guide" in a training script, float32 with torch.manual_seed:
torch.backends flags set at the top (cudnn.benchmark, cudnn.deterministic, torch.use_deterministic_algorithms,
set_float32_matmul_precision and their getters), a CNN and its input moved to torch.channels_last (strides, the
is_contiguous checks, the memory format each conv, BatchNorm, ReLU, pooling and add keeps, and
contiguous(memory_format=...) back), Conv2d(bias=False) before BatchNorm, optimizer.zero_grad(set_to_none=True),
gradient accumulation over micro-batches, inference under torch.inference_mode (inference tensors, the error for
using one in autograd) against torch.no_grad, and a channels_last model giving the contiguous model's numbers.
"""
import torch
import torch.nn as nn
import torch.nn.functional as F


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 8, 3, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(8)
        self.conv2 = nn.Conv2d(8, 8, 3, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(8)
        self.fc = nn.Linear(8, 4)

    def forward(self, x, trace=None):
        h = F.relu(self.bn1(self.conv1(x)))
        r = self.bn2(self.conv2(h))
        out = F.relu(r + h)
        pooled = F.max_pool2d(out, 2)
        if trace is not None:
            trace += [t.is_contiguous(memory_format=torch.channels_last) for t in (h, r, out, pooled)]
        return self.fc(F.adaptive_avg_pool2d(pooled, 1).flatten(1))


def main():
    torch.backends.cudnn.benchmark = True
    torch.backends.cudnn.deterministic = False
    torch.use_deterministic_algorithms(True)
    torch.set_float32_matmul_precision("high")
    print("flags", torch.backends.cudnn.benchmark, torch.are_deterministic_algorithms_enabled(),
          torch.get_float32_matmul_precision())
    torch.use_deterministic_algorithms(False)
    torch.set_float32_matmul_precision("highest")
    torch.manual_seed(9)
    x = torch.randn(4, 3, 8, 8)
    y = torch.randint(0, 4, (4,))
    xc = x.to(memory_format=torch.channels_last)
    print("strides", x.stride(), xc.stride(), xc.shape)
    print("contiguous?", xc.is_contiguous(), xc.is_contiguous(memory_format=torch.channels_last), torch.equal(x, xc))
    back = xc.contiguous()
    print("back", back.stride(), back.is_contiguous(), xc.contiguous(memory_format=torch.contiguous_format).stride())

    net = Net()
    twin = Net()
    twin.load_state_dict(net.state_dict())
    twin = twin.to(memory_format=torch.channels_last)
    print("weight format", twin.conv1.weight.is_contiguous(memory_format=torch.channels_last), twin.conv1.weight.stride())
    trace = []
    out_c = twin(xc, trace)
    out = net(x)
    print("formats kept", trace)
    print("same logits", torch.allclose(out, out_c, atol=1e-6), out[0])

    opt = torch.optim.SGD(net.parameters(), lr=0.05, momentum=0.9)
    opt_c = torch.optim.SGD(twin.parameters(), lr=0.05, momentum=0.9)
    accum = 2
    for step in range(3):
        for model, o, inp in ((net, opt, x), (twin, opt_c, xc)):
            o.zero_grad(set_to_none=True)
            for micro in range(accum):
                part = slice(micro * 2, micro * 2 + 2)
                loss = F.cross_entropy(model(inp[part]), y[part]) / accum
                loss.backward()
            o.step()
        print(f"step {step}: conv1 grad {net.conv1.weight.grad.norm().item():.5f}",
              "twin grad format", twin.conv1.weight.grad.is_contiguous(memory_format=torch.channels_last),
              "max diff", (net.conv1.weight - twin.conv1.weight).abs().max().item() < 1e-5)
    print("after zero_grad", opt.zero_grad(set_to_none=True), net.fc.weight.grad)

    net.eval()
    with torch.inference_mode():
        inf = net(x)
    with torch.no_grad():
        ng = net(x)
    print("inference", inf.is_inference(), ng.is_inference(), inf.requires_grad, torch.equal(inf, ng))
    print("eval logits", inf[:2])
    try:
        (inf * net.fc.bias).sum().backward()
    except RuntimeError as e:
        print("inference tensor in autograd refused:", "Inference tensors" in str(e) or "inference" in str(e).lower())
    cloned = inf.clone()
    print("clone inside?", cloned.is_inference(), torch.is_inference_mode_enabled())
    with torch.inference_mode(False):
        print("mode off", torch.is_inference_mode_enabled(), torch.ones(1).is_inference())
