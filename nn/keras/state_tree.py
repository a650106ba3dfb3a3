"""Model.get_state_tree / set_state_tree: a model's variables as nested dicts keyed by the parts of their paths
('trunk/kernel' -> {'trunk': {'kernel': value}}), in four groups — trainable, non-trainable, optimizer and metric
variables — and the reverse assignment by path, as Keras 3's."""

GROUPS = ("trainable_variables", "non_trainable_variables", "optimizer_variables", "metrics_variables")


def _variables(model, group):
    if group == "optimizer_variables":
        optimizer = getattr(model, "optimizer", None)
        return list(optimizer.variables) if optimizer is not None else []
    return list(getattr(model, group))


def _leaf(variable, value_format):
    if value_format == "backend_tensor":
        return variable.value
    if value_format == "numpy_array":
        return variable.numpy()
    raise ValueError("get_state_tree: value_format must be one of {'numpy_array', 'backend_tensor'}, got "
                     f"value_format={value_format!r}")


def nested(variables, value_format):
    """{path part: ... {last part: value}} for `variables`; a path found twice is an error, as in Keras."""
    tree, seen = {}, set()
    for variable in variables:
        path = variable.path
        if path in seen:
            raise ValueError(f"get_state_tree: the variable path {path!r} is found twice in the model; the state tree "
                             "needs unique paths: give your layers (and other objects) unique names")
        seen.add(path)
        *parents, last = path.split("/")
        node = tree
        for part in parents:
            node = node.setdefault(part, {})
        node[last] = _leaf(variable, value_format)
    return tree


def flat(tree, prefix=""):
    """{path: value} for a nested state dict."""
    out = {}
    for key, value in tree.items():
        if isinstance(value, dict):
            out.update(flat(value, f"{prefix}{key}/"))
        else:
            out[f"{prefix}{key}"] = value
    return out


def get_state_tree(model, value_format="backend_tensor"):
    """The four groups of `model`'s variables as nested dicts by path."""
    return {group: nested(_variables(model, group), value_format) for group in GROUPS}


def set_state_tree(model, state_tree):
    """Assign each value of `state_tree` (get_state_tree's layout, any subset of groups and paths) to the variable
    of its group with that path; paths no variable has are skipped, as Keras skips them."""
    for group, tree in state_tree.items():
        if group not in GROUPS:
            raise ValueError(f"set_state_tree: unknown variable group {group!r}; the groups are {', '.join(GROUPS)}")
        by_path = {}
        for variable in _variables(model, group):
            by_path.setdefault(variable.path, []).append(variable)
        for path, value in flat(tree).items():
            for variable in by_path.get(path, ()):
                variable.assign(value)
