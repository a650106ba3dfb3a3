"""torch.utils.checkpoint: activation checkpointing. A checkpointed forward keeps none of the activations inside
the checkpointed function; backward runs the function again (with the forward's random-generator position and
autocast settings) to get them back. Two variants, as PyTorch's:

- use_reentrant=False: the forward records its graph as usual, but every array an op saves for backward goes
  through saved_tensors_hooks (autograd/saved_hooks.py) and is kept only as a number; the first backward node
  that needs one recomputes the function and hands out the recomputed arrays by those numbers. Gradients reach
  the inputs and every parameter used inside, through ag.grad too.
- use_reentrant=True: one graph node (a Function) whose backward recomputes the function and runs a backward
  pass of its own (it accumulates into the parameters' .grad; ag.grad is refused, as in PyTorch).
"""
import contextlib
import warnings

from ..amp.autocast_mode import autocast, get_autocast_dtype, is_autocast_enabled
from ..autograd_graph import saved_tensors_hooks
from ..engine import passes, run_backward
from ..function import Function
from ..grad_mode import enable_grad, is_grad_enabled, no_grad
from ..random_api import get_rng_state, set_rng_state
from .. import saved_hooks
from ..tensor import Tensor, wrap_array
from ..versions import clock, modified_since
from ..pytree import tree_flatten
import backends

__all__ = ["checkpoint", "checkpoint_sequential", "CheckpointError", "CheckpointFunction", "check_backward_validity",
           "detach_variable", "get_device_states", "noop_context_fn", "set_checkpoint_early_stop",
           "set_checkpoint_debug_enabled", "set_device_states"]

_USE_REENTRANT_WARNING = (
    "{}: the use_reentrant parameter should be passed explicitly. {}use_reentrant=False is recommended, but if you "
    "need to preserve the current default behavior, you can pass use_reentrant=True. Refer to docs for more details "
    "on the differences between the two variants.")
_DEBUG_TIP = ("Tip: to see a more detailed error message, either pass `debug=True` to "
              "`torch.utils.checkpoint.checkpoint(...)` or wrap the code block with "
              "`with torch.utils.checkpoint.set_checkpoint_debug_enabled(True):` to enable checkpoint-debug mode "
              "globally.")


class CheckpointError(RuntimeError):
    """Raised when backward's recomputation of a checkpointed function saves other tensors than its forward did
    (a function that is not deterministic in what it computes)."""


def noop_context_fn():
    """context_fn's default: two context managers that do nothing (one for the forward, one for the
    recomputation)."""
    return contextlib.nullcontext(), contextlib.nullcontext()


class _Switches:
    early_stop = None    # set_checkpoint_early_stop's override of checkpoint(early_stop=)
    debug = None         # set_checkpoint_debug_enabled's override of checkpoint(debug=)


class set_checkpoint_early_stop(contextlib.ContextDecorator):
    """Context manager: whether the recomputation of non-reentrant checkpoints may stop once it has what
    backward needs (here the function is always run to its end, which gives the same gradients)."""

    def __init__(self, enable):
        self.enable = bool(enable)

    def __enter__(self):
        self.prev, _Switches.early_stop = _Switches.early_stop, self.enable

    def __exit__(self, *exc):
        _Switches.early_stop = self.prev


class set_checkpoint_debug_enabled(contextlib.ContextDecorator):
    """Context manager: checkpoint's debug mode on (True), off (False) or as each call's debug= says (None)."""

    def __init__(self, enabled):
        self.enabled = enabled

    def __enter__(self):
        self.prev, _Switches.debug = _Switches.debug, self.enabled

    def __exit__(self, *exc):
        _Switches.debug = self.prev


def detach_variable(inputs):
    """A tuple of the inputs with each tensor detached (keeping its requires_grad), others as they are."""
    if not isinstance(inputs, tuple):
        raise RuntimeError(f"Only tuple of tensors is supported. Got Unsupported input type: "
                           f"{type(inputs).__name__}")
    return tuple(_detached(x) for x in inputs)


