"""torch._utils: the private helpers that user code imports anyway. Flattening a list of dense tensors into one 1-D
buffer and viewing that buffer back as the list's shapes is how older fp16 training code keeps float32 master
weights (apex, openai's improved- and guided-diffusion)."""


def _flatten_dense_tensors(tensors):
    """One 1-D tensor holding the elements of `tensors` one after another (a view of the only one when there is
    one); differentiable, and promoted to a common dtype as `cat` promotes."""
    tensors = list(tensors)
    if len(tensors) == 1:
        return tensors[0].contiguous().view(-1)
    from .ops.joining import cat
    return cat([t.contiguous().view(-1) for t in tensors])


def _unflatten_dense_tensors(flat, tensors):
    """A tuple of views of the 1-D `flat`, shaped as `tensors` one after another (the inverse of
    `_flatten_dense_tensors`): writing into them writes into `flat`."""
    outputs, offset = [], 0
    for t in tensors:
        size = t.numel()
        outputs.append(flat.narrow(0, offset, size).view_as(t))
        offset += size
    return tuple(outputs)
