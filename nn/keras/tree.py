"""keras.tree: Keras 3's utilities for nested structures, with the rules Keras follows on the torch backend.

Lists, tuples, namedtuples, dicts (OrderedDict, defaultdict) and deques are nodes; everything else, None
included, is a leaf. flatten, pack_sequence_as and traverse visit the values of the outermost dicts by sorted key
(an OrderedDict, and a dict nested in a dict, in its own order, as Keras 3.15 on torch); map_structure keeps each
dict's own key order in its result."""
import collections
import warnings

__all__ = ["MAP_TO_NONE", "assert_same_paths", "assert_same_structure", "flatten", "flatten_with_path", "is_nested",
           "lists_to_tuples", "map_shape_structure", "map_structure", "map_structure_up_to", "pack_sequence_as",
           "traverse"]


class MAP_TO_NONE:
    """Returned by a traverse function to replace a sub-structure by None."""


def _is_namedtuple(x):
    return isinstance(x, tuple) and hasattr(type(x), "_fields")


def _node(x):
    """(children, context, rebuild) for a node, or None for a leaf."""
    kind = type(x)
    if kind in (list, tuple):
        return list(x), None, kind
    if _is_namedtuple(x):
        return list(x), kind._fields, lambda children: kind(*children)
    if kind is collections.deque:
        return list(x), x.maxlen, lambda children: collections.deque(children, maxlen=x.maxlen)
    if kind in (dict, collections.OrderedDict):
        keys = list(x)
        return [x[k] for k in keys], keys, lambda children: kind(zip(keys, children))
    if kind is collections.defaultdict:
        keys = list(x)
        return [x[k] for k in keys], keys, lambda children: collections.defaultdict(x.default_factory,
                                                                                   zip(keys, children))
    return None


def _leaf(x, is_leaf=None):
    return (is_leaf is not None and is_leaf(x)) or _node(x) is None


def _sorted_dicts(structure):
    """The structure with its outermost plain dicts and defaultdicts rebuilt in sorted key order. As Keras's
    torch backend, the values of a dict so sorted are left as they are: a dict inside a dict keeps its order."""
    node = _node(structure)
    if node is None:
        return structure
    children, _, rebuild = node
    kind = type(structure)
    if kind is dict:
        return {k: structure[k] for k in sorted(structure)}
    if kind is collections.defaultdict:
        return collections.defaultdict(structure.default_factory, {k: structure[k] for k in sorted(structure)})
    return rebuild([_sorted_dicts(c) for c in children])


def _leaves(structure, is_leaf=None):
    if _leaf(structure, is_leaf):
        return [structure]
    return [leaf for child in _node(structure)[0] for leaf in _leaves(child, is_leaf)]


def _unflatten(structure, leaves, is_leaf=None):
    if _leaf(structure, is_leaf):
        return next(leaves)
    children, _, rebuild = _node(structure)
    return rebuild([_unflatten(c, leaves, is_leaf) for c in children])


def _count(structure, is_leaf=None):
    return len(_leaves(structure, is_leaf))


def is_nested(structure):
    """Whether `structure` is a list, tuple, namedtuple, dict or deque (not a leaf)."""
    return not _leaf(structure)


def flatten(structure):
    """The leaves of `structure` in order (dicts by sorted key); a leaf gives [leaf]."""
    if not is_nested(structure):
        return [structure]
    return _leaves(_sorted_dicts(structure))


def flatten_with_path(structure):
    """(path, leaf) pairs: a path is the tuple of list indices and dict keys down to the leaf (a namedtuple field
    counts as its index among all the field names in the structure, sorted, as Keras's torch backend)."""
    structure = _sorted_dicts(structure)
    found, fields = [], set()

    def walk(x, path):
        node = _node(x)
        if node is None:
            found.append((path, x))
            return
        children, context, _ = node
        if _is_namedtuple(x):
            fields.update(context)
            keys = [("field", name) for name in context]
        elif isinstance(x, dict):
            keys = context
        else:
            keys = range(len(children))
        for key, child in zip(keys, children):
            walk(child, path + (key,))
    walk(structure, ())
    index = {name: k for k, name in enumerate(sorted(fields))}
    return [(tuple(index[k[1]] if isinstance(k, tuple) and k[:1] == ("field",) else k for k in path), leaf)
            for path, leaf in found]


def _match(first, other):
    """Check that `other` has `first`'s node (type, arity, keys); return other's children in first's order."""
    children, context, _ = _node(first)
    if type(other) is not type(first):
        raise ValueError(f"Node type mismatch; expected {type(first)}, but got {type(other)}.")
    if isinstance(first, dict):
        if set(other) != set(context):
            raise ValueError(f"Node context mismatch; expected keys {sorted(context, key=repr)}, but got "
                             f"{sorted(other, key=repr)}.")
        return [other[k] for k in context]
    if len(other) != len(children):
        raise ValueError(f"Node arity mismatch; expected {len(children)}, but got {len(other)}.")
    if _is_namedtuple(first) and type(other)._fields != context:
        raise ValueError(f"Node context mismatch; expected {context}, but got {type(other)._fields}.")
    return list(other)


