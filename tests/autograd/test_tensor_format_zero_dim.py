"""f-strings and format() of tensors as PyTorch formats them: a 0-d tensor as its Python number with or without a
format spec (f"loss {loss}" printed the tensor's repr in deepgrad, "tensor(0.6931, grad_fn=<...>)", where PyTorch
prints 0.6931471805599453); other tensors as their repr."""
import numpy as np
import pytest

import autograd as ag

VALUES = [(1.5, np.float64), (0.1, np.float32), (3, np.int64), (True, np.bool_), (1 + 2j, np.complex128)]


@pytest.mark.parametrize("value,dtype", VALUES)
@pytest.mark.parametrize("spec", ["", ">12", "^9"])
def test_zero_dim_tensors_format_as_their_number_like_pytorch(value, dtype, spec):
    torch = pytest.importorskip("torch")
    ours, theirs = ag.tensor(np.array(value, dtype=dtype)), torch.tensor(np.array(value, dtype=dtype))
    assert format(ours, spec) == format(theirs, spec)
    assert f"{ours}" == f"{theirs}" and "{}".format(ours) == "{}".format(theirs)


def test_zero_dim_result_of_a_graph_formats_as_its_number():
    torch = pytest.importorskip("torch")
    texts = []
    for lib in (ag, torch):
        x = lib.tensor(np.array([0.25, -1.5, 2.0]), requires_grad=True)
        loss = (x * x).mean()
        texts.append(f"loss {loss} first {x[0]} rounded {loss:.3f}")
    assert texts[0] == texts[1] == "loss 2.1041666666666665 first 0.25 rounded 2.104"


def test_tensors_with_elements_format_as_their_repr():
    x = ag.tensor(np.array([1.5, 2.0]))
    assert f"{x}" == repr(x) == str(x)
    assert f"{ag.tensor(np.array([2.5]))}" == "tensor([2.5000], dtype=float64)"
