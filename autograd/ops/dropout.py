"""Dropout: zero each element with probability p, scaling the rest by 1 / (1 - p), as one graph node."""
from backends.torch_stream import draw_in_memory_order

from ..function import Function


class Dropout(Function):
    op_name = "dropout"
    torch_name = "MulBackward0"   # PyTorch's CPU dropout is a product with the scaled mask
    # PyTorch scales the mask in the input's own dtype (1 / (1 - p) rounded to float16 or bfloat16) and multiplies
    # in it: the float32 form would round the product once, with the exact scale, a unit off in some elements
    half_native = True

    def forward(ctx, x, p):
        # PyTorch's draw: one float64 uniform per element, in x's memory order
        keep = draw_in_memory_order(lambda shape: ctx.device.bernoulli(1.0 - p, shape), x)
        mask = keep * x.dtype.type(1.0 / (1.0 - p)) if p < 1 else ctx.xp.zeros(x.shape, x.dtype)
        ctx.save_for_backward(mask)
        return x * mask

    def backward(ctx, gy):
        mask, = ctx.saved_tensors
        return gy * mask, None   # under create_graph: the same product, recorded, with the mask a constant
