"""Unfold/Fold (im2col/col2im), MaxUnpool1d/2d and LPPool1d/2d against PyTorch: forward, gradients, float64
gradcheck, repr, and the errors for bad input."""
import numpy as np
import pytest

import autograd as ag
import nn
import nn.functional as F

from ..helpers import check_against_torch, check_gradcheck, rand, torch
from .torch_layer_check import check_layer

FOLD_ARGS = [dict(kernel_size=3), dict(kernel_size=(2, 3), dilation=(2, 1), padding=(1, 2), stride=(2, 3)),
             dict(kernel_size=1, stride=2), dict(kernel_size=(3, 2), padding=1, stride=(1, 2))]


@pytest.mark.parametrize("kwargs", FOLD_ARGS)
@pytest.mark.parametrize("shape", [(2, 3, 7, 6), (1, 1, 5, 5), (3, 6, 4)])
def test_unfold_matches_torch(device, kwargs, shape):
    ours, theirs = nn.Unfold(**kwargs), torch.nn.Unfold(**kwargs)
    assert repr(ours) == repr(theirs)
    check_layer(ours, theirs, [rand(shape, np.float32, seed=1)], device, atol=1e-6)


@pytest.mark.parametrize("kwargs", FOLD_ARGS)
@pytest.mark.parametrize("size,batch", [((7, 6), (2, 3)), ((5, 5), (1, 1)), ((4, 6), (2,))])
def test_fold_matches_torch_and_undoes_unfold_sums(device, kwargs, size, batch):
    columns = torch.nn.functional.unfold(torch.zeros((1, batch[-1]) + size), **kwargs).shape[1:]
    ours, theirs = nn.Fold(size, **kwargs), torch.nn.Fold(size, **kwargs)
    assert repr(ours) == repr(theirs)
    shape = batch[:-1] + tuple(columns)
    check_layer(ours, theirs, [rand(shape, np.float32, seed=2)], device, atol=1e-5)


def test_fold_unfold_gradcheck_float64(device):
    kwargs = dict(kernel_size=(2, 3), dilation=(1, 2), padding=1, stride=(2, 1))
    x = rand((2, 2, 5, 6), seed=3)
    check_gradcheck(lambda a: F.unfold(a, **kwargs), [x], device)
    cols = F.unfold(ag.tensor(x), **kwargs).numpy()
    check_gradcheck(lambda a: F.fold(a, (5, 6), **kwargs), [cols], device)


def test_fold_and_unfold_name_the_shapes():
    with pytest.raises(ValueError, match=r"fold: input Size\(\[1, 12, 5\]\) holds 5 blocks, but output_size \(4, 4\).*"
                                         r"gives 3 x 3 = 9; check output_size"):
        F.fold(ag.randn(1, 12, 5), (4, 4), 2)
    with pytest.raises(ValueError, match=r"fold: dimension 1 of input Size\(\[1, 10, 9\]\) \(10\) must be a multiple of "
                                         r"kH \* kW = 4"):
        F.fold(ag.randn(1, 10, 9), (4, 4), 2)
    with pytest.raises(ValueError, match=r"unfold: a kernel \(4, 4\).*does not fit the padded size \(3, 3\)"):
        nn.Unfold(4)(ag.randn(1, 1, 3, 3))
    with pytest.raises(ValueError, match=r"unfold: expects an input \(N, C, H, W\) or \(C, H, W\), got shape"):
        nn.Unfold(2)(ag.randn(3, 3))


@pytest.mark.parametrize("kwargs,shape", [(dict(kernel_size=2), (2, 3, 6, 4)), (dict(kernel_size=3, stride=2,
                                           padding=1), (1, 2, 7, 5)), (dict(kernel_size=(2, 3)), (3, 5, 7))])
