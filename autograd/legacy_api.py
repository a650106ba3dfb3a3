"""Older PyTorch spellings that code still uses: the legacy tensor types (torch.FloatTensor(2, 3),
isinstance(t, torch.LongTensor)), set_default_tensor_type, torch.asarray, and the TorchScript entry points
(torch.jit.script / trace and their decorators), which deepgrad, running Python directly, passes through."""
import ast
import inspect
import textwrap
import typing
import warnings

import numpy as np

from .creation import as_tensor, tensor
from .dtypes import set_default_dtype
from .methods_legacy import legacy_construct
from .ops.dtype_args import check_dtype_arg
from .jit import annotations as jit_annotations
from .tensor import Tensor
from backends import set_default_device
from backends.errors import DeviceUnavailableError


class _LegacyTypeMeta(type):
    """isinstance(t, FloatTensor) is a dtype check, as in PyTorch."""

    def __instancecheck__(cls, obj):
        return isinstance(obj, Tensor) and obj.dtype == cls.dtype and (cls.device is None or obj.device.type == "cuda")

    def __repr__(cls):
        return f"<class 'torch.{'cuda.' if cls.device else ''}{cls.__name__}'>"


class _LegacyType(metaclass=_LegacyTypeMeta):
    dtype = None
    device = None

    def __new__(cls, *args, device=None):
        """FloatTensor(2, 3): an uninitialised (2, 3) tensor; FloatTensor(data): data as this type."""
        if not cls.device:
            return legacy_construct(cls.__name__, args, cls.dtype, device)
        try:
            return legacy_construct(cls.__name__, args, cls.dtype, cls.device)
        except DeviceUnavailableError as missing:
            # PyTorch built without CUDA refuses the cuda types themselves with a TypeError (scripts that set
            # `Tensor = torch.cuda.FloatTensor` unconditionally catch that)
            raise TypeError(f"type torch.cuda.{cls.__name__} not available. {missing}") from None


def _legacy(name, dtype, device=None):
    return _LegacyTypeMeta(name, (_LegacyType,), {"dtype": np.dtype(dtype), "device": device,
                                                  "__doc__": f"PyTorch's legacy {name}: {np.dtype(dtype)} tensors."})


FloatTensor, DoubleTensor, HalfTensor = (_legacy(n, d) for n, d in (("FloatTensor", np.float32),
                                                                    ("DoubleTensor", np.float64),
                                                                    ("HalfTensor", np.float16)))
LongTensor, IntTensor, ShortTensor, CharTensor, ByteTensor, BoolTensor = (
    _legacy(n, d) for n, d in (("LongTensor", np.int64), ("IntTensor", np.int32), ("ShortTensor", np.int16),
                               ("CharTensor", np.int8), ("ByteTensor", np.uint8), ("BoolTensor", np.bool_)))
LEGACY_TYPES = {t.__name__: t for t in (FloatTensor, DoubleTensor, HalfTensor, LongTensor, IntTensor, ShortTensor,
                                        CharTensor, ByteTensor, BoolTensor)}
CUDA_LEGACY_TYPES = {name: _legacy(name, t.dtype, "cuda") for name, t in LEGACY_TYPES.items()}


def set_default_tensor_type(t):
    """Deprecated in PyTorch: make `t` (FloatTensor, DoubleTensor, HalfTensor, their cuda forms, or a name
    such as 'torch.DoubleTensor') the type of new floating-point tensors: its dtype becomes the default dtype
    and a cuda type makes cuda the default device."""
    if isinstance(t, str):
        name = t.rpartition(".")[2]
        table = CUDA_LEGACY_TYPES if ".cuda." in t else LEGACY_TYPES
        if name not in table:
            raise TypeError(f"set_default_tensor_type: unknown type {t!r}; use 'torch.FloatTensor', "
                            f"'torch.DoubleTensor' or 'torch.HalfTensor' (or set_default_dtype)")
        t = table[name]
    if not isinstance(t, _LegacyTypeMeta) or t.dtype.kind != "f":
        raise TypeError(f"set_default_tensor_type: only floating-point types are supported as the default type, "
                        f"got {t!r}")
    set_default_dtype(t.dtype)
    if t.device:
        set_default_device("cuda")


