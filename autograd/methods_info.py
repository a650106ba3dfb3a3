"""Tensor methods that describe the tensor or its memory (itemsize, nbytes, data_ptr, storage_offset,
get_device, is_signed, layout, is_sparse, ...), the complex-number methods (real, imag, conj,
H, mH, adjoint, angle, sgn), and the older spellings of ops (msort, fix, sum_to_size, put, ...)."""
import numpy as np

from . import type_objects
from .accelerator import check_pinnable
from .bf16_dtype import is_bf16
from .creation import ones_like
from .methods_inplace import inplace
from .ops import complex_ops as CX
from .ops import legacy_forms as LF
from .ops.shape import transpose


def _address(array):
    """The memory address of an array's first element (NumPy or CuPy)."""
    interface = getattr(array, "__array_interface__", None)
    return interface["data"][0] if interface is not None else array.data.ptr


def _root(array):
    """The array whose memory `array` uses, looking through the wrapper that as_strided views keep as .base."""
    base = getattr(array, "base", None)
    while base is not None:
        if hasattr(base, "dtype"):
            array = base
        base = getattr(base, "base", None)
    return array


def data_ptr(self):
    """The address of the tensor's first element (0 on the meta device, which holds no data, as PyTorch)."""
    return 0 if self._device.type == "meta" else _address(self._data)


def storage_offset(self):
    """How many elements into its memory block the tensor starts (a slice of another tensor starts further in)."""
    return (_address(self._data) - _address(_root(self._data))) // self._data.itemsize


def get_device(self):
    """The CUDA device index of a cuda tensor; -1 for a tensor in host memory (cpu, numba)."""
    return -1 if self._device.host_memory else (self._device.index or 0)


def is_signed(self):
    """True for dtypes that hold negative numbers (floats, bfloat16 included, complex and signed integers)."""
    return self.dtype.kind in "fic" or is_bf16(self.dtype)


def is_same_size(self, other):
    """True when `other` has this tensor's shape."""
    return tuple(self.shape) == tuple(other.shape)


def pin_memory(self, device=None):
    """This host tensor where a CUDA device works (its transfers need no page-locked copy here); a RuntimeError
    as PyTorch's without one, or for a tensor already on the GPU."""
    check_pinnable("pin_memory()", self)
    return self


def is_pinned(self, device=None):
    """False: deepgrad keeps no page-locked host memory."""
    return False


def share_memory_(self):
    """This tensor, with a warning: it stays in this process's memory (processes started by deepgrad's distributed
    launch exchange values over MPI), so changes another process makes to it are never seen here."""
    warn_not_shared("Tensor.share_memory_()")
    return self


def warn_not_shared(call):
    """Warn that `call` leaves tensors unshared: Hogwild-style training in child processes would quietly leave
    the parent's copy untrained."""
    import warnings
    warnings.warn(f"{call}: deepgrad does not place tensors in shared memory; updates made in other processes "
                  "(torch.multiprocessing / Hogwild-style training) are not seen by this one. Train across processes "
                  "with nn.distributed (mpiexec), or in one process.", UserWarning, stacklevel=3)


def is_shared(self):
    """False: tensors are never placed in shared memory."""
    return False


def _false(self):
    return False


def to_dense(self, dtype=None, *, masked_grad=None):
    """This tensor (every deepgrad tensor is dense), or its copy as `dtype` when given."""
    return self if dtype is None else self.to(dtype)


def _self(self):
    return self


def _set_real(self, value):
    CX.real(self).copy_(value)


def _set_imag(self, value):
    CX.imag(self).copy_(value)


def _conj_transpose(self):
    if self.ndim == 0:
        return self   # as PyTorch (which warns that this is deprecated)
    if self.ndim != 2:
        raise RuntimeError(f"H: only matrices (2-D tensors) are supported, got shape {tuple(self.shape)}; use .mH "
                           f"for batches of matrices, .conj() for a vector")
    return CX.conj(transpose(self, 0, 1))


BINDINGS = {
    "data_ptr": data_ptr, "storage_offset": storage_offset, "get_device": get_device, "is_signed": is_signed,
    "is_same_size": is_same_size, "pin_memory": pin_memory, "is_pinned": is_pinned, "share_memory_": share_memory_,
    "is_shared": is_shared, "to_dense": to_dense,
    "layout": property(lambda self: type_objects.strided, doc="ag.strided: every deepgrad tensor is dense."),
    "is_sparse": property(_false, doc="False: every deepgrad tensor is dense."),
    "is_sparse_csr": property(_false, doc="False: every deepgrad tensor is dense."),
    "is_quantized": property(_false, doc="False: deepgrad has no quantized tensors."),
    "is_mkldnn": property(_false, doc="False: no tensor is in oneDNN's layout."),
    "itemsize": property(lambda self: self._data.itemsize, doc="Bytes per element."),
    "nbytes": property(lambda self: self._data.nbytes, doc="Bytes of all the elements."),
    "is_conj": _false, "is_neg": _false, "resolve_conj": _self, "resolve_neg": _self, "conj": CX.conj,
    "conj_physical": CX.conj, "isreal": CX.isreal, "angle": CX.angle,
    "real": property(CX.real, _set_real, doc="The real part (a view of a complex tensor; a real tensor itself)."),
    "imag": property(CX.imag, _set_imag, doc="The imaginary part of a complex tensor (a view)."),
    "H": property(_conj_transpose, doc="The conjugate transpose of a matrix."),
    "mH": property(CX.conj_transpose, doc="The conjugate transpose of the last two dims."),
    "adjoint": CX.conj_transpose,
    "msort": LF.msort, "fix": LF.fix, "sum_to_size": LF.sum_to_size, "put": LF.put,
    "split_with_sizes": LF.split_with_sizes, "cholesky_solve": LF.cholesky_solve,
    "cholesky_inverse": LF.cholesky_inverse, "triangular_solve": LF.triangular_solve,
}
# the device kinds deepgrad has no backend for (code written for PyTorch tests them before device-specific paths)
for _kind in ("mps", "xpu", "xla", "ipu", "mtia", "maia", "vulkan"):
    BINDINGS[f"is_{_kind}"] = property(_false, doc=f"False: deepgrad has no {_kind} device.")
BINDINGS["is_nested"] = property(_false, doc="False: a dense tensor (nested ones are autograd.nested's).")
BINDINGS["fix_"] = inplace(LF.fix, "fix_")
BINDINGS["put_"] = inplace(LF.put, "put_")

