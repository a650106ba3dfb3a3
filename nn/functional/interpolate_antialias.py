"""The taps and weights of F.interpolate(..., antialias=True) for the bilinear and bicubic modes, as PyTorch's
CPU kernels compute them: when shrinking, the interpolation filter is stretched by the scale (a triangle or
a Keys cubic with a = -0.5, the PIL convention) so every input pixel under it contributes, and each output's
weights are normalised to sum to one; when enlarging, the filter keeps its width."""
import numpy as np

#: mode -> (filter half-width in input pixels at scale 1, the filter)
_SUPPORT = {"bilinear": 1.0, "bicubic": 2.0}
_AA_CUBIC_A = -0.5


def _triangle(x):
    x = np.abs(x)
    return np.where(x < 1.0, 1.0 - x, 0.0)


def _cubic(x):
    x, a = np.abs(x), _AA_CUBIC_A
    near = ((a + 2.0) * x - (a + 3.0)) * x * x + 1.0
    far = (((x - 5.0) * x + 8.0) * x - 4.0) * a
    return np.where(x < 1.0, near, np.where(x < 2.0, far, 0.0))


def antialias_plan(n_in, n_out, scale_factor, align_corners, dtype, mode):
    """(indices, weights): per tap k, the clamped source index and the weight of every output position along
    one axis (taps past an output's window get weight 0)."""
    ftype = np.float64 if dtype == np.float64 else np.float32
    if align_corners:
        scale = (n_in - 1) / (n_out - 1) if n_out > 1 else 0.0
    else:
        scale = 1.0 / scale_factor if scale_factor else n_in / n_out
    scale = float(ftype(scale))
    support = _SUPPORT[mode] * scale if scale >= 1.0 else _SUPPORT[mode]
    invscale = 1.0 / scale if scale >= 1.0 else 1.0
    centre = scale * (np.arange(n_out) + 0.5)
    lo = np.maximum(np.trunc(centre - support + 0.5).astype(np.int64), 0)
    hi = np.minimum(np.trunc(centre + support + 0.5).astype(np.int64), n_in)
    taps = int(max((hi - lo).max(initial=1), 1))
    k = np.arange(taps)
    position = lo[:, None] + k
    filt = _triangle if mode == "bilinear" else _cubic
    weights = np.where(k < (hi - lo)[:, None], filt((position - centre[:, None] + 0.5) * invscale), 0.0)
    total = weights.sum(1, keepdims=True)
    weights = np.divide(weights, total, out=np.zeros_like(weights), where=total != 0)
    indices = np.clip(position, 0, n_in - 1)
    return tuple(indices[:, j] for j in range(taps)), tuple(weights[:, j].astype(dtype) for j in range(taps))
