"""torch.dtype's attributes on the NumPy dtypes deepgrad tensors hold: `is_floating_point`, `is_complex`,
`is_signed`, `abbr`, `to_real()` and `to_complex()` (`itemsize` is NumPy's own, with PyTorch's values).

deepgrad's dtypes are NumPy's `np.dtype` objects (so that `x.dtype == np.float32` and NumPy interop hold), and
NumPy's dtype classes are immutable types that cannot be subclassed. The attributes are therefore written into
the class dictionaries of the concrete dtype classes deepgrad uses (Float32DType, Int64DType, ..., and
ml_dtypes' bfloat16 once that is loaded), followed by PyType_Modified so that CPython's attribute cache sees
them. That happens when this module is first imported (bf16_dtype, under dtypes, imports it). Only those classes change; no NumPy name is replaced, and other dtypes (strings, datetimes, float8) are
left as they are.
"""
import ctypes
import gc

import numpy as np

#: PyTorch's short names of its dtypes (torch.float32.abbr), by NumPy dtype name
ABBREVIATIONS = {
    "float16": "f16", "float32": "f32", "float64": "f64", "bfloat16": "bf16",
    "int8": "i8", "int16": "i16", "int32": "i32", "int64": "i64",
    "uint8": "u8", "uint16": "u16", "uint32": "u32", "uint64": "u64",
    "bool": "b8", "complex64": "c64", "complex128": "c128",
}
#: PyTorch's C++ scalar-type names, which its to_complex() error names
_SCALAR_TYPE_NAMES = {
    "int8": "Char", "int16": "Short", "int32": "Int", "int64": "Long", "uint8": "Byte", "uint16": "UInt16",
    "uint32": "UInt32", "uint64": "UInt64", "bool": "Bool",
}
_REAL_OF_COMPLEX = {"complex64": np.dtype(np.float32), "complex128": np.dtype(np.float64)}
# float16's complex form is PyTorch's complex32, which NumPy lacks: complex64, deepgrad's complex of float16
_COMPLEX_OF_REAL = {"float16": np.dtype(np.complex64), "bfloat16": np.dtype(np.complex64),
                    "float32": np.dtype(np.complex64), "float64": np.dtype(np.complex128)}


def _is_floating_point(self):
    return self.name in _COMPLEX_OF_REAL


def _is_complex(self):
    return self.kind == "c"


def _is_signed(self):
    return self.kind in "fic" or self.name == "bfloat16"


def _abbr(self):
    return ABBREVIATIONS[self.name]


def to_real(self):
    """The real dtype of this dtype's values: float32 for complex64, float64 for complex128, itself otherwise
    (as torch.dtype.to_real)."""
    return _REAL_OF_COMPLEX.get(self.name, self)


def to_complex(self):
    """The complex dtype whose parts are this floating dtype (complex64 for float32, bfloat16 and float16,
    complex128 for float64), itself for a complex dtype; RuntimeError for integer and bool dtypes, as
    torch.dtype.to_complex."""
    if self.kind == "c":
        return self
    found = _COMPLEX_OF_REAL.get(self.name)
    if found is None:
        raise RuntimeError(f"Unknown Complex ScalarType for {_SCALAR_TYPE_NAMES.get(self.name, self.name)}: "
                           f"{self.name} has no complex form; only floating-point dtypes have one (convert first, "
                           "e.g. x.float())")
    return found


ATTRIBUTES = {
    "is_floating_point": property(_is_floating_point, doc="True for float16, bfloat16, float32 and float64."),
    "is_complex": property(_is_complex, doc="True for complex64 and complex128."),
    "is_signed": property(_is_signed, doc="True for every dtype that holds negative values (not uint*, bool)."),
    "abbr": property(_abbr, doc="PyTorch's short name of the dtype ('f32', 'i64', 'bf16', ...)."),
    "to_real": to_real,
    "to_complex": to_complex,
}


def install(dtype):
    """Give `dtype`'s class (a NumPy dtype deepgrad tensors hold) torch.dtype's attributes; a no-op when it has
    them already."""
    cls = type(np.dtype(dtype))
    if "to_complex" in cls.__dict__:
        return
    namespace = gc.get_referents(cls.__dict__)[0]   # the dict behind the read-only mappingproxy
    namespace.update(ATTRIBUTES)
    ctypes.pythonapi.PyType_Modified(ctypes.py_object(cls))


def install_all():
    """Give every NumPy dtype deepgrad tensors hold (bfloat16 apart: it is installed when ml_dtypes loads)
    torch.dtype's attributes."""
    for name in ABBREVIATIONS:
        if name != "bfloat16":
            install(name)
    for other_class in (np.longlong, np.ulonglong):   # int64 / uint64 under a second NumPy class
        install(other_class)


install_all()
