"""deepgrad's autograd: Tensor, differentiable ops, and the backward engine.

    import autograd as ag
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    (x * x).sum().backward()
    x.grad  # tensor([2., 4.])
"""
import sys as _sys
import types as _types

from .numpy_warnings import quiet_numpy as _quiet_numpy
_quiet_numpy()   # NumPy's floating-point warnings, raised inside deepgrad's modules, ignored (PyTorch is silent)
from backends import DeviceError, available as available_devices
from backends import get_default_device, is_device, set_default_device
from backends.threads import get_num_threads, set_num_threads

from .dtypes import (bool_, complex64, complex128, float16, float32, float64, get_default_dtype, int8, int16, int32,
                     int64, set_default_dtype, uint8, uint16, uint32, uint64)
from .capture import CaptureError
from .errors import AnomalyError, ArgumentError, DtypeError, GraphError, IndexRangeError, OutOfMemoryError, ShapeError
from .function import Function
from .grad_mode import (detect_anomaly, enable_grad, inference_mode, is_grad_enabled, is_inference_mode_enabled,
                        no_grad, set_grad_enabled)
from .tensor import Tensor
from .size import Size
from . import arrays
from . import methods as _methods  # noqa: F401  (binds operators and methods onto Tensor)
from .ops import complex_extra as _complex_extra  # noqa: F401  (registers more ops' complex forms)
from .ops import composed_forms as _composed_forms  # noqa: F401  (fused ops' forms for higher-order gradients)
from .ops import composed_products as _composed_products  # noqa: F401  (the same for products and scatters)
from .engine import grad
from .gradcheck import gradcheck
from .hooks import RemovableHandle
from .random_generator import Generator, default_generator
from .creation import (arange, as_tensor, empty, empty_like, eye, from_dlpack, from_numpy, full, full_like, linspace,
                       manual_seed, ones, ones_like, rand, rand_like, randint, randint_like, randn, randn_like, randperm,
                       tensor, zeros, zeros_like)
from .creation import bernoulli
from .broadcast import unbroadcast
from .ops.elementwise import (abs, add, clip, cos, div, eq, exp, ge, gt, le, log, log1p, logical_and, logical_not,
                              logical_or, logical_xor, lt, maximum, minimum, mul, ne, neg, pow, sign, sin, sqrt,
                              sub, tanh, where)
from .ops.activation import log_softmax, relu, sigmoid, softmax
from .ops.reduction import (all, amax, amin, any, argmax, argmin, logsumexp, max, mean, min, prod, std, sum, var)
from .ops.linalg import bmm, dot, matmul, mm, mv, outer
from .ops.norm_forms import norm
from .ops.shape import (broadcast_to, expand, expand_dims, flatten, flip, moveaxis, movedim, narrow, pad, permute,
                        repeat_interleave, reshape, squeeze, swapaxes, swapdims, t, transpose, unflatten, unsqueeze)
from .ops.joining import cat, chunk, concat, concatenate, split, stack, tensor_split, unbind
from .ops.indexing import one_hot, take_along_axis
from .ops.gather import gather, index_select, masked_fill, scatter, scatter_add
from .ops.scan import cumprod, cumsum
from .ops.sorting import argsort, sort, topk
from .ops.discrete import allclose, argwhere, bincount, count_nonzero, equal, isclose, multinomial, nonzero, unique
from .ops.einsum import einsum
from .ops.triangular import tril, triu
from .ops.rounding import (ceil, clamp, clamp_max, clamp_min, floor, isfinite, isinf, isnan, log2, log10, reciprocal,
                           round, rsqrt, square, trunc)
