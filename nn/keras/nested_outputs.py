"""compile's loss, loss_weights and metrics for a model whose outputs nest (e.g. {"a": x, "b": [y, z]}): each spec
given in the outputs' own nesting, or one value for all, as one entry per flat output (Keras's flattening order:
dict keys sorted), and the names Keras logs each output's loss under ('a', 'b/db1': the path of keys, a last list
index replaced by the name of the layer that makes that output)."""
from .symbolic import flatten_sorted


def is_deep(structure):
    """Whether a model's output structure nests containers inside its top-level dict, list or tuple."""
    if isinstance(structure, dict):
        return any(isinstance(v, (list, tuple, dict)) for v in structure.values())
    if isinstance(structure, (list, tuple)):
        return any(isinstance(v, (list, tuple, dict)) for v in structure)
    return False


def per_leaf(structure, spec, what):
    """`spec` as one entry per leaf of `structure` (flatten_sorted's order): nested like `structure`, or one value
    for every output below where it stands. As Keras: a loss dict or list may leave outputs out (None there), a
    metrics dict may not; a flat list of losses (or weights), one per output below, is taken in the outputs' flat
    order; at an output, a list is that output's own entry (its metrics)."""
    return _walk(structure, spec, what, ())


def _walk(template, spec, what, path):
    if not isinstance(template, (list, tuple, dict)):
        return [spec]
    leaves = len(flatten_sorted(template))
    if what in ("loss", "loss_weights") and isinstance(spec, (list, tuple)) and len(spec) == leaves and not any(
            isinstance(s, (list, tuple, dict)) for s in spec):
        return list(spec)
    if isinstance(template, dict) and isinstance(spec, dict):
        unknown = sorted(set(spec) - set(template), key=str)
        missing = sorted(set(template) - set(spec), key=str)
        if missing and "metrics" in what:   # Keras maps metrics onto the whole output structure
            raise ValueError(f"compile: `{what}` at {path or 'the top'} has no entry for the model's output(s) "
                             f"{missing}; give every output an entry (None for none), in the outputs' nesting")
        if unknown:
            raise KeyError(f"compile: the path {path + (unknown[0],)} in the `{what}` argument can't be found in "
                           f"the model's output (keys there: {sorted(template)}); give {what} in the outputs' "
                           "nesting")
        return [leaf for key in sorted(template)
                for leaf in _walk(template[key], spec.get(key), what, path + (key,))]
    if isinstance(template, (list, tuple)) and isinstance(spec, (list, tuple)):
        if len(spec) > len(template) or (len(spec) < len(template) and "metrics" in what):
            error = KeyError if len(spec) > len(template) else ValueError
            raise error(f"compile: `{what}` at {path or 'the top'} holds {len(spec)} entries but the model's output "
                        f"there holds {len(template)}; give one per output")
        spec = list(spec) + [None] * (len(template) - len(spec))   # Keras: losses for the first outputs only
        return [leaf for k, (t, s) in enumerate(zip(template, spec))
                for leaf in _walk(t, s, what, path + (k,))]
    if isinstance(spec, (list, tuple, dict)):
        raise ValueError(f"compile: `{what}` at {path or 'the top'} is a {type(spec).__name__} but the model's output "
                         f"there is a {type(template).__name__}; give {what} in the outputs' nesting")
    return [spec] * leaves


def loss_names(structure, output_names):
    """The name of each leaf's loss as Keras logs it (before '_loss'): the path of keys and indices to the output
    joined by '/', a last index replaced by the output's name; `output_names` are the flat outputs' names."""
    names = iter(output_names)
    return [_name(path, next(names)) for path in _paths(structure, ())]


def _paths(template, path):
    if isinstance(template, dict):
        return [p for key in sorted(template) for p in _paths(template[key], path + (key,))]
    if isinstance(template, (list, tuple)):
        return [p for k, t in enumerate(template) for p in _paths(t, path + (k,))]
    return [path]


def _name(path, output_name):
    if not path:
        return output_name
    if isinstance(path[-1], int):
        path = path[:-1] + (output_name,)
    return "/".join(str(p) for p in path)


def weights_like(loss, loss_weights):
    """`loss_weights` in the nesting of `loss`, as Keras packs them: as given when the nestings agree, else their
    leaves in order, which must be as many as the losses."""
    if _skeleton(loss) == _skeleton(loss_weights):
        return loss_weights
    flat_losses, flat_weights = flatten_sorted(loss), flatten_sorted(loss_weights)
    if len(flat_losses) != len(flat_weights):
        raise ValueError(f"compile: `loss_weights` must match the number of losses, got {len(flat_losses)} losses "
                         f"and {len(flat_weights)} weights; give one weight per loss, in the nesting of `loss`")
    leaves = iter(flat_weights)
    return _pack(loss, leaves)


def _skeleton(structure):
    if isinstance(structure, dict):
        return {key: _skeleton(value) for key, value in structure.items()}
    if isinstance(structure, (list, tuple)):
        return [_skeleton(value) for value in structure]
    return None


def _pack(template, leaves):
    if isinstance(template, dict):
        return {key: _pack(template[key], leaves) for key in sorted(template)}
    if isinstance(template, (list, tuple)):
        return [_pack(value, leaves) for value in template]
    return next(leaves)