def check_backward_validity(inputs):
    """Warn (as PyTorch) when no tensor among `inputs` requires grad: the checkpoint then gives no gradients."""
    if not any(x.requires_grad for x in inputs if isinstance(x, Tensor)):
        warnings.warn("None of the inputs have requires_grad=True. Gradients will be None", stacklevel=2)


def _detached(x):
    if not isinstance(x, Tensor):
        return x
    d = x.detach()
    if x.requires_grad:
        d.requires_grad_(True)
    return d


class _Replay:
    """The forward's state that the recomputation must see again: the host generators' position (so Dropout
    draws the same masks) and autocast's settings."""

    def __init__(self, preserve_rng_state, args=()):
        self.rng = get_rng_state() if preserve_rng_state else None
        if preserve_rng_state:
            _warn_unsaved_generators(args)
        self.autocast = {kind: get_autocast_dtype(kind) if is_autocast_enabled(kind) else None
                         for kind in ("cpu", "cuda")}

    @contextlib.contextmanager
    def __call__(self):
        outer = get_rng_state() if self.rng is not None else None
        try:
            if self.rng is not None:
                set_rng_state(self.rng)
            with contextlib.ExitStack() as stack:
                for kind, dtype in self.autocast.items():
                    if dtype is not None:
                        stack.enter_context(autocast(kind, dtype=dtype))
                    elif is_autocast_enabled(kind):
                        stack.enter_context(autocast(kind, enabled=False))
                yield
        finally:
            if outer is not None:
                set_rng_state(outer)   # the generators continue as if the recomputation had drawn nothing


def _warn_unsaved_generators(args):
    """Warn when an input lives on a device whose generator position cannot be saved (CuPy's): random ops in
    the function would draw other values in the recomputation than in the forward."""
    for device in {id(a._device): a._device for a in args if isinstance(a, Tensor)}.values():
        if not device.host_memory and device.type != "meta" and not callable(getattr(device, "rng_state", None)):
            warnings.warn(f"torch.utils.checkpoint: the random generator of {device} cannot be saved and restored "
                          "by deepgrad, so random ops inside the checkpointed function (Dropout, ...) draw other "
                          "values in backward's recomputation than in the forward and the gradients differ; keep "
                          "random ops out of checkpointed functions on this device, or pass "
                          "preserve_rng_state=False to silence this warning", stacklevel=4)


def get_device_states(*args):
    """(device indices, generator states) of the accelerator devices the tensors in args (nested in lists, tuples
    and dicts too) live on, one entry per such tensor, for set_device_states to restore; tensors in host memory
    add nothing, as PyTorch leaves the CPU out (its generator is get_rng_state's)."""
    tensors = [t for t in tree_flatten(args)[0] if isinstance(t, Tensor) and not t._device.host_memory
               and t._device.type != "meta"]
    _warn_unsaved_generators(tensors)
    ids = [t.get_device() for t in tensors if callable(getattr(t._device, "rng_state", None))]
    states = [backends.get_backend(f"{tensors[0]._device.type}:{i}").rng_state() for i in ids]
    return ids, states


def set_device_states(devices, states, *, device_type=None):
    """Continue the generators of the accelerator devices numbered `devices` (of `device_type`, 'cuda' by
    default) from `states`, as get_device_states took them."""
    if device_type == "meta":
        return
    for index, state in zip(devices, states):
        backends.get_backend(f"{device_type or 'cuda'}:{index}").set_rng_state(state)