from .ops.convert import astype, to
from .ops.special import erf, erfc, erfinv, exp2, expm1, logit, xlogy
from .ops.gamma import digamma, lgamma, mvlgamma, polygamma
from .ops.bessel import i0
from .ops.pointwise import addcdiv, addcmul, fmax, fmin, heaviside, rsub
from .ops.float_parts import frexp, ldexp, nextafter
from .ops.number_theory import gcd, lcm
from .ops.rounding import isneginf, isposinf
from .ops.discrete import isin
from .ops.diagonals import diag_embed, diagflat
from .ops.statistics import kthvalue
from .ops.arrange import fliplr, flipud
from .ops.elementwise import clone
from .ops.pointwise import (atan2, copysign, float_power, floor_divide, fmod, frac, hypot, lerp, logaddexp, logaddexp2,
                            nan_to_num, positive, remainder, sgn, signbit)
from .ops.trig import (acos, acosh, arccos, arccosh, arcsin, arcsinh, arctan, arctanh, asin, asinh, atan, atanh, cosh,
                       deg2rad, rad2deg, sinc, sinh, tan)
from .ops.arrange import (atleast_1d, atleast_2d, atleast_3d, block_diag, broadcast_tensors, cartesian_prod,
                          column_stack, diag, diagonal, diff, dstack, hstack, kron, meshgrid, ravel, roll, rot90,
                          take_along_dim, tile, trace, vstack)
from .ops.products import addmm, addmv, baddbmm, cdist, cross, inner, pdist, tensordot
from .ops.statistics import (aminmax, cummax, cummin, logcumsumexp, median, nanmean, nansum, quantile, std_mean,
                             var_mean)
from .ops.index_update import index_add, index_copy, index_fill, masked_select
from .ops.put import index_put, masked_scatter
from .ops.searching import bucketize, searchsorted, tril_indices, triu_indices
from .ops.predicates import is_floating_point, is_tensor, numel
from .ops.bitwise import (bitwise_and, bitwise_left_shift, bitwise_not, bitwise_or, bitwise_right_shift,
                          bitwise_xor)
# the fifth batch of PyTorch's names
from .creation import logspace
from .random_api import _sample_dirichlet, _standard_gamma, poisson
from .binomial_draws import binomial
from .strided_views import (TENSOR_METHODS as _STRIDED_METHODS, as_strided, empty_permuted, empty_strided,
                            frombuffer)
for _name, _fn in _STRIDED_METHODS.items():
    setattr(Tensor, _name, _fn)            # Tensor.as_strided, Tensor.new_empty_strided
