"""ag.fft (torch.fft's counterpart): every transform against PyTorch (values, shapes, dtypes and gradients for
each norm, with n/s padding and trimming and chosen dims), float64 gradcheck, second derivatives, the
frequency helpers and shifts, and clear errors for bad arguments."""
import numpy as np
import pytest

import autograd as ag
from tests.helpers import require_torch

RNG = np.random.default_rng(0)
Z = RNG.standard_normal((4, 6, 5)) + 1j * RNG.standard_normal((4, 6, 5))
X = RNG.standard_normal((4, 6, 5))

CASES = [("fft", Z, {}), ("fft", Z, dict(n=8, dim=1)), ("fft", Z, dict(n=3)), ("ifft", Z, dict(dim=0)),
         ("fft", X, {}), ("fft2", Z, {}), ("fft2", Z, dict(s=(7, 3))), ("ifft2", Z, dict(dim=(0, 2))),
         ("fftn", Z, {}), ("fftn", Z, dict(s=(3, 4))), ("ifftn", Z, dict(dim=(1,), s=(9,))),
         ("fftn", Z, dict(s=(-1, 2, 6))), ("rfft", X, {}), ("rfft", X, dict(n=8)), ("rfft", X, dict(n=7, dim=0)),
         ("rfft2", X, {}), ("rfftn", X, {}), ("rfftn", X, dict(s=(5, 4))), ("irfft", Z, {}), ("irfft", Z, dict(n=9)),
         ("irfft", Z, dict(n=8)), ("irfft", Z, dict(n=3, dim=1)), ("irfft2", Z, {}), ("irfftn", Z, {}),
         ("irfftn", Z, dict(s=(5, 7))), ("irfft", X, {}), ("hfft", Z, {}), ("hfft", Z, dict(n=7)), ("ihfft", X, {}),
         ("ihfft", X, dict(n=7)), ("hfft2", Z, {}), ("ihfft2", X, {}), ("hfftn", Z, dict(s=(3, 5, 6))),
         ("ihfftn", X, {})]


def _case_id(case):
    name, data, kwargs = case
    return f"{name}-{'complex' if data.dtype.kind == 'c' else 'real'}-" + "-".join(f"{k}{v}" for k, v in kwargs.items())


def _numpy(t):
    return t.detach().resolve_conj().numpy() if hasattr(t, "resolve_conj") else t.numpy()


@pytest.mark.parametrize("norm", [None, "ortho", "forward"])
@pytest.mark.parametrize("case", CASES, ids=[_case_id(c) for c in CASES])
def test_transform_matches_torch(case, norm, device):
    torch = require_torch()
    name, data, kwargs = case
    kwargs = dict(kwargs, norm=norm)
    results = []
    for m in (torch, ag):
        x = torch.tensor(data, requires_grad=True) if m is torch else ag.tensor(data, requires_grad=True, device=device)
        y = getattr(m.fft, name)(x, **kwargs)
        rng = np.random.default_rng(1)
        w = rng.standard_normal(tuple(y.shape)) + (1j * rng.standard_normal(tuple(y.shape)) if y.is_complex() else 0)
        w = torch.tensor(w) if m is torch else ag.tensor(w, device=device)
        ((y * w.conj()).real.sum() if y.is_complex() else (y * w).sum()).backward()
        results.append((_numpy(y), _numpy(x.grad), str(y.dtype).split(".")[-1]))
    (y1, g1, d1), (y2, g2, d2) = results
    assert d2 == d1 and y2.shape == y1.shape
    np.testing.assert_allclose(y2, y1, rtol=1e-10, atol=1e-11)
    np.testing.assert_allclose(g2, g1, rtol=1e-10, atol=1e-11)


@pytest.mark.parametrize("name, data, kwargs", [("fft", Z[0, :3], dict(n=4)), ("ifft2", Z[0, :3, :3], dict(norm="ortho")),
                                                ("rfft", X[0, :3], dict(n=5)), ("irfft", Z[0, 0, :3], dict(n=5)),
                                                ("irfft", Z[0, 0, :4], dict(norm="forward")), ("hfft", Z[0, 0, :3], {}),
                                                ("ihfft", X[0, 0, :5], {}), ("rfftn", X[0, :3, :4], {}),
                                                ("irfftn", Z[0, :3, :3], dict(s=(3, 4)))])
def test_transform_gradients_pass_gradcheck(name, data, kwargs):
    x = ag.tensor(data, requires_grad=True)
    assert ag.gradcheck(lambda x: getattr(ag.fft, name)(x, **kwargs), (x,), raise_exception=True)


