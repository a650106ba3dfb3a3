"""Putting the weights of a real Keras 3 weights file (a `keras_h5_weights.WeightGroup` tree) into an nn.keras
model built by the same code, and its optimizer's variables into the model's optimizer.

Keras addresses objects by where they sit, not by their names: a Sequential or functional model's layers are
the groups 'layers/<snake-cased class name>' ('dense', 'dense_1', ... counted per class in `model.layers`
order), a layer's sub-layers and a subclassed model's attributes the groups named after the attribute, and
each object's own variables its 'vars' in the order of its `weights`. Where nn.keras keeps a layer's weights
directly and Keras in a sub-layer (an LSTM's 'cell'), the sub-layer's variables count as the layer's own.
"""
import numpy as np

from ..naming import snake_case
from .keras_h5_weights import walk_order

# Keras builds these optimizers' slots in several passes (all weights' first slot, then all weights' next);
# the others make all of a weight's slots together, weight by weight.
_SLOT_PASSES = {"Adam": (("m", "v"), ("v_hat",)), "AdamW": (("m", "v"), ("v_hat",)),
                "RMSprop": (("velocity",), ("momentum",), ("average_gradient",))}
# variables Keras keeps after the slots (Nadam's running product of its momentum schedule)
_TRAILING = {"Nadam": 1}
# groups Keras writes for a compiled model's loss and metric trackers, which carry no weights of the model
_TRACKER_GROUPS = ("compile_metrics", "_compile_metrics", "compile_loss", "_compile_loss", "_loss_tracker",
                   "loss_tracker", "metrics")


class _Matcher:
    """Collects (weight, value, file path) for a model from a WeightGroup tree, naming what does not fit."""

    def __init__(self, filepath, who, skip_mismatch):
        self.filepath, self.who, self.skip = filepath, who, skip_mismatch
        self.values, self.visited, self.used = {}, set(), set()

    def layer(self, obj, group):
        """Match `obj` (a layer or model) with `group` and everything below it."""
        from ..layer import Layer
        if id(obj) in self.visited:
            return
        self.visited.add(id(obj))
        self.used.add(group.path)
        spare = list(group.vars)   # the file's variables that belong to obj itself
        taken = set()
        for name in self._ordered_children(obj, group):
            child = group.children[name]
            if name == "layers" and _has_layer_list(obj):
                taken |= self.container(obj.layers, child)
                continue
            target = _attribute(obj, name)
            if isinstance(target, Layer) and not getattr(target, "holds_owner_weights", False):
                self.layer(target, child)
                taken |= {id(w) for w in target.weights}
            elif isinstance(target, (list, tuple)) and target and all(isinstance(t, Layer) for t in target):
                taken |= self.container(target, child)
            elif name in _TRACKER_GROUPS or name == "optimizer":
                continue
            else:   # a sub-layer in Keras whose weights nn.keras keeps on `obj` itself
                spare += child.flat_vars()
                self.used |= set(_paths(child))
        # obj's own weights (one of them may also be a sub-layer's, as SpectralNormalization's kernel, which
        # Keras then saves twice), then those of sub-layers the file has no group for
        own = list(obj._keras_variable_order() if hasattr(obj, "_keras_variable_order")   # quantized: Keras's
                   else obj._own_weights() if hasattr(obj, "_own_weights") else [])
        mine = {id(w) for w in own}
        own += [w for w in obj.weights if id(w) not in taken and id(w) not in mine]
        adapters = {id(w) for w in obj.lora_adapters()} if hasattr(obj, "lora_adapters") else set()
        own = [w for w in own if id(w) not in adapters]   # Keras saves a LoRA layer's kernel merged, A and B not
        self._pair(obj, own, spare, group.path)

    def container(self, layers, group):
        """Match a list of layers with the group holding them ('<class>', '<class>_1', ...); their weights' ids."""
        counts, taken = {}, set()
        for layer in layers:
            key = snake_case(type(layer).__name__)
            name = key if key not in counts else f"{key}_{counts[key]}"
            counts[key] = counts.get(key, 0) + 1
            taken |= {id(w) for w in layer.weights}
            if id(layer) in self.visited:
                continue
            child = group.children.get(name)
            if child is None:
                if layer.weights and not self.skip:
                    raise ValueError(f"{self.who}({self.filepath!r}): the file has no weights for layer "
                                     f"{getattr(layer, 'name', name)!r} (looked for group '{group.path}/{name}'; the "
                                     f"file has {sorted(group.children)}); the model and the file differ")
                self.visited.add(id(layer))
                continue
            self.layer(layer, child)
        self.used.add(group.path)
        return taken

    def unused(self, group):
        """The paths of the groups holding variables that no part of the model took (optimizer aside)."""
        if group.path in self.used:
            return [p for name, child in group.children.items() if name not in _TRACKER_GROUPS + ("optimizer",)
                    for p in self.unused(child)]
        return [] if group.is_empty() else [group.path]

    def _ordered_children(self, obj, group):
        names = walk_order(group.children)
        if not _has_layer_list(obj):   # a subclassed model: its attributes and `layers` in plain walk order
            return names
        return (["layers"] if "layers" in names else []) + [n for n in names if n != "layers"]

    def _pair(self, obj, weights, values, path):
        name = getattr(obj, "name", type(obj).__name__)
        fits = len(weights) == len(values) and all(tuple(w.shape) == v.shape for w, v in zip(weights, values))
        if self.skip and not fits:
            return
        if len(weights) != len(values):
            raise ValueError(f"{self.who}({self.filepath!r}): layer {name!r} has {len(weights)} weights "
                             f"{[tuple(w.shape) for w in weights]} but the file holds {len(values)} at '{path}' "
                             f"{[v.shape for v in values]}; the model and the file differ")
        for w, v in zip(weights, values):
            if tuple(w.shape) != tuple(v.shape):
                raise ValueError(f"{self.who}({self.filepath!r}): layer {name!r}: weight {_weight_label(w)} has "
                                 f"shape {tuple(w.shape)} but the file holds shape {v.shape} at '{path}'")
            self.values[id(w)] = v


