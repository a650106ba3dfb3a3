"""Function: a differentiable op written once, with forward and backward on raw backend arrays.

A Function instance is also the graph node (PyTorch's `ctx`): it keeps only what backward needs.
`parents[k]` is where the gradient of the k-th tensor argument goes: the Function that made it (with
`parent_idx[k]`, which of its outputs), the leaf Tensor itself, or None when no gradient is needed.
Nodes never hold their output tensors, so a graph is freed as soon as nobody holds its outputs.
"""
import itertools
import weakref

import numpy as np

from backends import DeviceError

from . import autocast_state as autocast
from . import half_forms
from . import complex_forms
from . import unsigned_limits
from . import profile_state as profiling
from .capture import state as capture
from .func_levels import dual_nodes
from .errors import AnomalyError, OutOfMemoryError, not_a_tensor, op_error, out_of_memory
from .hooks import ACCUMULATE_POST, ACCUMULATE_PRE, add_accumulator_hook
from .grad_mode import INFERENCE, inference_tensors, make_inference, state
from .node_hooks import POST, PRE, add_node_hook
from .node_names import shown
from .printing import printed_name
from .sparse_storage import has_sparse, run_sparse_form
from . import saved_hooks
from . import tensor_subclasses as subclasses
from .tensor import Tensor, wrap_array as _wrap
from .view_links import link_views, view_base
from .versions import clock

_sequence = itertools.count()


def next_sequence_nr():
    """A sequence number no node has yet: every node made from now on has this one or a larger one."""
    return next(_sequence)


#: Function.composed of an op that is linear in its first argument: its gradient map is differentiated as is
LINEAR = "linear in the first argument"


