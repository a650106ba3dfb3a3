"""Running a Module with tensors held outside it: torch.func.functional_call and stack_module_state; and
torch.func.replace_all_batch_norm_modules_.

    params = {name: p.detach() for name, p in model.named_parameters()}
    out = functional_call(model, params, (x,))          # model(x) with `params` in place of its own

The given tensors stand in for the module's parameters and buffers for one call (gradients flow to them, not to
the module's parameters) and the originals are put back afterwards, also when the call raises. This is what
MAML-style inner loops and per-sample gradients (vmap(grad(...)) over functional_call) are built on.
`import nn` installs these functions on autograd.func (ag.func), whose transforms they are meant for.
"""
from contextlib import contextmanager

import autograd as ag
from autograd import Tensor
from autograd.errors import ArgumentKindError

from ..layers.normalization import _BatchNorm


def _merge(op, dicts):
    """One {dotted name: Tensor} from a dict or a tuple/list of dicts (a name in two dicts is ambiguous)."""
    parts = dicts if isinstance(dicts, (tuple, list)) else (dicts,)
    merged = {}
    for part in parts:
        if not isinstance(part, dict):
            raise ArgumentKindError(f"{op}: parameter_and_buffer_dicts must be a dict (or a tuple of dicts) from "
                                    f"dotted names to Tensors, got {type(part).__name__}; pass e.g. "
                                    "dict(model.named_parameters())")
        repeated = sorted(k for k in part if k in merged)
        if repeated:
            raise ValueError(f"{op}: {repeated} appear in more than one of the dicts; which value to use is "
                             "ambiguous: give each name once")
        for name, value in part.items():
            if not isinstance(name, str):
                raise TypeError(f"{op}: keys must be dotted names (str), got {type(name).__name__} {name!r}")
            if not isinstance(value, Tensor):
                raise TypeError(f"{op}: the value for {name!r} must be a Tensor, got {type(value).__name__}")
            merged[name] = value
    return merged


def _tie(op, module, values):
    """`values` extended to every other name of each given tied tensor (one Parameter under several names)."""
    names = {}
    members = list(module.named_parameters(remove_duplicate=False)) + \
        list(module.named_buffers(remove_duplicate=False))
    for name, tensor in members:
        names.setdefault(id(tensor), []).append(name)
    values = dict(values)
    for group in names.values():
        given = [n for n in group if n in values]
        if len(group) < 2 or not given:
            continue
        if any(values[n] is not values[given[0]] for n in given):
            raise ValueError(f"{op}: got different values for {given}, which are the same tied tensor in the "
                             "module; give one of them (or the same Tensor for all), or pass tie_weights=False")
        for n in group:
            values[n] = values[given[0]]
    return values, [name for name, _ in members]


def _check_strict(op, module, values, known):
    missing = [n for n in known if n not in values]
    unexpected = [n for n in values if n not in set(known)]
    if missing or unexpected:
        # PyTorch's lines first (sorted names, unexpected then missing), then deepgrad's advice
        lines = ([f"\tUnexpected key(s): {', '.join(map(repr, sorted(unexpected)))}."] if unexpected else []) + \
            ([f"\tMissing key(s): {', '.join(map(repr, sorted(missing)))}."] if missing else [])
        ours = ([f"missing: {', '.join(missing)}"] if missing else []) + \
            ([f"unexpected: {', '.join(unexpected)}"] if unexpected else [])
        raise RuntimeError(f"Error(s) in reparametrizing for {type(module).__name__}:\n" + "\n".join(lines) +
                           f"\n{op}: with strict=True the dicts must name every parameter and buffer of "
                           f"{type(module).__name__} and nothing else; " + "; ".join(ours))


def _put(op, owner, attr, value):
    """Set `attr` of `owner` to `value` in its registry (bypassing Module.__setattr__, which takes only Parameters
    for a parameter) and in the attribute mirror; returns (registry or None, old value) to undo it."""
    if isinstance(getattr(type(owner), attr, None), property):
        raise ValueError(f"{op}: {attr!r} of {type(owner).__name__} is computed (a parametrization); give the tensor "
                         f"it is computed from instead (e.g. 'parametrizations.{attr}.original')")
    store = next((s for s in (owner._parameters, owner._buffers) if attr in s), None)
    old = store[attr] if store is not None else owner.__dict__.get(attr, _ABSENT)
    if store is not None:
        store[attr] = value
    owner.__dict__[attr] = value   # an unknown name becomes a plain attribute for the call, as in PyTorch
    return store, old


_ABSENT = object()


