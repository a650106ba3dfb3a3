"""The short-time Fourier transform and its inverse, with PyTorch's signatures, results and errors:
`stft(input, n_fft, ...)` and `istft(input, n_fft, ...)` (also `Tensor.stft` / `Tensor.istft`).

stft cuts the (optionally batched) signal into frames of n_fft samples, hop_length apart (after padding
n_fft // 2 samples on each side when center=True), multiplies each by the window (padded with zeros on both
sides to n_fft when shorter) and transforms every frame: the result is (B?, frequencies, frames). istft
inverts it by least squares: the inverse transform of each frame times the window, overlap-added, divided by
the overlap-added squared window (the envelope), which must not vanish anywhere (the NOLA condition).

Both are compositions of differentiable ops (padding by indexing, framing, products, the FFT ops and
overlap-add), so gradients reach the signal, the spectrum and the window. Errors keep PyTorch's types and
conditions and start, as PyTorch's, by repeating the call's arguments.
"""
import numbers

import numpy as np

from .creation import ones
from .dtypes import complex_dtype_of
from .function import named
from .ops.complex_ops import view_as_real
from .ops.dims import check_tensor
from .ops.fft_ops import FFTn, IRFFTn, RFFTn
from .ops.framing import Frames, OverlapAdd
from .ops.shape import expand, narrow, pad, reshape, squeeze, transpose, unsqueeze
from .warn_once import warn_once

PAD_MODES = ("constant", "reflect", "replicate", "circular")

NEEDS_RETURN_COMPLEX = ("stft requires the return_complex parameter be given for real inputs, and will further "
                        "require that return_complex=True in a future PyTorch release.")
REAL_OUTPUT_DEPRECATED = ("stft with return_complex=False is deprecated. In a future pytorch release, stft will "
                          "return complex tensors for all inputs, and return_complex=False will raise an error.\n"
                          "Note: you can still call torch.view_as_real on the complex output to recover the old "
                          "return format.")
STFT_NO_WINDOW = ("A window was not provided. A rectangular window will be applied,which is known to cause spectral "
                  "leakage. Other windows such as torch.hann_window or torch.hamming_window are recommended to reduce "
                  "spectral leakage.To suppress this warning and use a rectangular window, explicitly set "
                  "`window=torch.ones(n_fft, device=<device>)`.")
ISTFT_NO_WINDOW = ("A window was not provided. A rectangular window will be applied.Please provide the same window "
                   "used by stft to make the inversion lossless.To suppress this warning and use a rectangular "
                   "window, explicitly set `window=torch.ones(n_fft, device=<device>)`.")
ISTFT_PADDED = ("The length of signal is shorter than the length parameter. Result is being padded with zeros in "
                "the tail. Please check your center and hop_length settings.")

_TYPE_NAMES = {"float32": "Float", "float64": "Double", "float16": "Half", "int64": "Long", "int32": "Int",
               "int16": "Short", "int8": "Char", "uint8": "Byte", "bool": "Bool"}


def _type_name(t):
    """A tensor's type as PyTorch's messages show it: torch.DoubleTensor, CPUComplexFloatType, ..."""
    cuda = str(t.device).startswith("cuda")
    if t.dtype.kind == "c":
        return ("CUDA" if cuda else "CPU") + ("ComplexFloat" if t.dtype == np.complex64 else "ComplexDouble") + "Type"
    return "torch." + ("cuda." if cuda else "") + _TYPE_NAMES.get(str(t.dtype), str(t.dtype)) + "Tensor"


def _shape(t):
    return "[" + ", ".join(str(n) for n in t.shape) + "]"


def _flag(value):
    """An optional flag as PyTorch prints it: None, 0 or 1."""
    return "None" if value is None else str(int(bool(value)))


def _window_text(window):
    return "None" if window is None else f"{_type_name(window)}{{{_shape(window)}}}"


def _int(op, name, value, optional=True):
    if value is None and optional:
        return None
    if not isinstance(value, numbers.Integral) or isinstance(value, bool):
        raise TypeError(f"{op}(): argument '{name}' must be int, not {type(value).__name__}")
    return int(value)


