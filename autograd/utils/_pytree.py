"""torch.utils._pytree's counterpart: nested containers as a flat list of leaves plus a TreeSpec of the nesting.

Libraries import it directly (`from torch.utils._pytree import tree_map, tree_flatten`: lucidrains' diffusion and
transformer packages do). The rules are PyTorch's: the nodes are exactly list, tuple, dict, named tuples,
OrderedDict, defaultdict and deque (a subclass of list or dict is a leaf, and so is None); dicts flatten in insertion
order. deepgrad's own transforms use `autograd.pytree`, whose plain-tuple specs are kept apart from this surface.
"""
from collections import OrderedDict, defaultdict, deque

__all__ = ["TreeSpec", "LeafSpec", "tree_flatten", "tree_unflatten", "tree_leaves", "tree_iter", "tree_structure",
           "tree_map", "tree_map_", "tree_map_only", "tree_all", "tree_any", "tree_is_leaf"]


def _is_namedtuple(node):
    return isinstance(node, tuple) and hasattr(type(node), "_fields")


def _node_kind(node):
    """The node type name of a container PyTorch's pytree descends into, or None for a leaf."""
    kind = type(node)
    if kind in (list, tuple, dict, OrderedDict, defaultdict, deque):
        return kind
    if _is_namedtuple(node):
        return "namedtuple"
    return None


def _children_and_context(node, kind):
    """(children, context): what a node holds, and what rebuilding it needs besides them."""
    if kind in (list, tuple):
        return list(node), None
    if kind in (dict, OrderedDict):
        return list(node.values()), list(node)
    if kind is defaultdict:
        return list(node.values()), [node.default_factory, list(node)]
    if kind is deque:
        return list(node), node.maxlen
    return list(node), type(node)     # a named tuple: its class


class TreeSpec:
    """The nesting of a pytree: a node's type, its context (dict keys, a named tuple's class, ...) and its children's
    specs. Two trees with equal specs differ only in their leaves."""

    def __init__(self, type, context, children_specs):
        self.type, self.context, self.children_specs = type, context, list(children_specs)
        self.num_children = len(self.children_specs)
        self.num_leaves = sum(c.num_leaves for c in self.children_specs)
        self.num_nodes = 1 + sum(c.num_nodes for c in self.children_specs)

    def is_leaf(self):
        """Whether this spec stands for a single leaf."""
        return False

    def unflatten(self, leaves):
        """The tree of this nesting holding `leaves` (as tree_unflatten)."""
        return tree_unflatten(leaves, self)

    def _rebuild(self, children):
        if self.type in (list, tuple, deque):
            return self.type(children) if self.type is not deque else deque(children, maxlen=self.context)
        if self.type in (dict, OrderedDict):
            return self.type(zip(self.context, children))
        if self.type is defaultdict:
            factory, keys = self.context
            return defaultdict(factory, zip(keys, children))
        return self.context(*children)

    def __eq__(self, other):
        return (isinstance(other, TreeSpec) and other.is_leaf() == self.is_leaf() and self.type == other.type
                and self.context == other.context and self.children_specs == other.children_specs)

    def __hash__(self):
        return hash((str(self.type), self.num_leaves, self.num_nodes))

    def _text(self, indent):
        name = self.type if isinstance(self.type, str) else self.type.__name__
        children = f",\n{' ' * (indent + 2)}".join(c._text(indent + 2) for c in self.children_specs)
        return f"TreeSpec({name}, {self.context}, [{children}])"

    def __repr__(self):
        return self._text(0)


class LeafSpec(TreeSpec):
    """The spec of a single leaf (shown `*`)."""

    def __init__(self):
        super().__init__(None, None, [])
        self.num_leaves, self.num_nodes = 1, 1

    def is_leaf(self):
        """A leaf spec is a leaf."""
        return True

    def _text(self, indent):
        return "*"


def tree_is_leaf(tree, is_leaf=None):
    """Whether `tree` is a leaf: not one of the node types, or accepted by `is_leaf`."""
    return (is_leaf is not None and is_leaf(tree)) or _node_kind(tree) is None


def _flatten(tree, is_leaf, leaves):
    if tree_is_leaf(tree, is_leaf):
        leaves.append(tree)
        return LeafSpec()
    kind = _node_kind(tree)
    children, context = _children_and_context(tree, kind)
    return TreeSpec(kind, context, [_flatten(child, is_leaf, leaves) for child in children])