def _paths(group):
    return [group.path] + [p for child in group.children.values() for p in _paths(child)]


def _weight_label(weight):
    return repr(getattr(weight, "name", None) or "?")


def _has_layer_list(obj):
    """Sequential and functional models (subclasses included), whose layers Keras saves under 'layers' first
    (found by class name: this module is imported by model.py's saving, so it cannot import model.py)."""
    return any(c.__name__ in ("Functional", "Sequential") and c.__module__.startswith("nn.keras")
               for c in type(obj).__mro__)


def _attribute(obj, name):
    """obj's attribute `name` (Keras's private '_x' may be nn.keras's public 'x'), or None."""
    for candidate in (name, name.lstrip("_")):
        try:
            value = getattr(obj, candidate)
        except Exception:   # a property that fails is no sub-layer
            continue
        if value is not None:
            return value
    return None


def assign_model_weights(model, tree, filepath, who="load_weights", skip_mismatch=False):
    """Set `model`'s weights from a Keras weights-file tree (skip_mismatch: keep the weights that do not fit)."""
    if not model.built:
        raise ValueError(f"{who}: build {model.name} first (call it on data, or give it an Input) so it has weights "
                         "to load into")
    matcher = _Matcher(filepath, who, skip_mismatch)
    matcher.layer(model, tree)   # as in Keras, entries of the file that no layer takes are left unread
    from ..layers.lora import lora_layers, zero_adapters
    adapters = {id(w) for layer in lora_layers(model) for w in layer.lora_adapters()}
    weights = model.weights
    missing = [_weight_label(w) for w in weights if id(w) not in matcher.values and id(w) not in adapters]
    if missing and not skip_mismatch:
        raise ValueError(f"{who}({filepath!r}): the file holds no values for the weights {missing} of {model.name}; "
                         "the model and the file differ")
    model.set_weights([matcher.values[id(w)] if id(w) in matcher.values else w.numpy() for w in weights])
    for layer in lora_layers(model):
        zero_adapters(layer)


