"""Tensor: an N-d array on a device that records the operations made from it.

This file holds the type itself (storage, attributes, conversion, in-place fills); the methods that
run ops, backward and hooks are bound onto it by methods.py, one floor up, so that this module
imports nothing of the op and engine floors."""
import operator
import warnings
import weakref

import numpy as np

import backends

from . import complex_forms
from .printing import add_suffixes, format_values, meta_repr, options as print_options, printed_name as _printed_name
from .size import Size
from .bf16_dtype import is_bf16
from .dtypes import (_first_leaf, check_supported, default_complex_or_none, get_default_dtype, infer_dtype,
                     is_floating, ragged_error)
from .errors import DtypeError, GraphError, ShapeError
from .int_fit import fitted, fitted_array
from .legacy_complex import real_items
from backends.errors import DeviceError
from .capture import refuse_host_read, state as capture
from .grad_mode import INFERENCE, make_inference, state
from .versions import UncheckedCell, mark_modified
from .warn_once import warn_once
from .hooks import RETAIN_KEY, add_hook
from .node_names import shown as _shown
from .sparse_printing import sparse_repr
from .sparse_storage import SparseCOO, assign_sparse


class Tensor:
    """An N-d array (0-d scalar upwards) on one device, with an optional gradient and graph history."""

    # _view_of (set only on an op's output that views an input's memory) and _views (weak references to the
    # tensors that view this one's memory), both read with getattr: view_links.py, view_inplace.py
    __slots__ = ("_data", "_device", "_node", "_out_idx", "_rg", "_grad", "_vc", "_hooks", "_view_of",
                 "_views", "__weakref__")
    __array_priority__ = 1000  # so ndarray <op> Tensor defers to Tensor's reflected operators
    _repr_name = "tensor"   # what repr begins with (tensor_subclasses.py sets a user's subclass's name)

    def __init__(self, *args, dtype=None, device=None, requires_grad=False):
        """Tensor(data, dtype=, device=) keeps data's dtype (as ag.tensor); the legacy torch.Tensor spellings
        without dtype or device read as PyTorch's: Tensor(2, 3) or Tensor(size) is a float tensor of that shape,
        Tensor([1, 2]) holds floats, Tensor() is empty."""
        if len(args) == 1 and isinstance(args[0], (list, tuple)) and not isinstance(args[0], Size):
            args = (_tensor_items_as_numbers(args[0]),)
        data = _legacy_data(args) if dtype is None and device is None else args[0] if len(args) == 1 else None
        if data is None:
            raise TypeError(f"Tensor(): expected one data argument with dtype= or device=, got {len(args)} "
                            "positional arguments; use ag.tensor(data, dtype=...) or ag.empty(*sizes)")
        backend = backends.get_default_device() if device is None else backends.get_backend(device)
        if isinstance(data, Tensor):
            data = data._data if data._device.host_memory and backend.host_memory else data.numpy()
        if dtype is None:
            dtype = getattr(data, "dtype", None) if not isinstance(data, (list, tuple)) else None
            if dtype is None or isinstance(data, (int, float, bool)):
                dtype = infer_dtype(data)
            elif not hasattr(data, "__cuda_array_interface__"):
                dtype = infer_dtype(data) if not isinstance(data, (np.ndarray, np.generic)) else data.dtype
        if dtype is not None:
            dtype = check_supported("tensor", dtype)
        try:
            self._data = backend.asarray(data, dtype=dtype)
        except OverflowError:   # an int out of an integer dtype's range: wrapped or refused as PyTorch does
            self._data = backend.asarray(fitted_array(data, dtype, "tensor"), dtype=dtype)
        except ValueError:
            error = ragged_error("tensor", data) if isinstance(data, (list, tuple)) else None
            if error is None:
                raise
            raise error from None
        if self._data.dtype.kind not in "biuf" and not is_bf16(self._data.dtype):
            check_supported("tensor", self._data.dtype)
        self._device = backend
        self._node = None
        self._out_idx = 0
        self.requires_grad = False
        self._grad = None
        self._vc = None
        self._hooks = None
        if state.inference:   # made inside inference_mode: an inference tensor
            make_inference(self)
        if requires_grad:
            self.requires_grad_(True)

    @staticmethod
    def _make(array, device, node, idx, requires_grad):
        """Wrap a backend array without checks."""
        return wrap_array(array, device, node if requires_grad else None, idx)

    # ----- attributes --------------------------------------------------------------------------
    @property
    def shape(self):
        return tuple.__new__(Size, self._data.shape)   # the array's shape holds ints already: no checks

    @property
    def ndim(self):
        return self._data.ndim

    @property
    def dtype(self):
        return self._data.dtype

    @property
    def device(self):
        return self._device

    @property
    def is_leaf(self):
        """True for tensors made by the user rather than by an op that records a graph."""
        return self._node is None

    @property
    def grad(self):
        """The gradient accumulated here by backward (None until then), a tensor of this one's shape and dtype;
        assigning checks both, as PyTorch does."""
        return self._grad

    @grad.setter
    def grad(self, value):
        if value is not None:
            value = _checked_grad(self, value)
        self._grad = value

    @property
    def grad_fn(self):
        """The op (graph node) that made this tensor, or None for a leaf."""
        node = self._node
        if node is None:
            return None
        if self._out_idx and getattr(node, "shows_outputs", False):
            return node.shown_output(self._out_idx)   # an output PyTorch makes with a node of its own
        return _shown(node)

    @property
    def data(self):
        """This tensor's values as a tensor outside any graph: shares memory but has a version counter of its own,
        as PyTorch's, so in-place changes through it (optimisers, init) escape autograd's saved-tensor check."""
        t = Tensor._make(self._data, self._device, None, 0, False)
        t._vc = INFERENCE if self._vc is INFERENCE else UncheckedCell([0])
        return t

    @data.setter
    def data(self, value):
        """Make this tensor hold `value`'s values (shared, on this tensor's device), of any shape and dtype, as
        PyTorch's `t.data = other` (resizing an embedding table, swapping in new weights)."""
        if not isinstance(value, Tensor):
            raise TypeError(f"Tensor.data: the new value must be a Tensor, got {type(value).__name__}; wrap it "
                            "with ag.tensor(...) or ag.from_numpy(...)")
        if self._rg and not (is_floating(value.dtype) or value.dtype.kind == "c"):
            raise RuntimeError(f"Tensor.data: a tensor that requires grad can only hold floating-point or complex "
                               f"values, got {value.dtype}; convert them (.float()) or call requires_grad_(False) "
                               "first")
        self._data = self._device.asarray(value._data)

    def is_inference(self):
        """True for a tensor made inside ag.inference_mode() (not a view of an ordinary tensor made there)."""
        return self._vc is INFERENCE

    @property
    def _version(self):
        """How many times this tensor's values were changed in place (shared with .data/.detach() views)."""
        return 0 if self._vc is None else self._vc[0]

    def _version_cell(self):
        if self._vc is None:
            self._vc = [0]
        return self._vc

    def _bump_version(self):
        """Record an in-place change, so that backward through ops that saved these values refuses to run."""
        cell = self._version_cell()
        cell[0] += 1
        if type(cell) is not UncheckedCell:
            mark_modified(self._data)

    # ----- conversion --------------------------------------------------------------------------
    def numpy(self, *, force=False):
        """The values as a NumPy array on the host (shares memory on CPU devices); `force` is accepted for
        PyTorch's numpy(force=True), which this already does (no refusal for tensors that require grad)."""
        if capture.recorder is not None:
            refuse_host_read("numpy()", self._data.shape)
        host = self._host()
        if host.dtype.kind == "V" and is_bf16(host.dtype):   # as PyTorch: NumPy itself has no bfloat16
            raise TypeError(f"Got unsupported ScalarType BFloat16: numpy() cannot give a bfloat16 tensor (shape "
                            f"{tuple(self.shape)}) as NumPy has no bfloat16; convert it first: t.float().numpy()")
        return host

    def _host(self):
        """The values as a host array (bfloat16 ones included), for numpy(), item() and printing."""
        if type(self._data) is SparseCOO:
            kind = {"csr": "SparseCsr", "csc": "SparseCsc"}.get(self._data.layout, "Sparse")
            raise TypeError(f"can't convert {kind} layout tensor to numpy (shape {tuple(self.shape)}). Use "
                            "Tensor.to_dense() first.")
        try:
            host = self._device.to_host(self._data)
        except NotImplementedError:   # a device with no data (meta)
            raise TypeError(f"can't convert {self._device.type} device type tensor to numpy. Use Tensor.cpu() to "
                            "copy the tensor to host memory first.") from None
        # a 0-d op result may be a NumPy scalar: give a 0-d array, as PyTorch (a copy: converting the
        # tensor's own scalar would break the identity that create_graph's saved outputs rely on)
        return np.asarray(host) if isinstance(host, np.generic) else host

    def item(self):
        """The single value of a one-element tensor as a Python number."""
        if capture.recorder is not None:
            refuse_host_read("item()", self._data.shape)
        if self._data.size != 1:
            raise ShapeError(f"item(): tensor has {self._data.size} elements (shape {self.shape}); "
                             "only one-element tensors convert to a Python number")
        if self._device.type == "meta":
            raise RuntimeError("Tensor.item() cannot be called on meta tensors")
        return self._host().reshape(()).item()

    def tolist(self):
        """The values as (nested) Python lists."""
        if capture.recorder is not None:
            refuse_host_read("tolist()", self._data.shape)
        return np.asarray(self._device.to_host(self._data)).tolist()

    def __array__(self, dtype=None, copy=None):
        if capture.recorder is not None:
            refuse_host_read("conversion to a NumPy array (np.asarray)", self._data.shape)
        arr = self._host()   # bfloat16 too (ml_dtypes' array), unlike numpy(): deepgrad's own code relies on it
        if dtype is not None:
            arr = arr.astype(dtype, copy=False)
        return arr.copy() if copy else arr

    def __dlpack__(self, *args, **kwargs):
        return self._dlpack_array().__dlpack__(*args, **kwargs)

    def __dlpack_device__(self):
        return self._dlpack_array().__dlpack_device__()

    def _dlpack_array(self):
        # a 0-d op result may hold a NumPy scalar, which has no DLPack methods: a 0-d array over its value
        data = self._data
        return np.asarray(data) if isinstance(data, np.generic) else data

    def __float__(self):
        if capture.recorder is not None:
            refuse_host_read("float()", self._data.shape)
        if self.requires_grad:   # PyTorch's warning, once per process
            warn_once("float() of a tensor requiring grad",
                      "Converting a tensor with requires_grad=True to a scalar may lead to unexpected behavior.\n"
                      "Consider using tensor.detach() first.")
        return float(self.item())

    def __int__(self):
        if capture.recorder is not None:
            refuse_host_read("int()", self._data.shape)
        return int(self.item())

    def __complex__(self):   # (without it complex() went through __float__, which refuses a complex value)
        if capture.recorder is not None:
            refuse_host_read("complex()", self._data.shape)
        return complex(self.item())

    def __bool__(self):
        if capture.recorder is not None:
            refuse_host_read("bool() (an `if`, `while`, `and`/`or` on a tensor)", self._data.shape)
        if self._data.size != 1:
            raise ShapeError(f"the truth value of a tensor with {self._data.size} elements is ambiguous; "
                             "use .any() or .all()")
        return bool(self.item())

    def __len__(self):
        if self.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return self.shape[0]

    def __iter__(self):
        if not self.dim():   # len() would name itself in the error (dim(): what PyTorch's __iter__ asks)
            raise TypeError("iteration over a 0-d tensor; use t.item() for its value, or t.reshape(1) for a "
                            "one-element sequence")
        if type(self._data) is SparseCOO:
            return (self[i] for i in range(len(self)))
        return iter(self.unbind(0))   # one UnbindBackward0 node for all the rows, as PyTorch's (self[i]: one each)

    __hash__ = object.__hash__

    def __repr__(self):
        if type(self._data) is SparseCOO:
            return sparse_repr(self)
        if capture.recorder is not None:
            refuse_host_read("printing (repr/str)", self._data.shape)
        if self._device.type == "meta":
            return meta_repr(self, get_default_dtype())
        extras = []
        if self._device.name != "cpu" and not (self._device.host_memory and
                                                self._device is backends.get_default_device()):
            # like PyTorch's CPU tensors, the host device chosen by DEEPGRAD_DEVICE=numba goes unnamed
            extras.append(f"device='{self._device.name}'")
        if (self._data.size == 0 and self._data.ndim != 1) or (self._data.size and not print_options["edgeitems"]):
            extras.append(f"size={tuple(self._data.shape)}")   # [] or [...] alone does not tell the shape
        # an empty tensor shows any dtype but the default (nothing in it tells an int64 apart), as PyTorch's
        if self.dtype != get_default_dtype() and (self._data.size == 0 or self.dtype not in (
                np.int64, np.bool_, default_complex_or_none())):
            extras.append(f"dtype={self.dtype}")
        if self._node is not None:
            extras.append(f"grad_fn=<{_printed_name(self._node)}>")
        elif self.requires_grad:
            extras.append("requires_grad=True")
        values = self._host()
        if values.dtype.kind == "V" and is_bf16(values.dtype):   # printed as PyTorch does, from float32
            values = values.astype(np.float32)
        prefix = self._repr_name + "("   # a user's subclass shows its class name, as PyTorch's
        return add_suffixes(prefix + format_values(values, indent=len(prefix)), extras, indent=len(prefix))

    # ----- graph -------------------------------------------------------------------------------
    def detach(self):
        """The same values outside the graph (shares memory and version counter)."""
        t = Tensor._make(self._data, self._device, None, 0, False)
        t._vc = self._version_cell()
        return t

    def as_subclass(self, cls):
        """This tensor as an instance of `cls`, a subclass of Tensor (cls.__init__ is not called): it shares the
        values' memory and version counter, and stays in the graph through an alias node when this tensor
        requires grad, as PyTorch's."""
        if not (isinstance(cls, type) and issubclass(cls, Tensor)):
            raise TypeError(f"as_subclass: cls must be a subclass of Tensor (class Mine(ag.Tensor)), got {cls!r}")
        source = self.detach()
        if self.requires_grad:   # a view of the whole tensor, shown under PyTorch's name for this node
            source = self.view(self.shape)
            source._node.torch_name = "AliasBackward0"
        return as_class(source, cls)

    def requires_grad_(self, requires_grad=True):
        """Set whether gradients are accumulated into this leaf's .grad; returns self."""
        flag = requires_grad
        if not isinstance(flag, (bool, np.bool_)):
            raise TypeError(f"requires_grad_(): argument 'requires_grad' (position 1) must be bool, not "
                            f"{type(flag).__name__} ({flag!r}); pass True or False")
        if flag and not is_floating(self.dtype):
            raise DtypeError(f"only floating-point tensors can require gradients; this one is {self.dtype}. "
                             "Convert it first, e.g. t.astype(ag.float32).requires_grad_()")
        if not flag and self._node is not None:
            raise GraphError("you can only change requires_grad flags of leaf variables: requires_grad_(False) "
                             f"on a tensor computed by an op (shape {tuple(self.shape)}); use "
                             "var_no_grad = var.detach() to use it without a gradient")
        if flag and self._vc is INFERENCE and not state.inference:
            raise RuntimeError("requires_grad_(True) on an inference tensor outside ag.inference_mode() is not "
                               "allowed; use a clone of it (t.clone().requires_grad_())")
        self._rg = bool(flag)
        return self

    def retain_grad(self):
        """Keep .grad on this non-leaf tensor after backward (leaves always keep it): the gradient after every
        hook registered on it, accumulated over backward calls; calling it again changes nothing."""
        if not self.requires_grad:
            raise GraphError(f"retain_grad: this tensor (shape {tuple(self.shape)}) does not require grad, so it "
                             "never gets a gradient to retain; make the leaves it comes from require grad "
                             "(requires_grad=True), or compute it outside no_grad()")
        if self._node is not None:
            ref = weakref.ref(self)

            def keep(grad):
                owner = ref()
                if owner is not None:
                    owner.grad = grad if owner.grad is None else owner.grad + grad
            add_hook(self, keep, key=RETAIN_KEY)

    def zero_(self):
        """Fill with zeros in place (a sparse tensor is left with no entries)."""
        if type(self._data) is SparseCOO:
            return assign_sparse(self, 0, "zero_")
        return self._inplace_assign(self._device.xp.zeros_like(self._data), "zero_")

    def fill_(self, value):
        """Fill with `value` in place (a complex value only into a complex tensor, as PyTorch)."""
        if type(value) is complex or complex_forms.active and getattr(value, "dtype", None) is not None:
            _no_complex_into_real("fill_", self, value)
        return self._inplace_assign(self._device.xp.full_like(self._data, fitted(value, self._data.dtype, "fill_")),
                                    "fill_")

    def copy_(self, src):
        """Copy `src`'s values into this tensor in place (a complex src into a real tensor gives its real part,
        with PyTorch's warning)."""
        src = src._data if isinstance(src, Tensor) else self._device.asarray(src)
        if complex_forms.active and src.dtype.kind == "c" and self._data.dtype.kind != "c":
            warnings.warn(f"Casting complex values to real discards the imaginary part ({src.dtype} -> {self.dtype}); "
                          f"take .real or .abs() explicitly to keep it quiet", UserWarning, stacklevel=2)
            src = src.real
        if not _broadcasts_to(tuple(src.shape), tuple(self._data.shape)):
            raise ShapeError(f"copy_: the source of shape {tuple(src.shape)} does not broadcast to this tensor's shape "
                             f"{tuple(self._data.shape)} (PyTorch: output with shape {list(self._data.shape)} doesn't "
                             f"match the broadcast shape); copy_ writes in place, so reshape or slice the source to "
                             f"{tuple(self._data.shape)} first")
        return self._inplace_assign(self._device.xp.broadcast_to(src, self._data.shape), "copy_", source=src)

    def _writable(self):
        """The array to write into in place: a 0-d op result that NumPy gave as a scalar becomes a 0-d array
        first (a scalar has no views, so nothing else sees the change of object)."""
        if self._vc is INFERENCE and not state.inference:
            raise RuntimeError("in-place update of an inference tensor outside ag.inference_mode() is not "
                               "allowed; make a clone (t.clone()) and change that")
        if isinstance(self._data, np.generic):
            self._data = np.array(self._data)
        elif not getattr(self._data.flags, "writeable", True):
            raise RuntimeError(f"in-place update of a tensor (shape {tuple(self._data.shape)}) whose memory cannot "
                               "be written: several of its elements share one memory location (after expand() or "
                               "as_strided with a 0 stride), or it views a read-only buffer (frombuffer of bytes); "
                               "make a clone (t.clone()) and change that")
        return self._data

    def _inplace_assign(self, values, op, source=None):
        """Write `values` (broadcast from `source`, the array a jit capture must replay from) into this tensor."""
        _check_inplace(self, op)
        target = self._writable()
        if capture.recorder is not None:   # a compiled step repeats the write on each replay's values
            capture.recorder.on_assign(target, values if source is None else source)
        target[...] = values
        self._bump_version()
        return self


