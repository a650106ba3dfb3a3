"""The engine side of torch.autograd.graph.saved_tensors_hooks: while a (pack, unpack) pair is active on this
thread, every array a recording op saves for backward goes through pack (as a Tensor) when the op runs, the
node keeps only what pack returned, and backward gets unpack(that) back just before the node runs.

Each packed array remembers its place in the graph (the node's output k, or its input k), so that a
create_graph backward still differentiates through an unpacked copy (saved_graph.py).
With no pair active an op pays one module-attribute read (`active`); the engine one per node (`_packed`)."""
import threading

from .printing import printed_name
from .saved_fields import fields_of
from .tensor import Tensor, wrap_array


class _State(threading.local):
    def __init__(self):
        self.stack = []          # (pack, unpack) pairs, innermost last: only the innermost is used, as PyTorch
        self.disabled = None     # the error message while disable_saved_tensors_hooks is active


state = _State()
#: how many saved_tensors_hooks contexts are active on all threads: the one number an op reads (a module global
#: costs less than the thread-local stack)
active = 0


def push(pack, unpack):
    """Make (pack, unpack) this thread's innermost pair."""
    global active
    state.stack.append((pack, unpack))
    active += 1


def pop():
    """Drop this thread's innermost pair."""
    global active
    state.stack.pop()
    active -= 1


def stored(node):
    """What `node` keeps for backward, as kept: backend arrays (Tensors while a create_graph backward runs). Read
    here, not through `node.saved_tensors`, which a user's autograd.Function node shows as Tensors, as PyTorch's."""
    return node.__dict__.get("saved_tensors", ())


def _role(node, value):
    """('out', k) when value is the node's output k, ('in', k) when it is its input k, else None."""
    key = id(value)
    if key in node.out_ids:
        return "out", node.out_ids.index(key)
    for k, (parent, idx) in enumerate(zip(node.parents, node.parent_idx)):
        if isinstance(parent, Tensor):
            if parent._data is value:
                return "in", k
        elif parent is not None and parent.out_ids[idx] == key:
            return "in", k
    return None


def _is_array(node, value):
    return hasattr(value, "dtype") and hasattr(value, "shape") and node.device.is_array(value)


def _torch_order(node):
    """The positions in node.saved_tensors that PyTorch's node of this kind saves, in the order it packs them."""
    return _torch_saved(node)[0]


def _torch_saved(node):
    """(positions, transposed): the positions in node.saved_tensors that PyTorch's node of this kind saves, in the
    order it packs them (`mul`: other, then self, each only when the other operand's gradient needs it), every saved
    array in order for a node whose PyTorch fields are not listed in saved_fields.py; and those of them PyTorch
    saves transposed (Linear's weight, which addmm / mm save as weight.t())."""
    saved = stored(node)
    fields = fields_of(getattr(type(node), "_shown_of", type(node)), printed_name(node))
    if not fields:
        return [i for i, value in enumerate(saved) if _is_array(node, value)], set()
    order, transposed = [], set()
    for spec in fields.values():
        flipped = False
        while spec[0] == "T":
            spec, flipped = spec[1], not flipped
        if spec[0] == "out":
            i = next((i for i, value in enumerate(saved) if id(value) in node.out_ids), None)
        elif spec[0] == "saved" and spec[-1] != "number" and (spec[2] is None or node.needs_input_grad[spec[2]]):
            i = spec[1]
        else:
            continue
        if i is not None and i < len(saved) and i not in order and _is_array(node, saved[i]):
            order.append(i)
            if flipped:
                transposed.add(i)
    return order, transposed


def _as_tensor(value, node, args, results):
    """What pack is given for a saved array: the very Tensor the op was called with or returned, as PyTorch's
    (with its requires_grad / grad_fn), else a new Tensor over it."""
    for tensor in (args + results):
        if isinstance(tensor, Tensor) and tensor._data is value:
            return tensor
    return wrap_array(value, node.device)


def pack_node(node, args=(), results=()):
    """Replace node.saved_tensors by the innermost pack hook's results, packing what PyTorch's node saves in its
    order (`_torch_order`); numbers, None and what PyTorch does not save stay as they are. `args` and `results`
    are the op's arguments and output Tensors, handed to pack when a saved array is one of them."""
    if not state.stack:
        return   # the active pair belongs to another thread
    pack, unpack = state.stack[-1]
    results = results if isinstance(results, tuple) else (results,)
    saved = stored(node)
    packed = [(False, value) for value in saved]
    if getattr(pack, "packs_everything", False):   # allow_mutation_on_saved_tensors: copy all that backward reads
        order, transposed = [i for i, value in enumerate(saved) if _is_array(node, value)], set()
    else:
        order, transposed = _torch_saved(node)
    for i in order:
        value = saved[i]
        tensor = _as_tensor(value, node, tuple(args), results)
        # pack sees what PyTorch's node saves: the transpose (a view) where it saves one; unpack_node turns it back
        packed[i] = (_role(node, value), pack(tensor.t() if i in transposed else tensor))
    node._packed = (tuple(packed), unpack)
    node._pack_transposed = transposed
    node._pack_order = order
    node.saved_tensors = ()


def unpack_node(node, retain):
    """Give node.saved_tensors back from its packed values (before its backward runs); without `retain` the
    packed values are dropped, as PyTorch frees them after a backward that does not retain the graph."""
    if node._freed:
        return   # a second backward through a freed graph: the engine names that error
    packed, unpack = node._packed
    arrays = [value for _, value in packed]
    for i in node._pack_order:   # unpacked in the order they were packed, as PyTorch's
        role, value = packed[i]
        if role is not False:
            value = unpack(value)
            if not isinstance(value, Tensor):
                raise TypeError(f"saved_tensors_hooks: unpack_hook must return a Tensor, got {type(value).__name__} "
                                f"(for a value {node.label()} saved for backward)")
            if value.device is not node.device:
                value = value.to(node.device)
            arrays[i] = value._data.swapaxes(-2, -1) if i in node._pack_transposed else value._data
    node.saved_tensors = tuple(arrays)
    node._save_roles = tuple(role for role, _ in packed)
    if not retain:
        node._packed = None