def _center_pad(x, amount, mode):
    """x padded by `amount` samples on both ends of its last dim in `mode`, with PyTorch's refusals."""
    if mode not in PAD_MODES:
        raise NotImplementedError(f"stft: unrecognised padding mode {mode!r}; pad_mode must be one of "
                                  f"{', '.join(map(repr, PAD_MODES))}")
    if x.ndim == 0:
        return x                     # refused below as not 1-D or 2-D
    if mode == "constant":
        return pad(x, ((0, 0),) * (x.ndim - 1) + ((amount, amount),))
    if x.ndim > 3:
        raise NotImplementedError(f"stft: pad_mode {mode!r} pads signals of at most 3 dims, got a {x.ndim}-D input "
                                  f"of shape {tuple(x.shape)}")
    n = x.shape[-1]
    shown = [1] * (3 - x.ndim) + list(x.shape)
    if mode == "circular" and amount > n:
        raise RuntimeError(f"stft: circular padding of {amount} samples on each side wraps around more than once "
                           f"around a signal of {n} samples (input {shown})")
    if mode != "circular" and n == 0:
        raise RuntimeError(f"stft: {mode} padding needs a non-empty signal, got input {shown}")
    if mode == "reflect" and amount >= n:
        raise RuntimeError(f"stft: padding size should be less than the corresponding input dimension, but got: "
                           f"padding ({amount}, {amount}) at dimension 2 of input {shown} (reflect padding of "
                           f"n_fft // 2 samples needs a longer signal; use pad_mode='constant' or a smaller n_fft)")
    if amount == 0:
        return x
    if mode == "reflect":   # mirrored about the end samples, which are not repeated
        index = np.concatenate([np.arange(amount, 0, -1), np.arange(n), np.arange(n - 2, n - 2 - amount, -1)])
    elif mode == "replicate":
        index = np.clip(np.arange(-amount, n + amount), 0, n - 1)
    else:
        index = np.arange(-amount, n + amount) % n
    return x[..., x.new_tensor(index, dtype=np.int64)]


def _padded_window(window, n_fft, win_length, dtype, device):
    """The window (ones when None) centred in n_fft samples with zeros; None for no window at all."""
    if window is None:
        if win_length == n_fft:
            return None
        window = ones(win_length, dtype=dtype, device=device)
    if win_length == n_fft:
        return window
    left = (n_fft - win_length) // 2
    return pad(window, ((left, n_fft - win_length - left),))


def _real_dtype(dtype):
    return {np.dtype(np.complex64): np.dtype(np.float32), np.dtype(np.complex128): np.dtype(np.float64)}.get(
        np.dtype(dtype), np.dtype(dtype))


