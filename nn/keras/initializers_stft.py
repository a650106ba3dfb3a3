"""The values of keras.initializers.STFT: the windowed real or imaginary DFT basis that STFTSpectrogram convolves
a signal with, and the window functions it takes by name."""
import numpy as np

_COSINE_TERMS = {"hann": (0.5, 0.5), "hanning": (0.5, 0.5), "hamming": (0.54, 0.46),
                 "blackman": (0.42, 0.5, 0.08), "boxcar": (1.0,), "rect": (1.0,), "rectangular": (1.0,),
                 "ones": (1.0,)}


def window_values(window, length, periodic=False):
    """The window `window` ('hann', 'hamming', 'blackman', 'boxcar', another SciPy window name, or the values
    themselves) of `length` samples: symmetric, or periodic (for spectral analysis) when `periodic`."""
    if not isinstance(window, str):
        values = np.asarray(window.numpy() if hasattr(window, "numpy") else window, np.float64)
        if values.shape != (length,):
            raise ValueError(f"STFT window: expected {length} values (frame_length), got shape {values.shape}")
        return values
    name = window.lower()
    if name not in _COSINE_TERMS:
        try:
            from scipy.signal import get_window
        except ImportError as error:
            raise ValueError(f"STFT window {window!r} needs SciPy (pip install scipy); without it use one of "
                             f"{sorted(_COSINE_TERMS)}") from error
        return np.asarray(get_window(window, length, fftbins=periodic), np.float64)
    if length == 1:
        return np.ones(1)
    period = length if periodic else length - 1
    phase = 2.0 * np.pi * np.arange(length) / period
    terms = _COSINE_TERMS[name]
    return sum((-1) ** k * a * np.cos(k * phase) for k, a in enumerate(terms))


def check_stft_arguments(side, window, scaling):
    """Raise a clear error for a bad side, scaling or window name of the STFT initializer."""
    if side not in ("real", "imag"):
        raise ValueError(f"STFT: side must be 'real' or 'imag', got {side!r}")
    if scaling not in (None, "density", "spectrum"):
        raise ValueError(f"STFT: scaling must be None, 'density' or 'spectrum', got {scaling!r}")
    if isinstance(window, str):
        window_values(window, 1)   # an unknown name fails here, when the initializer is made


def _computing_dtype(dtype):
    """The NumPy float dtype the kernel is computed in: `dtype` itself when NumPy has it, else float64."""
    try:
        dtype = np.dtype(dtype)
    except TypeError:   # a dtype NumPy lacks (bfloat16): the float64 values are cast at the end
        return np.dtype(np.float64)
    return dtype if np.issubdtype(dtype, np.floating) else np.dtype(np.float64)


def stft_kernel(shape, side, window, scaling, periodic, dtype="float32"):
    """The kernel (frame_length, input_channels, bins) of cos (side='real') or sin (side='imag') of
    -2 pi t f / (2 (bins - 1)), times the window and divided by sqrt(sum(window^2)) (scaling='density') or
    sum(|window|) ('spectrum'), computed in `dtype` step by step as Keras computes it."""
    if len(shape) != 3:
        raise ValueError(f"STFT initializer needs a shape (frame_length, channels, bins), got {shape}")
    frame_length, _, bins = shape
    # Keras rounds every step to the kernel's dtype; its float32 sin(-2 pi t) at the Nyquist bin is then ~1e-7
    # rather than 0, and the sign of that residue decides mode='angle' between +pi and -pi there
    dtype = _computing_dtype(dtype)
    time = np.arange(frame_length, dtype=dtype).reshape(frame_length, 1, 1)
    freq = np.arange(bins, dtype=dtype).reshape(1, 1, bins) / dtype.type((bins - 1) * 2)
    angle = dtype.type(-2) * time * freq * np.arccos(dtype.type(-1))
    kernel = np.cos(angle) if side == "real" else np.sin(angle)
    if window is not None:
        win = window_values(window, frame_length, periodic).astype(dtype).reshape(frame_length, 1, 1)
        scale = {"density": np.sqrt(np.sum(np.square(win))), "spectrum": np.sum(np.abs(win))}.get(scaling, 1)
        kernel = kernel * win / dtype.type(scale)
    return np.broadcast_to(kernel, shape)
