"""Nested containers of values (pytrees) as a flat list of leaves plus a description of the nesting.

The function transforms (`ag.func`) take and return tensors inside tuples, lists and dicts; they work on the
flat leaves and put the nesting back. Tuples, lists, dicts (and their subclasses, named tuples included) are
containers; everything else, None included, is a leaf. A spec is a plain hashable value, so two specs compare
with `==`:

    leaves, spec = tree_flatten({"w": w, "b": [b1, b2]})   # leaves == [w, b1, b2]
    tree_unflatten([2 * t for t in leaves], spec)           # {"w": 2w, "b": [2b1, 2b2]}
"""
LEAF = "*"


def tree_flatten(tree):
    """(leaves, spec): the leaves of `tree` in order (dicts in insertion order) and its nesting."""
    leaves = []
    return leaves, _flatten(tree, leaves)


def _flatten(tree, leaves):
    kind = type(tree)
    if isinstance(tree, dict):
        keys = tuple(tree)
        return (kind, keys, tuple(_flatten(tree[k], leaves) for k in keys))
    if isinstance(tree, (tuple, list)):
        return (kind, len(tree), tuple(_flatten(v, leaves) for v in tree))
    leaves.append(tree)
    return LEAF


def tree_unflatten(leaves, spec):
    """The tree with `spec`'s nesting whose leaves are `leaves` (the inverse of tree_flatten)."""
    it = iter(leaves)
    tree = _build(spec, it)
    if next(it, _END) is not _END:
        raise ValueError(f"tree_unflatten: more leaves than the spec holds ({tree_size(spec)})")
    return tree


_END = object()


def _build(spec, it):
    if spec == LEAF:
        value = next(it, _END)
        if value is _END:
            raise ValueError("tree_unflatten: fewer leaves than the spec holds")
        return value
    kind, meta, children = spec
    values = [_build(child, it) for child in children]
    if issubclass(kind, dict):
        return kind(zip(meta, values))
    if kind is tuple or kind is list:
        return kind(values)
    if hasattr(kind, "_fields"):   # a named tuple takes its fields as arguments
        return kind(*values)
    return kind(values)


def tree_size(spec):
    """How many leaves a tree with this spec holds."""
    if spec == LEAF:
        return 1
    return sum(tree_size(child) for child in spec[2])


def tree_map(fn, tree):
    """The tree with `fn` applied to every leaf."""
    leaves, spec = tree_flatten(tree)
    return tree_unflatten([fn(leaf) for leaf in leaves], spec)


def describe(spec):
    """A short readable form of a spec for error messages, e.g. `(*, {'w': *, 'b': [*, *]})`."""
    if spec == LEAF:
        return LEAF
    kind, meta, children = spec
    inner = [describe(c) for c in children]
    if issubclass(kind, dict):
        return "{" + ", ".join(f"{k!r}: {v}" for k, v in zip(meta, inner)) + "}"
    if issubclass(kind, list):
        return "[" + ", ".join(inner) + "]"
    return "(" + ", ".join(inner) + ("," if len(inner) == 1 else "") + ")"


def broadcast_prefix(prefix, tree, is_value):
    """One value per leaf of `tree`, from `prefix`: a tree whose leaves (those for which is_value holds) stand
    for a whole subtree of `tree` (how vmap's in_dims and out_dims apply to the arguments and outputs).
    ValueError when prefix is not a prefix of tree's nesting."""
    out = []
    _broadcast(prefix, tree, is_value, out)
    return out


def _broadcast(prefix, tree, is_value, out):
    if is_value(prefix):
        out.extend([prefix] * len(tree_flatten(tree)[0]))
        return
    same_kind = (isinstance(prefix, dict) and isinstance(tree, dict)) or \
        (isinstance(prefix, (tuple, list)) and isinstance(tree, (tuple, list)) and
         isinstance(prefix, list) == isinstance(tree, list))
    if not same_kind:
        raise ValueError(f"a {type(prefix).__name__} against a {type(tree).__name__}")
    if isinstance(prefix, dict):
        if set(prefix) != set(tree):
            raise ValueError(f"dict keys {sorted(map(str, prefix))} against {sorted(map(str, tree))}")
        for k in tree:
            _broadcast(prefix[k], tree[k], is_value, out)
        return
    if len(prefix) != len(tree):
        raise ValueError(f"a {type(prefix).__name__} of length {len(prefix)} against one of length {len(tree)}")
    for p, t in zip(prefix, tree):
        _broadcast(p, t, is_value, out)
