"""torch.autograd.graph's view of the graph's parts: the Node type of every grad_fn and AccumulateGrad,
GradientEdge (a node and which of its outputs) with get_gradient_edge, and increment_version."""
import abc
from typing import Any, NamedTuple

from .function import AccumulateGrad, Function, accumulator
from .node_names import shown
from .tensor import Tensor


class Node(abc.ABC):
    """The type of the backward graph's nodes: every `grad_fn` and the AccumulateGrad at a leaf that requires
    grad are instances of it (for isinstance checks, as torch.autograd.graph.Node)."""

    @abc.abstractmethod
    def name(self):
        """The node's name, e.g. 'MulBackward0'."""

    @property
    @abc.abstractmethod
    def next_functions(self):
        """(node, output index) pairs: where this node sends the gradient of each of its inputs."""

    @property
    @abc.abstractmethod
    def metadata(self):
        """A dict for the user's own data about this node."""

    @abc.abstractmethod
    def register_hook(self, fn):
        """Call fn(grad_inputs, grad_outputs) after the node's backward; returns a removable handle."""

    @abc.abstractmethod
    def register_prehook(self, fn):
        """Call fn(grad_outputs) before the node's backward; returns a removable handle."""


Node.register(Function)
Node.register(AccumulateGrad)


class GradientEdge(NamedTuple):
    """Where a tensor's gradient is computed: a graph node and which of its outputs (torch.autograd.graph's).
    `ag.autograd.grad(outputs, inputs=edge)` gives the gradient flowing into that edge."""

    node: Any
    output_nr: int
    ownership_token: Any = None


def get_gradient_edge(tensor):
    """The GradientEdge of `tensor`: the node that made it and its output index, or its AccumulateGrad for a
    leaf. `grad(loss, get_gradient_edge(t))` equals `grad(loss, t)`, and the edge keeps working after `t` is
    gone while the graph lives."""
    if not isinstance(tensor, Tensor):
        raise TypeError(f"get_gradient_edge: expects a Tensor, got {type(tensor).__name__}")
    if not tensor.requires_grad:
        raise RuntimeError("It is not possible to get the gradient edge for a Tensor that does not require "
                           "gradients (get_gradient_edge): call .requires_grad_() on it, or pick a tensor computed "
                           "from one that requires grad")
    if tensor._node is None:
        return GradientEdge(accumulator(tensor), 0)
    return GradientEdge(shown(tensor._node), tensor._out_idx)


def increment_version(tensor):
    """Mark a tensor (or each of an iterable of tensors) as changed in place, as an in-place op would: backward
    then refuses values saved from it before the change (for changes made through .numpy() or a kernel that
    autograd did not see)."""
    tensors = (tensor,) if isinstance(tensor, Tensor) else tuple(tensor)
    for t in tensors:
        if not isinstance(t, Tensor):
            raise TypeError(f"increment_version: expects a Tensor or an iterable of Tensors, got "
                            f"{type(t).__name__}")
        t._bump_version()
