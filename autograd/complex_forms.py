"""How ops written for real arrays take complex ones.

deepgrad follows PyTorch's convention for complex gradients: the gradient of a real loss L with
respect to z = x + iy is dL/dx + i dL/dy. For an op whose backward formula is holomorphic in the values
it saved and linear in the incoming gradient g (arithmetic, exp, log, trigonometry, sums, matrix
products, views, indexing), that gradient is the real formula run on conj(g) and conjugated back:
conj(f'(z) * conj(g)) = conj(f'(z)) * g. Such ops are registered here (`holomorphic`) and run in that
form when one of their arguments is complex; an input that was real gets the real part. An op of
deepgrad's that is neither registered nor written for complex values itself (`complex_ready = True`)
refuses complex arguments with a TypeError, so that none returns a wrong gradient silently.

A real-valued program pays nothing for this: Function.apply looks here only once a complex tensor
has been made (`active`).
"""
import numpy as np


class ComplexUnsupportedError(TypeError, NotImplementedError):
    """A complex tensor given to an op that is not defined for complex values (relu, max, sort, comparisons,
    floor): a TypeError, as deepgrad raised before, and a NotImplementedError, a RuntimeError, as PyTorch raises
    ("clamp is not supported for complex types", "Sort does not support complex dtypes")."""


#: True once any complex tensor was made in this process
active = False
#: op class -> its complex form (None until first needed)
_FORMS = {}


def note_complex():
    """Record that complex tensors exist, so that ops start checking their arguments for them."""
    global active
    active = True


def holomorphic(*classes):
    """Register Function classes whose real backward formula also serves complex arguments (see above)."""
    for cls in classes:
        _FORMS.setdefault(cls, None)


def explicit(cls, form):
    """Register `form`, a Function written for complex arguments, to run in place of `cls` when one is complex."""
    _FORMS[cls] = form


def is_complex_value(a):
    """True for a complex Tensor or array, or a Python complex number."""
    dtype = getattr(a, "dtype", None)
    if dtype is not None:
        return getattr(dtype, "kind", "") == "c"
    return isinstance(a, complex)


def _has_complex(args):
    for a in args:
        dtype = getattr(a, "dtype", None)
        if dtype is not None:
            if getattr(dtype, "kind", None) == "c":
                return True
        elif isinstance(a, complex) or (isinstance(a, (list, tuple)) and _has_complex(a)):
            return True
    return False


def form_for(cls, args):
    """The class that runs `cls` on `args`: `cls` itself when no argument is complex, when it handles complex
    values itself, or for users' own Functions; its registered complex form; otherwise a
    ComplexUnsupportedError (a TypeError)."""
    if not _has_complex(args):
        return cls
    if getattr(cls, "complex_ready", False):
        return cls
    if cls in _FORMS:
        form = _FORMS[cls]
        if form is None:
            form = _FORMS[cls] = _complex_form(cls)
        return form
    if cls.__module__.startswith("autograd.") or cls.__module__.startswith("nn."):
        shapes = ", ".join(f"{getattr(a, 'dtype', type(a).__name__)}{tuple(getattr(a, 'shape', ()))}"
                           for a in args if hasattr(a, "dtype"))
        raise ComplexUnsupportedError(f"{cls.label()}: complex tensors are not supported by this op (arguments: "
                                      f"{shapes}); work on the real and imaginary parts (z.real, z.imag, "
                                      f"ag.view_as_real(z)) or on abs()/angle(), or convert with .real")
    return cls


def refuse(op, *args):
    """Raise the ComplexUnsupportedError (a TypeError) of an op that is not defined for complex values (as in
    PyTorch) when one of `args` is complex; callers reach it only behind `active`, so real programs never pay for
    the look."""
    if _has_complex(args):
        shapes = ", ".join(f"{a.dtype}{tuple(a.shape)}" for a in args if hasattr(a, "dtype") and hasattr(a, "shape"))
        raise ComplexUnsupportedError(f"{op}: complex tensors are not supported by this op (arguments: "
                                      f"{shapes or 'a complex number'}); work on the real and imaginary "
                                      f"parts (z.real, z.imag, ag.view_as_real(z)) or on abs()/angle(), or convert "
                                      f"with .real")


def _complex_form(cls):
    """A subclass of `cls` whose backward conjugates the incoming gradients before the real formula and the
    results after it, and keeps the real part for arguments that were real."""

    def forward(ctx, *args, **kwargs):
        ctx.real_dtypes = tuple(_real_dtype(a) for a in args)
        return cls.forward(ctx, *args, **kwargs)

    def backward(ctx, *grads):
        xp = ctx.xp
        out = cls.backward(ctx, *(None if g is None else xp.conj(g) for g in grads))
        single = not isinstance(out, tuple)
        out = tuple(_conj_back(xp, g, real) for g, real in zip((out,) if single else out, ctx.real_dtypes))
        return out[0] if single else out

    form = type(cls.__name__, (cls,), {"forward": forward, "backward": backward, "__module__": cls.__module__,
                                       "__qualname__": cls.__qualname__, "__doc__": cls.__doc__})
    return form


def _real_dtype(a):
    """The dtype of a real Tensor argument (its gradient must be real too); None for complex or non-arrays."""
    dtype = getattr(a, "dtype", None)
    if dtype is None or not hasattr(a, "shape") or getattr(dtype, "kind", "c") == "c":
        return None
    return dtype


def _conj_back(xp, g, real_dtype):
    if g is None or not is_complex_value(g):
        return g
    if real_dtype is None:
        out = xp.conj(g)
        if not hasattr(xp, "asarray"):   # create_graph: graph_xp over Tensors, whose result is left as it is
            return out
        # conjugating back turns an exactly cancelled imaginary part (+0) into -0, where PyTorch's product
        # conj(f'(z)) * g, summed from +0, gives +0: a complex gradient that is real would print as "-0.j"
        out = xp.asarray(out)
        out.imag += 0.0
        return out
    part = xp.real(g)
    return part.astype(real_dtype) if np.dtype(real_dtype).kind == "f" else part