class Function:
    """Base class of every op: subclass it, write forward(ctx, *args) and backward(ctx, *grads), call apply."""

    #: set False when backward uses fused kernels that cannot themselves be differentiated (create_graph)
    differentiable_backward = True
    #: for such an op, the same forward written with differentiable tensor ops, composed(*args, **kwargs) ->
    #: Tensor(s): a create_graph backward differentiates it instead (composed_backward.py); the op then keeps
    #: its arguments (`kept`) while its graph lives
    composed = None
    kept = None
    #: True for users' own Functions (ag.autograd.Function): an exception in their forward reaches the caller
    #: as it was raised, as in PyTorch, instead of being rephrased as an op's input error
    passes_errors = False
    saved_tensors = ()
    _freed = False
    _hooks = None
    out_device = None
    n_out = 1
    #: False when a multi-output backward takes None for outputs that got no gradient (set_materialize_grads)
    materialize_grads = True
    #: True for a user's autograd.Function: when only None reaches it, PyTorch still calls its backward (on zeros
    #: while it materialises gradients); a built-in node then hands None on without running (engine.py)
    runs_without_gradient = False
    _save_tick = None
    #: what saved_tensors_hooks' pack made of saved_tensors (saved_hooks.py), or None
    _packed = None
    #: the node's name as PyTorch shows it where the class name does not give it; set on a node by a composite
    #: op whose PyTorch counterpart is one node (see `named`)
    torch_name = None
    #: True for a node some of whose outputs PyTorch makes with other nodes (LSTM's cell state, made beside h by one
    #: fused cell): `shown_output(idx)` is the node such an output (idx > 0) shows as grad_fn and in next_functions
    shows_outputs = False
    #: True for the arithmetic ops whose number operands PyTorch wraps as tensors: next_functions lists them, as
    #: (None, 0), as it lists a tensor that needs no gradient (other ops list their tensor arguments only)
    number_edges = False
    #: what PyTorch's node keeps of the op's result, for the in-place check at backward: True where it keeps the
    #: result and this op does not save it (the node then keeps it as `result_kept`), False where it keeps the
    #: inputs instead while this op saves its result (a change of the result inside a graph, which leaves the
    #: saved values as they were, is then allowed as in PyTorch), None where the saved values say it
    torch_saves_result = None
    result_kept = None
    #: the output index `output_nr` shows for this node's result where it stands for one result of PyTorch's node
    #: with several (aminmax's max: 1), set by `numbered`; None: its own index
    shown_output_nr = None

    # ----- what subclasses write ---------------------------------------------------------------
    @staticmethod
    def forward(ctx, *args, **kwargs):
        """Compute the outputs (backend arrays) from the arguments (arrays for tensors, others as given)."""
        raise TypeError("a Function subclass must define forward(ctx, *args)")

    @staticmethod
    def backward(ctx, *grads):
        """Return one gradient per forward argument (None for non-tensors or unneeded ones)."""
        raise TypeError("a Function subclass must define backward(ctx, *grads)")

    # ----- what forward/backward use -----------------------------------------------------------
    def save_for_backward(self, *arrays):
        """Keep these arrays (inputs, outputs or intermediates) for backward."""
        self.saved_tensors = arrays

    def select(self, cond, a, b):
        """Elements of a where cond, else of b (np.where's arguments and broadcasting): the device's
        branch-free kernel on arrays, or ctx.xp.where when backward records a graph (create_graph)."""
        if self.xp is self.device.xp:
            return self.device.select(cond, a, b)
        return self.xp.where(cond, a, b)

    def mark_non_differentiable(self, *outputs):
        """Declare outputs (e.g. indices) that never carry a gradient."""
        self._non_diff = {id(o) for o in outputs}

    # ----- running an op -----------------------------------------------------------------------
    @classmethod
    def apply(cls, *args, **kwargs):
        """Run the op on tensors (and plain arguments), recording a graph node when gradients are needed."""
        if profiling.active and profiling.outer_call():   # a profiler records: it times this op and re-enters
            return profiling.recorder.op(cls, args, kwargs)
        op = cls   # the op as called: arguments moved to one device run through it again
        if subclasses.active:   # a user's Tensor subclass exists: an op on its instances returns that class
            sub = subclasses.found(args)
            if sub is not None:
                with subclasses.DisableTorchFunctionSubclass():
                    out = Function.apply.__func__(cls, *args, **kwargs)
                return subclasses.convert(out, sub)
        if complex_forms.active:   # complex tensors exist: pick this op's complex form, or refuse them
            cls = complex_forms.form_for(cls, args)
        if unsigned_limits.active:   # uint16/32/64 tensors exist: refuse the ops PyTorch has no kernel for
            unsigned_limits.check(cls, args, kwargs)
        if autocast.active:   # some thread autocasts: cast the inputs by this op's policy (autograd/amp)
            args = autocast.cast_inputs(cls, args)
        if half_forms.active:   # bfloat16/float16 tensors exist: compute them in float32 (autograd/half_forms.py)
            cls = half_forms.form_for(cls, args)
        ctx = cls()
        device = None
        record = False
        enabled = state.enabled
        arrays = []
        parents = []
        parent_idx = []
        needs = []
        constant_tensor = False
        for a in args:
            if isinstance(a, Tensor):
                arrays.append(a._data)
                if device is None:
                    device = a._device
                elif a._device is not device:
                    moved = _scalars_follow(args)
                    if moved is None:
                        _mixed_devices(cls, args)
                    return op.apply(*moved, **kwargs)
                if a._rg:   # the slot behind requires_grad (a checked property)
                    record = True
                    node = a._node
                    parents.append(a if node is None else node)
                    parent_idx.append(a._out_idx)
                    needs.append(True)
                    continue
            else:   # not a tensor: no edge in next_functions (index -1); None may stand for an absent tensor
                arrays.append(a)
                parents.append(None)
                parent_idx.append(0 if a is None else -1)
                needs.append(False)
                continue
            parents.append(None)
            # an integer or bool tensor (indices, a mask, a condition) gets no next_functions edge, as in PyTorch
            # (index -1, as a number's: + - * /, whose PyTorch forms take any tensor there, still list it)
            parent_idx.append(-1 if enabled and a._data.dtype.kind in "biu" else 0)
            needs.append(False)
            constant_tensor = True
        if device is None:
            raise not_a_tensor(cls.label(), args[0] if args else None)
        ctx.device = device
        ctx.xp = device.xp
        ctx.needs_input_grad = needs   # which arguments require grad, set in no_grad too (as PyTorch's)
        record = record and enabled
        recorder = capture.recorder
        # only an argument list holding one object twice can alias (binary ops, the common case, inline)
        if record and constant_tensor and recorder is None and (
                arrays[0] is arrays[1] if len(arrays) == 2 else _repeats(arrays)):
            _unalias_constants(args, arrays, needs)
        if recorder is not None:
            recorder.enter_forward()
        try:
            if device.host_memory:
                out = cls.forward(ctx, *arrays, **kwargs)
            else:
                with device.activate():
                    out = cls.forward(ctx, *arrays, **kwargs)
        except (ValueError, TypeError, IndexError, ArithmeticError) as exc:
            if cls.passes_errors:
                raise
            if has_sparse(args):   # a sparse COO argument: the op's sparse form (sparse_storage.py)
                if recorder is not None:
                    recorder.on_sparse()
                return run_sparse_form(cls, args, kwargs)
            raise op_error(cls, args, exc) from None
        except MemoryError as exc:
            if isinstance(exc, OutOfMemoryError):   # from an op this one runs: it named that op already
                raise
            raise out_of_memory(cls, args, exc) from exc
        if out.__class__ is not np.ndarray:
            out = _as_arrays(ctx, out)
        if recorder is not None:
            recorder.on_forward(cls, ctx, arrays, kwargs, out)
        if ctx.out_device is not None:
            device = ctx.out_device
        if not record:
            if state.watch:   # anomaly detection or inference mode: one read of the switch for both
                results = _watched(cls, out, device, args)
            elif isinstance(out, tuple):
                results = tuple(_wrap(o, device, None, 0) for o in out)
            else:
                results = _wrap(out, device, None, 0)
            if type(out) is not tuple and getattr(out, "base", None) is None:
                return results
            base = view_base(out, args)   # a view: in-place ops on it must reach its base (view_inplace.py)
            return results if base is None else link_views(results, base, cls)
        if dual_nodes and None in parents:   # a forward-AD level is open: PyTorch's tangent promotes with these
            ctx.constant_dtypes = tuple(a.dtype for a, p, i in zip(arrays, parents, parent_idx)
                                        if p is None and i == 0 and hasattr(a, "dtype"))
        ctx.parents = parents
        ctx.parent_idx = parent_idx
        ctx.seq = next(_sequence)
        if cls.composed is not None:
            ctx.kept = (arrays, kwargs)
        if cls.torch_saves_result:   # kept for the in-place check only (engine._check_saved)
            ctx.result_kept = out[0] if out.__class__ is tuple else out
            ctx._save_tick = clock.tick
        if ctx.saved_tensors:
            ctx._save_tick = clock.tick
            if inference_tensors.made:
                _refuse_saved_inference(cls, args, saved_hooks.stored(ctx))
        if isinstance(out, tuple):
            non_diff = getattr(ctx, "_non_diff", ())
            ctx.n_out = len(out)
            ctx.out_meta = tuple((o.shape, o.dtype) for o in out)
            ctx.out_ids = tuple(map(id, out))
            results = tuple(_wrap(o, device, None if id(o) in non_diff else ctx, i) for i, o in enumerate(out))
        else:
            ctx.out_ids = (id(out),)
            results = _wrap(out, device, ctx, 0)
        if type(out) is tuple or getattr(out, "base", None) is not None:
            base = view_base(out, args)
            if base is not None:
                link_views(results, base, cls)
        if saved_hooks.active and ctx.saved_tensors:
            saved_hooks.pack_node(ctx, args, results)
        if state.anomaly:
            _check_finite(cls.label(), "forward", out if isinstance(out, tuple) else (out,), device)
        return results

    @classmethod
    def label(cls):
        """The op's name as messages show it (e.g. 'conv2d')."""
        return getattr(cls, "op_name", None) or cls.__name__.lower()

    def name(self):
        """The graph node's name as PyTorch shows it: 'AddBackward0' (a user's Function: 'MyFnBackward')."""
        if self.torch_name is not None:
            return self.torch_name
        cls = type(self)
        return cls.__name__ + ("Backward0" if cls.__module__.startswith("autograd.") else "Backward")

    def register_prehook(self, fn):
        """Call fn(grad_outputs) before this node's backward (it may return a tuple that replaces them); returns
        a handle whose .remove() unregisters it."""
        return add_node_hook(self, PRE, fn)

    def register_hook(self, fn):
        """Call fn(grad_inputs, grad_outputs) after this node's backward (it may return a tuple that replaces
        grad_inputs); returns a handle whose .remove() unregisters it."""
        return add_node_hook(self, POST, fn)

    def __repr__(self):
        return f"<{printed_name(self)} object at {id(self):#x}>"

    @property
    def metadata(self):
        """A dict for the user's own data about this node (PyTorch's grad_fn.metadata), kept while it lives."""
        meta = self.__dict__.get("_metadata")
        if meta is None:
            meta = self._metadata = {}
        return meta

    def _sequence_nr(self):
        """The node's place in the order ops ran (PyTorch's sequence number: later ops have larger ones)."""
        return getattr(self, "seq", 0)

    @property
    def next_functions(self):
        """One (node, output index) pair per tensor argument of forward, as PyTorch's grad_fn.next_functions:
        the Function that made it, an AccumulateGrad for a leaf that requires grad, or (None, 0) for one that needs
        no gradient (arguments that are not tensors have none). A node standing for a composite of several shows
        the edges of PyTorch's one node (`shown_edges`)."""
        display = self.__dict__.get("shown_edges")
        if display is not None:
            return display.pairs()
        pairs = []
        for parent, idx in zip(self.parents, self.parent_idx):
            if parent is None:
                if idx >= 0 or self.number_edges:
                    pairs.append((None, 0))
            elif isinstance(parent, Tensor):
                pairs.append((accumulator(parent), 0))
            elif idx and parent.shows_outputs:
                pairs.append((parent.shown_output(idx), 0))
            else:
                pairs.append((shown(parent), idx))
        return tuple(pairs)

    def saved_value(self, spec):
        """A value this node saved, as grad_fn's PyTorch-named `_saved_*` fields show it (saved_fields.py): a
        Tensor on the graph (a leaf input is that very tensor), a number, or None where PyTorch saves nothing."""
        kind = spec[0]
        if kind == "number":
            return spec[1]
        if kind == "ctx":
            return _shown_attribute(getattr(self, spec[1], None), spec[2])
        if kind == "T":
            value = self.saved_value(spec[1])
            return None if value is None else value.transpose(0, 1)
        if kind == "saved" and spec[2] is not None and not self.needs_input_grad[spec[2]]:
            return None
        if self._freed:
            raise RuntimeError(_FREED)
        if self._packed is not None:   # saved through saved_tensors_hooks: what unpack gives, as PyTorch's
            return self._unpacked_value(spec)
        saved = self.saved_tensors
        if kind == "out":
            arr = next((a for a in saved if id(a) in self.out_ids), None)
        else:
            arr = saved[spec[1]] if spec[1] < len(saved) else None
        if arr is None:
            return None
        if spec[-1] == "number":   # PyTorch keeps this operand as the Python number it was given
            return arr.item() if hasattr(arr, "item") else arr
        if not hasattr(arr, "dtype"):   # a number operand of a tensor field: a 0-d tensor (a wrapped number)
            return _wrap(np.asarray(arr), self.device, None, 0)
        return wrap_saved(self, arr)

    def _unpacked_value(self, spec):
        """saved_value of a node whose saved values went through a saved_tensors_hooks pack hook."""
        packed, unpack = self._packed
        if spec[0] == "out":
            entry = next((e for e in packed if e[0] and e[0][0] == "out"), None)
        else:
            entry = packed[spec[1]] if spec[1] < len(packed) else None
        if entry is None or entry[1] is None:
            return None
        role, value = entry
        if role is False:
            return value
        value = unpack(value)
        if not role or not isinstance(value, Tensor):   # an array the op made: a constant
            return value
        kind, k = role   # the unpacked copy keeps the saved tensor's place in the graph, as PyTorch's
        if kind == "out":
            return _wrap(value._data, self.device, self, k)
        parent, idx = self.parents[k], self.parent_idx[k]
        if isinstance(parent, Tensor):
            return _wrap(value._data, self.device, None, 0).requires_grad_(parent.requires_grad)
        return _wrap(value._data, self.device, parent, idx)

    def release(self):
        """Drop what was saved for backward (after a backward without retain_graph)."""
        if saved_hooks.stored(self):
            self.saved_tensors = ()
            self._freed = True


