"""Writing a model's weights as real Keras 3 lays them out in the 'model.weights.h5' member of a `.keras` zip,
so that `keras.saving.load_model` opens the files nn.keras writes.

The layout is the one keras_h5_weights reads: each saved object (model, layer, sub-layer, optimizer) is an HDF5
group at the path of the attributes leading to it ('layers/dense', 'layers/lstm/cell', 'optimizer'), its own
variables the datasets '<path>/vars/0', '<path>/vars/1', ..., and each 'vars' group carries the object's name
as an attribute. Before anything is written the tree is read back through the same matcher load_model uses
for Keras's files (keras_h5_assign), so a model whose layout this module gets wrong writes no HDF5 member at
all rather than one that loads wrong weights. h5py is optional: without it no HDF5 member is written.
"""
import io

import numpy as np

from autograd import arrays

from ..naming import snake_case
from .keras_h5_assign import _SLOT_PASSES, _TRAILING, _has_layer_list, _Matcher, multi_optimizer_parts
from .keras_h5_weights import WeightGroup

# layers whose weights nn.keras keeps on the layer itself where Keras keeps them on a sub-layer 'cell'
_CELL_HOLDERS = ("LSTM", "GRU", "SimpleRNN", "ConvLSTM1D", "ConvLSTM2D", "ConvLSTM3D")
# dtypes HDF5 stores natively (bfloat16 and the float8 types would need Keras's attribute convention)
_PLAIN_DTYPES = {np.dtype(t) for t in ("bool", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32",
                                       "uint64", "float16", "float32", "float64")}


class _Node:
    """One saved object: its name (the 'vars' group's attribute), its variables and the objects below it."""

    def __init__(self, name, values, children, weights=()):
        self.name, self.values, self.children, self.weights = name, values, children, list(weights)

    def as_group(self, path=""):
        """The keras_h5_weights.WeightGroup this node reads back as."""
        children = {k: c.as_group(f"{path}/{k}" if path else k) for k, c in self.children.items()}
        return WeightGroup(path or "/", list(self.values), children)

    def pairs(self):
        """(weight, value) for every weight in the tree."""
        out = list(zip(self.weights, self.values))
        for child in self.children.values():
            out += child.pairs()
        return out


def keras_weights_h5(model, with_optimizer=False):
    """The bytes of a Keras 3 'model.weights.h5' for `model` (its weights and, when compiled, its optimizer's
    variables), or None when h5py is missing or the model holds something this layout cannot carry (with
    with_optimizer=True, also when a compiled model's optimizer state cannot be written in Keras's order)."""
    try:
        import h5py
    except ImportError:
        return None
    try:
        tree = _model_tree(model, with_optimizer)
    except Exception:   # the HDF5 member is an extra for real Keras: a layout it cannot carry must not fail save
        return None
    if tree is None:
        return None
    raw = io.BytesIO()
    with h5py.File(raw, "w") as handle:
        _write(handle, tree)
    return raw.getvalue()


def _model_tree(model, with_optimizer=False):
    tree = _weights_node(model)
    if not _reads_back(model, tree):
        return None
    optimizer = getattr(model, "optimizer", None) if getattr(model, "_compiled", None) is not None else None
    if optimizer is not None:
        node = _optimizer_node(optimizer, model)
        if node is not None:
            tree.children["optimizer"] = node
        elif with_optimizer:
            return None
    return tree


def _weights_node(model):
    from ..layers.lora import saved_weights
    _, merged = saved_weights(model, model.weights)   # a LoRA kernel is stored merged, as Keras saves it
    return _layer_node(model, set(), merged)


def model_node(model):
    """The tree of `model`'s weights and (when compiled) its optimizer's variables in Keras's layout, as the
    file would hold them (not checked against the reader: for comparing a file with a model)."""
    tree = _weights_node(model)
    optimizer = getattr(model, "optimizer", None) if getattr(model, "_compiled", None) is not None else None
    node = _optimizer_node(optimizer, model) if optimizer is not None else None
    if node is not None:
        tree.children["optimizer"] = node
    return tree


