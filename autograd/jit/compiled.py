"""ag.jit: the compiled step object (the signature cache, and the eager / capture / replay decision)."""
import functools
from collections import OrderedDict

from ..capture import state as capture
from ..grad_mode import state as grad_state
from ..tensor import Tensor, wrap_array
from .guards import Context, discover, is_module, is_optimizer, signature
from .tracer import capture_step
from .tree import flatten, unflatten

_SEEN = object()   # a signature met once: the next call with it captures
_EAGER = object()  # a signature whose step uses sparse tensors: it always runs eagerly


class CompiledStep:
    """A step function that runs eagerly on the first call with a signature, captures on the second and
    replays the capture afterwards. See `ag.jit`."""

    def __init__(self, fn, modules=(), optimizers=(), cache_size=8):
        functools.update_wrapper(self, fn)
        self.fn = fn
        self.modules, self.optimizers = tuple(modules), tuple(optimizers)
        self.cache_size = int(cache_size)
        self._plans = OrderedDict()   # signature -> _SEEN or a plan, least recently used first
        self._contexts = {}
        self.eager_calls = self.captures = self.replays = 0

    def __call__(self, *args, **kwargs):
        if capture.recorder is not None:     # called from inside another capture: be part of it
            return self.fn(*args, **kwargs)
        leaves, spec = flatten((args, kwargs))
        roots, optimizers = discover(self.fn, args, kwargs, self.modules, self.optimizers)
        context = self._context(roots, optimizers)
        key = signature(leaves, spec, grad_state.enabled, roots + optimizers, context)
        plan = self._plans.get(key)
        if plan is None:
            self._remember(key, _SEEN)
            self.eager_calls += 1
            return self.fn(*args, **kwargs)
        self._plans.move_to_end(key)
        if plan is _EAGER:
            self.eager_calls += 1
            return self.fn(*args, **kwargs)
        if plan is _SEEN:
            result, plan = capture_step(self.fn, args, kwargs, leaves, roots, optimizers, context)
            self._plans[key] = _EAGER if plan is None else plan
            self.captures += plan is not None
            self.eager_calls += plan is None
            return result
        self.replays += 1
        values = plan.run([leaf._data if isinstance(leaf, Tensor) else leaf for leaf in leaves])
        out = [v if device is None or not hasattr(v, "dtype") else wrap_array(v, device)
               for v, device in zip(values, plan.out_devices)]
        return unflatten(plan.out_spec, out)

    def _context(self, roots, optimizers):
        key = tuple(map(id, roots + optimizers))
        context = self._contexts.get(key)
        if context is None:
            context = self._contexts[key] = Context(roots, optimizers)
        return context

    def _remember(self, key, value):
        self._plans[key] = value
        while len(self._plans) > self.cache_size:
            self._plans.popitem(last=False)

    def reset(self):
        """Forget every capture (the next call runs eagerly again); call after changing a model's structure."""
        self._plans.clear()
        self._contexts.clear()


def jit(fn=None, *, modules=(), optimizers=(), cache_size=8):
    """Compile a training or inference step: `fn` runs eagerly on its first call with a given signature,
    is captured on the second and replayed on every later call, without Python dispatch (no Tensor,
    Function or graph objects; the ops' kernels run on the step's new inputs in the captured order).

    `fn` takes Tensors (and plain Python values, also inside lists, tuples and dicts) and may run the
    forward pass, `loss.backward()`, `optimizer.zero_grad()` and `optimizer.step()`; it returns Tensors
    or plain values. A replay updates parameters, gradients, buffers (BatchNorm statistics) and
    optimiser state in place as eager mode would, draws Dropout masks from the device generator in the
    same sequence, and reads learning rates at replay time. Returned tensors are outside any graph.

    On `cpu` and `numba` the replay is one generated function: elementwise ops, full sums and Linear
    write into buffers made once per capture (kept while the capture is cached), and on `numba` each
    run of elementwise ops, forward or backward, is one generated kernel (compiled once per chain and
    cached on disk); results stay bit-identical to eager mode. Values that leave the step (returned
    tensors, .grad) are fresh arrays, as in eager mode.

    Guards: the input shapes, dtypes and devices, the plain arguments, grad mode, each module's
    train/eval flag and the identity of the modules, optimisers and parameters; a change captures again.
    The `cache_size` most recent signatures are kept (least recently used dropped first).

    The modules and optimisers are found in `fn`'s closure, the globals it names, its bound object and
    its arguments, and likewise in the Python functions found there (two levels down: a helper that
    closes over the model); pass `modules=` / `optimizers=` when they live elsewhere. Reading tensor values on
    the host inside the step (`.item()`, printing, `if loss > 0`) raises CaptureError during capture.
    A step that uses sparse COO tensors is not captured (their entries change from call to call), nor one whose
    backward accumulates into the .grad of a tensor passed to it (a later call passes other tensors): it runs
    eagerly on every call. A leaf made inside the step (`x.detach().requires_grad_()`) gets a fresh .grad on every
    replay, as each eager call's new tensor would.
    Usable as `@ag.jit` or `ag.jit(step, modules=[model])`.
    """
    modules, optimizers = _as_sequence(modules, "modules"), _as_sequence(optimizers, "optimizers")
    if isinstance(cache_size, bool) or not isinstance(cache_size, int) or cache_size < 1:
        raise ValueError(f"ag.jit: cache_size must be a positive int (the signatures kept), got {cache_size!r}; "
                         "with none kept every call would run eagerly")
    if fn is None:
        return lambda f: jit(f, modules=modules, optimizers=optimizers, cache_size=cache_size)
    if not callable(fn):
        raise TypeError(f"ag.jit: expects the step function to compile, got {type(fn).__name__} {fn!r}; use "
                        "@ag.jit on a def, or ag.jit(step, modules=[model])")
    return CompiledStep(fn, modules, optimizers, cache_size)


def _as_sequence(values, name):
    """`values` as a tuple; a single module or optimiser given without a list is taken as a list of one."""
    if is_module(values) or is_optimizer(values):
        return (values,)
    if hasattr(values, "__iter__") and not isinstance(values, (str, bytes)):
        return tuple(values)
    raise TypeError(f"ag.jit: {name}= takes a list of them, got {type(values).__name__}; pass e.g. "
                    f"{name}=[...]")
