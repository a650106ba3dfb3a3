"""ag.stft / ag.istft (and Tensor.stft / istft) and the window functions (ag.hann_window..., ag.signal.windows)
against PyTorch: values, shapes, dtypes and gradients (signal, spectrum and window) over a grid of n_fft, hops,
windows, padding modes, normalisation, sidedness, batches and complex data; round trips, float64 gradcheck,
second derivatives, PyTorch's once-per-process warnings, and its errors for bad arguments."""
import importlib
import warnings

import numpy as np
import pytest

import autograd as ag
import autograd.signal
from tests.helpers import require_torch

RNG = np.random.default_rng(0)
SIGNAL = RNG.standard_normal((2, 40))
CSIGNAL = SIGNAL + 1j * RNG.standard_normal((2, 40))


def _numpy(t):
    return t.detach().resolve_conj().numpy() if hasattr(t, "resolve_conj") else t.detach().numpy()


def _window(m, spec, device):
    """The window a case names ((kind, length), optionally complex) as a float64 leaf of module m."""
    if spec is None:
        return None
    kind, length = spec[:2]
    w = getattr(ag, f"{kind}_window")(length, dtype=ag.float64).numpy()
    if len(spec) > 2:   # a complex window: the real one turned by a phase ramp
        w = w * (1 + 0.5j * np.cos(np.arange(length)))
    w = ag.tensor(w, device=device) if m is ag else m.tensor(w)
    return w.requires_grad_()


def _loss_and_backward(m, y, seed=1):
    rng = np.random.default_rng(seed)
    shape = tuple(y.shape)
    w = rng.standard_normal(shape) + (1j * rng.standard_normal(shape) if y.is_complex() else 0)
    w = m.tensor(w)
    if m is ag:
        w = w.to(y.device)
    ((y * w.conj()).real.sum() if y.is_complex() else (y * w).sum()).backward()