def _as_arrays(ctx, out):
    """`out` with each NumPy scalar (NumPy's form of a 0-d result) made a 0-d array, which views and in-place
    changes can share as PyTorch's 0-d tensors do; the node's saved references to it follow, so that the
    graph still knows a saved output as its own."""
    if isinstance(out, tuple):
        if not any(isinstance(o, np.generic) for o in out):
            return out
        new = tuple(np.array(o) if isinstance(o, np.generic) else o for o in out)
        pairs = list(zip(out, new))
    elif isinstance(out, np.generic):
        new = np.array(out)
        pairs = [(out, new)]
    else:
        return out
    saved = saved_hooks.stored(ctx)
    if saved:
        swap = {id(old): fresh for old, fresh in pairs if old is not fresh}
        ctx.saved_tensors = tuple(swap.get(id(a), a) for a in saved)
    return new


def _watched(cls, out, device, args):
    """The outputs of an op that records no graph while anomaly detection or inference mode is on: checked for
    NaN/inf (anomaly), made inference tensors (inference mode) unless they are views of an ordinary input,
    which stay ordinary as in PyTorch."""
    outs = out if isinstance(out, tuple) else (out,)
    if state.anomaly:
        _check_finite(cls.label(), "forward", outs, device)
    results = tuple(_wrap(o, device, None, 0) for o in outs)
    if state.inference:
        share = getattr(device.xp, "may_share_memory", None)
        ordinary = [a._data for a in args if isinstance(a, Tensor) and a._vc is not INFERENCE]
        for r in results:
            if share is None or getattr(r._data, "base", None) is None or not any(
                    share(r._data, a) for a in ordinary):
                make_inference(r)
    return results if isinstance(out, tuple) else results[0]


