"""What a debugging session prints, written for PyTorch: tensors of the less common dtypes (float16, bfloat16, int8,
int16, uint8, complex64 / complex128, bool in 3-D), summarised 3-D tensors, f-strings of 0-d tensors, dtype /
device / Size / finfo objects, grad_fn objects and their next_functions, and the errors a training script catches
and recovers from (shape mismatches, a second backward through a freed graph, in-place on a leaf, a wrong dtype in
matmul, an index out of range, cholesky of an indefinite matrix as torch.linalg.LinAlgError, load_state_dict with
missing keys, item() on a vector), each caught by the class a script names in its except clause (RuntimeError,
IndexError). Float32, data from a seeded NumPy generator."""
import numpy as np
import torch
import torch.nn as nn


def attempt(label, fn, catch=RuntimeError):
    try:
        fn()
        print(label, "ok")
    except catch as err:
        print(label, "caught", catch.__name__, len(str(err)) > 0)


def main():
    rng = np.random.default_rng(1661)
    x = torch.from_numpy(rng.standard_normal((3, 4)).astype(np.float32))
    print(x.half())
    print(x.bfloat16()[0])
    print((x * 20).to(torch.int8), (x * 300).to(torch.int16)[0])
    print((x.abs() * 50).to(torch.uint8)[1], x > 0)
    print(torch.complex(x[0], x[1]), torch.complex(x[0].double(), -x[2].double()))
    print(torch.polar(torch.ones(3), torch.tensor([0.0, 1.5707964, 3.1415927])))
    print((x > 0).reshape(3, 2, 2))
    big = torch.from_numpy(rng.standard_normal((4, 60, 8)).astype(np.float32))
    print(big)
    print(f"{x[0, 0]:.3f} {x.sum():+.2e} {x.mean().item():8.4f} {torch.tensor(7):d}")
    print(x.dtype, x.half().dtype, torch.complex(x, x).dtype, x.shape, x[:, 1:].size(), x.size(1))
    print(repr(x.shape), str(torch.Size([2, 3])), torch.Size([2, 3]) == (2, 3), x.shape.numel())
    print(torch.finfo(torch.float16).eps, torch.finfo(torch.bfloat16).max, torch.finfo(torch.float32).tiny,
          torch.finfo(torch.float64).resolution, torch.finfo().bits)
    print(torch.get_default_dtype(), torch.is_floating_point(x), torch.is_complex(x), x.is_contiguous(),
          x.t().is_contiguous(), x.element_size(), x.half().element_size(), x.nbytes)

    w = torch.tensor([0.5, -1.0, 2.0], requires_grad=True)
    y = (w.exp() * 3).sum()
    print(y.grad_fn.name(), [type(f).__name__ != "NoneType" for f, _ in y.grad_fn.next_functions])
    print(y.grad_fn.next_functions[0][0].name(), y.grad_fn.next_functions[0][0].next_functions[0][0].name())
    print(w.is_leaf, y.is_leaf, y.requires_grad, w.exp().detach().requires_grad)

    model = nn.Linear(4, 2)
    attempt("shape", lambda: model(torch.zeros(3, 5)))
    attempt("matmul dtype", lambda: torch.zeros(2, 3) @ torch.zeros(3, 2, dtype=torch.float64))
    attempt("index", lambda: x[5], IndexError)
    attempt("gather index", lambda: torch.gather(x, 1, torch.tensor([[9]])))
    attempt("item", lambda: x.item())
    attempt("view", lambda: x.t().view(-1))
    attempt("reshape", lambda: x.reshape(5, -1))
    attempt("cat", lambda: torch.cat([x, torch.zeros(2, 3)]))

    def twice():
        z = (w * w).sum()
        z.backward()
        z.backward()
    attempt("backward twice", twice)

    def leaf_inplace():
        w.add_(1.0)
    attempt("leaf in-place", leaf_inplace)
    attempt("no grad_fn", lambda: torch.ones(2).sum().backward())
    attempt("cholesky", lambda: torch.linalg.cholesky(torch.tensor([[1.0, 2.0], [2.0, 1.0]])))
    try:
        torch.linalg.cholesky(torch.tensor([[1.0, 2.0], [2.0, 1.0]]))
    except torch.linalg.LinAlgError as err:
        print("LinAlgError caught", issubclass(torch.linalg.LinAlgError, RuntimeError))
    attempt("strict load", lambda: model.load_state_dict({"weight": torch.zeros(2, 4)}))
    attempt("size mismatch", lambda: model.load_state_dict({"weight": torch.zeros(3, 4), "bias": torch.zeros(2)}))
    attempt("int requires_grad", lambda: torch.tensor([1, 2]).requires_grad_())
    attempt("cross entropy target", lambda: nn.functional.cross_entropy(torch.zeros(2, 3), torch.tensor([0, 3])), IndexError)
    attempt("expand", lambda: torch.zeros(3, 1).expand(2, 4))
    attempt("broadcast", lambda: torch.zeros(3, 4) + torch.zeros(2, 4))
    print("recovered, grad", w.grad)


if __name__ == "__main__":
    main()