def _compare(run, data, window, device):
    """run(m, x, w) under torch and ag: the same values, dtype and gradients of x and the window."""
    torch = require_torch()
    results = []
    for m in (torch, ag):
        x = torch.tensor(data, requires_grad=True) if m is torch else ag.tensor(data, requires_grad=True,
                                                                                device=device)
        w = _window(m, window, device)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            y = run(m, x, w)
        _loss_and_backward(m, y)
        results.append((_numpy(y), str(y.dtype).split(".")[-1], _numpy(x.grad),
                        None if w is None else _numpy(w.grad)))
    (y1, d1, gx1, gw1), (y2, d2, gx2, gw2) = results
    assert d2 == d1 and y2.shape == y1.shape
    np.testing.assert_allclose(y2, y1, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(gx2, gx1, rtol=1e-10, atol=1e-12)
    if window is not None:
        np.testing.assert_allclose(gw2, gw1, rtol=1e-10, atol=1e-12)


# (id, data, n_fft, keyword arguments, window (kind, length[, complex]))
STFT_CASES = [
    ("even-hann-reflect", SIGNAL[0], 8, dict(hop_length=2), ("hann", 8)),
    ("odd-hamming-constant-batched", SIGNAL, 9, dict(hop_length=3, pad_mode="constant"), ("hamming", 9)),
    ("short-blackman-uncentred", SIGNAL[0], 8, dict(win_length=5, center=False), ("blackman", 5)),
    ("ones-padded-replicate-normalized", SIGNAL, 8, dict(win_length=6, pad_mode="replicate", normalized=True), None),
    ("kaiser-circular-twosided", SIGNAL[1], 7, dict(hop_length=2, pad_mode="circular", onesided=False), ("kaiser", 7)),
    ("bartlett-odd-gap-normalized", SIGNAL, 10, dict(hop_length=4, win_length=7, normalized=True), ("bartlett", 7)),
    ("complex-input", CSIGNAL[0], 8, dict(hop_length=3), ("hann", 8)),
    ("complex-batched-uncentred", CSIGNAL, 6, dict(center=False, normalized=True), None),
    ("complex-window", SIGNAL[0], 8, dict(hop_length=2), ("hann", 8, "complex")),
    ("aligned-to-window", SIGNAL, 8, dict(hop_length=2, win_length=4, center=False, align_to_window=True),
     ("hann", 4)),
    ("whole-signal-one-frame", SIGNAL[0], 40, dict(center=False), ("hamming", 40)),
    ("hop-longer-than-frame", SIGNAL[0], 5, dict(hop_length=7, pad_mode="reflect"), ("hann", 5)),
]


@pytest.mark.parametrize("case", STFT_CASES, ids=[c[0] for c in STFT_CASES])
def test_stft_matches_torch(case, device):
    _, data, n_fft, kwargs, window = case
    _compare(lambda m, x, w: m.stft(x, n_fft, window=w, return_complex=True, **kwargs), data, window, device)


def test_stft_real_output_and_method_form_match_torch(device):
    _compare(lambda m, x, w: x.stft(8, 3, window=w, return_complex=False), SIGNAL, ("hann", 8), device)
    _compare(lambda m, x, w: m.stft(x, 8, 3, window=w, return_complex=False), CSIGNAL[0], ("hann", 8), device)


def _spectrum(data, n_fft, **kwargs):
    torch = require_torch()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")   # torch's warning for a missing window
        return torch.stft(torch.tensor(data), n_fft, return_complex=True, **kwargs).numpy()


HANN8 = np.hanning(9)[:8]
# (id, spectrum, n_fft, keyword arguments, window)
ISTFT_CASES = [
    ("hann-centred", _spectrum(SIGNAL[0], 8, hop_length=2), 8, dict(hop_length=2), ("hann", 8)),
    ("odd-hamming-batched-trimmed", _spectrum(SIGNAL, 9, hop_length=3), 9, dict(hop_length=3, length=37),
     ("hamming", 9)),
    ("short-window", _spectrum(SIGNAL[0], 8, hop_length=2), 8, dict(hop_length=2, win_length=6), ("hamming", 6)),
    ("uncentred", _spectrum(SIGNAL[0], 8, hop_length=3, center=False), 8, dict(hop_length=3, center=False),
     ("hamming", 8)),
    ("twosided-normalized", _spectrum(SIGNAL, 8, hop_length=2, onesided=False, normalized=True), 8,
     dict(hop_length=2, normalized=True), ("hann", 8)),
    ("complex-result", _spectrum(CSIGNAL, 8, hop_length=2), 8, dict(hop_length=2, return_complex=True),
     ("hann", 8)),
    ("complex-window", _spectrum(CSIGNAL[0], 8, hop_length=2), 8, dict(hop_length=2, return_complex=True),
     ("hann", 8, "complex")),
    ("padded-length", _spectrum(SIGNAL[0], 8, hop_length=2), 8, dict(hop_length=2, length=48), ("hann", 8)),
    ("kaiser-odd-hop-one", _spectrum(SIGNAL[1], 7, hop_length=1), 7, dict(hop_length=1), ("kaiser", 7)),
    ("no-window", _spectrum(SIGNAL[0], 8, hop_length=2), 8, dict(hop_length=2, win_length=5), None),
]


@pytest.mark.parametrize("case", ISTFT_CASES, ids=[c[0] for c in ISTFT_CASES])
def test_istft_matches_torch(case, device):
    _, spectrum, n_fft, kwargs, window = case
    _compare(lambda m, s, w: m.istft(s, n_fft, window=w, **kwargs), spectrum, window, device)


@pytest.mark.parametrize("n_fft, hop, win_length, center, window", [
    (8, 2, None, True, "hann"), (9, 3, None, True, "hann"), (8, 2, None, False, "hamming"),
    (16, 4, 11, True, "blackman"), (7, 7, None, False, "ones")])
def test_istft_inverts_stft(n_fft, hop, win_length, center, window, device):
    length = win_length or n_fft
    w = ag.ones(length, dtype=ag.float64) if window == "ones" else getattr(ag, f"{window}_window")(length,
                                                                                                   dtype=ag.float64)
    w = w.to(device)
    x = ag.tensor(SIGNAL[:, :35], device=device)
    spec = ag.stft(x, n_fft, hop, win_length, w, center=center, return_complex=True)
    back = ag.istft(spec, n_fft, hop, win_length, w, center=center, length=35 if center else None)
    kept = back.shape[-1]
    np.testing.assert_allclose(back.numpy(), SIGNAL[:, :kept], atol=1e-12)
    assert kept == 35 or not center
    z = ag.tensor(CSIGNAL[0], device=device)
    spec = ag.stft(z, n_fft, hop, win_length, w, center=center)
    back = ag.istft(spec, n_fft, hop, win_length, w, center=center, return_complex=True)
    np.testing.assert_allclose(back.numpy(), CSIGNAL[0, :back.shape[-1]], atol=1e-12)


def test_gradients_pass_gradcheck():
    x = ag.tensor(SIGNAL[0, :11], requires_grad=True)
    w = ag.tensor(np.hanning(6) + 0.1, requires_grad=True)
    assert ag.gradcheck(lambda x, w: ag.stft(x, 6, 2, window=w, return_complex=True), (x, w), raise_exception=True)
    assert ag.gradcheck(lambda x: ag.stft(x, 5, 2, win_length=4, center=False, return_complex=True, onesided=False),
                        (x,), raise_exception=True)
    spec = ag.tensor(_spectrum(SIGNAL[0, :12], 6, hop_length=2), requires_grad=True)
    assert ag.gradcheck(lambda s, w: ag.istft(s, 6, 2, window=w), (spec, w), raise_exception=True)


def test_second_derivatives_match_torch():
    torch = require_torch()
    out = []
    for m in (torch, ag):
        x = m.tensor(SIGNAL[0, :20], requires_grad=True)
        w = m.tensor(np.hanning(8) + 0.1)
        loss = (m.stft(x * x, 8, 2, window=w, return_complex=True).abs() ** 2).sum()
        g, = m.autograd.grad(loss, x, create_graph=True)
        spec = m.stft(x, 8, 2, window=w, return_complex=True)
        loss2 = (m.istft(spec * spec, 8, 2, window=w) ** 2).sum()
        g2, = m.autograd.grad(loss2, x, create_graph=True)
        h, = m.autograd.grad((g * g).sum() + (g2 * g2).sum(), x)
        out.append([_numpy(g), _numpy(g2), _numpy(h)])
    for ours, theirs in zip(out[1], out[0]):
        np.testing.assert_allclose(ours, theirs, rtol=1e-9, atol=1e-9)


def test_float32_and_promotion_follow_torch():
    torch = require_torch()
    x32 = SIGNAL[0].astype(np.float32)
    for w in (np.hanning(8), np.hanning(8).astype(np.float32)):
        theirs = torch.stft(torch.tensor(x32), 8, window=torch.tensor(w), return_complex=True)
        ours = ag.stft(ag.tensor(x32), 8, window=ag.tensor(w), return_complex=True)
        assert str(ours.dtype) == str(theirs.dtype).split(".")[-1]
        np.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=1e-5, atol=1e-5)
        back, tback = ag.istft(ours, 8, window=ag.tensor(w)), torch.istft(theirs, 8, window=torch.tensor(w))
        assert str(back.dtype) == str(tback.dtype).split(".")[-1]
        np.testing.assert_allclose(back.numpy(), tback.numpy(), rtol=1e-5, atol=1e-5)