def stft(input, n_fft, hop_length=None, win_length=None, window=None, center=True, pad_mode="reflect",
         normalized=False, onesided=None, return_complex=None, align_to_window=None):
    """The short-time Fourier transform of a 1-D signal or a 2-D batch of them: (B?, N, T) complex, with
    N = n_fft // 2 + 1 frequencies when onesided (the default for a real input and window) or n_fft, and T frames.

    hop_length defaults to n_fft // 4 and win_length to n_fft; a window of win_length samples (none: all ones)
    is centred in n_fft with zeros. center=True pads n_fft // 2 samples on each end in pad_mode ('reflect',
    'constant', 'replicate' or 'circular'), so frame t is centred on sample t * hop_length. normalized scales
    by n_fft ** -0.5. return_complex must be given for a real input and window (True: a complex result; False,
    deprecated: its view_as_real form (B?, N, T, 2)). align_to_window (only with center=False): frames start
    where the window starts rather than where the n_fft samples start.
    """
    check_tensor("stft", input)
    n_fft = _int("stft", "n_fft", n_fft, optional=False)
    hop_length, win_length = _int("stft", "hop_length", hop_length), _int("stft", "win_length", win_length)
    if window is not None:
        check_tensor("stft", window, "window")
    if center and align_to_window is not None:
        raise RuntimeError("stft align_to_window should only be set when center = false")
    x = shown = _center_pad(input, n_fft // 2, pad_mode) if center else input
    hop = n_fft >> 2 if hop_length is None else hop_length
    win = n_fft if win_length is None else win_length

    def fail(message):
        raise RuntimeError(
            f"stft({_type_name(shown)}{_shape(shown)}, n_fft={n_fft}, hop_length={hop}, win_length={win}, "
            f"window={_window_text(window)}, normalized={int(bool(normalized))}, onesided={_flag(onesided)}, "
            f"return_complex={_flag(return_complex)}, align_to_window={_flag(align_to_window)}) : {message}")

    if window is None:
        warn_once("stft window", STFT_NO_WINDOW)
    complex_result = return_complex if return_complex is not None else (
        x.dtype.kind == "c" or (window is not None and window.dtype.kind == "c"))
    if not complex_result:
        if return_complex is None:
            raise RuntimeError(NEEDS_RETURN_COMPLEX)
        warn_once("stft return_complex=False", REAL_OUTPUT_DEPRECATED)
    if x.dtype.kind not in "fc":
        fail("expected a tensor of floating point or complex values")
    if x.ndim not in (1, 2):
        fail("expected a 1D or 2D tensor")
    batched = x.ndim == 2
    if not batched:
        x = unsqueeze(x, 0)
    length = x.shape[1]
    if n_fft <= 0 or n_fft > length:
        fail(f"expected 0 < n_fft <= {length}, but got n_fft={n_fft}")
    if hop <= 0:
        fail(f"expected hop_length > 0, but got hop_length={hop}")
    if win <= 0 or win > n_fft:
        fail(f"expected 0 < win_length <= n_fft, but got win_length={win}")
    if window is not None and (window.ndim != 1 or window.shape[0] != win):
        fail(f"expected a 1D window tensor of size equal to win_length={win}, but got window with size "
             f"{_shape(window)}")
    full_window = _padded_window(window, n_fft, win, _real_dtype(x.dtype), x.device)
    if align_to_window:   # frame t holds the window over samples t * hop ... t * hop + win - 1
        left = (n_fft - win) // 2
        count = 1 + (length - win) // hop
        x = pad(x, ((0, 0), (left, left)))
        if (count - 1) * hop + n_fft > x.shape[1]:
            fail(f"with align_to_window=True the last of the {count} frames would end past the input padded by "
                 f"(n_fft - win_length) // 2 = {left} on each side (as in PyTorch, which fails here too); make "
                 f"n_fft - win_length even")
    else:
        count = 1 + (length - n_fft) // hop
    frames = Frames.apply(x, n_fft, hop, count)                       # (B, T, n_fft)
    if full_window is not None:
        frames = frames * full_window
    if frames.dtype == np.float16:
        raise RuntimeError("stft: the FFT does not take float16 tensors (as PyTorch's CPU FFT); convert the input "
                           "to float32 first")
    norm = "ortho" if normalized else "backward"
    if frames.dtype.kind == "c":
        if onesided:
            raise RuntimeError("Cannot have onesided output if window or input is complex")
        spectrum = FFTn.apply(frames, (2,), norm, False)
    elif onesided is None or onesided:
        spectrum = RFFTn.apply(frames, (2,), norm)
    else:
        spectrum = FFTn.apply(frames.astype(complex_dtype_of(frames.dtype)), (2,), norm, False)
    # PyTorch's stft ends in the in-place transpose_ and squeeze_, whose nodes it shows
    spectrum = named(transpose(spectrum, 1, 2), "TransposeBackward1")   # (B, N, T)
    if not batched:
        spectrum = named(squeeze(spectrum, 0), "SqueezeBackward4")
    return spectrum if complex_result else view_as_real(spectrum)


def istft(input, n_fft, hop_length=None, win_length=None, window=None, center=True, normalized=False,
          onesided=None, length=None, return_complex=False):
    """The inverse of stft: the least-squares signal (B?, length) whose stft is `input` (complex, (B?, N, T)).

    Each frame's inverse transform (of n_fft points; onesided, the default when N != n_fft, takes N = n_fft // 2
    + 1 frequencies) is multiplied by the window and overlap-added hop_length apart, then divided by the
    overlap-added squared window, which must stay above 1e-11 everywhere kept (else a RuntimeError: the NOLA
    condition). center=True drops n_fft // 2 samples at each end; `length` trims the result (or pads it with
    zeros, with a warning) to that many samples. return_complex=True (for a two-sided input) keeps the complex
    signal; otherwise the result is real.
    """
    check_tensor("istft", input)
    n_fft = _int("istft", "n_fft", n_fft, optional=False)
    hop_length, win_length = _int("istft", "hop_length", hop_length), _int("istft", "win_length", win_length)
    length = _int("istft", "length", length)
    if window is None:
        warn_once("istft window", ISTFT_NO_WINDOW)
    else:
        check_tensor("istft", window, "window")
    hop = n_fft >> 2 if hop_length is None else hop_length
    win = n_fft if win_length is None else win_length
    if input.dtype.kind != "c":
        raise RuntimeError("istft requires a complex-valued input tensor matching the output from stft with "
                           "return_complex=True.")

    def fail(message):
        raise RuntimeError(
            f"istft({_type_name(input)}{_shape(input)}, n_fft={n_fft}, hop_length={hop}, win_length={win}, "
            f"window={_window_text(window)}, center={int(bool(center))}, normalized={int(bool(normalized))}, "
            f"onesided={_flag(onesided)}, length={'None' if length is None else length}, "
            f"return_complex={int(bool(return_complex))}) : {message}")

    if input.ndim < 2:
        raise IndexError(f"istft: expected a complex tensor of shape (B?, N, T) (frequencies by frames), got shape "
                         f"{tuple(input.shape)}")
    n_frames, fft_size = input.shape[-1], input.shape[-2]
    if input.numel() == 0:
        fail("input tensor cannot be empty.")
    if input.ndim > 3:
        fail(f"expected a complex tensor with 2 or 3 dimensions ((B?, N, T)), but got {input.ndim}")
    sided = fft_size != n_fft if onesided is None else bool(onesided)
    if sided and n_fft // 2 + 1 != fft_size:
        fail(f"expected the frequency dimension (2nd to the last) of the input tensor to match n_fft / 2 + 1 when "
             f"onesided=True, but got {fft_size}")
    if not sided and n_fft != fft_size:
        fail(f"expected the frequency dimension (2nd to the last) of the input tensor to match n_fft when "
             f"onesided=False, but got {fft_size}")
    if not 0 < hop <= win:
        fail("expected 0 < hop_length <= win_length")
    if not 0 < win <= n_fft:
        fail("expected 0 < win_length <= n_fft")
    if window is not None and (window.ndim != 1 or window.shape[0] != win):
        fail("Invalid window shape. window has to be 1D and length of `win_length`")
    if window is None:
        window = ones(win, dtype=_real_dtype(input.dtype), device=input.device)
    full_window = _padded_window(window, n_fft, win, None, input.device)

    spectra = transpose(input if input.ndim == 3 else unsqueeze(input, 0), 1, 2)     # (B, T, N)
    norm = "ortho" if normalized else "backward"
    if return_complex:
        if sided:
            raise RuntimeError("Cannot have onesided output if window or input is complex")
        frames = FFTn.apply(spectra, (2,), norm, True)
    else:
        if full_window.dtype.kind == "c":
            raise RuntimeError("Complex windows are incompatible with return_complex=False")
        if not sided:
            spectra = narrow(spectra, 2, 0, n_fft // 2 + 1)
        frames = IRFFTn.apply(spectra, (2,), n_fft, norm)                            # (B, T, n_fft)
    expected = n_fft + hop * (n_frames - 1)
    signal = OverlapAdd.apply(frames * full_window, hop)                             # (B, expected)
    squares = expand(reshape(full_window ** 2, (1, 1, n_fft)), (1, n_frames, n_fft))
    envelope = OverlapAdd.apply(squares, hop)                                        # (1, expected)

    start = n_fft // 2 if center else 0
    if length is not None:
        end = start + length
    else:
        end = -(n_fft // 2) if center else expected
    signal, envelope = signal[:, start:end], envelope[:, start:end]
    if envelope.numel() == 0:
        fail(f"the signal kept ({start}:{end} of {expected} samples) is empty, so there is nothing to normalise; "
             f"check length, n_fft and center")
    lowest = float(envelope.detach().abs().min())
    if lowest < 1e-11:
        fail(f"window overlap add min: {lowest:g}; the squared window overlap-added hop_length apart vanishes "
             f"there (the NOLA condition fails), so the signal cannot be recovered: use a window without zeros "
             f"where the frames overlap, a smaller hop_length, or center=True")
    signal = signal / envelope
    if input.ndim == 2:
        signal = squeeze(signal, 0)
    if end > expected:
        warn_once("istft padded", ISTFT_PADDED)
        signal = pad(signal, ((0, 0),) * (signal.ndim - 1) + ((0, end - expected),))
    return signal


__all__ = ["stft", "istft"]