def test_second_derivatives_through_transforms_match_torch():
    torch = require_torch()
    out = []
    for m in (torch, ag):
        z = m.tensor(Z[0, 0], requires_grad=True)
        loss = (m.fft.fft(z * z.exp()).abs() ** 2).sum() + m.fft.irfft(z, n=7).pow(3).sum()
        g, = m.autograd.grad(loss, z, create_graph=True)
        h, = m.autograd.grad((g * g.conj()).real.sum(), z)
        out.append([_numpy(g), _numpy(h)])
    for ours, theirs in zip(out[1], out[0]):
        np.testing.assert_allclose(ours, theirs, rtol=1e-9)


def test_single_precision_and_integer_input_follow_torch():
    torch = require_torch()
    x32 = X[0].astype(np.float32)
    assert ag.fft.rfft(ag.tensor(x32)).dtype == ag.complex64
    assert ag.fft.irfft(ag.fft.rfft(ag.tensor(x32))).dtype == ag.float32
    np.testing.assert_allclose(ag.fft.fft2(ag.tensor(x32)).numpy(), torch.fft.fft2(torch.tensor(x32)).numpy(),
                               rtol=1e-5, atol=1e-5)
    assert repr(ag.fft.fft(ag.arange(4))) == repr(torch.fft.fft(torch.arange(4)))


def test_frequencies_and_shifts_match_torch():
    torch = require_torch()
    for n, d in ((5, 1.0), (8, 0.5), (1, 2.0)):
        assert repr(ag.fft.fftfreq(n, d)) == repr(torch.fft.fftfreq(n, d))
        assert repr(ag.fft.rfftfreq(n, d)) == repr(torch.fft.rfftfreq(n, d))
    assert ag.fft.fftfreq(4, dtype=ag.float64).dtype == ag.float64
    grid = np.arange(30).reshape(5, 6)
    for dim in (None, 0, (1,), (0, 1)):
        assert ag.fft.fftshift(ag.tensor(grid), dim).tolist() == torch.fft.fftshift(torch.tensor(grid), dim).tolist()
        assert ag.fft.ifftshift(ag.tensor(grid), dim).tolist() == torch.fft.ifftshift(torch.tensor(grid), dim).tolist()
    x = ag.tensor(X[0], requires_grad=True)
    ag.fft.fftshift(x).sum().backward()
    assert x.grad.tolist() == np.ones_like(X[0]).tolist()


def test_inverse_undoes_forward():
    z = ag.tensor(Z)
    np.testing.assert_allclose(ag.fft.ifftn(ag.fft.fftn(z, norm="ortho"), norm="ortho").numpy(), Z, atol=1e-12)
    x = ag.tensor(X)
    np.testing.assert_allclose(ag.fft.irfft(ag.fft.rfft(x), n=5).numpy(), X, atol=1e-12)
    np.testing.assert_allclose(ag.fft.hfft(ag.fft.ihfft(x), n=5).numpy(), X, atol=1e-12)


@pytest.mark.parametrize("call, error, message", [
    (lambda: ag.fft.fft(ag.tensor(Z), norm="unitary"), ValueError, "fft.fft: norm must be 'backward', 'ortho' or 'forward'"),
    (lambda: ag.fft.fft(ag.tensor(Z), n=0), ValueError, r"fft.fft: invalid number of data points \(0\)"),
    (lambda: ag.fft.rfft(ag.tensor(Z)), TypeError, "fft.rfft expects a real input tensor, got complex128"),
    (lambda: ag.fft.fft(ag.tensor(Z), dim=3), IndexError, "fft.fft: dim 3 is out of range for a tensor of 3 dims"),
    (lambda: ag.fft.fft2(ag.tensor(Z), s=(2, 3, 4)), ValueError, "fft.fft2: s has 3 sizes but dim names 2 dims"),
    (lambda: ag.fft.fftn(ag.tensor(Z), dim=(1, 1)), ValueError, r"fft.fftn: dims must be unique"),
    (lambda: ag.fft.irfft(ag.tensor(Z[..., :1])), ValueError, r"fft.irfft: invalid number of data points \(0\)"),
    (lambda: ag.fft.fft(ag.tensor(1.0)), ValueError, "fft.fft: expects a tensor of at least 1 dim"),
    (lambda: ag.fft.fft([1.0, 2.0]), TypeError, "fft.fft"),
])
def test_bad_arguments_get_clear_errors(call, error, message):
    with pytest.raises(error, match=message):
        call()