# ----- use_reentrant=True ---------------------------------------------------------------------------------------
class CheckpointFunction(Function):
    """The reentrant checkpoint's graph node: forward runs the function without recording a graph; backward
    runs it again with gradients on and backpropagates through that recomputation."""

    differentiable_backward = False   # its backward is a backward pass of its own, not a differentiable formula
    op_name = "checkpoint"

    @staticmethod
    def forward(ctx, *arrays, plan):
        """Run the function on the tensor arguments (`arrays`) without a graph; save them for backward."""
        ctx.plan = plan
        args = list(plan.args)
        for k, arr in zip(plan.positions, arrays):
            args[k] = wrap_array(arr, ctx.device)
        with no_grad():
            out = plan.run(*args)
        ctx.save_for_backward(*arrays)
        if isinstance(out, Tensor):
            return out._data
        if not isinstance(out, tuple):
            raise TypeError(f"checkpoint (use_reentrant=True): the function must return a Tensor or a tuple, got "
                            f"{type(out).__name__}; return a tuple, or use use_reentrant=False")
        plan.layout = tuple(None if isinstance(o, Tensor) else o for o in out)
        return tuple(o._data for o in out if isinstance(o, Tensor))

    @staticmethod
    def backward(ctx, *grads):
        """Recompute the function with gradients on and backpropagate `grads` through it (the parameters used
        inside get their .grad there); return the gradients of the tensor arguments."""
        if passes.capturing and passes.capturing[-1]:
            raise RuntimeError("When use_reentrant=True, torch.utils.checkpoint is incompatible with .grad() or "
                               "passing an `inputs` parameter to .backward(). To resolve this error, you can either "
                               "set use_reentrant=False, or call .backward() without passing the `inputs` argument.")
        plan = ctx.plan
        args = list(plan.args)
        leaves = []
        for k, arr, needs in zip(plan.positions, ctx.saved_tensors, ctx.needs_input_grad):
            leaf = wrap_array(arr, ctx.device)
            if needs:
                leaf.requires_grad_(True)
            args[k] = leaf
            leaves.append(leaf)
        with plan.replay(), enable_grad():
            out = plan.run(*args)
        outs = (out,) if isinstance(out, Tensor) else tuple(o for o in out if isinstance(o, Tensor))
        pairs = [(o, g) for o, g in zip(outs, grads) if o.requires_grad and g is not None]
        if not pairs:
            raise RuntimeError("none of output has requires_grad=True, this checkpoint() is not necessary")
        run_backward([o for o, _ in pairs], [g for _, g in pairs])
        return tuple(None if leaf.grad is None else leaf.grad._data for leaf in leaves)


class _Plan:
    """What the reentrant node needs to run the function again; forward notes where non-tensor outputs go."""

    def __init__(self, run, args, positions, replay):
        self.run, self.args, self.positions, self.replay = run, args, positions, replay
        self.layout = None   # per output of a tuple: None for a tensor (a node output), else the value itself


def _reentrant(function, preserve, args):
    check_backward_validity(args)
    positions = tuple(k for k, a in enumerate(args) if isinstance(a, Tensor))
    if not positions:   # nothing to differentiate: PyTorch's Function runs it without a graph too
        with no_grad():
            return function(*args)
    # the plan keeps the non-tensor arguments only: the node saves the tensors (through saved_tensors_hooks when
    # this checkpoint runs inside another one)
    plan = _Plan(function, tuple(None if isinstance(a, Tensor) else a for a in args), positions,
                 _Replay(preserve, args))
    out = CheckpointFunction.apply(*(args[k] for k in positions), plan=plan)
    if plan.layout is None:
        return out
    tensors = iter(out if isinstance(out, tuple) else (out,))
    return tuple(next(tensors) if slot is None else slot for slot in plan.layout)


# ----- use_reentrant=False --------------------------------------------------------------------------------------
def _metadata(t):
    return {"shape": t.shape, "dtype": t.dtype, "device": t.device}


_METADATA = {"default": _metadata, "none": lambda t: None}


