"""Small PyTorch gaps found running the pytorch.org tutorials (leftovers 9): fft.fftn/ifftn of a 0-d tensor (the
value, as complex), the one-sided transforms' refusal of no axes, and torch.utils.benchmark's Timer, Measurement
and Compare (structure and statistics, never speed)."""
import numpy as np
import pytest

import autograd as ag
from autograd.errors import DimRangeError


def _torch():
    return pytest.importorskip("torch")


# ----- 1. fftn / ifftn of a 0-d tensor ----------------------------------------------------------------------------
_ZERO_D_CALLS = {
    "fftn": lambda lib, x: lib.fft.fftn(x),
    "ifftn": lambda lib, x: lib.fft.ifftn(x),
    "fftn_s_empty": lambda lib, x: lib.fft.fftn(x, s=()),
    "fftn_dim_empty": lambda lib, x: lib.fft.fftn(x, dim=()),
    "ifftn_ortho": lambda lib, x: lib.fft.ifftn(x, norm="ortho"),
    "fftn_forward": lambda lib, x: lib.fft.fftn(x, norm="forward"),
}


@pytest.mark.parametrize("value", [2.5, -1.25 + 0.75j])
@pytest.mark.parametrize("name", sorted(_ZERO_D_CALLS))
def test_fftn_of_a_0d_tensor_is_its_value_as_torchs(name, value):
    torch = _torch()
    ours_x = ag.tensor(np.array(value), requires_grad=True)
    theirs_x = torch.tensor(np.array(value), requires_grad=True)
    ours, theirs = _ZERO_D_CALLS[name](ag, ours_x), _ZERO_D_CALLS[name](torch, theirs_x)
    assert ours.shape == tuple(theirs.shape) == ()
    assert str(ours.dtype) == str(theirs.dtype).replace("torch.", "")
    np.testing.assert_allclose(ours.numpy(), theirs.detach().numpy())
    assert type(ours.grad_fn).__name__ == type(theirs.grad_fn).__name__
    (ours.real * 3 + ours.imag * 5).backward()
    (theirs.real * 3 + theirs.imag * 5).backward()
    np.testing.assert_allclose(ours_x.grad.numpy(), theirs_x.grad.numpy())


def test_fftn_of_a_0d_tensor_passes_gradcheck():
    x = ag.tensor(np.array(0.7 - 0.2j), requires_grad=True)
    assert ag.gradcheck(lambda t: ag.fft.fftn(t, norm="ortho"), (x,))
    y = ag.tensor(np.array(1.3), requires_grad=True)
    assert ag.gradcheck(lambda t: ag.fft.ifftn(t).real, (y,))


_NO_AXIS_CALLS = {
    "rfftn": lambda lib: lib.fft.rfftn(lib.tensor(2.0)),
    "irfftn": lambda lib: lib.fft.irfftn(lib.tensor(2.0 + 1j)),
    "hfftn": lambda lib: lib.fft.hfftn(lib.tensor(2.0 + 1j)),
    "ihfftn": lambda lib: lib.fft.ihfftn(lib.tensor(2.0)),
    "rfftn_dim_empty": lambda lib: lib.fft.rfftn(lib.ones(2, 3), dim=()),
    "irfftn_dim_empty": lambda lib: lib.fft.irfftn(lib.ones(2, 3), dim=()),
}


@pytest.mark.parametrize("name", sorted(_NO_AXIS_CALLS))
def test_one_sided_transforms_refuse_no_axis_as_torch(name):
    torch = _torch()
    with pytest.raises(RuntimeError) as theirs:
        _NO_AXIS_CALLS[name](torch)
    with pytest.raises(RuntimeError, match="must transform at least one axis") as ours:
        _NO_AXIS_CALLS[name](ag)
    assert isinstance(ours.value, type(theirs.value))


@pytest.mark.parametrize("call", [lambda lib, x: lib.fft.fft(x), lambda lib, x: lib.fft.fft2(x),
                                  lambda lib, x: lib.fft.fftn(x, dim=0)])
def test_transforms_over_a_dim_of_a_0d_tensor_are_index_errors(call):
    torch = _torch()
    with pytest.raises(IndexError):
        call(torch, torch.tensor(2.0))
    with pytest.raises(DimRangeError, match="0-d tensor"):
        call(ag, ag.tensor(2.0))