def _shown_attribute(value, form):
    """A node's kept dim, flag or shape as PyTorch's `_saved_*` field shows it (saved_fields.py's "ctx" specs)."""
    if value is None:
        return None
    if form == "dim":   # one dim (or index) as a PyTorch int64 argument shows: unsigned, -1 reads as 2**64 - 1
        return int(value) % 2 ** 64
    if form == "dims":   # PyTorch keeps dims as unsigned 64-bit numbers: -1 reads as 2**64 - 1
        dims = (value,) if isinstance(value, (int, np.integer)) else tuple(value)
        return tuple(int(d) % 2 ** 64 for d in dims)
    if form == "sizes":
        return tuple(int(n) for n in value)
    if form == "numel":
        return int(np.prod(value, dtype=np.int64))
    return value


def _refuse_saved_inference(cls, args, saved):
    """Raise when an op that records a graph saved an inference tensor's values for backward (PyTorch refuses
    that too: such tensors keep no version counter, so a later in-place change could not be detected)."""
    for a in args:
        if isinstance(a, Tensor) and a._vc is INFERENCE and any(s is a._data for s in saved):
            raise RuntimeError(f"Inference tensors cannot be saved for backward ({cls.label()} saves one): a "
                               "tensor made inside ag.inference_mode() cannot take part in a computation autograd "
                               "records. "
                               "Use a clone of it (t.clone() outside inference_mode), or ag.no_grad() instead "
                               "of ag.inference_mode()")