class _Frame:
    """One non-reentrant checkpoint call: what its forward saved (as numbers and metadata), how to run the
    function again, and the recomputed tensors waiting for the backward nodes that saved them."""

    def __init__(self, function, args, kwargs, replay, recompute_context, metadata_fn, debug):
        self.function, self.replay, self.recompute_context = function, replay, recompute_context
        self.metadata_fn, self.debug = metadata_fn, debug
        self.metas = []        # per tensor the forward saved: its metadata
        self.recomputed = {}   # number -> recomputed Tensor, until the node that saved it unpacks it
        # the inputs are themselves saved for backward: through the enclosing saved_tensors_hooks when there are
        # any (a nested checkpoint's inputs are its parent's activations), else kept here
        enclosing = saved_hooks.state.stack[-1] if saved_hooks.state.stack else None
        self.args = [self._keep(a, enclosing) for a in args]
        self.kwargs = {k: self._keep(v, enclosing) for k, v in kwargs.items()}

    @staticmethod
    def _keep(value, enclosing):
        if not isinstance(value, Tensor):
            return ("plain", value)
        if enclosing is not None:
            return ("packed", (enclosing[0](value), enclosing[1], value.requires_grad))
        return ("kept", (value, value._data, clock.tick))

    @staticmethod
    def _restore(entry):
        how, value = entry
        if how == "plain":
            return value
        if how == "packed":
            packed, unpack, requires_grad = value
            t = unpack(packed).detach()
            return t.requires_grad_(True) if requires_grad else t
        t, array, tick = value
        if t._data is not array or modified_since(array, tick):   # changed in place (in a graph: rebound)
            raise RuntimeError(f"one of the variables needed for gradient computation has been modified by an "
                               f"inplace operation: an input of torch.utils.checkpoint (shape {tuple(t.shape)}) was "
                               "changed in place after the checkpointed forward. Change a copy (t.clone()) "
                               "instead, or make the in-place change after backward.")
        return _detached(t)

    def pack(self, tensor):
        """The forward's pack hook: remember the tensor's metadata, keep only its number."""
        self.metas.append(self.metadata_fn(tensor))
        return len(self.metas) - 1

    def unpack(self, number):
        """The backward's unpack hook: the recomputed tensor with that number (recomputing when needed)."""
        if number not in self.recomputed:
            self._recompute()
        return self.recomputed.pop(number)

    def _recompute(self):
        args = [self._restore(a) for a in self.args]
        kwargs = {k: self._restore(v) for k, v in self.kwargs.items()}
        saved = []
        limit = len(self.metas)

        def capture(tensor):
            if len(saved) >= limit:
                raise CheckpointError("torch.utils.checkpoint: trying to save more tensors during recomputation "
                                      f"than during the original forward pass.\n{self._tip(saved)}")
            saved.append(tensor)
            return len(saved) - 1

        with self.replay(), enable_grad(), saved_tensors_hooks(capture, saved.__getitem__), self.recompute_context:
            self.function(*args, **kwargs)
        if len(saved) != limit:
            raise CheckpointError("torch.utils.checkpoint: A different number of tensors was saved during the "
                                  f"original forward and recomputation.\nNumber of tensors saved during forward: "
                                  f"{limit}\nNumber of tensors saved during recomputation: {len(saved)}.\n"
                                  f"{self._tip(saved)}")
        different = [(k, meta, self.metadata_fn(t)) for k, (meta, t) in enumerate(zip(self.metas, saved))
                     if meta != self.metadata_fn(t)]
        if different:
            lines = "".join(f"tensor at position {k}:\nsaved metadata: {a}\nrecomputed metadata: {b}\n"
                            for k, a, b in different)
            raise CheckpointError("torch.utils.checkpoint: Recomputed values for the following tensors have "
                                  f"different metadata than during the forward pass.\n{lines}.\n{self._tip(saved)}")
        self.recomputed = dict(enumerate(saved))

    def _tip(self, saved):
        if not self.debug:
            return _DEBUG_TIP
        forward = "\n".join(f"  {k}: {m}" for k, m in enumerate(self.metas))
        again = "\n".join(f"  {k}: {_metadata(t)}" for k, t in enumerate(saved))
        return (f"Tensors saved for backward in the original forward, in order:\n{forward}\n"
                f"and in the recomputation:\n{again}")


