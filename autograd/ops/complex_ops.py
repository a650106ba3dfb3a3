"""Complex numbers: the parts of a complex tensor (real, imag, view_as_real), building one (complex, polar,
view_as_complex), and the ops whose gradient is not holomorphic (conj, abs, angle, sgn, casts between real
and complex), each with PyTorch's gradient convention (autograd/complex_forms.py). The ops written for
real arrays that also serve complex ones are registered at the end of this file."""
import numpy as np

from .. import complex_forms
from ..dtypes import complex_dtype_of, real_dtype_of
from ..errors import DtypeError
from ..function import Function, named
from ..tensor import Tensor
from . import activation, convert, diagonal_view, einsum, elementwise as E, indexing, joining, linalg, reduction, scan
from . import powers, setitem, shape, trig
from .dims import check_tensor
from .no_grad_op import no_grad_op


def _to_complex(g, dtype):
    """A real gradient as a complex array of `dtype` (a Tensor under create_graph)."""
    return convert.astype(g, dtype) if isinstance(g, Tensor) else g.astype(dtype)


class Real(Function):
    complex_ready = True
    op_name = "real"
    torch_name = "SelectBackward0"   # PyTorch takes z.real as view_as_real(z).select(-1, 0)

    def forward(ctx, z):
        ctx.dtype = z.dtype
        return z.real   # a view: writing into it writes into z, as PyTorch's z.real

    def backward(ctx, gy):
        return _to_complex(gy, ctx.dtype)


class Imag(Function):
    complex_ready = True
    op_name = "imag"
    torch_name = "SelectBackward0"

    def forward(ctx, z):
        ctx.dtype = z.dtype
        return z.imag

    def backward(ctx, gy):
        return _to_complex(gy, ctx.dtype) * 1j


class Conj(Function):
    complex_ready = True
    op_name = "conj"

    def forward(ctx, z):
        return ctx.xp.conj(z)

    def backward(ctx, gy):
        return ctx.xp.conj(gy)


class AbsComplex(Function):
    """|z|: the gradient g * z / |z| (0 at z = 0)."""
    complex_ready = True
    op_name = "abs"
    torch_name = "AbsBackward0"

    def forward(ctx, z):
        out = ctx.xp.abs(z)
        ctx.save_for_backward(z, out)
        return out

    def backward(ctx, gy):
        z, out = ctx.saved_tensors
        zero = out == 0
        return ctx.xp.where(zero, 0, gy * z / ctx.xp.where(zero, 1, out))


class Angle(Function):
    """arg(z) in (-pi, pi]: the gradient g * i z / |z|^2 (0 at z = 0); real input: 0 or pi, gradient 0."""
    complex_ready = True
    op_name = "angle"

    def forward(ctx, z):
        ctx.save_for_backward(z)
        if z.dtype.kind == "c":
            return ctx.xp.angle(z)
        return ctx.xp.where(z < 0, np.pi, ctx.xp.where(z != z, z, 0)).astype(z.dtype)

    def backward(ctx, gy):
        z = ctx.saved_tensors[0]
        xp = ctx.xp
        if z.dtype.kind != "c":
            return gy * 0
        square = (z * xp.conj(z)).real
        zero = square == 0
        return xp.where(zero, 0, gy * z * 1j / xp.where(zero, 1, square))


class Sgn(Function):
    """z / |z| (0 at 0): the gradient (g - conj(g) sgn(z)^2) / (2 |z|)."""
    complex_ready = True
    op_name = "sgn"

    def forward(ctx, z):
        xp = ctx.xp
        size = xp.abs(z)
        zero = size == 0
        out = xp.where(zero, 0, z / xp.where(zero, 1, size))
        ctx.save_for_backward(out, z)   # |z| again in backward, so that create_graph differentiates it too
        return out

    def backward(ctx, gy):
        s, z = ctx.saved_tensors
        xp = ctx.xp
        size = xp.abs(z)
        zero = size == 0
        return xp.where(zero, 0, (gy - xp.conj(gy) * s * s) / (2 * xp.where(zero, 1, size)))