def tree_flatten(tree, is_leaf=None):
    """(leaves, treespec): the leaves of `tree` in order, and its nesting."""
    leaves = []
    return leaves, _flatten(tree, is_leaf, leaves)


def tree_leaves(tree, is_leaf=None):
    """The leaves of `tree` in order."""
    return tree_flatten(tree, is_leaf)[0]


def tree_iter(tree, is_leaf=None):
    """An iterator over the leaves of `tree`."""
    return iter(tree_leaves(tree, is_leaf))


def tree_structure(tree, is_leaf=None):
    """The TreeSpec of `tree`."""
    return tree_flatten(tree, is_leaf)[1]


def tree_unflatten(leaves, treespec):
    """The tree with `treespec`'s nesting whose leaves are `leaves` (the inverse of tree_flatten)."""
    if not isinstance(treespec, TreeSpec):
        raise TypeError(f"tree_unflatten(leaves, treespec): expected a TreeSpec as treespec, got "
                        f"{type(treespec).__name__}; take it from tree_flatten or tree_structure")
    leaves = list(leaves)
    if len(leaves) != treespec.num_leaves:
        raise ValueError(f"treespec.unflatten(leaves): `leaves` has length {len(leaves)} but the spec refers to a "
                         f"pytree that holds {treespec.num_leaves} items ({treespec!r}); give one leaf per place")
    it = iter(leaves)
    return _build(treespec, it)


def _build(spec, it):
    if spec.is_leaf():
        return next(it)
    return spec._rebuild([_build(child, it) for child in spec.children_specs])


def _rest_leaves(spec, rest, is_leaf):
    """The leaves of `rest` at the places of `spec`'s leaves (rest may hold whole subtrees there)."""
    if spec.is_leaf():
        return [rest]
    kind = _node_kind(rest)
    if kind != spec.type:
        expected = spec.context if spec.type == "namedtuple" else spec.type
        raise ValueError(f"Node type mismatch; expected {expected}, but got {type(rest)}.")
    children = _children_and_context(rest, kind)[0]
    if len(children) != spec.num_children:
        raise ValueError(f"Node arity mismatch; expected {spec.num_children}, but got {len(children)}.")
    if kind in (dict, OrderedDict, defaultdict):
        keys = spec.context if kind is not defaultdict else spec.context[1]
        if set(rest) != set(keys):
            missing, extra = set(keys) - set(rest), set(rest) - set(keys)
            raise ValueError(f"Node keys mismatch; missing key(s): {missing}; extra key(s): {extra}.")
        children = [rest[k] for k in keys]
    return [leaf for child_spec, child in zip(spec.children_specs, children)
            for leaf in _rest_leaves(child_spec, child, is_leaf)]


def tree_map(func, tree, *rests, is_leaf=None):
    """The tree of `func` applied to each leaf of `tree` (with the matching leaves of each of `rests`, trees of the
    same nesting, as further arguments)."""
    leaves, spec = tree_flatten(tree, is_leaf)
    others = [_rest_leaves(spec, rest, is_leaf) for rest in rests]
    return tree_unflatten([func(*args) for args in zip(leaves, *others)], spec)


def tree_map_(func, tree, *rests, is_leaf=None):
    """Call `func` on each leaf of `tree` (and the matching leaves of `rests`) for its effect; returns `tree`."""
    leaves, spec = tree_flatten(tree, is_leaf)
    others = [_rest_leaves(spec, rest, is_leaf) for rest in rests]
    for args in zip(leaves, *others):
        func(*args)
    return tree


def tree_map_only(type_or_types, func, tree, is_leaf=None):
    """tree_map applying `func` only to the leaves that are instances of `type_or_types`; others stay."""
    return tree_map(lambda leaf: func(leaf) if isinstance(leaf, type_or_types) else leaf, tree, is_leaf=is_leaf)


def tree_all(pred, tree, is_leaf=None):
    """Whether `pred` holds for every leaf."""
    return all(pred(leaf) for leaf in tree_leaves(tree, is_leaf))


def tree_any(pred, tree, is_leaf=None):
    """Whether `pred` holds for some leaf."""
    return any(pred(leaf) for leaf in tree_leaves(tree, is_leaf))
