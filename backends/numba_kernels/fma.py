"""fma(a, b, c): a * b + c rounded once, as LLVM's fma intrinsic computes it, for kernels that must round
as PyTorch's fused multiply-adds do (its CPU `add_(x, alpha=...)` is one). Numba has no math.fma on this
Python; contraction (`fastmath={'contract'}`) fuses only where LLVM chooses, which cannot promise it."""
from llvmlite import ir
from numba import types
from numba.core import cgutils
from numba.extending import intrinsic

_NAMES = {types.float32: "llvm.fma.f32", types.float64: "llvm.fma.f64"}


@intrinsic
def fma(typingctx, a, b, c):
    """a * b + c with one rounding; a, b and c of one float type (float32 or float64)."""
    if not (a in _NAMES and a == b == c):
        return None

    def codegen(context, builder, signature, args):
        float_type = context.get_value_type(signature.return_type)
        fn = cgutils.get_or_insert_function(builder.module, ir.FunctionType(float_type, [float_type] * 3),
                                            _NAMES[signature.return_type])
        return builder.call(fn, args)
    return a(a, b, c), codegen