def test_max_unpool2d_matches_torch(device, kwargs, shape):
    x = rand(shape, np.float32, seed=4)
    values, indices = torch.nn.functional.max_pool2d(torch.tensor(x), return_indices=True, **kwargs)
    pool_args = {k: v for k, v in kwargs.items() if k != "dilation"}
    ours, theirs = nn.MaxUnpool2d(**pool_args), torch.nn.MaxUnpool2d(**pool_args)
    assert repr(ours) == repr(theirs)
    index = ag.tensor(indices.numpy(), device=device)
    check_against_torch(lambda v: ours(v, index, shape[-2:]), lambda v: theirs(v, indices, shape[-2:]),
                        [values.numpy()], device, atol=0)
    try:
        theirs(values, indices)    # the default output size may be too small for the pooled input's indices
    except RuntimeError:
        with pytest.raises(ValueError, match=r"max_unpool2d: indices must lie in \[0, \d+\) for the output size"):
            ours(ag.tensor(values.numpy()), index)
    else:
        check_against_torch(lambda v: ours(v, index), lambda v: theirs(v, indices), [values.numpy()], device, atol=0)


def test_max_unpool_undoes_our_own_max_pool(device):
    x = ag.tensor(rand((2, 3, 6, 6), np.float32, low=0.1, seed=5), device=device)   # maxima beat the zeros
    values, indices = nn.MaxPool2d(2, return_indices=True)(x)
    restored = nn.MaxUnpool2d(2)(values, indices)
    assert np.allclose(nn.MaxPool2d(2)(restored).numpy(), values.numpy())
    v1, i1 = F.max_pool1d(x[0], 2, return_indices=True)
    t1 = torch.nn.functional.max_unpool1d(torch.tensor(v1.numpy()), torch.tensor(i1.numpy()), 2)
    np.testing.assert_array_equal(nn.MaxUnpool1d(2)(v1, i1).numpy(), t1.numpy())
    assert repr(nn.MaxUnpool1d(2)) == repr(torch.nn.MaxUnpool1d(2))


def test_max_unpool_gradcheck_and_errors(device):
    x = rand((1, 2, 4, 4), seed=6)
    _, indices = F.max_pool2d(ag.tensor(x), 2, return_indices=True)
    check_gradcheck(lambda v: F.max_unpool2d(v, indices.to(device), 2), [rand((1, 2, 2, 2), seed=7)], device)
    with pytest.raises(ValueError, match=r"max_unpool2d: indices must be an integer tensor of the input's shape"):
        F.max_unpool2d(ag.randn(1, 2, 2, 2), indices[:, :1], 2)
    with pytest.raises(ValueError, match=r"max_unpool2d: output_size \(9, 4\) is not a size"):
        F.max_unpool2d(ag.randn(1, 2, 2, 2), indices, 2, output_size=(9, 4))


@pytest.mark.parametrize("norm,kernel,stride,ceil,shape", [(2, 3, None, False, (2, 3, 7, 6)),
                                                           (3, (2, 3), 2, True, (1, 2, 5, 7)),
                                                           (1.5, 2, 1, False, (2, 4, 4))])
def test_lp_pool2d_matches_torch(device, norm, kernel, stride, ceil, shape):
    ours, theirs = nn.LPPool2d(norm, kernel, stride, ceil), torch.nn.LPPool2d(norm, kernel, stride, ceil)
    assert repr(ours) == repr(theirs)
    check_layer(ours, theirs, [rand(shape, np.float32, low=0.1, high=2.0, seed=8)], device)


@pytest.mark.parametrize("norm,kernel,stride,ceil,shape", [(2, 3, None, False, (2, 3, 7)), (4, 2, 1, True, (1, 5)),
                                                           (1, 3, 2, True, (3, 2, 8))])
def test_lp_pool1d_matches_torch(device, norm, kernel, stride, ceil, shape):
    ours, theirs = nn.LPPool1d(norm, kernel, stride, ceil), torch.nn.LPPool1d(norm, kernel, stride, ceil)
    assert repr(ours) == repr(theirs)
    check_layer(ours, theirs, [rand(shape, np.float32, low=0.1, high=2.0, seed=9)], device)


def test_lp_pool_gradcheck_float64(device):
    x = rand((2, 2, 5, 4), low=0.2, high=1.5, seed=10)
    check_gradcheck(lambda a: F.lp_pool2d(a, 2, 2, 1), [x], device)
    check_gradcheck(lambda a: F.lp_pool1d(a, 3, 2), [x[0]], device)
