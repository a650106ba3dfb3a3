"""Gradient hooks on tensors, with handles that remove them."""


class RemovableHandle:
    """Returned by register_hook; .remove() unregisters the hook."""

    def __init__(self, hooks, key):
        self._hooks = hooks
        self._key = key

    def remove(self):
        """Unregister the hook (a second call does nothing)."""
        self._hooks.pop(self._key, None)

    @property
    def id(self):
        """The hook's int key, unique among the handles handed out (PyTorch's RemovableHandle.id)."""
        key = self._key[-1] if isinstance(self._key, tuple) else self._key
        return key if isinstance(key, int) else hash(key)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.remove()


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


def run_hooks(hooks, grad, wrap, unwrap, check):
    """Apply every hook in order of registration, the retain_grad hook last; a hook's non-None return value
    replaces the gradient, after check(fn, result, grad) has accepted it."""
    ordered = [fn for key, fn in hooks.items() if key != RETAIN_KEY and not isinstance(key, tuple)]
    if RETAIN_KEY in hooks:
        ordered.append(hooks[RETAIN_KEY])
    for fn in ordered:
        result = fn(wrap(grad))
        if result is not None:
            check(fn, result, grad)
            grad = unwrap(result)
    return grad


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
            raise RuntimeError(f"register_post_accumulate_grad_hook: tensor post accumulate grad hooks should return "
                               f"None, hook {getattr(fn, '__name__', fn)!r} returned a value; it sees the leaf "
                               f"(shape {tuple(leaf.shape)}) after .grad is updated: change leaf.grad in place "
                               "instead")


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