class SigmoidComplex(Function):
    """1 / (1 + e^-z) for complex z (the real op's kernel is for real values)."""
    complex_ready = True
    op_name = "sigmoid"
    torch_name = "SigmoidBackward0"

    def forward(ctx, z):
        out = 1 / (1 + ctx.xp.exp(-z))
        ctx.save_for_backward(out)
        return out

    def backward(ctx, gy):
        out = ctx.saved_tensors[0]
        return gy * ctx.xp.conj(out * (1 - out))


class ComplexFromParts(Function):
    complex_ready = True
    op_name = "complex"
    torch_name = "ComplexBackward0"

    def forward(ctx, re, im):
        out = ctx.xp.empty(np.broadcast_shapes(re.shape, im.shape), complex_dtype_of(re.dtype))
        out.real = re
        out.imag = im
        ctx.shapes = (re.shape, im.shape)
        return out

    def backward(ctx, gy):
        from ..broadcast import unbroadcast
        xp = ctx.xp
        need = ctx.needs_input_grad
        return (unbroadcast(_contiguous(xp, xp.real(gy)), ctx.shapes[0]) if need[0] else None,
                unbroadcast(_contiguous(xp, xp.imag(gy)), ctx.shapes[1]) if need[1] else None)


def _contiguous(xp, part):
    """A real or imaginary part as an array of its own (NumPy gives a strided view into the complex array)."""
    return part if isinstance(part, Tensor) else part.copy()


class ViewAsReal(Function):
    complex_ready = True
    op_name = "view_as_real"

    def forward(ctx, z):
        ctx.dtype = z.dtype
        return z[..., None].view(real_dtype_of(z.dtype))

    def backward(ctx, gy):
        if isinstance(gy, Tensor):
            return complex(gy[..., 0], gy[..., 1])
        out = ctx.xp.empty(gy.shape[:-1], ctx.dtype)
        out.real = gy[..., 0]
        out.imag = gy[..., 1]
        return out


class ViewAsComplex(Function):
    complex_ready = True
    op_name = "view_as_complex"

    def forward(ctx, x):
        ctx.dtype = x.dtype
        return x.view(complex_dtype_of(x.dtype))[..., 0]

    def backward(ctx, gy):
        if isinstance(gy, Tensor):
            return view_as_real(gy)
        return gy[..., None].view(ctx.dtype).copy()


# ----- the functions users call ----------------------------------------------------------------------

def _complex_tensor(op, z):
    check_tensor(op, z)
    if z.dtype.kind != "c":
        raise DtypeError(f"{op}: expects a complex tensor (complex64 or complex128), got {z.dtype}; make one with "
                         f"ag.complex(real, imag) or .to(ag.complex64)")


def real(input):
    """The real part of a complex tensor (a view that shares its memory); a real tensor itself."""
    check_tensor("real", input)
    return Real.apply(input) if input.dtype.kind == "c" else input


def imag(input):
    """The imaginary part of a complex tensor (a view); real tensors have none, as in PyTorch."""
    check_tensor("imag", input)
    if input.dtype.kind != "c":
        raise RuntimeError(f"imag is not implemented for tensors with non-complex dtypes (this one is "
                           f"{input.dtype}); make a complex tensor with ag.complex(real, imag) first")
    return Imag.apply(input)


def conj(input):
    """The complex conjugate (a real tensor itself)."""
    check_tensor("conj", input)
    return Conj.apply(input) if input.dtype.kind == "c" else input


def angle(input):
    """The argument of each element in radians, in (-pi, pi] (0 or pi for real tensors)."""
    check_tensor("angle", input)
    if input.dtype.kind in "iub":
        input = input.astype(np.float32)
    return Angle.apply(input)


def sgn(input):
    """z / |z| for complex tensors (0 at 0); the sign -1, 0 or 1 for real ones, as torch.sgn."""
    check_tensor("sgn", input)
    if input.dtype.kind == "c":
        return Sgn.apply(input)
    return named(E.sign(input), "SgnBackward0")


def complex(real, imag):
    """The complex tensor real + i imag from two float tensors of one dtype (float32 -> complex64,
    float64 -> complex128), broadcasting."""
    check_tensor("complex", real, "real")
    check_tensor("complex", imag, "imag")
    if real.dtype.kind != "f" or real.dtype != imag.dtype or real.dtype == np.float16:
        raise DtypeError(f"complex: expects real and imag of one float dtype (float32 or float64), got {real.dtype} "
                         f"and {imag.dtype}; convert both first, e.g. .float()")
    complex_forms.note_complex()
    return ComplexFromParts.apply(real, imag)


