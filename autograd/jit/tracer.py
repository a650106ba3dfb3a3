"""The capture call: run the step once with the recorder installed and turn what it did into a plan."""
from ..capture import state as capture
from ..tensor import Tensor
from .guards import candidates, is_scheduler, tensors_within
from .plan import Plan
from .recorder import Recorder
from .refs import Const
from .tree import flatten

_DRAWS = ("rand", "randn", "randint", "permutation", "uniform", "normal", "bernoulli")


def capture_step(fn, args, kwargs, leaves, roots, optimizers, context):
    """Run fn(*args, **kwargs) recording it; returns (its result, the plan that replays it)."""
    rec = Recorder()
    inputs = [rec.new_slot(_array(leaf)) for leaf in leaves]
    states, before = [], []
    for module, name in context.buffers:
        t = getattr(module, name, None)
        if isinstance(t, Tensor):
            states.append((module, name, rec.new_slot(t._data)))
            before.append((module, name, t))
    devices = {id(d): d for d in [leaf._device for leaf in leaves if isinstance(leaf, Tensor)]
               + [p._device for p in context.params]}
    reachable = candidates(fn, args, kwargs)
    known = list(context.params) + list(leaves) + tensors_within(reachable)   # leaves seen from here
    rec.had_grad = {id(t) for t in known if isinstance(t, Tensor) and t.grad is not None}
    rec.known = {id(t) for t in known if isinstance(t, Tensor)}
    rec.inputs = {id(leaf) for leaf in leaves if isinstance(leaf, Tensor)}
    schedulers = [obj for obj in reachable if is_scheduler(obj)]
    undo = _patch_hosts(rec, roots, optimizers, schedulers) + _patch_draws(rec, devices.values())
    rec.settings = lambda: _settings(optimizers)
    rec.seen_settings = rec.settings()
    capture.recorder = rec
    try:
        result = fn(*args, **kwargs)
        rec.check_settings()
    finally:
        capture.recorder = None
        for restore in reversed(undo):
            restore()
    if rec.sparse or rec.into_inputs:
        # sparse tensors' indices are data, not shapes; and a replay could not reach the .grad of the tensors a
        # later call passes: no plan, the step stays eager
        return result, None
    writebacks = []
    for module, name, old in before:
        new = getattr(module, name, None)
        if new is not old and isinstance(new, Tensor):
            writebacks.append((module, name, rec.ref(new._data)))
    out_leaves, out_spec = flatten(result)
    outputs = []
    for leaf in out_leaves:
        ref = rec.ref(_array(leaf))
        outputs.append(("const", ref.value) if isinstance(ref, Const) else ("slot", ref))
    out_devices = [leaf._device if isinstance(leaf, Tensor) else None for leaf in out_leaves]
    on_gpu = any(not d.host_memory for d in devices.values())
    if on_gpu:
        from .cuda_graph import CudaPlan
        plan = CudaPlan(rec, inputs, states, writebacks, outputs, next(d for d in devices.values()
                                                                        if not d.host_memory))
    else:
        used = {id(e[2].device): e[2].device for e in rec.entries if e[0] == "fwd"} or devices
        device = next(iter(used.values())) if len(used) == 1 else None   # lowered only on one device
        plan = Plan(rec.vals, inputs, states, writebacks, rec.entries, outputs, device)
    plan.out_spec, plan.out_devices = out_spec, out_devices
    return result, plan


def _settings(optimizers):
    """[(where, value)] of every optimiser's numeric settings (learning rate, momentum, betas, ...)."""
    found = []
    for opt in optimizers:
        for g, group in enumerate(getattr(opt, "param_groups", ())):
            for key, value in group.items():
                if key != "params" and isinstance(value, (int, float, tuple)) and not isinstance(value, bool):
                    found.append((f"{type(opt).__name__}.param_groups[{g}][{key!r}]", value))
    return found


def _array(leaf):
    return leaf._data if isinstance(leaf, Tensor) else leaf


def _patch(obj, name, replacement):
    """Set obj.name = replacement on the instance; returns the function that undoes it."""
    had = name in getattr(obj, "__dict__", {})
    old = obj.__dict__.get(name) if had else None
    object.__setattr__(obj, name, replacement)

    def undo():
        if had:
            object.__setattr__(obj, name, old)
        else:
            obj.__dict__.pop(name, None)
    return undo


def _patch_hosts(rec, roots, optimizers, schedulers=()):
    """Make optimiser.step / zero_grad, module.zero_grad and a learning-rate scheduler's step record
    themselves as host calls (each replay runs them again, so a scheduler stepped inside the step moves
    the learning rate in replays as in eager mode)."""
    undo = []
    targets = [(o, "step") for o in optimizers] + [(o, "zero_grad") for o in optimizers] \
        + [(m, "zero_grad") for m in roots] + [(s, "step") for s in schedulers]
    for obj, name in targets:
        original = getattr(obj, name, None)
        if original is None:
            continue
        undo.append(_patch(obj, name, _host_wrapper(rec, original)))
    return undo


def _host_wrapper(rec, original):
    def call(*args, **kwargs):
        if rec.host_depth:
            return original(*args, **kwargs)
        return rec.host_call(original, args, kwargs)
    call.__name__ = getattr(original, "__name__", "call")
    return call


def _patch_draws(rec, devices):
    """Make each device's random draws report to the recorder (so they are repeated on replay)."""
    undo = []
    for device in devices:
        for name in _DRAWS:
            original = getattr(device, name, None)
            if original is not None:
                undo.append(_patch(device, name, _draw_wrapper(rec, original)))
    return undo


def _draw_wrapper(rec, original):
    def draw(*args):
        result = original(*args)
        rec.on_draw(original, args, result)
        return result
    return draw
