"""Unpacked saved values (saved_tensors_hooks) back on the graph for a create_graph backward: an unpacked copy
of a node's output or input must carry that tensor's place in the graph, or higher-order gradients would
treat it as a constant."""
from .function import Function, wrap_saved  # noqa: F401 (the engine takes wrap_saved from here)
from .tensor import Tensor, wrap_array


class Rebind(Function):
    """`values` with its gradient going to `source` (the tensor whose unpacked copy `values` is). The copy is
    this node's own output, so the ops of a create_graph backward that save it find where it came from (the
    wrap_saved below matches saved arrays to their producers' outputs), and a further backward through
    those ops reaches `source` too."""

    def forward(ctx, source, values):
        return values

    def backward(ctx, gy):
        return gy, None


def as_graph_tensor(node, k, array):
    """Saved value k (an unpacked array) as a Tensor joined to the graph where the packed value stood (as the
    wrap_saved below finds it for values that were not packed: a constant when the op made it)."""
    role = node._save_roles[k]
    if not role:   # False: a number saved as is; None: an array the op made
        return array if role is False else Tensor._make(array, node.device, None, 0, False)
    kind, j = role
    if kind == "out":
        source = Tensor._make(array, node.device, node, j, True)
    else:
        parent, idx = node.parents[j], node.parent_idx[j]
        source = parent if isinstance(parent, Tensor) else Tensor._make(array, node.device, parent, idx, True)
    return Rebind.apply(source, wrap_array(array, node.device))
