"""log_softmax over the last dimension as PyTorch's CPU kernel forms it for bfloat16/float16 inputs.

That kernel (the one for a softmax dimension of stride 1) keeps the row's sum of exponentials and its logarithm in
the input's own dtype: exp(x - max) summed in float32, the sum rounded to the 16-bit dtype, its log taken in float32
and rounded again, then (x - max) - log(sum) in float32, rounded once. Over any other dimension PyTorch stays in
float32 until the final rounding, as deepgrad's half form does, so only the last dimension needs this.
"""


def half_log_softmax_lastdim(x, half, xp):
    """log_softmax of the float32 array `x` (the 16-bit values cast up) over its last axis, with PyTorch's
    roundings to `half` (bfloat16 or float16) of the row sums and their logs; a float32 array."""
    top = x.max(axis=-1, keepdims=True)
    shifted = x - top
    total = xp.exp(shifted).sum(axis=-1, keepdims=True, dtype=xp.float32).astype(half).astype(xp.float32)
    log_total = xp.log(total).astype(half).astype(xp.float32)
    return shifted - log_total
