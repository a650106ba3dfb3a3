"""backward(inputs=...) as PyTorch runs it: the gradients of the roots reach only the listed tensors (leaves or
not), and are accumulated into their .grad; every other leaf's .grad is left as it is."""
from .engine import _key, run_backward
from .errors import GraphError, ShapeError
from .hooks import run_post_accumulate_hooks
from .tensor import Tensor


def backward_into(roots, grads, inputs, retain_graph, create_graph):
    """Backpropagate from `roots` seeded with `grads` and add the gradients to each of `inputs`' .grad."""
    inputs = [inputs] if isinstance(inputs, Tensor) else list(inputs)
    if not inputs:
        raise ShapeError("`inputs` argument to `backward()` cannot be empty: backward's 'inputs' must not be "
                         "empty (it names no tensor to accumulate into); leave inputs out to accumulate into every leaf")
    for t in inputs:
        if not isinstance(t, Tensor) or not t.requires_grad:
            what = f"a Tensor of shape {tuple(t.shape)} that does not require grad" if isinstance(t, Tensor) \
                else type(t).__name__
            raise GraphError(f"backward: every tensor in inputs must require grad, got {what}")
    captured = run_backward(roots, grads, retain_graph=retain_graph, create_graph=create_graph, inputs=inputs)
    for t in inputs:
        g = captured[_key(t)]
        if g is None:
            continue   # not reached from the roots: .grad stays as it is, as in PyTorch
        if t.retains_grad:
            continue   # a non-leaf's retain_grad hook has added this gradient to its .grad already
        if isinstance(g, Tensor):   # create_graph: the gradient keeps its graph
            t.grad = g if t.grad is None else t.grad + g
        else:
            total = g.copy() if t.grad is None else t.grad._data + g
            t.grad = Tensor._make(total, t._device, None, 0, False)
        if t._node is None and t._hooks:
            run_post_accumulate_hooks(t)