def test_warnings_come_once_per_process_as_in_torch(monkeypatch):
    monkeypatch.setattr(importlib.import_module("autograd.warn_once"), "_given", set())
    x, w = ag.tensor(SIGNAL[0]), ag.hann_window(8, dtype=ag.float64)
    with pytest.warns(UserWarning, match="A window was not provided. A rectangular window will be applied,which"):
        ag.stft(x, 8, return_complex=True)
    with pytest.warns(UserWarning, match="stft with return_complex=False is deprecated"):
        assert ag.stft(x, 8, window=w, return_complex=False).shape == (5, 21, 2)
    spec = ag.stft(x, 8, window=w, return_complex=True)
    with pytest.warns(UserWarning, match="A window was not provided"):
        ag.istft(spec, 8)
    with pytest.warns(UserWarning, match="The length of signal is shorter than the length parameter"):
        assert ag.istft(spec, 8, window=w, length=50).shape == (50,)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ag.stft(x, 8, window=w, return_complex=False)
        ag.istft(spec, 8)
        ag.istft(spec, 8, window=w, length=50)
        ag.stft(x, 8, return_complex=True)


WINDOW_LENGTHS = (0, 1, 2, 7, 8)


@pytest.mark.parametrize("name, extra", [("hann_window", ()), ("hamming_window", ()), ("hamming_window", (0.6, 0.3)),
                                         ("blackman_window", ()), ("bartlett_window", ()), ("kaiser_window", ()),
                                         ("kaiser_window", (5.0,))])