def asarray(obj, *, dtype=None, device=None, copy=None, requires_grad=False):
    """`obj` (a tensor, NumPy array, number or nested sequence) as a tensor, sharing its memory when it can
    (copy=None) or must (copy=False, which raises when it cannot), copying with copy=True."""
    check_dtype_arg("asarray", dtype)
    if copy:
        out = tensor(obj.detach() if isinstance(obj, Tensor) else obj, dtype=dtype, device=device)
    else:
        out = as_tensor(obj, dtype=dtype, device=device)
        if copy is False and not _same_memory(out, obj):
            raise ValueError("asarray: copy=False, but the data has to be copied (another dtype, another device, or "
                             "not an array); pass copy=None to allow a copy")
    return out.requires_grad_(True) if requires_grad else out


def _same_memory(out, obj):
    if isinstance(obj, Tensor):
        return out._data is obj._data
    return isinstance(obj, np.ndarray) and np.shares_memory(np.asarray(out._data), obj)


# ----- TorchScript: deepgrad runs the Python itself, so compiling to TorchScript changes nothing -----------------
def script(obj, optimize=None, _frames_up=0, _rcb=None, example_inputs=None):
    """torch.jit.script: `obj` (a Module or function) unchanged; deepgrad runs its Python directly (ag.jit is
    deepgrad's own compiler)."""
    return obj


def trace(func, example_inputs=None, *args, **kwargs):
    """torch.jit.trace: `func` unchanged (its Python keeps its control flow, where a trace would freeze it)."""
    return func


def _passthrough(fn=None, *args, **kwargs):
    """A TorchScript decorator (ignore, unused, export, interface): the function unchanged."""
    return fn if callable(fn) else (lambda f: f)


def _overload(fn):
    """torch.jit._overload / _overload_method: a TorchScript type-overload declaration, whose body must be `pass`
    or `...` (as PyTorch checks); the declaration itself, which the real definition after it replaces."""
    try:
        tree = ast.parse(textwrap.dedent(inspect.getsource(fn)))
    except (OSError, TypeError):
        warnings.warn(f"Unable to retrieve source for @torch.jit._overload function: {fn}.", stacklevel=2)
        return fn
    body = tree.body[0].body
    if len(body) != 1 or not (isinstance(body[0], ast.Pass) or (isinstance(body[0], ast.Expr) and isinstance(
            body[0].value, ast.Constant) and body[0].value.value is Ellipsis)):
        raise RuntimeError(f"Only `pass` statement or `...` can be the body of overload declaration: "
                           f"{fn.__qualname__} has {len(body)} statement(s); write its body as `...` and put the "
                           "code in the real definition that follows it")
    return fn


def _refuse_serialization(*args, **kwargs):
    raise RuntimeError("TorchScript archives (torch.jit.save / torch.jit.load) hold pickled programs, which deepgrad "
                       "never writes or runs; save model.state_dict() with nn.save and rebuild the model in code")


def install_torchscript(jit_function):
    """Hang torch.jit's names on ag.jit (deepgrad's compiler function), so `torch.jit.script(m)` ports."""
    jit_function.script, jit_function.trace, jit_function.trace_module = script, trace, trace
    for name in ("ignore", "unused", "export", "interface", "freeze", "optimize_for_inference"):
        setattr(jit_function, name, _passthrough)
    jit_function.is_scripting = jit_function.is_tracing = lambda: False
    jit_function._overload = jit_function._overload_method = _overload
    jit_function._script_if_tracing = _passthrough      # scripts only under tracing, which never happens here
    jit_function.save = jit_function.load = _refuse_serialization
    jit_function.ScriptModule, jit_function.ScriptFunction = ScriptModule, ScriptFunction
    jit_function.Final = typing.Final                  # torch.jit.Final[bool] marks a constant attribute
    jit_function.annotations = jit_annotations


class ScriptModule:
    """torch.jit.ScriptModule's name: nothing deepgrad makes is one (script() returns modules unchanged)."""


class ScriptFunction:
    """torch.jit.ScriptFunction's name: nothing deepgrad makes is one."""
