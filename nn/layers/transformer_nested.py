"""When PyTorch's TransformerEncoder runs a padded batch as a nested tensor (its inference fast path): it then
returns zeros at the padded positions (before the final norm), where the ordinary path computes them. deepgrad
has no nested tensors; TransformerEncoder reads these rules to zero the same positions."""
import numpy as np

import autograd as ag
from autograd import arrays
from autograd.amp.autocast_mode import is_autocast_enabled

from .. import functional as F
from .activation import GELU, ReLU


def why_not_nested(layer, layer_class):
    """Why an encoder built from `layer` may not use nested tensors, in PyTorch's words (its init checks, in its
    order), or "" when it may (PyTorch's use_nested_tensor)."""
    if not isinstance(layer, layer_class):
        return "encoder_layer was not TransformerEncoderLayer"
    attn = layer.self_attn
    if layer.norm_first:
        return "encoder_layer.norm_first was True"
    if not attn.batch_first:
        return "encoder_layer.self_attn.batch_first was not True(use batch_first for better inference performance)"
    if not attn._qkv_same_embed_dim:
        return "encoder_layer.self_attn._qkv_same_embed_dim was not True"
    if attn.in_proj_bias is None:
        return "encoder_layer.self_attn was passed bias=False"
    if not (layer.activation in (F.relu, F.gelu) or isinstance(layer.activation, (ReLU, GELU))):
        return "encoder_layer.activation_relu_or_gelu was not True"
    if layer.norm1.eps != layer.norm2.eps:
        return "encoder_layer.norm1.eps was not equal to encoder_layer.norm2.eps"
    if attn.num_heads % 2 == 1:
        return "encoder_layer.self_attn.num_heads is odd"
    return ""


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