def _no_complex_into_real(op, t, value):
    """Refuse a complex value (a number, array or tensor) stored into a real tensor, as PyTorch does."""
    if t._data.dtype.kind != "c" and (isinstance(value, complex) or getattr(getattr(value, "dtype", None), "kind", "")
                                      == "c"):
        raise DtypeError(f"{op}: a complex value cannot be stored in a {t.dtype} tensor (value cannot be converted "
                         f"to type {t.dtype} without overflow); make the tensor complex first (x.to(ag.complex64)) or "
                         f"store value.real")


def _broadcasts_to(shape, target):
    """Whether an array of `shape` broadcasts to `target` without changing it (as an in-place write needs)."""
    return len(shape) <= len(target) and all(n in (1, m) for n, m in zip(shape[::-1], target[::-1]))


def rebind(t, result):
    """Make t refer to result's value and graph position (an in-place op on a tensor inside a graph)."""
    t._data, t._node, t._out_idx = result._data, result._node, result._out_idx
    t.requires_grad = result.requires_grad


def _checked_grad(t, value):
    """`value` as t's gradient (moved between the host devices), or PyTorch's error for the wrong kind."""
    if not isinstance(value, Tensor):
        raise TypeError(f"assigned grad expected to be a Tensor or None but got grad of type "
                        f"{type(value).__name__}; wrap it first: t.grad = ag.tensor(values)")
    if tuple(value._data.shape) != tuple(t._data.shape):
        raise ShapeError(f"attempting to assign a gradient of shape {tuple(value.shape)} to a tensor of shape "
                         f"{tuple(t.shape)}; the gradient must have the tensor's shape")
    if value._data.dtype != t._data.dtype:
        raise DtypeError(f"attempting to assign a gradient of dtype {value.dtype} to a tensor of dtype {t.dtype} "
                         f"(shape {tuple(t.shape)}); convert it first: t.grad = g.to(ag.{t.dtype})")
    if value._device is not t._device:
        if not (value._device.host_memory and t._device.host_memory):
            raise DeviceError(f"attempting to assign a gradient on {value._device} to a tensor on {t._device} "
                              f"(shape {tuple(t.shape)}); move it first: t.grad = g.to('{t._device}')")
        value = value.to(t._device)   # cpu and numba share NumPy arrays
    return value


