"""The engine side of torch.autograd.graph.saved_tensors_hooks: while a (pack, unpack) pair is active on this
thread, every array a recording op saves for backward goes through pack (as a Tensor) when the op runs, the
node keeps only what pack returned, and backward gets unpack(that) back just before the node runs.

Each packed array remembers its place in the graph (the node's output k, or its input k), so that a
create_graph backward still differentiates through an unpacked copy (saved_graph.py).
With no pair active an op pays one module-attribute read (`active`); the engine one per node (`_packed`)."""
import threading

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


def pack_node(node):
    """Replace node.saved_tensors by the innermost pack hook's results (numbers and None stay as they are)."""
    if not state.stack:
        return   # the active pair belongs to another thread
    pack, unpack = state.stack[-1]
    device = node.device
    packed = []
    for value in node.saved_tensors:
        if hasattr(value, "dtype") and hasattr(value, "shape") and device.is_array(value):
            packed.append((_role(node, value), pack(wrap_array(value, device))))
        else:
            packed.append((False, value))
    node._packed = (tuple(packed), unpack)
    node.saved_tensors = ()


def unpack_node(node, retain):
    """Give node.saved_tensors back from its packed values (before its backward runs); without `retain` the
    packed values are dropped, as PyTorch frees them after a backward that does not retain the graph."""
    if node._freed:
        return   # a second backward through a freed graph: the engine names that error
    packed, unpack = node._packed
    arrays = []
    for role, value in packed:
        if role is not False:
            value = unpack(value)
            if not isinstance(value, Tensor):
                raise TypeError(f"saved_tensors_hooks: unpack_hook must return a Tensor, got {type(value).__name__} "
                                f"(for a value {node.label()} saved for backward)")
            if value.device is not node.device:
                value = value.to(node.device)
            value = value._data
        arrays.append(value)
    node.saved_tensors = tuple(arrays)
    node._saved_roles = tuple(role for role, _ in packed)
    if not retain:
        node._packed = None
