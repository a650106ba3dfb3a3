"""Sparse COO gradients (nn.Embedding(sparse=True)) in the optimisers: SGD and Adagrad take them as the dense
gradients they stand for (their updates leave the rows without a gradient as PyTorch's sparse updates leave
them), SparseAdam takes them as they are, and the others refuse with PyTorch's message."""
from autograd.sparse_storage import SparseCOO


def dense_gradient(grad, device):
    """The dense array a sparse COO gradient stands for (repeated entries summed)."""
    out = device.xp.zeros(grad.shape, grad.dtype)
    device.scatter_add(out, tuple(grad.indices), grad.values)
    return out


def gradient_for_step(optimizer, grad, param):
    """What Optimizer.step hands to _update for the raw gradient `grad` of `param`."""
    if type(grad) is not SparseCOO:
        return grad
    takes = type(optimizer)._sparse_gradients
    if takes == "dense":
        return dense_gradient(grad, param.device)
    if takes == "sparse":
        return grad
    name = "Adam" if optimizer._name in ("Adam", "AdamW") else optimizer._name
    hint = ", please consider SparseAdam instead" if name == "Adam" else ""
    raise RuntimeError(f"{name} does not support sparse gradients{hint}")