from .ops.activation_forms import celu, dropout, hardshrink, prelu, rrelu, selu, threshold
from .activation_api import celu_, dropout_, relu_, rrelu_, selu_, threshold_
from .ops.vector_distance import cosine_similarity, dist, pairwise_distance, renorm
from .ops.histograms import histc, histogram
from .ops.histogramdd import histogramdd
from .ops.combinatorics import combinations, vander
from .ops.shape_rules import broadcast_shapes
from .ops.dim_splits import dsplit, hsplit, row_stack, vsplit
from .ops.integration import cumulative_trapezoid, trapezoid, trapz
from .ops.finite_differences import gradient
from .ops.nan_statistics import mode, nanmedian, nanquantile
from .ops.covariance import corrcoef, cov
from .ops.slicing import diagonal_scatter, narrow_copy, select, select_scatter, slice_scatter, take
from .ops.scatter_reduce import index_reduce, scatter_reduce
from .ops.discrete import unique_consecutive
from .ops.matrix_products import addbmm, addr, chain_matmul, ger, vdot
from .ops.predicates import is_complex, is_nonzero
from .ops.type_promotion import can_cast, promote_types, result_type
arctan2 = atan2
from .ops.out import install as _install_out
from . import accelerator, cuda
from . import return_types   # torch.return_types: what max(dim), sort, topk, ... return
from . import autograd_api as autograd
# `from torch.autograd import Function` ports as `from autograd.autograd import Function`
_sys.modules[__name__ + ".autograd"] = autograd
_sys.modules[__name__ + ".autograd.functional"] = autograd.functional
_sys.modules[__name__ + ".autograd.function"] = autograd.function   # once_differentiable
_sys.modules[__name__ + ".autograd.graph"] = autograd.graph
_sys.modules[__name__ + ".autograd.forward_ad"] = autograd.forward_ad
_sys.modules[__name__ + ".autograd.profiler"] = autograd.profiler
_sys.modules[__name__ + ".autograd.gradcheck"] = _sys.modules[__name__ + ".gradcheck"]   # its GradcheckError
from . import profiler   # torch.profiler
from . import quasirandom   # torch.quasirandom (SobolEngine)
from . import special_api as special
_sys.modules[__name__ + ".special"] = special   # `import autograd.special`, as `import torch.special`
from . import linalg_api as linalg
_sys.modules[__name__ + ".linalg"] = linalg     # `import autograd.linalg`, as `import torch.linalg`
from . import func_api as func
_sys.modules[__name__ + ".func"] = func         # `import autograd.func`, as `import torch.func`
vmap = func.vmap                                # torch.vmap is torch.func.vmap
# torch's top-level spellings of linear algebra (torch.svd returns V, torch.qr takes some=, torch.cholesky upper=)
from .ops.linalg_cholesky import cholesky_old as cholesky
from .ops.linalg_det import logdet
from .ops.linalg_pinv import pinverse
from .ops.linalg_products import matrix_power
from .ops.linalg_qr import qr_old as qr
from .ops.linalg_lu import lu_old as lu, lu_solve_old as lu_solve, lu_unpack
from .ops.linalg_solve import inverse
from .ops.linalg_svd import svd_old as svd
from .ops.matrix_exp import matrix_exp
from .ops.linalg_householder import geqrf, orgqr
from .jit import jit
from .compile_api import compile, get_float32_matmul_precision, set_float32_matmul_precision
from .dtype_info import finfo, iinfo
from . import distributions
from . import sparse_api as sparse
_sys.modules[__name__ + ".sparse"] = sparse     # `import autograd.sparse`, as `import torch.sparse`
from .sparse_api import spmm
from .ops.sparse_build import sparse_coo_tensor
from .ops.sparse_csr import sparse_csr_tensor
from .ops.sparse_csc import sparse_csc_tensor
from .ops.sparse_blocked import (ccol_indices_copy, col_indices_copy, crow_indices_copy, indices_copy,
                                 row_indices_copy, sparse_bsc_tensor, sparse_bsr_tensor, sparse_compressed_tensor,
                                 values_copy)
from .ops.sparse_products import dsmm, hsmm, hspmm, native_norm, saddmm, smm, sspaddmm
from . import masked_api as masked
from .from_file import from_file
_sys.modules[__name__ + ".masked"] = masked     # `import autograd.masked`, as `import torch.masked`
Tensor.smm, Tensor.sspaddmm = smm, sspaddmm
from .ops import sparse_ops as _sparse_ops  # noqa: F401  (the dense ops' forms for sparse arguments)
from . import backend_flags as backends
_sys.modules[__name__ + ".backends"] = backends   # `import autograd.backends.cudnn as cudnn`, as torch's
for _flags in ("cudnn", "cuda", "mps", "cpu"):
    _sys.modules[f"{__name__}.backends.{_flags}"] = getattr(backends, _flags)
from .random_api import get_rng_state, initial_seed, normal, seed, set_rng_state
from .printing import set_printoptions
from .determinism_api import (are_deterministic_algorithms_enabled, is_deterministic_algorithms_warn_only_enabled,
                              use_deterministic_algorithms)
from . import amp
from .amp import autocast
from .amp.autocast_mode import (clear_autocast_cache, get_autocast_dtype, is_autocast_cache_enabled,
                                is_autocast_enabled, set_autocast_cache_enabled, set_autocast_dtype,
                                set_autocast_enabled)
from .amp.legacy import cpu   # torch.cpu's namespace, for ag.cpu.amp; ag.cuda.amp is set there too
from .torch_misc_api import (adjoint, angle, complex, conj, conj_physical, e, get_num_interop_threads, imag, inf,
                             is_conj, polar, view_as_complex, view_as_real,
                             is_anomaly_check_nan_enabled, is_anomaly_enabled, is_same_size, is_signed, isreal, nan,
                             newaxis, pi, random, range, real, resolve_conj, resolve_neg, scalar_tensor,
                             set_anomaly_enabled, set_flush_denormal, set_num_interop_threads, typename)
