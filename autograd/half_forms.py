"""How ops written for NumPy's float dtypes take bfloat16 and float16 arrays, the way PyTorch's CPU kernels do.

PyTorch computes a half-precision op (bfloat16 or float16) on the CPU in float32 and rounds the result once
(elementwise ops, activations, softmax, matrix products, convolutions); reductions and normalisations
accumulate in float32 too. deepgrad does the same for every Function: its half form (`form_for`) casts the
half-precision array arguments up to float32, runs the op's own forward, and rounds the floating outputs to
the half dtype when that is the op's result dtype by PyTorch's promotion (no other float dtype among the
dimensioned arguments; a 0-d float32 beside a dimensioned half tensor does not count). Backward casts the
incoming gradients up the same way and gives each half argument a gradient of its own dtype. Ops whose output
views an input's memory (reshape, transpose, slicing) run on the half arrays as they are, so that the view
stays a view; an op that updates arguments in place (batch_norm's running statistics) names them in
`half_writes`, and they get the new values back. Kernels compiled by Numba never see half precision.

NumPy's own float16 loops round after every ufunc, so a composite op (softmax, gelu, layer_norm) computed on
float16 arrays differed from PyTorch's in up to half of its elements, and a float16 matrix product had no
BLAS; through the form both are PyTorch's. float16 arrays on the GPU (CuPy) keep their own arithmetic.

A program without half-precision tensors pays nothing: Function.apply looks here only once one was made.
"""
import numpy as np

_F32 = np.dtype(np.float32)
F16 = np.dtype(np.float16)
#: True once any bfloat16 or float16 tensor was made in this process
active = False
#: the bfloat16 dtype (NumPy keeps one such object), set when noted: this module never imports ml_dtypes
BF16 = None
#: op class -> its half-precision form
_FORMS = {}


def note_half(dtype):
    """Record that tensors of the half dtype `dtype` (bfloat16 or float16) exist, so that ops start looking for
    them among their arguments."""
    global active, BF16
    if dtype != F16:
        BF16 = dtype
    active = True


def _half_dtype(a):
    """The half dtype of a host array (or scalar) argument, else None."""
    dtype = getattr(a, "dtype", None)
    if dtype is None or not hasattr(a, "shape") or hasattr(getattr(a, "_data", a), "coalesced"):   # sparse: own forms
        return None
    if dtype is F16 or dtype == F16:
        return None if hasattr(a, "__cuda_array_interface__") else F16   # CuPy's float16 keeps its own
    return dtype if dtype is BF16 and BF16 is not None else None


def form_for(cls, args):
    """The class that runs `cls` on `args` (Tensors or arrays and plain values): `cls` itself when no argument
    is half precision or the op handles it itself (`half_native = True`), else its half form."""
    if getattr(cls, "half_native", False) or not any(_half_dtype(a) is not None for a in args):
        return cls
    form = _FORMS.get(cls)
    if form is None:
        form = _FORMS[cls] = _half_form(cls)
    return form


def result_half(arrays):
    """The half dtype PyTorch's result of an op on these arguments has, or None: a half dtype among them and no
    other float dtype among the dimensioned ones (or, when all are 0-d, among the 0-d ones); ints, bools and
    Python numbers never widen it."""
    dims, zero_d = set(), set()
    for a in arrays:
        dtype = getattr(a, "dtype", None)
        if dtype is None or not hasattr(a, "shape") or not (dtype is BF16 or dtype.kind in "fc"):
            continue
        (dims if a.ndim else zero_d).add(dtype)
    floats = dims or zero_d
    if len(floats) != 1:
        return None
    (dtype,) = floats
    return dtype if dtype == F16 or (dtype is BF16 and BF16 is not None) else None


def _up(a, half):
    """A half array (or gradient) as float32 when `half` is its dtype; anything else as it is."""
    return a.astype(_F32) if half is not None else a


def _views_input(out, arrays):
    """True when an output is, or shares memory with, one of the float32 copies made of the inputs."""
    for o in (out if isinstance(out, tuple) else (out,)):
        if any(o is a for a in arrays) or getattr(o, "base", None) is not None and any(
                isinstance(a, np.ndarray) and np.may_share_memory(o, a) for a in arrays):
            return True
    return False


def _round(out, half):
    """The floating outputs rounded to the half dtype (index and bool outputs as they are)."""
    if isinstance(out, tuple):
        return tuple(_round(o, half) for o in out)
    if getattr(out, "dtype", None) is not None and out.dtype.kind == "f" and hasattr(out, "astype"):
        return out.astype(half)
    return out


def _rounded_saves(saved, out, rounded):
    """`saved` with each output array in it replaced by its rounded value, as float32."""
    outs, news = (out, rounded) if isinstance(out, tuple) else ((out,), (rounded,))
    swap = {id(o): n for o, n in zip(outs, news) if n is not o}
    if not swap or not any(id(s) in swap for s in saved):
        return saved
    up = {}
    for key, n in swap.items():
        up[key] = n.astype(_F32)
    return tuple(up[id(s)] if id(s) in up else s for s in saved)


def _half_form(cls):
    """A subclass of `cls` that computes in float32 and rounds to the half dtype (see the module's docstring)."""

    def forward(ctx, *args, **kwargs):
        halves = tuple(_half_dtype(a) for a in args)
        up = tuple(_up(a, h) for a, h in zip(args, halves))
        ctx.half_in = halves   # an op that rounds within its own computation as PyTorch does reads them
        out = cls.forward(ctx, *up, **kwargs)
        for k in getattr(cls, "half_writes", ()):   # arguments the op updates in place: give them the new values
            if halves[k] is not None:
                args[k][...] = up[k]
        ctx.half_in, ctx.half_up = halves, True
        if _views_input(out, [u for u, h in zip(up, halves) if h is not None]):
            ctx.half_up = False   # a view: run on the half arrays themselves, so it views them
            ctx.saved_tensors = ()
            return cls.forward(ctx, *args, **kwargs)
        half = result_half(args)
        if half is None:
            return out
        rounded = _round(out, half)
        if ctx.saved_tensors:   # a saved output is the rounded one PyTorch keeps, so backward reads its values
            ctx.saved_tensors = _rounded_saves(ctx.saved_tensors, out, rounded)
        return rounded

    def backward(ctx, *grads):
        if not ctx.half_up:
            return cls.backward(ctx, *grads)
        out = cls.backward(ctx, *(_up(g, _half_dtype(g)) for g in grads))
        single = not isinstance(out, tuple)
        out = tuple(g.astype(h) if h is not None and getattr(g, "dtype", None) is not None and g.dtype.kind == "f"
                    and hasattr(g, "astype") and hasattr(g, "shape") else g
                    for g, h in zip((out,) if single else out, ctx.half_in))
        return out[0] if single else out

    return type(cls.__name__, (cls,), {"forward": forward, "backward": backward, "__module__": cls.__module__,
                                       "__qualname__": cls.__qualname__, "__doc__": cls.__doc__})
