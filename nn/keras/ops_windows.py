"""keras.ops window functions for signal processing: `bartlett`, `blackman`, `hamming`, `hanning` and `kaiser`,
each a symmetric float32 window of M points (empty for M = 0, [1] for M = 1), as NumPy's. Re-exported by
keras.ops; they are constants, so no gradient."""
import numpy as np

import autograd as ag

from .ops_args import _t


def _length(x, name):
    """The window length M from an int or an integer 0-d tensor."""
    value = _t(x)
    if value.ndim != 0 or value.dtype.kind not in "iu":
        raise TypeError(f"keras.ops.{name}: the window length must be an integer, got dtype {value.dtype} and "
                        f"shape {tuple(value.shape)}; pass an int such as {name}(16)")
    m = int(value.item())
    if m < 0:
        raise ValueError(f"keras.ops.{name}: the window length must be >= 0, got {m}")
    return m


def _window(m, shape):
    """The window built by shape(phase) with phase = 2 pi n / (M - 1) over n in [0, M), as float32."""
    if m <= 1:
        return ag.ones(m, dtype=ag.float32)
    phase = 2.0 * np.pi * np.arange(m) / (m - 1)
    return ag.tensor(shape(phase).astype(np.float32))


def bartlett(x):
    """The Bartlett (triangular) window of x points, peaking at 1 in the middle."""
    m = _length(x, "bartlett")
    if m <= 1:
        return _window(m, None)
    n = np.arange(m)
    return ag.tensor((1.0 - np.abs(2.0 * n / (m - 1) - 1.0)).astype(np.float32))


def blackman(x):
    """The Blackman window of x points: 0.42 - 0.5 cos(phase) + 0.08 cos(2 phase)."""
    return _window(_length(x, "blackman"), lambda p: 0.42 - 0.5 * np.cos(p) + 0.08 * np.cos(2.0 * p))


def hamming(x):
    """The Hamming window of x points: 0.54 - 0.46 cos(phase)."""
    return _window(_length(x, "hamming"), lambda p: 0.54 - 0.46 * np.cos(p))


def hanning(x):
    """The Hann window of x points: 0.5 - 0.5 cos(phase)."""
    return _window(_length(x, "hanning"), lambda p: 0.5 - 0.5 * np.cos(p))


def kaiser(x, beta):
    """The Kaiser window of x points with shape parameter `beta`: I0(beta sqrt(1 - r^2)) / I0(beta), with r running
    from -1 to 1."""
    m = _length(x, "kaiser")
    if m <= 1:
        return _window(m, None)
    r = 2.0 * np.arange(m) / (m - 1) - 1.0
    values = np.i0(float(beta) * np.sqrt(np.clip(1.0 - r * r, 0.0, None))) / np.i0(float(beta))
    return ag.tensor(values.astype(np.float32))