_sys.modules[__name__ + ".random"] = random
from .ops.legacy_forms import (cholesky_inverse, cholesky_solve, fix, msort, put, split_with_sizes, triangular_solve,
                               unravel_index)
from . import testing
_sys.modules[__name__ + ".testing"] = testing
from . import version
from .version import __version__
from . import fft
from . import onnx
from . import multiprocessing   # torch.multiprocessing: spawn, sharing strategies
from .spectral import istft, stft
from .windows import bartlett_window, blackman_window, hamming_window, hann_window, kaiser_window
from . import signal   # torch.signal's counterpart: ag.signal.windows.hann(...)
from .torch_aliases_api import (REMOVED as _REMOVED, absolute, det, detach, get_autocast_cpu_dtype,
                                get_autocast_gpu_dtype, is_autocast_cpu_enabled, is_inference, is_neg,
                                set_autocast_cpu_dtype, set_autocast_cpu_enabled, set_autocast_gpu_dtype, slogdet)
from .device_module_api import AcceleratorError, get_device_module, thread_safe_generator
from .ops.hash_tensor import hash_tensor
Tensor.hash_tensor = hash_tensor
from .ops.embedding_renorm import embedding_renorm_
globals().update(_REMOVED)                  # torch.solve, eig, symeig, lstsq, matrix_rank: PyTorch's RuntimeError
for _name, _fn in _REMOVED.items():
    setattr(Tensor, _name, _fn)
from .amp import GradScaler
from .methods_storage import BINDINGS as _STORAGE_METHODS
from .storage import TENSOR_METHODS as _STORAGE_VIEWS, TypedStorage, UntypedStorage
_STORAGE_METHODS = {**_STORAGE_METHODS, **_STORAGE_VIEWS}   # Tensor.untyped_storage(), storage()
for _name, _fn in _STORAGE_METHODS.items():
    setattr(Tensor, _name, _fn)            # Tensor.set_, is_set_to, resize_, resize_as_, ormqr
from .ops.linalg_ormqr import ormqr
from .inplace_function_forms import FUNCTIONS as _INPLACE_FUNCTIONS, fill
globals().update(_INPLACE_FUNCTIONS)        # torch.exp_(x), torch.clamp_(x, 0, 1), torch.zero_(x), ...
from .copy_forms import (FUNCTIONS as _COPY_FUNCTIONS, TENSOR_METHODS as _COPY_METHODS, as_strided_, as_strided_scatter,
                         unsafe_chunk, unsafe_split, unsafe_split_with_sizes)
globals().update(_COPY_FUNCTIONS)           # torch.transpose_copy, view_copy, as_strided_copy, ...
from .torch_norm_forms import (TENSOR_METHODS as _NORM_METHODS, frobenius_norm, igamma, igammac,
                               norm_except_dim, nuclear_norm)
from .torch_runtime_extras import (TENSOR_METHODS as _RUNTIME_METHODS, _assert, compiled_with_cxx11_abi,
                                   get_deterministic_debug_mode, get_device, has_lapack, has_mkl, has_openmp,
                                   has_spectral, init_num_threads, is_storage, is_warn_always_enabled,
                                   nonzero_static, set_deterministic_debug_mode, set_warn_always)
from .lowrank_api import pca_lowrank, svd_lowrank
from .foreach_api import *   # noqa: F401,F403 (torch._foreach_mul_, ...: one op over a list of tensors)
from .ops.fake_quantize import fake_quantize_per_channel_affine, fake_quantize_per_tensor_affine
from .ops.lobpcg import lobpcg
from .control_flow_api import cond, while_loop
from .dlpack_api import from_dlpack, to_dlpack   # from_dlpack: creation's, taking DLPack capsules too
from .ops.segment_reduce import segment_reduce
_COPY_METHODS = {**_COPY_METHODS, **_NORM_METHODS, **_RUNTIME_METHODS}   # Tensor.igamma, geqrf, dim_order, ...
for _name, _fn in _COPY_METHODS.items():
    setattr(Tensor, _name, _fn)            # Tensor.as_strided_, as_strided_scatter, unsafe_split, ...
