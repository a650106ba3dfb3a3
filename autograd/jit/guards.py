"""What a compiled step depends on besides its arguments, and the signature that decides re-capture.

The modules and optimisers a step uses are found where Python keeps them: a bound method's object,
the function's closure cells, the globals its code names, and its arguments (one level into lists,
tuples and dicts); the same, two levels down, for the plain Python functions found there (a step
`lambda x: train(model, x)`, or one calling a helper that closes over the model and optimiser). They are recognised by shape, not by type (autograd does not import nn): a
module has `training`, `modules()` and `named_buffers()`; an optimiser has `param_groups`, `state`
and `step()`.
"""
import types
from operator import attrgetter, is_

from .. import autocast_state as autocast
from ..dtypes import get_default_dtype
from ..tensor import Tensor


def is_module(obj):
    """True for an nn.Module-like object."""
    return hasattr(obj, "training") and callable(getattr(obj, "modules", None)) \
        and callable(getattr(obj, "named_buffers", None))


def is_optimizer(obj):
    """True for an optimiser-like object."""
    return hasattr(obj, "param_groups") and hasattr(obj, "state") and callable(getattr(obj, "step", None))


def is_scheduler(obj):
    """True for a learning-rate-scheduler-like object (it steps an optimiser's learning rates)."""
    return is_optimizer(getattr(obj, "optimizer", None)) and callable(getattr(obj, "step", None)) \
        and callable(getattr(obj, "get_last_lr", None))


def _sources(fn):
    """(bound object, closure cells, globals dict, the global names its code uses) of a step function."""
    code = getattr(fn, "__code__", None)
    owner = getattr(fn, "__self__", None)
    if owner is not None:
        code = getattr(getattr(fn, "__func__", None), "__code__", code)
    glob = getattr(fn, "__globals__", None) or getattr(getattr(fn, "__func__", None), "__globals__", {})
    return owner, getattr(fn, "__closure__", None) or (), glob, code.co_names if code is not None else ()


_source_cache = {}   # id(fn) -> (fn, its _sources)


_NESTING = 2   # how many levels of helper functions (closures, named globals) a step is followed through
_FUNCTIONS = (types.FunctionType, types.MethodType)


def _reachable(sources, fn, depth):
    """The objects one function's sources hold, and those of the plain Python functions among them (a step
    `lambda x: train(model, x)`, or one calling a helper that closes over the model), `depth` levels down."""
    owner, cells, glob, names = sources
    seen = [] if owner is None else [owner]
    for cell in cells:
        try:
            seen.append(cell.cell_contents)
        except ValueError:   # an empty cell
            pass
    seen += [glob[name] for name in names if name in glob]
    if depth:
        for obj in seen[:]:
            if isinstance(obj, _FUNCTIONS) and obj is not fn and _written_by_user(obj):
                seen += _reachable(_cached_sources(obj), obj, depth - 1)
            elif isinstance(obj, types.MethodType):
                seen.append(obj.__self__)
    return seen


_LIBRARIES = {"autograd", "nn", "backends", "numpy", "builtins", "functools"}


def _written_by_user(fn):
    return (getattr(fn, "__module__", None) or "").partition(".")[0] not in _LIBRARIES


def _cached_sources(fn):
    hit = _source_cache.get(id(fn))
    if hit is None or hit[0] is not fn:
        if len(_source_cache) > 64:
            _source_cache.clear()
        hit = _source_cache[id(fn)] = (fn, _sources(fn))
    return hit[1]


def candidates(fn, args, kwargs):
    """The objects a step can reach directly: its bound object, closure cells, named globals, arguments."""
    seen = _reachable(_cached_sources(fn), fn, _NESTING)
    if args:
        seen += [a for a in args if not isinstance(a, Tensor)]
    if kwargs:
        seen += [a for a in kwargs.values() if not isinstance(a, Tensor)]
    for obj in seen[:]:
        kind = type(obj)
        if kind is list or kind is tuple or (kind is not dict and isinstance(obj, (list, tuple))):
            seen += [o for o in obj if not isinstance(o, Tensor)]
        elif kind is dict or isinstance(obj, dict):
            seen += [o for o in obj.values() if not isinstance(o, Tensor)]
    return seen


