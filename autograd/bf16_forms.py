"""How ops written for NumPy's float dtypes take bfloat16 arrays, the way PyTorch's CPU kernels do.

PyTorch computes a bfloat16 op on the CPU in float32 and rounds the result to bfloat16 once (elementwise ops,
matrix products, convolutions); reductions and normalisations accumulate in float32 too. deepgrad does the
same for every Function: its bfloat16 form (`form_for`) casts the bfloat16 array arguments up to float32, runs
the op's own forward, and rounds the floating outputs to bfloat16 when bfloat16 is the op's result dtype by
PyTorch's promotion (no wider float among the dimensioned arguments; a 0-d float32 beside a dimensioned bf16
tensor does not count). Backward casts the incoming gradients up the same way and gives each bfloat16 argument
a bfloat16 gradient. Ops whose output views an input's memory (reshape, transpose, slicing) run on the
bfloat16 arrays as they are, so that the view stays a view; an op that updates arguments in place (batch_norm's
running statistics) names them in `bf16_writes`, and they get the new values back. Kernels compiled by Numba
never see bfloat16.

A program without bfloat16 pays nothing: Function.apply looks here only once a bfloat16 tensor was made.
"""
import numpy as np

_F32 = np.dtype(np.float32)
#: True once any bfloat16 tensor was made in this process
active = False
#: the bfloat16 dtype (NumPy keeps one such object), set with `active`: this module never imports ml_dtypes
BF16 = None
#: op class -> its bfloat16 form
_FORMS = {}


def note_bf16(dtype):
    """Record that bfloat16 tensors (of the bfloat16 dtype `dtype`) exist, so that ops start looking for them
    among their arguments."""
    global active, BF16
    BF16 = dtype
    active = True


def _is_bf16_array(a):
    # NumPy keeps one bfloat16 dtype object, so `is` finds every bfloat16 array, scalar and Tensor
    return getattr(a, "dtype", None) is BF16 and BF16 is not None and hasattr(a, "shape")


def form_for(cls, args):
    """The class that runs `cls` on `args` (Tensors or arrays and plain values): `cls` itself when no argument
    is bfloat16 or the op handles bfloat16 itself (`bf16_native = True`), else its bfloat16 form."""
    if getattr(cls, "bf16_native", False) or not any(_is_bf16_array(a) for a in args):
        return cls
    form = _FORMS.get(cls)
    if form is None:
        form = _FORMS[cls] = _bf16_form(cls)
    return form


def rounds_to_bf16(arrays):
    """True when PyTorch's result dtype of an op on these arguments is bfloat16: a bfloat16 among them and no
    other float dtype among the dimensioned ones (or, when all are 0-d, among the 0-d ones); ints, bools and
    Python numbers never widen it."""
    dims, zero_d = set(), set()
    for a in arrays:
        dtype = getattr(a, "dtype", None)
        if dtype is None or not hasattr(a, "shape") or not (dtype is BF16 or dtype.kind in "fc"):
            continue
        (dims if a.ndim else zero_d).add(dtype)
    floats = dims or zero_d
    return BF16 in floats and len(floats) == 1


def _up(a):
    """A bfloat16 array (or gradient) as float32; anything else as it is."""
    return a.astype(_F32) if _is_bf16_array(a) else a


def _views_input(out, arrays):
    """True when an output is, or shares memory with, one of the float32 copies made of the inputs."""
    for o in (out if isinstance(out, tuple) else (out,)):
        if any(o is a for a in arrays) or getattr(o, "base", None) is not None and any(
                isinstance(a, np.ndarray) and np.may_share_memory(o, a) for a in arrays):
            return True
    return False


def _round(out):
    """The floating outputs rounded to bfloat16 (index and bool outputs as they are)."""
    if isinstance(out, tuple):
        return tuple(_round(o) for o in out)
    if getattr(out, "dtype", None) is not None and out.dtype.kind == "f" and hasattr(out, "astype"):
        return out.astype(BF16)
    return out


def _bf16_form(cls):
    """A subclass of `cls` that computes in float32 and rounds to bfloat16 (see the module's docstring)."""

    def forward(ctx, *args, **kwargs):
        bf16_in = tuple(_is_bf16_array(a) for a in args)
        up = tuple(_up(a) if b else a for a, b in zip(args, bf16_in))
        out = cls.forward(ctx, *up, **kwargs)
        for k in getattr(cls, "bf16_writes", ()):   # arguments the op updates in place: give them the new values
            if bf16_in[k]:
                args[k][...] = up[k]
        ctx.bf16_in, ctx.bf16_up = bf16_in, True
        if _views_input(out, [u for u, b in zip(up, bf16_in) if b]):
            ctx.bf16_up = False   # a view: run on the bfloat16 arrays themselves, so it views them
            ctx.saved_tensors = ()
            return cls.forward(ctx, *args, **kwargs)
        return _round(out) if rounds_to_bf16(args) else out

    def backward(ctx, *grads):
        if not ctx.bf16_up:
            return cls.backward(ctx, *grads)
        out = cls.backward(ctx, *(_up(g) for g in grads))
        single = not isinstance(out, tuple)
        out = tuple(g.astype(BF16) if b and getattr(g, "dtype", None) is not None and g.dtype.kind == "f"
                    and hasattr(g, "astype") and hasattr(g, "shape") else g
                    for g, b in zip((out,) if single else out, ctx.bf16_in))
        return out[0] if single else out

    return type(cls.__name__, (cls,), {"forward": forward, "backward": backward, "__module__": cls.__module__,
                                       "__qualname__": cls.__qualname__, "__doc__": cls.__doc__})