def _check_inplace(t, op):
    if state.enabled and t.requires_grad:
        where = "a leaf tensor that requires grad" if t._node is None else "a tensor that is part of a graph"
        raise GraphError(f"{op}: in-place change of {where} (shape {t.shape}); do it inside `with ag.no_grad():` "
                         "or on t.detach()")


def as_class(source, cls):
    """A `cls` instance (a subclass of Tensor; cls.__init__ is not called) in `source`'s place: its values, version
    counter, graph node and view link, so that the caller can drop `source`."""
    t = _new(cls)
    t._data, t._device, t._node, t._out_idx = source._data, source._device, source._node, source._out_idx
    t._rg, t._vc, t._grad, t._hooks = source._rg, source._version_cell(), None, None
    view_of = getattr(source, "_view_of", None)
    if view_of is not None:
        t._view_of = view_of
    return t


_NUMBERS = frozenset((bool, int, float, complex))
_ROWS = frozenset((list, tuple))


def _tensor_items_as_numbers(data):
    """`data` (nested lists) with each Tensor inside it read as one number, a 0-d host array of its dtype, as
    PyTorch reads a tensor in a list; a ValueError, as PyTorch's, for one that holds more or fewer elements.
    `data` itself when it holds no Tensor. Below the top level only lists whose first item is not a number are
    read item by item: scanning every row of a long list of numbers would cost more than making the tensor."""
    kinds = set(map(type, data))
    if kinds <= _NUMBERS or (kinds <= _ROWS and type(_first_leaf(data)) in _NUMBERS):
        return data
    items, changed = [], False
    for item in data:
        if isinstance(item, Tensor):
            item, changed = _one_number(item), True
        elif isinstance(item, (list, tuple)) and not isinstance(item, Size):
            new = _tensor_items_as_numbers(item)
            item, changed = new, changed or new is not item
        items.append(item)
    return items if changed else data