def test_window_factories_match_torch(name, extra, device):
    torch = require_torch()
    for n in WINDOW_LENGTHS + (65,):
        for periodic in (True, False):
            for dtype, tol in (("float64", 1e-14), ("float32", 2e-6), ("float16", 1e-3)):
                ours = getattr(ag, name)(n, periodic, *extra, dtype=getattr(ag, dtype), device=device)
                theirs = getattr(torch, name)(n, periodic, *extra, dtype=getattr(torch, dtype))
                assert str(ours.dtype) == dtype and ours.shape == tuple(theirs.shape) and str(ours.device) == device
                np.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=0, atol=tol)
    assert getattr(ag, name)(8).dtype == ag.get_default_dtype()
    w = getattr(ag, name)(8, requires_grad=True)
    assert w.requires_grad and w.is_leaf


SIGNAL_WINDOWS = [("bartlett", {}), ("blackman", {}), ("cosine", {}), ("exponential", {}),
                  ("exponential", dict(tau=2.5)), ("gaussian", {}), ("gaussian", dict(std=0.7)),
                  ("general_cosine", dict(a=[0.5, 0.3, 0.2])), ("general_hamming", {}),
                  ("general_hamming", dict(alpha=0.6)), ("hamming", {}), ("hann", {}), ("kaiser", {}),
                  ("kaiser", dict(beta=3.0)), ("nuttall", {})]


@pytest.mark.parametrize("name, kwargs", SIGNAL_WINDOWS,
                         ids=[f"{n}-{'-'.join(map(str, k))}" for n, k in SIGNAL_WINDOWS])
def test_signal_windows_match_torch(name, kwargs, device):
    torch = require_torch()
    import torch.signal.windows   # noqa: F401
    for n in WINDOW_LENGTHS + (65,):
        for sym in (True, False):
            for dtype, tol in (("float64", 1e-14), ("float32", 3e-6)):
                ours = getattr(ag.signal.windows, name)(n, sym=sym, dtype=getattr(ag, dtype), device=device, **kwargs)
                theirs = getattr(torch.signal.windows, name)(n, sym=sym, dtype=getattr(torch, dtype), **kwargs)
                assert str(ours.dtype) == dtype and ours.shape == tuple(theirs.shape) and str(ours.device) == device
                np.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=0, atol=tol)
    ours = getattr(ag.signal.windows, name)(7, requires_grad=True, **kwargs)
    theirs = getattr(torch.signal.windows, name)(7, requires_grad=True, **kwargs)
    assert (ours.requires_grad, ours.is_leaf) == (theirs.requires_grad, theirs.is_leaf)


def test_signal_windows_keep_torch_signatures_and_checks():
    torch = require_torch()
    import inspect
    import torch.signal.windows   # noqa: F401
    for name in ag.signal.windows.__all__:
        ours = inspect.signature(getattr(ag.signal.windows, name))
        theirs = inspect.signature(getattr(torch.signal.windows, name))
        assert [(p.name, p.kind) for p in ours.parameters.values()] == [
            (p.name, p.kind) for p in theirs.parameters.values()], name
    assert sorted(ag.signal.windows.__all__) == sorted(torch.signal.windows.__all__)
    assert list(inspect.signature(ag.stft).parameters) == list(inspect.signature(torch.stft).parameters)
    assert list(inspect.signature(ag.istft).parameters) == ["input", "n_fft", "hop_length", "win_length", "window",
                                                            "center", "normalized", "onesided", "length",
                                                            "return_complex"]   # torch.istft's documented order
    assert ag.Tensor.stft is not None and ag.Tensor.istft is not None
    center = ag.signal.windows.exponential(5, center=1.0, sym=False)
    np.testing.assert_allclose(center.numpy(), torch.signal.windows.exponential(5, center=1.0, sym=False).numpy())
    for call, message in [
            (lambda m: m.signal.windows.hann(-1), "general_cosine requires non-negative window length, got M=-1"),
            (lambda m: m.signal.windows.blackman(3, dtype=m.float16), "blackman expects float32 or float64 dtypes"),
            (lambda m: m.signal.windows.general_cosine(3, a=[]), "Coefficients cannot be empty"),
            (lambda m: m.signal.windows.exponential(3, center=1.0), "Center must be None for symmetric windows"),
            (lambda m: m.signal.windows.exponential(3, tau=0), "Tau must be positive, got: 0 instead."),
            (lambda m: m.signal.windows.gaussian(3, std=-1), "Standard deviation must be positive"),
            (lambda m: m.signal.windows.kaiser(3, beta=-1), "beta must be non-negative, got: -1 instead.")]:
        with pytest.raises(ValueError, match=message):
            call(ag)
        with pytest.raises(ValueError, match=message):
            call(torch)
    with pytest.raises(TypeError, match="Coefficients must be a list/tuple"):
        ag.signal.windows.general_cosine(3, a=5)


