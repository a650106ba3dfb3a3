"""Tensor.unfold returns a strided view of its input, as PyTorch's does: the same strides, writes through a window
reach the input (also inside a graph), and gradients (first and second order) sum the overlapping windows back;
checked against PyTorch and with gradcheck. Found by the round-7 forecasting program, which printed
windows.stride() as (15, 1) where PyTorch prints (1, 1)."""
import numpy as np
import pytest

import autograd as ag

CASES = [((10,), 0, 4, 2), ((10,), 0, 3, 3), ((10,), -1, 2, 5), ((2, 7, 3), 1, 3, 2), ((2, 7, 3), -1, 2, 1),
         ((4, 5), 0, 4, 1), ((6,), 0, 0, 2), ((3, 8), 1, 8, 1)]


def _data(shape, seed=0):
    return np.random.default_rng(seed).standard_normal(shape)


@pytest.mark.parametrize("shape,dim,size,step", CASES)
def test_unfold_values_strides_and_gradients_match_pytorch(shape, dim, size, step):
    torch = pytest.importorskip("torch")
    x = _data(shape)
    ours = ag.tensor(x, requires_grad=True)
    theirs = torch.tensor(x, requires_grad=True)
    a, b = ours.unfold(dim, size, step), theirs.unfold(dim, size, step)
    assert tuple(a.shape) == tuple(b.shape) and a.stride() == b.stride()
    np.testing.assert_allclose(a.detach().numpy(), b.detach().numpy())
    w = _data(tuple(b.shape), seed=1)
    (a * ag.tensor(w)).sum().backward()
    (b * torch.tensor(w)).sum().backward()
    np.testing.assert_allclose(ours.grad.numpy(), theirs.grad.numpy(), rtol=1e-12, atol=1e-12)


def test_unfold_of_a_transposed_tensor_keeps_its_strides():
    torch = pytest.importorskip("torch")
    x = _data((4, 9))
    a, b = ag.tensor(x).T.unfold(0, 3, 2), torch.tensor(x).T.unfold(0, 3, 2)
    assert a.stride() == b.stride()
    np.testing.assert_allclose(a.numpy(), b.numpy())


def test_writes_through_a_window_reach_the_input():
    s = ag.arange(10.0)
    w = s.unfold(0, 4, 2)
    w[1, 0] = 100.0
    w[3].fill_(-1.0)
    assert s.tolist() == [0.0, 1.0, 100.0, 3.0, 4.0, 5.0, -1.0, -1.0, -1.0, -1.0]
    assert w[0, 2].item() == 100.0   # overlapping windows see it too


def test_inplace_change_of_a_window_inside_a_graph_matches_pytorch():
    torch = pytest.importorskip("torch")
    x = _data((8,))
    grads = []
    for lib in (ag, torch):
        leaf = lib.tensor(x, requires_grad=True)
        y = leaf * 2
        y.unfold(0, 2, 2)[1].mul_(3)
        (y * lib.arange(8.0, dtype=lib.float64)).sum().backward()
        grads.append((y.detach().numpy().copy(), leaf.grad.numpy().copy()))
    np.testing.assert_allclose(grads[0][0], grads[1][0])
    np.testing.assert_allclose(grads[0][1], grads[1][1])


@pytest.mark.parametrize("shape,dim,size,step", [((7,), 0, 3, 2), ((2, 6), 1, 4, 1), ((5, 3), 0, 2, 3)])
def test_unfold_gradcheck_and_gradgradcheck(shape, dim, size, step):
    x = ag.tensor(_data(shape), requires_grad=True)
    assert ag.autograd.gradcheck(lambda t: t.unfold(dim, size, step) ** 2, (x,))
    assert ag.autograd.gradgradcheck(lambda t: t.unfold(dim, size, step) ** 2, (x,))


def test_zero_dim_and_bad_windows():
    torch = pytest.importorskip("torch")
    assert ag.tensor(3.0).unfold(0, 1, 1).tolist() == torch.tensor(3.0).unfold(0, 1, 1).tolist()
    with pytest.raises(ValueError, match=r"unfold: windows of size 5 with step 1 along dim 0 of size 4"):
        ag.zeros(4).unfold(0, 5, 1)
    with pytest.raises(ValueError, match="step positive"):
        ag.zeros(4).unfold(0, 2, 0)


def test_storage_offset_of_strided_views_counts_from_the_memory_block():
    # as_strided-made views (unfold, diagonal, as_strided) reported 0: the walk to the block stopped at NumPy's
    # wrapper object
    torch = pytest.importorskip("torch")
    for lib in (ag, torch):
        x = lib.arange(24.0).reshape(2, 3, 4)
        got = [x[:, 1].unfold(1, 2, 1).storage_offset(), x.diagonal(1, 1, 2).storage_offset(),
               x[1].as_strided((2, 2), (1, 1)).storage_offset(), x.as_strided((3, 3), (2, 1), 1).storage_offset(),
               lib.view_as_real(lib.complex(x, x)[1]).storage_offset()]
        assert got == [4, 1, 12, 1, 24], lib.__name__
    with pytest.raises(RuntimeError, match="storage_offset"):
        ag.arange(24.0).reshape(2, 3, 4).float()[:, :, 1:].unfold(2, 2, 2).view(ag.float64)
