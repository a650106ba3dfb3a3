"""Bessel functions, the Airy function Ai and the regularized incomplete gamma functions: through SciPy's
ufuncs where SciPy is installed (the Cephes algorithms PyTorch's CPU kernels also follow), through
cupyx.scipy.special on CuPy arrays where it has the function, and otherwise through our own kernels
(bessel.py, bessel_quadrature.py, incomplete_gamma.py), so every device works without SciPy.

Where SciPy gives up (nan at a finite input, e.g. Ai beyond |x| = 1e7) our kernel supplies PyTorch's value.
"""
import functools
import importlib.util

import numpy as np

from . import bessel, bessel_quadrature, incomplete_gamma

#: torch.special name -> (scipy.special attribute, index of the output used or None, our kernel)
FUNCTIONS = {
    "bessel_j0": ("j0", None, bessel_quadrature.bessel_j0),
    "bessel_j1": ("j1", None, bessel_quadrature.bessel_j1),
    "bessel_y0": ("y0", None, bessel_quadrature.bessel_y0),
    "bessel_y1": ("y1", None, bessel_quadrature.bessel_y1),
    "modified_bessel_i0": ("i0", None, bessel.i0),
    "modified_bessel_i1": ("i1", None, bessel.i1),
    "modified_bessel_k0": ("k0", None, bessel_quadrature.modified_bessel_k0),
    "modified_bessel_k1": ("k1", None, bessel_quadrature.modified_bessel_k1),
    "scaled_modified_bessel_k0": ("k0e", None, bessel_quadrature.scaled_modified_bessel_k0),
    "scaled_modified_bessel_k1": ("k1e", None, bessel_quadrature.scaled_modified_bessel_k1),
    "airy_ai": ("airy", 0, bessel_quadrature.airy_ai),
    "gammainc": ("gammainc", None, incomplete_gamma.gammainc),
    "gammaincc": ("gammaincc", None, incomplete_gamma.gammaincc),
}


@functools.lru_cache(maxsize=None)
def _scipy_special():
    """scipy.special, or None where SciPy is not installed (imported on first use)."""
    if importlib.util.find_spec("scipy") is None:
        return None
    from scipy import special
    return special


@functools.lru_cache(maxsize=None)
def _cupy_special():
    try:
        from cupyx.scipy import special
    except ImportError:
        return None
    return special


def _library(xp, attr):
    """The scipy.special-like module that evaluates `attr` on xp's arrays, or None for our own kernel."""
    if xp is np:
        return _scipy_special()
    gpu = _cupy_special()
    return gpu if gpu is not None and hasattr(gpu, attr) else None


def own(xp, name, *arrays):
    """torch.special's `name` by our own kernel, in float64 (broadcasting)."""
    with np.errstate(all="ignore"):
        return FUNCTIONS[name][2](xp, *arrays)


def evaluate(xp, name, *arrays):
    """torch.special's `name` on float arrays of one dtype (broadcast together), in that dtype."""
    attr, index, _ = FUNCTIONS[name]
    dtype = arrays[0].dtype
    library = _library(xp, attr)
    if library is None:
        out = own(xp, name, *arrays)
    else:
        with np.errstate(all="ignore"):
            out = getattr(library, attr)(*arrays)
        out = out[index] if index is not None else out
        lost = xp.isnan(out)
        for a in arrays:
            lost = lost & ~xp.isnan(a)
        if bool(lost.any()):
            wide = xp.broadcast_arrays(*arrays)
            out = xp.array(out, dtype=np.float64)
            out[lost] = own(xp, name, *[w[lost] for w in wide])
    with np.errstate(over="ignore"):
        return out.astype(dtype, copy=False)
