"""view() keeps PyTorch's rule (no copy: a non-contiguous layout raises), contiguous() copies only when
needed and stays in the graph, is_contiguous() agrees with PyTorch; nn.Conv2d refuses padding='same'
with a stride at construction, as PyTorch does."""
import numpy as np
import pytest

import autograd as ag
import nn


LAYOUTS = {
    "plain": lambda t: t,
    "t": lambda t: t.t(),
    "permute": lambda t: t.unsqueeze(0).permute(2, 0, 1),
    "column slice": lambda t: t[:, 1:],
    "row slice": lambda t: t[1:],
    "expand": lambda t: t[:, :1].expand(3, 4),
}


@pytest.mark.parametrize("layout", LAYOUTS)
def test_view_and_contiguity_follow_pytorch(layout):
    torch = pytest.importorskip("torch")
    values = np.arange(12, dtype=np.float32).reshape(3, 4)
    ours = LAYOUTS[layout](ag.tensor(values))
    theirs = LAYOUTS[layout](torch.from_numpy(values))
    assert ours.is_contiguous() == theirs.is_contiguous()
    try:
        expected = theirs.view(-1).numpy()
    except RuntimeError:
        with pytest.raises(RuntimeError, match=r"view: .*cannot be viewed as .*use \.reshape"):
            ours.view(-1)
    else:
        np.testing.assert_array_equal(ours.view(-1).numpy(), expected)
    np.testing.assert_array_equal(ours.contiguous().view(-1).numpy(), theirs.contiguous().view(-1).numpy())
    assert ours.contiguous().is_contiguous()


def test_contiguous_returns_the_tensor_itself_when_already_contiguous():
    x = ag.randn(3, 4)
    assert x.contiguous() is x


def test_gradient_flows_through_contiguous_and_view():
    x = ag.randn(3, 4, requires_grad=True)
    weights = ag.arange(12.0)
    (x.t().contiguous().view(12) * weights).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), np.arange(12.0).reshape(4, 3).T)


def test_view_shares_memory_with_its_base():
    x = ag.zeros(2, 3)
    y = x.view(6)
    y[0] = 5.0
    assert x[0, 0].item() == 5.0


@pytest.mark.parametrize("offset, dims", [(0, (0, 1)), (1, (0, 1)), (-1, (0, 1)), (1, (0, 2)), (-2, (2, 1))])
def test_diagonal_is_a_view_as_in_pytorch(offset, dims):
    torch = pytest.importorskip("torch")
    values = np.arange(60, dtype=np.float64).reshape(3, 4, 5)
    ours, theirs = ag.tensor(values), torch.tensor(values)
    ours.diagonal(offset, *dims).mul_(-1).add_(0.5)
    theirs.diagonal(offset, *dims).mul_(-1).add_(0.5)
    np.testing.assert_array_equal(ours.numpy(), theirs.numpy())
    ag.diagonal(ours[1], 1).zero_()
    torch.diagonal(theirs[1], 1).zero_()
    np.testing.assert_array_equal(ours.numpy(), theirs.numpy())
    diag = ag.diag(ours[0])   # diag of a matrix is a copy in both
    diag.fill_(-9)
    assert (ours[0] != -9).all().item()
    x = ag.tensor(values, requires_grad=True)
    (x.diagonal(offset, *dims) * 3).sum().backward()
    xt = torch.tensor(values, requires_grad=True)
    (xt.diagonal(offset, *dims) * 3).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), xt.grad.numpy())


def test_strided_same_padding_is_refused_when_the_layer_is_built():
    torch = pytest.importorskip("torch")
    with pytest.raises(ValueError):
        torch.nn.Conv2d(3, 4, 3, stride=2, padding="same")
    with pytest.raises(ValueError, match="padding='same' needs stride 1"):
        nn.Conv2d(3, 4, 3, stride=2, padding="same")
    assert nn.Conv2d(3, 4, 3, padding="same")(ag.randn(1, 3, 5, 5)).shape == (1, 4, 5, 5)