def _non_reentrant(function, preserve, context_fn, determinism_check, debug, args, kwargs):
    if _Switches.debug if _Switches.debug is not None else debug:
        if context_fn is not noop_context_fn:
            raise ValueError("debug=True is incompatible with non-default context_fn")
        debug = True
    if determinism_check not in _METADATA:
        raise ValueError(f"determinism_check should be one of {list(_METADATA)}, but got {determinism_check}")
    forward_context, recompute_context = context_fn()
    if not is_grad_enabled():   # no graph is recorded, so nothing is saved or recomputed
        return function(*args, **kwargs)
    frame = _Frame(function, args, kwargs, _Replay(preserve, (*args, *kwargs.values())), recompute_context,
                   _METADATA[determinism_check], debug)
    with saved_tensors_hooks(frame.pack, frame.unpack), forward_context:
        return function(*args, **kwargs)


# ----- the public functions -------------------------------------------------------------------------------------
def checkpoint(function, *args, use_reentrant=None, context_fn=noop_context_fn, determinism_check="default",
               debug=False, early_stop=True, **kwargs):
    """function(*args, **kwargs), computed without keeping the activations inside it for backward: backward
    recomputes them (same random draws: preserve_rng_state=True, the default). use_reentrant=None warns and
    means True, as in PyTorch 2.13; use_reentrant=False is the recommended variant (keyword arguments,
    ag.grad, inputs that do not require grad, context_fn, determinism_check, debug). early_stop is accepted as
    PyTorch takes it: the recomputation always runs the whole function, which gives the same gradients."""
    if use_reentrant is None:
        warnings.warn(_USE_REENTRANT_WARNING.format(
            "torch.utils.checkpoint", "Starting in PyTorch 2.9, calling checkpoint without use_reentrant will "
            "raise an exception. "), stacklevel=2)
        use_reentrant = True
    preserve = kwargs.pop("preserve_rng_state", True)
    if use_reentrant:
        if kwargs:
            raise ValueError("Unexpected keyword arguments: " + ",".join(kwargs))
        if context_fn is not noop_context_fn or debug is not False:
            raise ValueError("Passing `context_fn` or `debug` is only supported when use_reentrant=False.")
        return _reentrant(function, preserve, args)
    return _non_reentrant(function, preserve, context_fn, determinism_check, debug, args, kwargs)


def checkpoint_sequential(functions, segments, input, use_reentrant=None, **kwargs):
    """Run `functions` (an nn.Sequential or a list of modules/functions) in order on `input`, cut into `segments`
    chunks of len(functions) // segments; every chunk but the last is checkpointed. preserve_rng_state= is
    accepted as for checkpoint; use_reentrant=None warns and means True, as in PyTorch 2.13."""
    if use_reentrant is None:
        warnings.warn(_USE_REENTRANT_WARNING.format(
            "torch.utils.checkpoint.checkpoint_sequential", "In version 2.9 we will raise an exception if "
            "use_reentrant is not passed. "), stacklevel=2)
        use_reentrant = True
    preserve = kwargs.pop("preserve_rng_state", True)
    if kwargs:
        raise ValueError("Unexpected keyword arguments: " + ",".join(kwargs))
    if callable(getattr(functions, "children", None)) and not isinstance(functions, (list, tuple)):
        functions = list(functions.children())   # an nn.Sequential: its layers
    functions = list(functions)
    if isinstance(segments, bool) or not isinstance(segments, int) or not 1 <= segments <= max(len(functions), 1):
        raise ValueError(f"checkpoint_sequential: segments must be an int from 1 to the number of functions "
                         f"({len(functions)}), got {segments!r}")

    def run(start, end):
        def forward(x):
            for fn in functions[start:end + 1]:
                x = fn(x)
            return x
        return forward

    size = len(functions) // segments
    end = -1
    for start in range(0, size * (segments - 1), size):
        end = start + size - 1
        input = checkpoint(run(start, end), input, use_reentrant=use_reentrant, preserve_rng_state=preserve)
    return run(end + 1, len(functions) - 1)(input)
