"""When PyTorch's TransformerEncoder runs a padded batch as a nested tensor (its inference fast path): it then
returns zeros at the padded positions (before the final norm), where the ordinary path computes them. deepgrad
has no nested tensors; TransformerEncoder reads these rules to zero the same positions."""
import numpy as np

import autograd as ag
from autograd import arrays
from autograd.amp.autocast_mode import is_autocast_enabled

from .. import functional as F


def nested_tensor_ok(layer, layer_class):
    """Whether an encoder built from `layer` may use nested tensors (PyTorch's use_nested_tensor at init)."""
    attn = layer.self_attn
    return (isinstance(layer, layer_class) and not layer.norm_first and attn.batch_first
            and attn._qkv_same_embed_dim and attn.in_proj_bias is not None
            and layer.activation in (F.relu, F.gelu) and layer.norm1.eps == layer.norm2.eps
            and attn.num_heads % 2 == 0)


def nested_padding(encoder, src, mask, src_key_padding_mask):
    """The (N, S) bool mask of the positions PyTorch's fast path would return as zeros, or None when this call
    takes the ordinary path: eval mode, a batched input with a left-aligned padding mask and no attention mask,
    and nothing that needs a gradient (the conditions PyTorch checks)."""
    layer = encoder.layers[0]
    if (not encoder.use_nested_tensor or layer.training or src.ndim != 3 or src_key_padding_mask is None
            or mask is not None or is_autocast_enabled()):
        return None
    if ag.is_grad_enabled() and (src.requires_grad or any(p.requires_grad for p in layer.parameters())):
        return None
    pad = src_key_padding_mask
    padded = pad if pad.dtype == np.bool_ else pad != 0   # a float mask pads where it is non-zero (-inf)
    # the raw values, read even inside an ag.jit capture (as _detect_is_causal_mask reads a mask's)
    raw = arrays.array(padded)
    if encoder.mask_check and bool(pad.device.xp.any(raw[:, :-1] & ~raw[:, 1:])):
        return None   # a valid position after a padded one: not left-aligned, so PyTorch takes the ordinary path
    return padded