def _tree_map(func, first, others, is_leaf=None):
    if _leaf(first, is_leaf):
        return func(first, *others)
    children, _, rebuild = _node(first)
    others_children = [_match(first, other) for other in others]
    return rebuild([_tree_map(func, child, [oc[k] for oc in others_children], is_leaf)
                    for k, child in enumerate(children)])


def map_structure(func, *structures, none_is_leaf=True):
    """func applied to the leaves of the structures (which must share the first's layout), in that layout;
    none_is_leaf=False passes None leaves through without calling func."""
    if not structures:
        raise ValueError("Must provide at least one structure")
    if len(structures) == 1 and not is_nested(structures[0]):
        return None if structures[0] is None and not none_is_leaf else func(structures[0])
    call = func
    if not none_is_leaf:
        def call(*args):
            if args[0] is None:
                if not all(s is None for s in args):
                    raise ValueError(f"Structure mismatch: some arguments are None, others are not. Received "
                                     f"arguments: {args}.")
                return None
            return func(*args)
    return _tree_map(call, structures[0], structures[1:])


def map_structure_up_to(shallow_structure, func, *structures):
    """func applied to the parts of the structures that sit at the leaves of `shallow_structure`."""
    if not structures:
        raise ValueError("Must provide at least one structure")
    return _tree_map(lambda shallow, *args: func(*args), shallow_structure, structures)


def assert_same_structure(a, b, check_types=None):
    """Raise ValueError unless a and b have the same nested structure (node types included)."""
    if check_types is not None:
        warnings.warn("The `check_types` argument is deprecated and no longer has any effect"
                      + (", please remove." if check_types else ". For a looser check, use "
                         "`keras.tree.assert_same_paths()`, which considers `list`, `tuple`, `namedtuple` and "
                         "`deque` as matching"), DeprecationWarning, stacklevel=2)

    def check(a_leaf, b_leaf):
        if not _leaf(a_leaf) or not _leaf(b_leaf):
            raise ValueError("Structures don't have the same nested structure.")
    _tree_map(check, a, [b])


def assert_same_paths(a, b):
    """Raise ValueError unless a and b have the same set of leaf paths."""
    a_paths = {path for path, _ in flatten_with_path(a)}
    b_paths = {path for path, _ in flatten_with_path(b)}
    if a_paths != b_paths:
        msg = "`a` and `b` don't have the same paths."
        if a_paths - b_paths:
            msg += f"\nPaths in `a` missing in `b`:\n{a_paths - b_paths}"
        if b_paths - a_paths:
            msg += f"\nPaths in `b` missing in `a`:\n{b_paths - a_paths}"
        raise ValueError(msg)


def pack_sequence_as(structure, flat_sequence):
    """`flat_sequence`'s items put into the layout of `structure` (dicts filled by sorted key)."""
    structure = _sorted_dicts(structure)
    flat_sequence = list(flat_sequence)
    needed = _count(structure)
    if len(flat_sequence) != needed:
        raise ValueError(f"treespec.unflatten(leaves): `leaves` has length {len(flat_sequence)} but the spec refers "
                         f"to a pytree that holds {needed} items.")
    return _unflatten(structure, iter(flat_sequence))


def traverse(func, structure, top_down=True):
    """func applied to every sub-structure, depth first (parents first when top_down); a non-None result
    replaces the sub-structure (and, top-down, stops the descent); MAP_TO_NONE replaces it by None."""
    structure = _sorted_dicts(structure)

    def children_traversed():
        node = _node(structure)
        if node is None:
            return structure
        children, _, rebuild = node
        return rebuild([traverse(func, c, top_down=top_down) for c in children])
    if top_down:
        result = func(structure)
        if result is None:
            return children_traversed()
    else:
        done = children_traversed()
        result = func(done)
        if result is None:
            return done
    return None if isinstance(result, type) and result.__name__ == "MAP_TO_NONE" else result


def lists_to_tuples(structure):
    """The structure with every list turned into a tuple."""
    return traverse(lambda x: tuple(x) if isinstance(x, list) else None, structure, top_down=False)


def map_shape_structure(func, structure):
    """func applied to every shape (a list or tuple of ints and None) in the structure."""
    def is_shape(x):
        return isinstance(x, (list, tuple)) and all(isinstance(e, (int, type(None))) for e in x)
    return _tree_map(lambda x: func(x), _sorted_dicts(structure), [], is_shape)
