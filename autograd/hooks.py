"""Gradient hooks on tensors, with handles that remove them."""
from .errors import DtypeError, GraphError, ShapeError


class RemovableHandle:
    """Returned by register_hook; .remove() unregisters the hook."""

    def __init__(self, hooks, key):
        self._hooks = hooks
        self._key = key

    def remove(self):
        """Unregister the hook (a second call does nothing)."""
        self._hooks.pop(self._key, None)


_next_key = [0]


#: the key of the hook that retain_grad registers: there is at most one per tensor, and it runs after every other
#: hook on that tensor (whatever the order of registration), so .grad holds the gradient the hooks made, as PyTorch
RETAIN_KEY = "retain_grad"
#: the first item of the keys of a leaf's post-accumulate-grad hooks, which run after .grad is updated (they share
#: the leaf's hook dict, so a leaf carries no extra slot; run_hooks passes over them)
POST_ACCUMULATE = "post_accumulate"


def add_hook(tensor, fn, key=None):
    """Register fn(grad) on a tensor: on a leaf it runs before accumulation, on a non-leaf when its grad is ready.
    `key=RETAIN_KEY` registers (or replaces) the tensor's one retain_grad hook."""
    if tensor._node is None:
        if tensor._hooks is None:
            tensor._hooks = {}
        hooks = tensor._hooks
    else:
        node = tensor._node
        if node._hooks is None:
            node._hooks = {}
        hooks = node._hooks.setdefault(tensor._out_idx, {})
    if key is None:
        _next_key[0] += 1
        key = _next_key[0]
    hooks[key] = fn
    return RemovableHandle(hooks, key)


def run_hooks(hooks, grad, wrap, unwrap):
    """Apply every hook in order of registration, the retain_grad hook last; a hook's non-None return value
    replaces the gradient."""
    ordered = [fn for key, fn in hooks.items() if key != RETAIN_KEY and not isinstance(key, tuple)]
    if RETAIN_KEY in hooks:
        ordered.append(hooks[RETAIN_KEY])
    for fn in ordered:
        result = fn(wrap(grad))
        if result is not None:
            _check_hook_result(fn, result, grad)
            grad = unwrap(result)
    return grad


def _check_hook_result(fn, result, grad):
    """Refuse what PyTorch refuses from a tensor hook: a non-Tensor, or a gradient of another size or dtype
    (the engine would otherwise fail far from the hook, or carry the wrong gradient on)."""
    from .tensor import Tensor   # imported here: tensor.py imports this module
    name = getattr(fn, "__name__", type(fn).__name__)
    if not isinstance(result, Tensor):
        raise TypeError(f"register_hook: expected Tensor, but hook {name!r} returned {type(result).__name__!r}; "
                        "a tensor hook must return None or a Tensor of the gradient's shape and dtype "
                        "(wrap arrays with torch.as_tensor)")
    shape, dtype = tuple(getattr(grad, "shape", ())), getattr(grad, "dtype", None)
    if tuple(result.shape) != shape:
        raise ShapeError(f"register_hook: hook {name!r} has changed the size of value: it returned a gradient of "
                         f"shape {tuple(result.shape)} for a tensor of shape {shape}; return a gradient of the "
                         "tensor's own shape")
    if dtype is not None and result.dtype != dtype:
        raise DtypeError(f"register_hook: hook {name!r} has changed the type of value: it returned {result.dtype} "
                         f"for a {dtype} gradient; convert it back, e.g. return g.to(torch.{dtype})")


def add_post_accumulate_hook(leaf, fn):
    """Register fn(leaf) to run after backward has accumulated into leaf.grad."""
    if leaf._hooks is None:
        leaf._hooks = {}
    _next_key[0] += 1
    key = (POST_ACCUMULATE, _next_key[0])
    leaf._hooks[key] = fn
    return RemovableHandle(leaf._hooks, key)


def run_post_accumulate_hooks(leaf):
    """Call the leaf's post-accumulate-grad hooks, in order of registration."""
    for key, fn in list(leaf._hooks.items()):
        if isinstance(key, tuple) and key[0] == POST_ACCUMULATE and fn(leaf) is not None:
            raise GraphError(f"register_post_accumulate_grad_hook: tensor post accumulate grad hooks should return "
                             f"None, hook {getattr(fn, '__name__', fn)!r} returned a value; it sees the leaf (shape "
                             f"{tuple(leaf.shape)}) after .grad is updated: change leaf.grad in place instead")


#: the first items of the keys of the hooks on a leaf's AccumulateGrad node (grad_fn.next_functions' end of the
#: graph): its pre-hooks run after the leaf's tensor hooks, before accumulation; its hooks after it
ACCUMULATE_PRE, ACCUMULATE_POST = "accumulate_pre", "accumulate_post"


def add_accumulator_hook(leaf, kind, fn):
    """Register fn on the AccumulateGrad node of `leaf` as an ACCUMULATE_PRE or ACCUMULATE_POST hook."""
    check_hook(fn, f"AccumulateGrad.register_{'prehook' if kind == ACCUMULATE_PRE else 'hook'}")
    if leaf._hooks is None:
        leaf._hooks = {}
    return keep_hook(leaf._hooks, fn, kind)


def check_hook(fn, where):
    """Refuse a hook that cannot be called, naming where it was registered."""
    if not callable(fn):
        raise TypeError(f"{where}: expected a callable, got {type(fn).__name__}")


def keep_hook(hooks, fn, kind=None):
    """Put fn into the dict `hooks` under a new key ((kind, key) when a kind is given); returns its handle."""
    _next_key[0] += 1
    key = _next_key[0] if kind is None else (kind, _next_key[0])
    hooks[key] = fn
    return RemovableHandle(hooks, key)


def run_accumulator_hooks(leaf, kind, grad, wrap, unwrap):
    """The leaf's gradient after its AccumulateGrad's hooks of this kind: a pre-hook gets (grad,) and may return a
    one-tuple that replaces it; a hook gets ((), (grad,)) and may not replace anything."""
    for key, fn in list(leaf._hooks.items()):
        if not (isinstance(key, tuple) and key[0] == kind):
            continue
        if kind == ACCUMULATE_POST:
            if fn((), (wrap(grad),)) not in (None, ()):
                raise TypeError("a hook on AccumulateGrad returned a value; the node has no inputs, so its hook "
                                "must return None (use register_prehook to change the gradient)")
            continue
        result = fn((wrap(grad),))
        if result is not None:
            if not isinstance(result, (tuple, list)) or len(result) != 1:
                raise TypeError(f"a pre-hook on AccumulateGrad returned {type(result).__name__}; it must return "
                                "None or a tuple holding one gradient")
            grad = unwrap(result[0])
    return grad