def named(tensor, torch_name):
    """`tensor`, with the graph node that made it shown as `torch_name`: the last node of a composite op takes
    the name of PyTorch's one node (mse_loss's mean shows as 'MseLossBackward0', as in PyTorch)."""
    if tensor._node is not None:
        tensor._node.torch_name = torch_name
    return tensor


def kept_as_given(tensor, **values):
    """`tensor`, its graph node keeping `values` (dims and indices as the user gave them, -1 as -1) for grad_fn's
    `_saved_*` fields (saved_fields.py), which show the arguments PyTorch stored; nothing when no node was made."""
    node = tensor._node
    if node is not None:
        for name, value in values.items():
            setattr(node, name, value)
    return tensor


def numbered(tensor, output_nr):
    """`tensor`, shown by `output_nr` as output `output_nr` of PyTorch's one node of a composite op with several
    results (var_mean's mean is output 1), where deepgrad's own node has one output; gradients flow as before."""
    if tensor._node is not None:
        tensor._node.shown_output_nr = output_nr
    return tensor


def keeping_result(tensor):
    """`tensor`, whose node keeps its values for the in-place check at backward, as PyTorch's one node of a
    composite op keeps its result (cdist, pdist): changing them in place then makes backward refuse."""
    node = tensor._node
    if node is not None:
        node.result_kept = tensor._data
        if node._save_tick is None:
            node._save_tick = clock.tick
    return tensor