def _t(m, data):
    return m.tensor(np.asarray(data))


X = SIGNAL[0]
SPEC = _spectrum(X, 8, hop_length=2)
# (id, call(m), error, message ours must match); torch must raise the same error type
ERRORS = [
    ("missing return_complex", lambda m: m.stft(_t(m, X), 8), RuntimeError,
     r"^stft requires the return_complex parameter be given for real inputs, and will further require that "
     r"return_complex=True in a future PyTorch release\.$"),
    ("n_fft zero", lambda m: m.stft(_t(m, X), 0, return_complex=True), RuntimeError,
     r"^stft\(torch\.DoubleTensor\[40\], n_fft=0, hop_length=0, win_length=0, window=None, .*expected 0 < n_fft"),
    ("n_fft too long", lambda m: m.stft(_t(m, X), 41, center=False, return_complex=True), RuntimeError,
     r"expected 0 < n_fft <= 40, but got n_fft=41"),
    ("hop zero", lambda m: m.stft(_t(m, X), 8, 0, return_complex=True), RuntimeError,
     r"^stft\(torch\.DoubleTensor\[48\], n_fft=8, hop_length=0, win_length=8, window=None, normalized=0, "
     r"onesided=None, return_complex=1, align_to_window=None\) : expected hop_length > 0, but got hop_length=0$"),
    ("win_length too long", lambda m: m.stft(_t(m, X), 8, win_length=9, return_complex=True), RuntimeError,
     r"expected 0 < win_length <= n_fft, but got win_length=9"),
    ("window of the wrong size", lambda m: m.stft(_t(m, X), 8, window=m.ones(7, dtype=m.float64),
                                                  return_complex=True), RuntimeError,
     r"window=torch\.DoubleTensor\{\[7\]\}.* : expected a 1D window tensor of size equal to win_length=8, but got "
     r"window with size \[7\]$"),
    ("integer input", lambda m: m.stft(m.arange(40), 8, return_complex=True), RuntimeError,
     r"^stft\(torch\.LongTensor\[48\].* : expected a tensor of floating point or complex values$"),
    ("3-D input", lambda m: m.stft(_t(m, X.reshape(2, 2, 10)), 4, center=False, return_complex=True), RuntimeError,
     r"expected a 1D or 2D tensor$"),
    ("onesided complex", lambda m: m.stft(_t(m, CSIGNAL[0]), 8, onesided=True), RuntimeError,
     r"^Cannot have onesided output if window or input is complex$"),
    ("unknown pad mode", lambda m: m.stft(_t(m, X), 8, pad_mode="zeros", return_complex=True), NotImplementedError,
     r"unrecognised padding mode 'zeros'"),
    ("reflect pad too long", lambda m: m.stft(_t(m, X[:4]), 8, return_complex=True), RuntimeError,
     r"padding \(4, 4\) at dimension 2 of input \[1, 1, 4\]"),
    ("circular pad too long", lambda m: m.stft(_t(m, X[:3]), 8, pad_mode="circular", return_complex=True),
     RuntimeError, r"wraps around more than once"),
    ("align with center", lambda m: m.stft(_t(m, X), 8, align_to_window=True, return_complex=True), RuntimeError,
     r"^stft align_to_window should only be set when center = false$"),
    ("float n_fft", lambda m: m.stft(_t(m, X), 8.0, return_complex=True), TypeError, r"n_fft"),
    ("istft of a real tensor", lambda m: m.istft(_t(m, SPEC.real), 8, window=m.ones(8)), RuntimeError,
     r"^istft requires a complex-valued input tensor matching the output from stft with return_complex=True\.$"),
    ("istft NOLA", lambda m: m.istft(_t(m, SPEC), 8, 2, window=m.zeros(8, dtype=m.float64)), RuntimeError,
     r"^istft\(CPUComplexDoubleType\[5, 21\], n_fft=8, hop_length=2, win_length=8, "
     r"window=torch\.DoubleTensor\{\[8\]\}, center=1, normalized=0, onesided=None, length=None, return_complex=0\) "
     r": window overlap add min: 0"),
    ("istft NOLA uncentred hann", lambda m: m.istft(_t(m, SPEC), 8, 2, window=m.hann_window(8), center=False),
     RuntimeError, r"window overlap add min: 0;.*NOLA"),
    ("istft frequency count", lambda m: m.istft(_t(m, SPEC[:4]), 8, 2, window=m.ones(8)), RuntimeError,
     r"match n_fft / 2 \+ 1 when onesided=True, but got 4$"),
    ("istft two-sided count", lambda m: m.istft(_t(m, SPEC), 8, 2, window=m.ones(8), onesided=False), RuntimeError,
     r"match n_fft when onesided=False, but got 5$"),
    ("istft hop longer than window", lambda m: m.istft(_t(m, SPEC), 8, 9, window=m.ones(8)), RuntimeError,
     r"expected 0 < hop_length <= win_length$"),
    ("istft window length", lambda m: m.istft(_t(m, SPEC), 8, 2, 9), RuntimeError,
     r"expected 0 < win_length <= n_fft$"),
    ("istft window size", lambda m: m.istft(_t(m, SPEC), 8, 2, window=m.ones(7)), RuntimeError,
     r"Invalid window shape. window has to be 1D and length of `win_length`$"),
    ("istft empty", lambda m: m.istft(_t(m, SPEC[:, :0]), 8, 2, window=m.ones(8)), RuntimeError,
     r"input tensor cannot be empty\.$"),
    ("istft 4-D", lambda m: m.istft(_t(m, SPEC[None, None]), 8, 2, window=m.ones(8)), RuntimeError,
     r"2 or 3 dimensions"),
    ("istft complex result of one side", lambda m: m.istft(_t(m, SPEC), 8, 2, window=m.ones(8), return_complex=True),
     RuntimeError, r"^Cannot have onesided output if window or input is complex$"),
    ("istft complex window, real result",
     lambda m: m.istft(_t(m, _spectrum(X, 8, hop_length=2, onesided=False)), 8, 2, window=m.ones(8) * (1 + 1j)),
     RuntimeError, r"^Complex windows are incompatible with return_complex=False$"),
]


@pytest.mark.parametrize("name, call, error, message", ERRORS, ids=[e[0] for e in ERRORS])
def test_bad_arguments_raise_torchs_errors(name, call, error, message):
    torch = require_torch()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(error):
            call(torch)
        with pytest.raises(error, match=message):
            call(ag)


@pytest.mark.parametrize("call, error, message", [
    (lambda: ag.hann_window(-1), RuntimeError, "hann_window requires non-negative window_length, got window_length=-1"),
    (lambda: ag.kaiser_window(3, dtype=ag.int64), RuntimeError, "kaiser_window expects floating point dtypes"),
    (lambda: ag.hamming_window(3.0), TypeError, r"argument 'window_length' \(position 1\) must be int, not float"),
    (lambda: ag.bartlett_window(True), TypeError, "must be int, not bool"),
    (lambda: ag.blackman_window(3, dtype=ag.complex64), NotImplementedError, "complex dtypes"),
])
def test_window_factories_refuse_as_torch(call, error, message):
    with pytest.raises(error, match=message):
        call()
