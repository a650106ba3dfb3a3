"""The graph PyTorch shows where deepgrad runs other nodes: a fused op (cross_entropy's one node for PyTorch's
log_softmax and nll_loss) or a composite built otherwise (nll_loss's gather, binary_cross_entropy_with_logits).

`show_graph(out, name, tree, *inputs)` makes the node that made `out` show PyTorch's node `name` whose
next_functions follow `tree` down to the inputs' own edges, through display-only nodes (`ShownNode`) where PyTorch
has nodes deepgrad has not. Only the display changes: backward still runs deepgrad's nodes, so hooks go on those
(a display-only node refuses them). The display is built on the first look at next_functions, from the inputs'
places in the graph kept by the node (their nodes are its ancestors anyway, so nothing lives longer); a display
node keeps the sequence number, never the node it hangs from, so no reference cycle keeps saved arrays alive.
"""
from .function import Function, accumulator
from .node_names import shown
from .tensor import Tensor


#: ShownNode's subclasses, one per node name PyTorch shows
_NAMED = {}


class ShownNode:
    """A node of PyTorch's graph that deepgrad has no node for: a name, next_functions and a sequence number,
    for display (hooks are refused)."""

    def __new__(cls, name, *args, **kwargs):
        # an instance of a subclass named as PyTorch's node, so that type(node).__name__ reads as PyTorch's does
        if cls is ShownNode:
            cls = _NAMED.get(name) or _NAMED.setdefault(name, type(name, (ShownNode,), {"__qualname__": name}))
        return object.__new__(cls)

    def __init__(self, name, edges, seq, hook_on="the input tensor (tensor.register_hook) or on the output's grad_fn"):
        self._name = name
        self.next_functions = edges
        self.metadata = {}
        self._seq = seq
        self._hook_on = hook_on   # where the refusal of a hook points instead

    def name(self):
        """The node's name as PyTorch shows it (e.g. 'LogSoftmaxBackward0')."""
        return self._name

    def _sequence_nr(self):
        return self._seq

    def register_hook(self, fn):
        """Refused: this node only shows PyTorch's graph; hook the tensors or the node that computes the values."""
        raise RuntimeError(f"{self._name} here only shows PyTorch's graph: deepgrad computes this part inside a fused "
                           f"node, which runs no separate backward for it; register the hook on {self._hook_on} "
                           "instead")

    register_prehook = register_hook

    def __repr__(self):
        return f"<{self._name} object at {id(self):#x}>"


class At:
    """A tree entry standing for output `index` of the node `entry` (PyTorch's nodes with several outputs, such as
    UnsafeSplitBackward0's chunks): next_functions lists that node with this output index."""

    __slots__ = ("entry", "index")

    def __init__(self, entry, index):
        self.entry, self.index = entry, index


class ShownEdges:
    """What a node shows as next_functions: the tree of display nodes over the inputs' edges (see show_graph)."""

    __slots__ = ("tree", "inputs", "seq", "_pairs")

    def __init__(self, tree, inputs, seq):
        self.tree, self.inputs, self.seq, self._pairs = tree, inputs, seq, None

    def pairs(self):
        """The (node, output index) pairs, built once."""
        if self._pairs is None:
            self._pairs = shown_pairs(self.tree, tuple(map(_edge_of, self.inputs)), self.seq)
        return self._pairs


def shown_pairs(tree, edges, seq):
    """The (node, output index) pairs a node shows for `tree` (see show_graph; a display entry may carry a third
    item, where a refused hook should go instead) over `edges`, the pairs its int entries stand for."""
    built = {}

    def edge(entry):
        if entry is None:
            return None, 0
        if isinstance(entry, int):
            return edges[entry]
        if isinstance(entry, At):
            return edge(entry.entry)[0], entry.index
        key = id(entry)   # a subtree given twice is one node, as PyTorch's graph shares it
        if key not in built:
            name, below, *hook_on = entry
            built[key] = ShownNode(name, tuple(map(edge, below)), seq, *hook_on)
        return built[key], 0
    return tuple(map(edge, tree))


def own_shown_pairs(node, tree):
    """The pairs `node` shows for `tree` (or for what the callable `tree` returns, asked only on the first look)
    over its own next_functions edges (a fused node showing PyTorch's nodes below it), built on the first look and
    kept; edges a show_graph call set on it take precedence."""
    display = node.__dict__.get("shown_edges")
    if display is None:
        if callable(tree):
            tree = tree()
        pairs = shown_pairs(tree, Function.next_functions.fget(node), node._sequence_nr())
        display = node.shown_edges = ShownEdges(tree, (), node._sequence_nr())
        display._pairs = pairs
    return display.pairs()


def _edge_of(place):
    """The next_functions pair of an input's place (see _place)."""
    if place is None:
        return None, 0
    parent, idx = place
    if isinstance(parent, Tensor):
        return accumulator(parent), 0
    return (parent.shown_output(idx), 0) if idx and parent.shows_outputs else (shown(parent), idx)


def show_graph(out, name, tree, *inputs):
    """`out`, its node shown as PyTorch's node `name` with next_functions following `tree`: a tuple of entries, each
    an int k (the edge of inputs[k], a tensor or None), None (an input that needs no gradient), or (name, entries)
    (a display node with those edges). A subtree object given twice shows as one node."""
    node = out._node
    if node is not None:
        node.torch_name = name
        node.shown_edges = ShownEdges(tree, tuple(map(_place, inputs)), node.seq)
    return out


def shown_over(out, name, *inputs):
    """`out`, its node shown as PyTorch's one node `name` whose next_functions are the edges of `inputs` (tensors, or
    None where PyTorch's node takes a number as a tensor), for a composite that runs several nodes."""
    return show_graph(out, name, tuple(range(len(inputs))), *inputs)


def _place(t):
    """Where a tensor's gradient goes, as a node's parents hold it (a leaf or (node, output index)), or None."""
    if not isinstance(t, Tensor) or not t.requires_grad:
        return None
    return (t, 0) if t._node is None else (t._node, t._out_idx)