_FREED = ("Trying to backward through the graph a second time (or directly access saved tensors after they have "
          "already been freed). Saved intermediate values of the graph are freed when you call .backward() or "
          "autograd.grad(). Specify retain_graph=True if you need to backward through the graph a second time or "
          "if you need to access saved tensors after calling backward.")


#: a leaf's AccumulateGrad while anything holds it, by id(leaf), so a graph walk meets one node per leaf
_ACCUMULATORS = weakref.WeakValueDictionary()


def accumulator(leaf):
    """The AccumulateGrad node of a leaf that requires grad (the same object while it is held)."""
    node = _ACCUMULATORS.get(id(leaf))
    if node is None or node.variable is not leaf:
        node = _ACCUMULATORS[id(leaf)] = AccumulateGrad(leaf)
    return node


class AccumulateGrad:
    """The graph's end at a leaf: where backward accumulates into `variable.grad` (PyTorch's name)."""

    next_functions = ()

    def __init__(self, variable):
        self.variable = variable
        self.metadata = {}

    @staticmethod
    def name():
        """'torch::autograd::AccumulateGrad', the name PyTorch gives this node."""
        return "torch::autograd::AccumulateGrad"

    @staticmethod
    def _sequence_nr():
        """PyTorch's sequence number of an AccumulateGrad: the largest 64-bit unsigned value."""
        return 2 ** 64 - 1

    def register_prehook(self, fn):
        """Call fn((grad,)) before the leaf's gradient is accumulated (it may return a one-tuple that replaces
        it); returns a handle whose .remove() unregisters it."""
        return add_accumulator_hook(self.variable, ACCUMULATE_PRE, fn)

    def register_hook(self, fn):
        """Call fn((), (grad,)) after the leaf's gradient is accumulated into .grad; returns a handle whose
        .remove() unregisters it."""
        return add_accumulator_hook(self.variable, ACCUMULATE_POST, fn)

    def __repr__(self):
        return f"<AccumulateGrad object at {id(self):#x}>"