def _one_number(t):
    if t._data.size != 1:
        raise ValueError(f"only one element tensors can be converted to Python scalars: a tensor of shape "
                         f"{tuple(t.shape)} sits inside the list given to tensor(), and PyTorch reads each tensor "
                         "in a list as one number; to join tensors use torch.stack(tensors) or torch.cat(tensors)")
    if t.requires_grad:
        warnings.warn("Converting a tensor with requires_grad=True to a scalar may lead to unexpected behavior: "
                      "tensor([...]) of tensors copies their values and keeps no gradient; use torch.stack to keep "
                      "the graph, or tensor.detach() first", UserWarning, stacklevel=4)
    return np.asarray(t._device.to_host(t._data)).reshape(())


def _legacy_data(args):
    """What torch.Tensor(*args) holds, as an array or nested data: zeros of the default float dtype for sizes (ints
    or a Size) or no argument, the default float dtype for a list of numbers or of NumPy arrays (float64 ones
    included), anything else as given."""
    if not args:
        return np.zeros(0, get_default_dtype())
    if isinstance(args[0], Size) and len(args) == 1:
        args = tuple(args[0])
    if all(type(a) is int or isinstance(a, np.integer) for a in args) and (len(args) > 1 or type(args[0]) is int):
        return np.zeros(tuple(int(a) for a in args), get_default_dtype())
    if len(args) != 1:
        return None
    data = args[0]
    if isinstance(data, (list, tuple)) and not isinstance(data, Size):
        inferred = infer_dtype(data)
        if inferred is not None and np.dtype(inferred).kind in "biuf":
            return np.asarray(data, dtype=get_default_dtype())
        if inferred is not None and np.dtype(inferred).kind == "c":
            return real_items("torch.Tensor", data, get_default_dtype())
    # PyTorch casts complex64/complex128 to its default float dtype; clongdouble stays refused at creation
    if isinstance(data, np.ndarray) and data.dtype in (np.complex64, np.complex128):
        warn_once("Tensor of complex data", "Casting complex values to real discards the imaginary part",
                  stacklevel=3)   # PyTorch's warning, once per process
        return data.real.astype(get_default_dtype())
    return data