from .type_objects import (channels_last, channels_last_3d, contiguous_format, device, dtype, jagged, layout,
                           memory_format, preserve_format, sparse_bsc, sparse_bsr, sparse_coo, sparse_csc, sparse_csr,
                           strided)
legacy_contiguous_format = contiguous_format   # PyTorch's name for the same format, printed as it
from .legacy_api import (BoolTensor, ByteTensor, CharTensor, DoubleTensor, FloatTensor, HalfTensor, IntTensor,
                         LongTensor, ShortTensor, asarray, set_default_tensor_type)
from .legacy_api import CUDA_LEGACY_TYPES as _CUDA_LEGACY_TYPES, install_torchscript as _install_torchscript
_install_torchscript(jit)                     # torch.jit.script(model), torch.jit.ignore, ...: passed through
for _name, _type in _CUDA_LEGACY_TYPES.items():
    setattr(cuda, _name, _type)               # torch.cuda.FloatTensor, ...

# PyTorch's out= keyword on the module-level functions (the Tensor methods and operators do without it)
_install_out(globals())
subtract, multiply, divide, true_divide, negative = sub, mul, div, div, neg

_NN_NAMES = ("nn", "optim", "distributed", "save", "load", "serialization", "hub")   # what nn puts on autograd


def __getattr__(name):
    if name == "bfloat16":   # from the optional ml_dtypes package: a clear ImportError without it
        from .bf16_dtype import bfloat16_dtype
        return bfloat16_dtype("ag.bfloat16")
    if name in ("utils", "fx"):   # torch.utils (checkpoint; data once nn is imported), torch.fx: on first use
        import importlib
        return importlib.import_module(__name__ + "." + name)
    if name in _NN_NAMES:   # torch.nn / torch.optim after a bare `import torch`: nn installs them when it loads
        import importlib
        importlib.import_module("nn")   # a runtime lookup, not an import of nn's code: nothing here depends on it
        if name in globals():
            return globals()[name]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
greater, greater_equal, less, less_equal, not_equal = gt, ge, lt, le, ne
from . import nested                          # torch.nested: jagged nested tensors
from .interop import einops_hook as _einops_hook
_einops_hook.install()   # einops finds deepgrad's backend, imported before or after autograd

from . import overrides   # torch.overrides; the calls of Tensor subclasses' __torch_function__ (tensor_subclasses.py)
_C = _sys.modules[__name__ + "._C"] = _types.ModuleType(__name__ + "._C", "The parts of torch._C user code reaches")
_C.DisableTorchFunctionSubclass = overrides.DisableTorchFunctionSubclass
_C.DisableTorchFunction = overrides.DisableTorchFunction
_C._disabled_torch_function_impl = overrides._disabled_torch_function_impl
for _namespace in (_sys.modules[__name__], linalg, special, fft):
    overrides.register_namespace(_namespace)
overrides.register_engine(grad, ("outputs", "inputs"), _sys.modules[__name__], autograd)
overrides.register_engine(autograd.backward, ("tensors", "inputs"), autograd)

# PyTorch's dtype names (and its range); kept out of __all__ so that `from autograd import *` never hides
# Python's float/int/bool/range
float, double, half = float32, float64, float16
cfloat, cdouble = complex64, complex128
long, int, short = int64, int32, int16
bool = bool_
_BUILTIN_SHADOWS = ("float", "double", "half", "long", "int", "short", "bool", "range", "complex")

__all__ = [name for name in dir() if not name.startswith("_") and name not in _BUILTIN_SHADOWS + ("compile",)]