def polar(abs, angle):
    """The complex tensor abs * (cos(angle) + i sin(angle))."""
    check_tensor("polar", abs, "abs")
    check_tensor("polar", angle, "angle")
    if abs.dtype.kind != "f" or abs.dtype != angle.dtype:
        raise DtypeError(f"polar: expects abs and angle of one float dtype, got {abs.dtype} and {angle.dtype}; "
                         "convert both first, e.g. .float()")
    return named(complex(abs * E.cos(angle), abs * E.sin(angle)), "PolarBackward0")


def view_as_real(input):
    """A complex tensor's values as a real tensor with a last dim of 2 (real, imaginary), sharing memory."""
    _complex_tensor("view_as_real", input)
    return ViewAsReal.apply(input)


def view_as_complex(input):
    """A float tensor whose last dim has size 2 (real, imaginary) seen as a complex tensor, sharing memory."""
    check_tensor("view_as_complex", input)
    if input.dtype not in (np.float32, np.float64):
        raise DtypeError(f"view_as_complex: expects a float32 or float64 tensor, got {input.dtype} (shape "
                         f"{tuple(input.shape)}); a complex tensor is complex already, view_as_real(x) gives its parts")
    data = input._data
    if input.ndim == 0 or input.shape[-1] != 2 or data.strides[-1] != data.itemsize or any(
            s % (2 * data.itemsize) for s in data.strides[:-1]):
        raise RuntimeError(f"view_as_complex: the tensor must have a last dim of size 2 with stride 1 and the "
                           f"other strides even, got shape {tuple(input.shape)}; call .contiguous() first")
    complex_forms.note_complex()
    return ViewAsComplex.apply(input)


def is_conj(input):
    """False: conj() makes a new tensor here, it never sets a lazy conjugate bit."""
    return False


def isreal(input):
    """True where an element's imaginary part is 0 (everywhere for real tensors)."""
    check_tensor("isreal", input)
    if input.dtype.kind != "c":
        return no_grad_op("isreal", lambda xp, v: xp.ones(v.shape, dtype=bool), input)
    return no_grad_op("isreal", lambda xp, v: v.imag == 0, input)


def conj_transpose(input):
    """The conjugate transpose of the last two dims (mH, adjoint); a 0-d tensor is returned as it is, as in
    PyTorch (which warns that this is deprecated)."""
    if input.ndim == 0:
        return input
    if input.ndim < 2:
        raise RuntimeError(f"mH/adjoint: only matrices or batches of matrices (2 or more dims) are supported, got "
                           f"shape {tuple(input.shape)}; for a vector use .conj()")
    return conj(shape.transpose(input, -2, -1))


# ----- ops written for real arrays whose formulas serve complex values too -------------------------------
complex_forms.holomorphic(
    E.Add, E.Sub, E.Mul, E.Div, E.Pow, E.Neg, E.Clone, E.Exp, E.Log, E.Log1p, E.Sqrt, E.Sin, E.Cos, E.Tanh,
    E.Where, trig.Tan, trig.Sinh, trig.Cosh, trig.Asin, trig.Acos, trig.Atan, trig.Asinh, trig.Acosh, trig.Atanh,
    reduction.Sum, reduction.Mean, reduction.Prod, shape.Reshape, shape.Transpose, shape.BroadcastTo, shape.Flip,
    shape.Pad, shape.Repeat, indexing.GetItem, indexing.RowMajorGetItem, indexing.IndexAdd, indexing.TakeAlongAxis, joining.Concatenate, joining.Stack,
    joining.Split, linalg.MatMul, scan.Cumsum, scan.Cumprod, convert.ToDevice, einsum.Einsum, diagonal_view.Diagonal,
    diagonal_view.DiagonalEmbed, setitem.SetItem, linalg.Linear, powers.Reciprocal, powers.Rsqrt)
complex_forms.explicit(E.Abs, AbsComplex)
complex_forms.explicit(activation.Sigmoid, SigmoidComplex)