def wrap_array(array, device, node=None, idx=0):
    """A Tensor around an op's output; it joins the graph when `node` is given and the dtype is float."""
    if array.__class__ is not np.ndarray and isinstance(array, np.generic):
        array = np.array(array)   # NumPy gives 0-d results as scalars, which no view or in-place change can share
    t = _new(Tensor)
    t._data = array
    t._device = device
    t._out_idx = idx
    t._grad = None
    t._vc = None
    t._hooks = None
    if node is not None and (array.dtype.kind in "fc" or is_bf16(array.dtype)):   # bf16's kind is 'V'
        t._node = node
        t._rg = True
    else:
        t._node = None
        t._rg = False
    return t


def _set_requires_grad(t, flag):
    """`t.requires_grad = flag` as PyTorch's: only a floating-point (or complex) tensor can require grad."""
    if not isinstance(flag, (bool, np.bool_)):
        raise RuntimeError(f"requires_grad must be a bool, got {type(flag).__name__} ({flag!r}); assign True or "
                           "False")
    if flag and not is_floating(t.dtype) and t.dtype.kind != "c":
        raise DtypeError(f"only Tensors of floating point and complex dtype can require gradients; this one is "
                         f"{t.dtype} (shape {tuple(t.shape)}). Convert it first: t = t.float(); t.requires_grad = True")
    if not flag and t._node is not None:
        raise GraphError("you can only change requires_grad flags of leaf variables. If you want to use a computed "
                         "variable in a subgraph that doesn't require differentiation use var_no_grad = "
                         f"var.detach(). (This tensor, shape {tuple(t.shape)}, was computed by an op.)")
    t._rg = bool(flag)


# a property over the slot `_rg`: reads go through a C getter (attrgetter: faster than the slot's bound __get__);
# assignments are checked
Tensor.requires_grad = property(operator.attrgetter("_rg"), _set_requires_grad,
                                doc="Whether gradients are recorded for this tensor (floating-point tensors only).")


_new = object.__new__