def restore_keras_optimizer(optimizer, model, group, filepath, who="load_model"):
    """Set `optimizer`'s step count, learning rate and slots from the 'optimizer' group of a Keras weights
    file (slots matched to model.trainable_weights in Keras's order)."""
    from ..loss_scale_optimizer import LossScaleOptimizer
    from ..optimizers_multi import MultiOptimizer
    from .keras_h5_weights import WeightGroup
    if isinstance(optimizer, MultiOptimizer):
        _restore_multi_optimizer(optimizer, model, group, filepath, who)
        return
    values = list(group.vars)
    if isinstance(optimizer, LossScaleOptimizer):   # its step count and rate (both 0), its scale's two, the inner's
        if len(values) < 4:
            raise ValueError(f"{who}({filepath!r}): the file's optimizer ({group.path}) holds {len(values)} "
                             "variables, fewer than a LossScaleOptimizer's own four; the optimizer settings differ")
        restore_keras_optimizer(optimizer.inner_optimizer, model, WeightGroup(group.path, values[4:], {}), filepath,
                                who)
        optimizer.restore_scale(values[2], values[3])
        return
    trailing = len(optimizer._trailing_variables()) if _TRAILING.get(type(optimizer).__name__) else 0
    saved_trailing = []
    if trailing and len(values) > 2:
        values, saved_trailing = values[:-trailing], values[-trailing:]
    weights = model.trainable_weights
    passes = _SLOT_PASSES.get(type(optimizer).__name__, (optimizer._slot_names(),))
    passes = [tuple(s for s in p if s in optimizer._slot_names()) for p in passes]
    passes = [(slot,) for slot in optimizer._extra_slot_names()] + [p for p in passes if p]
    scalars = 1 + (optimizer._schedule is None)
    expected = scalars + sum(len(p) * len(weights) for p in passes)
    if len(values) == scalars:   # saved before its first step: Keras had built no slots yet
        passes = ()
    elif len(values) != expected:
        raise ValueError(f"{who}({filepath!r}): the file's optimizer ({group.path}) holds {len(values)} "
                         f"variables but a {type(optimizer).__name__} for {model.name}'s {len(weights)} trainable "
                         f"weights has {expected} (its step count, learning rate and slots {passes}); the optimizer "
                         "settings or the model differ")
    state = {}
    position = scalars
    for slots in passes:
        for weight in weights:
            for slot in slots:
                value = values[position]
                position += 1
                want = optimizer.slot_shape(slot, weight.shape)
                if tuple(value.shape) != tuple(want):
                    raise ValueError(f"{who}({filepath!r}): optimizer slot '{slot}' for weight "
                                     f"{_weight_label(weight)} has shape {value.shape} in the file but the weight "
                                     f"needs {tuple(want)}")
                state.setdefault(id(weight), {})[slot] = weight.device.asarray(np.array(value, dtype=weight.dtype))
    if passes:
        optimizer.build(weights)
    optimizer.iterations = int(values[0])
    if optimizer._schedule is None:
        optimizer._group["lr"] = float(values[1])
    for weight in weights:
        if id(weight) in state:
            optimizer.state[id(weight)] = state[id(weight)]
    if saved_trailing:
        optimizer._set_trailing_values(saved_trailing)


class _PartWeights:
    """The trainable weights one part of a MultiOptimizer updates, standing in for the model when its saved
    variables are restored."""

    def __init__(self, name, weights):
        self.name, self.trainable_weights = name, weights


def multi_optimizer_parts(optimizer, model):
    """[(group name, part, _PartWeights)] for each part of a MultiOptimizer: the name Keras files it under in the
    'optimizers' group (by class: adam, adam_1, sgd, ...) and the model's trainable weights it updates."""
    from ..naming import snake_case
    names, used = [], {}
    for part in optimizer.optimizers:
        base = snake_case(type(part).__name__)
        used[base] = used.get(base, -1) + 1
        names.append(f"{base}_{used[base]}" if used[base] else base)
    weights = model.trainable_weights
    routes = [optimizer._route(w) for w in weights]
    return [(name, part, _PartWeights(model.name, [w for w, route in zip(weights, routes) if route == k]))
            for k, (part, name) in enumerate(zip(optimizer.optimizers, names))]


def _restore_multi_optimizer(optimizer, model, group, filepath, who):
    """A MultiOptimizer's step count, then each part's variables from the file's 'optimizers/<part name>' group."""
    saved = group.children.get("optimizers")
    parts = multi_optimizer_parts(optimizer, model)
    names = [name for name, _, _ in parts]
    if saved is None or set(saved.children) != set(names):
        raise ValueError(f"{who}({filepath!r}): the file's MultiOptimizer ({group.path}) holds the parts "
                         f"{sorted(saved.children) if saved else []} but {model.name}'s has {names} (by class); the "
                         "optimizer settings differ")
    for name, part, mine in parts:
        restore_keras_optimizer(part, mine, saved.children[name], filepath, who)
    optimizer.iterations = int(group.vars[0])
    optimizer.built = True