@contextmanager
def _reparametrized(op, module, values, tie_weights, strict, write_back=None):
    """Within the block `module` holds `values`; afterwards its own tensors again. A name the module reassigned
    meanwhile (e.g. `self.count = self.count + 1`) gets its new value written into `write_back`, as PyTorch does."""
    given = values
    if tie_weights:
        values, known = _tie(op, module, values)
    else:
        known = [n for n, _ in module.named_parameters(remove_duplicate=False)] + \
            [n for n, _ in module.named_buffers(remove_duplicate=False)]
    if strict:
        _check_strict(op, module, values, known)
    undo, done, placed = [], set(), []
    try:
        for name, value in values.items():
            path, _, attr = name.rpartition(".")
            try:
                owner = module.get_submodule(path)
            except AttributeError as why:
                raise AttributeError(f"{op}: cannot place {name!r}: {why}") from None
            key = (id(owner), attr)
            store, old = _put(op, owner, attr, value)
            placed.append((name, owner, attr))
            if key not in done:               # a module reached by two paths is restored once, to its original
                done.add(key)
                undo.append((owner, attr, store, old))
        yield
    finally:
        if write_back is not None:
            write_back.update({name: owner.__dict__.get(attr) for name, owner, attr in placed
                               if name in given and owner.__dict__.get(attr) is not given[name]})
        for owner, attr, store, old in reversed(undo):
            if store is not None:
                store[attr] = owner.__dict__[attr] = old
            elif old is _ABSENT:
                owner.__dict__.pop(attr, None)
            else:
                owner.__dict__[attr] = old


def functional_call(module, parameter_and_buffer_dicts, args=None, kwargs=None, *, tie_weights=True,
                    strict=False):
    """torch.func.functional_call: `module(*args, **kwargs)` with the tensors of parameter_and_buffer_dicts (a
    dict, or a tuple of dicts, from dotted names such as 'layer.weight' to Tensors) in place of the module's
    own for this call; the originals are restored afterwards, even on an error. `args` that is not a tuple is
    the single positional argument. tie_weights=True: a value given for one name of a tied tensor is used
    under all its names. strict=True: the names must be exactly the module's parameters and buffers.
    A tensor the module reassigns during the call (a counter buffer) is written back into a single given dict."""
    op = "functional_call"
    values = _merge(op, parameter_and_buffer_dicts)
    if args is None:
        args = ()
    elif not isinstance(args, tuple):
        args = (args,)
    write_back = parameter_and_buffer_dicts if isinstance(parameter_and_buffer_dicts, dict) else None
    with _reparametrized(op, module, values, tie_weights, strict, write_back):
        return module(*args, **(kwargs or {}))


class StructureMismatchError(KeyError):
    """stack_module_state of models whose parameters differ in name: PyTorch's KeyError, printed as a sentence."""
    __str__ = Exception.__str__


def stack_module_state(models):
    """torch.func.stack_module_state: (params, buffers), dicts from each name to the models' tensors stacked on
    a new leading dim; the stacked parameters are new leaves that require grad as the models' do. The models
    must be of one class, in one training mode, with equally shaped tensors (an ensemble for vmap)."""
    op = "stack_module_state"
    models = list(models)
    if not models:
        raise RuntimeError(f"{op}: give at least one model, got none")
    if len({type(m) for m in models}) > 1:
        raise RuntimeError(f"{op}: every model must be of the same class, got "
                           f"{sorted({type(m).__name__ for m in models})}")
    if len({m.training for m in models}) > 1:
        raise RuntimeError(f"{op}: every model must be in the same mode; call .train() or .eval() on all of them")

    def stacked(kind, make_leaf):
        per_model = [dict(getattr(m, f"named_{kind}")()) for m in models]
        out = {}
        for name in per_model[0]:
            lacking = [k for k, state in enumerate(per_model) if name not in state]
            if lacking:
                raise StructureMismatchError(f"{op}: model {lacking[0]} has no {kind[:-1]} {name!r} that model 0 has; "
                                             "the models must have the same structure (the same layers, with bias "
                                             "or without it in all)")
            tensors = [state[name] for state in per_model]
            shapes = {tuple(t.shape) for t in tensors}
            if len(shapes) > 1:
                raise RuntimeError(f"{op}: {name!r} has different shapes across the models ({sorted(shapes)})")
            flags = {t.requires_grad for t in tensors}
            if make_leaf and len(flags) > 1:
                raise RuntimeError(f"{op}: {name!r} requires grad in some models and not in others; make them agree")
            joined = ag.stack([t.detach() for t in tensors])
            out[name] = joined.requires_grad_(flags.pop()) if make_leaf else joined
        return out
    return stacked("parameters", True), stacked("buffers", False)


def replace_all_batch_norm_modules_(root):
    """In place: every BatchNorm module in `root` (root included) that tracks running statistics stops doing so,
    its running_mean, running_var and num_batches_tracked set to None (torch.func's helper for vmap); returns root."""
    for module in root.modules():
        if isinstance(module, _BatchNorm) and module.track_running_stats:
            module.running_mean = None
            module.running_var = None
            module.num_batches_tracked = None
            module.track_running_stats = False
    return root
