"""Nested structures (tuples, lists, dicts of tensors, as Keras's tree utilities see them) flattened to a list of
leaves and packed back; keras.ops' control flow functions carry their state in such structures."""


def is_nested(structure):
    """Whether `structure` is a tuple, list or dict (rather than a single leaf)."""
    return isinstance(structure, (tuple, list, dict))


def flatten(structure):
    """The leaves of `structure` in order (dicts by sorted key); None counts as an empty structure."""
    if structure is None:
        return []
    if isinstance(structure, dict):
        return [leaf for key in sorted(structure) for leaf in flatten(structure[key])]
    if isinstance(structure, (tuple, list)):
        return [leaf for item in structure for leaf in flatten(item)]
    return [structure]


def pack_as(structure, leaves):
    """`leaves` arranged in the shape of `structure` (the inverse of flatten)."""
    leaves = iter(leaves)

    def build(node):
        if node is None:
            return None
        if isinstance(node, dict):
            return {key: build(node[key]) for key in sorted(node)}
        if isinstance(node, (tuple, list)):
            items = [build(item) for item in node]
            return type(node)(*items) if hasattr(node, "_fields") else type(node)(items)
        return next(leaves)
    return build(structure)


def map_structure(fn, *structures):
    """fn applied leaf by leaf across structures of the same shape, packed like the first."""
    flats = [flatten(s) for s in structures]
    if len({len(f) for f in flats}) > 1:
        raise ValueError(f"keras.ops: structures do not match: {[len(f) for f in flats]} leaves")
    return pack_as(structures[0], [fn(*leaves) for leaves in zip(*flats)])