def _scalars_follow(args):
    """args moved to one device, or None when that does not settle the devices. PyTorch lets a 0-d CPU tensor
    meet a tensor on any device (it follows that device, gradients included); and tensors on the host devices
    (`cpu`, `numba`) share memory as NumPy arrays, so they meet too: the op runs on the compiled one (`numba`),
    the device the user opted into, whether by DEEPGRAD_DEVICE or by `.to()` (a PyTorch program's
    `.to('cpu')` then runs unchanged under DEEPGRAD_DEVICE=numba)."""
    others = {id(a._device): a._device for a in args
              if isinstance(a, Tensor) and not (a.ndim == 0 and a._device.host_memory)}
    if len(others) > 1:
        if not all(d.host_memory and d.type in _HOST_TYPES for d in others.values()):
            return None
        others = {0: max(others.values(), key=lambda d: _HOST_TYPES.index(d.type))}
    (target,) = others.values() if others else (next(a._device for a in args if isinstance(a, Tensor)),)
    return [a.to(target) if isinstance(a, Tensor) and a._device is not target else a for a in args]


#: the devices whose arrays are host NumPy arrays, plainest first: mixed ones run on the last present
_HOST_TYPES = ("cpu", "numba")


def _mixed_devices(cls, args):
    devices = [str(a._device) for a in args if isinstance(a, Tensor)]
    shapes = [tuple(a.shape) for a in args if isinstance(a, Tensor)]
    raise DeviceError(
        f"{cls.label()}: tensors are on different devices {devices} (shapes {shapes}); "
        f"move them to one device first, e.g. t.to('{devices[0]}')")


def _check_finite(op, phase, arrays, device):
    xp = device.xp
    for a in arrays:
        if a is None or not hasattr(a, "dtype") or a.dtype.kind not in "fc":
            continue
        if not bool(xp.isfinite(a).all()):
            raise AnomalyError(f"detect_anomaly: {op} produced NaN or inf in {phase} (shape {tuple(a.shape)})")


def _repeats(arrays):
    """Whether one object stands more than once among an op's argument arrays."""
    if len(arrays) == 3:
        a, b, c = arrays
        return a is b or a is c or b is c
    return len({id(a) for a in arrays}) < len(arrays)


def _unalias_constants(args, arrays, needs):
    """Give a constant tensor argument that shares its array with an argument on the graph (`y * y.detach()`)
    an array object of its own (a view: no copy). `wrap_saved` finds a saved array's place in the graph by
    identity, so under create_graph the constant would otherwise be differentiated as the graph's tensor."""
    on_graph = {id(arrays[i]) for i, need in enumerate(needs) if need}
    for i, a in enumerate(args):
        if not needs[i] and isinstance(a, Tensor) and id(arrays[i]) in on_graph:
            arrays[i] = arrays[i].view()


def wrap_saved(node, arr):
    """A saved array as a Tensor connected to the graph: the node's own output, one of its inputs, or a constant.

    Identity by id() is sound here: every input array was alive while the node's forward ran, so no
    array the node created (and saved) can share an id with one of them.
    """
    device = node.device
    if not (hasattr(arr, "dtype") and hasattr(arr, "shape")):
        return arr  # a Python number saved as is
    key = id(arr)
    if key in node.out_ids:
        return Tensor._make(arr, device, node, node.out_ids.index(key), True)
    for parent, idx in zip(node.parents, node.parent_idx):
        if parent is None:
            continue
        if isinstance(parent, Tensor):
            if parent._data is arr:
                return parent
        elif parent.out_ids[idx] == key:
            return Tensor._make(arr, device, parent, idx, True)
    return Tensor._make(arr, device, None, 0, False)