def _layer_node(obj, seen, merged):
    from ..layer import Layer
    seen.add(id(obj))
    children, taken = {}, set()
    listed = set()
    if _has_layer_list(obj):
        children["layers"] = _container(obj.layers, seen, merged, taken)
        listed = {id(layer) for layer in obj.layers}
    for name, items in _layer_lists(obj):   # Keras files a list of layers by class name, as it files `layers`
        children[name] = _container(items, seen, merged, taken)
        listed |= {id(layer) for layer in items}
    for name, child in obj.named_children():
        if not isinstance(child, Layer) or id(child) in listed or id(child) in seen \
                or getattr(child, "holds_owner_weights", False):
            continue
        children[name] = _layer_node(child, seen, merged)
        taken |= {id(w) for w in child.weights}
    own = list(obj._keras_variable_order() if hasattr(obj, "_keras_variable_order")
               else obj._own_weights() if hasattr(obj, "_own_weights") else [])
    mine = {id(w) for w in own}
    own += [w for w in obj.weights if id(w) not in taken and id(w) not in mine]
    adapters = {id(w) for w in obj.lora_adapters()} if hasattr(obj, "lora_adapters") else set()
    own = [w for w in own if id(w) not in adapters]
    values = [_array(merged.get(id(w), None), w) for w in own]
    name = getattr(obj, "name", type(obj).__name__)
    if type(obj).__name__ in _CELL_HOLDERS and own:
        cell = _Node(f"{snake_case(type(obj).__name__)}_cell", values, {}, own)
        return _Node(name, [], {**children, "cell": cell})
    return _Node(name, values, children, own)


def _layer_lists(obj):
    """(attribute, its layers) for each public list attribute of `obj` holding only layers (StackedRNNCells's
    `cells`), a Sequential's or functional model's `layers` aside."""
    from ..layer import Layer
    from ..tracked_list import TrackedList
    for name, value in vars(obj).items():
        if isinstance(value, TrackedList) and value and not name.startswith("_") and name != "layers" \
                and all(isinstance(item, Layer) for item in value):
            yield name, list(value)


def _container(layers, seen, merged, taken):
    """The node holding a list of layers, each under its snake-cased class name counted per class."""
    counts, children = {}, {}
    for layer in layers:
        key = snake_case(type(layer).__name__)
        name = key if key not in counts else f"{key}_{counts[key]}"
        counts[key] = counts.get(key, 0) + 1
        taken |= {id(w) for w in layer.weights}
        if id(layer) not in seen:
            children[name] = _layer_node(layer, seen, merged)
    return _Node(None, [], children)


def _array(value, weight):
    out = np.array(weight.numpy() if value is None else value, order="C")
    if out.dtype not in _PLAIN_DTYPES:
        raise TypeError(f"a {out.dtype} weight: Keras stores it with its own dtype attribute")
    return out


def _reads_back(model, tree):
    """Whether load_model's matcher for Keras files puts every weight of `model` back from `tree`."""
    matcher = _Matcher("<check>", "save_model", False)
    try:
        matcher.layer(model, tree.as_group())
    except (ValueError, AttributeError, TypeError):
        return False
    if matcher.unused(tree.as_group()):
        return False
    written = {id(w): v for w, v in tree.pairs()}
    from ..layers.lora import lora_layers
    adapters = {id(w) for layer in lora_layers(model) for w in layer.lora_adapters()}
    for weight in model.weights:
        if id(weight) in adapters:
            continue
        value = matcher.values.get(id(weight))
        if value is None or value is not written.get(id(weight)):
            return False
    return True


def _optimizer_node(optimizer, model):
    """The optimizer's variables in Keras's order (step count, learning rate unless scheduled, then the slots),
    or None for the optimizers whose Keras variables nn.keras does not keep (Keras then warns and skips them)."""
    found = optimizer_variables(optimizer, model)
    if found is None:
        return None
    from ..optimizers_multi import MultiOptimizer
    children = {}
    inner = getattr(optimizer, "inner_optimizer", None)
    if inner is not None:   # Keras saves a LossScaleOptimizer's inner optimizer again, as a group of its own
        children["inner_optimizer"] = _optimizer_node(inner, model)
    if isinstance(optimizer, MultiOptimizer):   # and a MultiOptimizer's parts, each under 'optimizers/<class>'
        children["optimizers"] = _Node(None, [], {name: _optimizer_node(part, weights)
                                                  for name, part, weights in multi_optimizer_parts(optimizer, model)})
    return _Node(getattr(optimizer, "name", snake_case(type(optimizer).__name__)), found[1], children)


# Keras's names of the slots nn.keras calls otherwise
_KERAS_SLOT_NAMES = {"m": "momentum", "v": "velocity", "v_hat": "velocity_hat"}


