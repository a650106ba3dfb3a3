"""SIMD values inside Numba kernels: one LLVM vector of WIDTH bytes (16 float32 or 8 float64 lanes on
a CPU with AVX-512, 8 or 4 on one without).

Numba has no vector type, and its loop vectoriser only keeps values in registers for the length of
the innermost loop; a register-tiled kernel (accumulators that live across a whole reduction, the way
BLAS and oneDNN microkernels are written) needs to name vectors itself. These intrinsics give it
that: `load`/`store` read and write `lanes(a)` consecutive elements at a flat index of a C-contiguous
array, `splat` broadcasts a scalar, `fma` is one fused multiply-add per lane (llvm.fma, a single
rounding). LLVM maps a loop-carried vector to a register of its own, so a tile of 12 accumulators
stays in the 16 ymm registers of an AVX2 core (or 32 zmm of an AVX-512 one) for the whole loop.

No bounds checks and no negative-index wraparound: callers keep every index inside the array."""
from llvmlite import ir
from numba import types
from numba.core import cgutils
from numba.extending import intrinsic, models, register_model


def _host_features():
    from llvmlite import binding
    return binding.get_host_cpu_features().flatten().split(",")


def host_has_avx512():
    """Whether LLVM sees AVX-512F on this CPU (the kernels are compiled for the host)."""
    return "+avx512f" in _host_features()


def host_has_avx2_fma():
    """Whether LLVM sees AVX2 and FMA on this CPU: 256-bit vectors with fused multiply-adds."""
    features = _host_features()
    return "+avx2" in features and "+fma" in features


#: the vector width in bytes: a zmm register where the host has them, else a ymm one (read when a
#: kernel is first typed, so a test may change it before any compile)
WIDTH = 64 if host_has_avx512() else 32


class Vector(types.Type):
    """A Numba type: `lanes` values of `dtype` (a Numba scalar type) held as one LLVM vector."""

    def __init__(self, dtype):
        self.dtype = dtype
        self.lanes = WIDTH // (dtype.bitwidth // 8)
        super().__init__(name=f"Vector({dtype}, {self.lanes})")


@register_model(Vector)
class _VectorModel(models.PrimitiveModel):
    def __init__(self, dmm, fe_type):
        element = dmm.lookup(fe_type.dtype).get_value_type()
        super().__init__(dmm, fe_type, ir.VectorType(element, fe_type.lanes))


def _check_float(op, dtype):
    if not isinstance(dtype, types.Float):
        raise TypeError(f"simd.{op}: float32 or float64 elements only, got {dtype}")


def _element_pointer(context, builder, arrty, arr, idx):
    array = context.make_array(arrty)(context, builder, arr)
    return builder.gep(array.data, [idx])


@intrinsic
def lanes(typingctx, a):
    """The number of lanes of a vector of a's elements (WIDTH / 4 for float32, WIDTH / 8 for
    float64): a constant."""
    _check_float("lanes", a.dtype)
    count = Vector(a.dtype).lanes

    def codegen(context, builder, signature, args):
        return ir.Constant(ir.IntType(64), count)
    return types.intp(a), codegen


@intrinsic
def zeros(typingctx, a):
    """A vector of zeros of a's element type."""
    _check_float("zeros", a.dtype)
    vector = Vector(a.dtype)

    def codegen(context, builder, signature, args):
        return ir.Constant(context.get_value_type(vector), None)
    return vector(a), codegen


@intrinsic
def load(typingctx, a, idx):
    """a.flat[idx : idx + lanes] as a vector (any alignment)."""
    _check_float("load", a.dtype)
    vector = Vector(a.dtype)

    def codegen(context, builder, signature, args):
        pointer = _element_pointer(context, builder, signature.args[0], args[0], args[1])
        vector_type = context.get_value_type(vector)
        return builder.load(builder.bitcast(pointer, vector_type.as_pointer()), align=1)
    return vector(a, idx), codegen


@intrinsic
def store(typingctx, a, idx, v):
    """a.flat[idx : idx + lanes] = v."""
    if not isinstance(v, Vector) or v.dtype != a.dtype:
        raise TypeError(f"simd.store: a vector of {a.dtype} expected, got {v}")

    def codegen(context, builder, signature, args):
        pointer = _element_pointer(context, builder, signature.args[0], args[0], args[1])
        vector_type = context.get_value_type(signature.args[2])
        builder.store(args[2], builder.bitcast(pointer, vector_type.as_pointer()), align=1)
        return context.get_dummy_value()
    return types.void(a, idx, v), codegen


@intrinsic
def item(typingctx, a, idx):
    """a.flat[idx], a scalar (no wraparound of negative indices)."""
    def codegen(context, builder, signature, args):
        return builder.load(_element_pointer(context, builder, signature.args[0], args[0], args[1]))
    return a.dtype(a, idx), codegen


@intrinsic
def splat(typingctx, x):
    """A vector with x in every lane."""
    _check_float("splat", x)
    vector = Vector(x)

    def codegen(context, builder, signature, args):
        vector_type = context.get_value_type(vector)
        first = builder.insert_element(ir.Constant(vector_type, ir.Undefined), args[0],
                                       ir.Constant(ir.IntType(32), 0))
        mask = ir.Constant(ir.VectorType(ir.IntType(32), vector.lanes), [0] * vector.lanes)
        return builder.shuffle_vector(first, ir.Constant(vector_type, ir.Undefined), mask)
    return vector(x), codegen


@intrinsic
def fma(typingctx, a, b, c):
    """a * b + c in every lane, rounded once."""
    if not (isinstance(a, Vector) and a == b == c):
        raise TypeError(f"simd.fma: three vectors of one type expected, got {a}, {b}, {c}")

    def codegen(context, builder, signature, args):
        vector_type = context.get_value_type(signature.args[0])
        suffix = f"v{a.lanes}f{a.dtype.bitwidth}"
        function = cgutils.get_or_insert_function(
            builder.module, ir.FunctionType(vector_type, [vector_type] * 3), f"llvm.fma.{suffix}")
        return builder.call(function, args)
    return a(a, b, c), codegen


@intrinsic
def add(typingctx, a, b):
    """a + b in every lane."""
    if not (isinstance(a, Vector) and a == b):
        raise TypeError(f"simd.add: two vectors of one type expected, got {a}, {b}")

    def codegen(context, builder, signature, args):
        return builder.fadd(args[0], args[1])
    return a(a, b), codegen


@intrinsic
def total(typingctx, v):
    """The sum of v's lanes (pairwise: lanes 0-3 + 4-7, and so on down)."""
    if not isinstance(v, Vector):
        raise TypeError(f"simd.total: a vector expected, got {v}")

    def codegen(context, builder, signature, args):
        value, count = args[0], v.lanes
        while count > 1:
            count //= 2
            low = builder.shuffle_vector(value, value, ir.Constant(ir.VectorType(ir.IntType(32), count),
                                                                   list(range(count))))
            high = builder.shuffle_vector(value, value, ir.Constant(ir.VectorType(ir.IntType(32), count),
                                                                    list(range(count, 2 * count))))
            value = builder.fadd(low, high)
        return builder.extract_element(value, ir.Constant(ir.IntType(32), 0))
    return v.dtype(v), codegen
