"""How tensors print, as debugging sessions and notebooks show them; tests run it as is and with only its imports
changed, and compare what both print. Values across many magnitudes switch a tensor to scientific notation; tiny
and huge values beside ordinary ones; whole-number floats; negative zero, inf and nan mixed in; integer and bool
tensors; long tensors summarised with '...'; torch.set_printoptions with precision, sci_mode, threshold,
edgeitems and linewidth, restored afterwards; float64 and requires_grad / grad_fn suffixes. NumPy data.
"""
import numpy as np
import torch


def main():
    rng = np.random.default_rng(111)
    print(torch.tensor([1.0, 2.5, -3.25]), torch.tensor([0.1, 0.01, 0.001]))
    print(torch.tensor([1e-5, 1.0, 1e5]), torch.tensor([123456.0, 0.5]))
    print(torch.tensor([1e-9, 2e-9]), torch.tensor([3e10, -4e12]), torch.tensor([1e8, 1.0]))
    print(torch.tensor([100.0, 2000.0, 30000.0]), torch.tensor([0.0001, 0.5]))
    print(torch.tensor([-0.0, 0.0, 1.0]), torch.tensor([float("inf"), -1.5, float("nan")]))
    print(torch.tensor([float("inf"), 1e-7]), torch.tensor([float("nan"), 12345678.0]))
    print(torch.tensor([3, -7, 120]), torch.tensor([True, False]), torch.tensor([[1, 2], [30, 400]]))
    x = torch.from_numpy(rng.standard_normal((3, 4)).astype(np.float32))
    print(x)
    print(x * 1000, x / 1000)
    print(x.double())
    big = torch.arange(2000, dtype=torch.float32) / 7
    print(big)
    print(torch.arange(1500))
    print(torch.from_numpy(rng.standard_normal((40, 40)).astype(np.float32))[:2])
    m = torch.from_numpy(rng.standard_normal((1200, 3)).astype(np.float32))
    print(m)
    w = torch.tensor([0.5, -1.25], requires_grad=True)
    print(w, w * 2, (w ** 2).sum())
    torch.set_printoptions(precision=2)
    print(x[0], torch.tensor([1e-5, 1.0, 1e5]))
    torch.set_printoptions(sci_mode=False)
    print(torch.tensor([1e-5, 1.0, 1e5]), torch.tensor([1e-9, 3.0]))
    torch.set_printoptions(precision=6, sci_mode=True)
    print(torch.tensor([1.0, 2.0]), x[1])
    torch.set_printoptions(threshold=5, edgeitems=2)
    print(torch.arange(10.0), torch.arange(12).view(3, 4))
    torch.set_printoptions(profile="default")
    print(torch.arange(10.0), x[2])
    torch.set_printoptions(linewidth=40)
    print(torch.linspace(0, 1, 12))
    torch.set_printoptions(profile="default")
    print(torch.tensor(3.5), torch.tensor(-2), torch.tensor(1e-6), torch.tensor([]), torch.zeros(2, 0))
    print(torch.tensor([[1e-4, 2.0], [3.0, 4e4]], dtype=torch.float64))
    print(torch.tensor([0.1 + 0.2], dtype=torch.float64), torch.tensor([1 / 3], dtype=torch.float64))


if __name__ == "__main__":
    main()