def optimizer_variables(optimizer, model):
    """([Keras-style label], [array]) of the optimizer's variables in Keras's order (step count, learning rate
    unless scheduled, then the slots), labelled as Keras names them ('adam/iteration',
    'adam/sequential_dense_kernel_momentum'); None for the optimizers whose Keras variables nn.keras does not
    keep."""
    from ..loss_scale_optimizer import LossScaleOptimizer
    from ..optimizers_multi import MultiOptimizer
    kind = type(optimizer).__name__
    if isinstance(optimizer, LossScaleOptimizer):
        return _loss_scale_variables(optimizer, model)
    if isinstance(optimizer, MultiOptimizer):
        return _multi_optimizer_variables(optimizer, model)
    if not hasattr(optimizer, "_slot_names"):
        return None
    prefix = getattr(optimizer, "name", snake_case(kind))
    labels = [f"{prefix}/iteration"]
    values = [_step_count(optimizer)]
    if optimizer._schedule is None:
        labels.append(f"{prefix}/learning_rate")
        values.append(np.asarray(optimizer._group["lr"], dtype=np.float32))
    weights = model.trainable_weights
    have = [id(w) in optimizer.state for w in weights]
    if any(have) and not all(have):   # Keras keeps slots for every weight: this state has no Keras layout
        return None
    if weights and all(have):
        passes = _SLOT_PASSES.get(kind, (optimizer._slot_names(),))
        passes = [tuple(s for s in p if s in optimizer._slot_names()) for p in passes]
        passes = [(slot,) for slot in optimizer._extra_slot_names()] + [p for p in passes if p]
        for slots in passes:
            for weight in weights:
                for slot in slots:
                    if slot not in optimizer.state[id(weight)]:
                        return None
                    value = arrays.wrap(optimizer.state[id(weight)][slot], weight.device).numpy()
                    path = str(getattr(weight, "path", None) or weight.name).replace("/", "_")
                    labels.append(f"{prefix}/{path}_{_KERAS_SLOT_NAMES.get(slot, slot)}")
                    values.append(np.array(value, order="C"))
        trailing = optimizer._trailing_variables()   # Nadam's product (an unnamed variable in Keras)
        labels += [v.name for v in trailing]
        values += optimizer._trailing_values()
    return labels, values


def _loss_scale_variables(optimizer, model):
    """A LossScaleOptimizer's variables as Keras lists them: its own step count and rate (kept at 0), its
    step_counter and dynamic_scale, then the inner optimizer's."""
    inner = optimizer_variables(optimizer.inner_optimizer, model)
    if inner is None:
        return None
    prefix = optimizer.name
    labels = [f"{prefix}/iteration", f"{prefix}/learning_rate", f"{prefix}/step_counter", f"{prefix}/dynamic_scale"]
    values = [np.asarray(0, dtype=np.int32), np.asarray(0.0, dtype=np.float32),
              np.asarray(optimizer._counter, dtype=np.int32), np.asarray(optimizer._scale, dtype=np.float32)]
    return labels + inner[0], values + inner[1]


def _step_count(optimizer):
    """The optimizer's 'iteration' variable as Keras keeps it: int32, counting every call (with
    gradient_accumulation_steps too, where `iterations` counts the updates)."""
    return np.asarray(getattr(optimizer, "_iterations", optimizer.iterations), dtype=np.int32)


def _multi_optimizer_variables(optimizer, model):
    """A MultiOptimizer's variables as Keras lists them: its own step count and rate (kept at 0), then each part's
    for the weights it updates, part by part."""
    labels = [f"{optimizer.name}/iteration", f"{optimizer.name}/learning_rate"]
    values = [_step_count(optimizer), np.asarray(0.0, dtype=np.float32)]
    for _, part, weights in multi_optimizer_parts(optimizer, model):
        found = optimizer_variables(part, weights)
        if found is None:
            return None
        labels, values = labels + found[0], values + found[1]
    return labels, values


def _write(group, node):
    vars_group = group.create_group("vars")
    if node.name is not None:
        vars_group.attrs["name"] = node.name
    for k, value in enumerate(node.values):
        vars_group[str(k)] = value
    for name, child in node.children.items():
        sub = group.create_group(name)
        if child.name is None:   # a list of layers: a plain group of groups, no variables of its own
            for key, item in child.children.items():
                _write(sub.create_group(key), item)
        else:
            _write(sub, child)