def tensors_within(objs, depth=3):
    """The Tensors among `objs` and inside their lists, tuples and dicts, down to `depth` levels (a step's
    `for p in params: p.grad = None` clears leaves it only reaches through a container)."""
    found, level = [], list(objs)
    for _ in range(depth + 1):
        nested = []
        for obj in level:
            if isinstance(obj, Tensor):
                found.append(obj)
            elif isinstance(obj, (list, tuple)):
                nested += obj
            elif isinstance(obj, dict):
                nested += obj.values()
        level = nested
    return found


_found = {}   # identities of the candidates -> what discover found among them (most recent few)


def discover(fn, args, kwargs, modules=(), optimizers=()):
    """(root modules, optimisers) the step `fn` uses, explicit ones first, each once."""
    found_in = candidates(fn, args, kwargs)
    key = (id(fn), tuple(map(id, found_in)), tuple(map(id, modules)), tuple(map(id, optimizers)))
    hit = _found.get(key)
    if hit is not None and all(map(is_, hit[0], found_in)):
        return hit[1]
    found = _discover(found_in, modules, optimizers)
    if len(_found) > 64:
        _found.clear()
    _found[key] = (found_in, found)
    return found


def _discover(candidates, modules, optimizers):
    found_mods, found_opts, ids = list(modules), list(optimizers), {id(o) for o in (*modules, *optimizers)}
    for obj in candidates:
        if id(obj) in ids or isinstance(obj, type):
            continue
        if is_module(obj):
            found_mods.append(obj)
            ids.add(id(obj))
        elif is_optimizer(obj):
            found_opts.append(obj)
            ids.add(id(obj))
    return tuple(found_mods), tuple(found_opts)


class Context:
    """The flattened state of the roots: every module (for train/eval) and every parameter (identity)."""

    def __init__(self, roots, optimizers):
        mods, seen = [], set()
        for root in roots:
            for m in root.modules():
                if id(m) not in seen:
                    seen.add(id(m))
                    mods.append(m)
        self.modules = mods
        params, seen = [], set()
        for m in mods:
            for p in m.parameters(recurse=False) if _has_recurse(m) else ():
                if id(p) not in seen:
                    seen.add(id(p))
                    params.append(p)
        for opt in optimizers:
            for group in opt.param_groups:
                for p in group["params"]:
                    if id(p) not in seen:
                        seen.add(id(p))
                        params.append(p)
        self.params = params
        self.buffers = [(m, name) for m in mods for name, _ in m.named_buffers(recurse=False)]

    def state_key(self):
        """Train/eval flags and parameter identities, as they stand now."""
        return tuple(map(_training, self.modules)), tuple(map(id, map(_data, self.params)))


_training, _data = attrgetter("training"), attrgetter("_data")


def _has_recurse(m):
    return callable(getattr(m, "parameters", None))


def signature(leaves, spec, grad_enabled, roots, context):
    """The guard key: input shapes, dtypes and devices, the plain arguments, grad mode, the roots'
    identities, the modules' train/eval flags and parameter identities, the default float dtype
    (the factories inside the step follow it), and the autocast settings (they decide the casts)."""
    shapes = tuple([(a.shape, a.dtype.str, _device_name(a)) for a in leaves])
    return (shapes, spec, grad_enabled, tuple(map(id, roots)), context.state_key(), get_default_dtype(),
            autocast.key())


def _device_name(a):
    dev = getattr(a, "_device", None)
    return dev.name if dev is not None else type(a).__module__


__all__ = ["discover", "signature", "Context", "is_module", "is_optimizer"]
