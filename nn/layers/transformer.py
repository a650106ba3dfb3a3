"""Transformer layers and stacks as torch.nn has them: the same sub-module names, so state_dicts load both ways.

Inputs are (S, N, E) sequence-first unless batch_first=True ((N, S, E)); unbatched (S, E) works too.
Masks follow nn.MultiheadAttention: bool True = not allowed, float = added to the scores.
"""
import copy
import warnings

import numpy as np

import autograd as ag
from autograd import arrays
from autograd.errors import ArgumentRangeError, ShapeError

from .. import functional as F
from .. import init
from ..containers import ModuleList
from ..module import Module
from .attention import MultiheadAttention
from .dropout import Dropout
from .linear import Linear
from .normalization import LayerNorm
from .transformer_nested import nested_padding, why_not_nested

_ACTIVATIONS = {"relu": F.relu, "gelu": F.gelu}


def _activation(activation):
    if isinstance(activation, str):
        if activation not in _ACTIVATIONS:
            raise ArgumentRangeError(f"activation should be 'relu' or 'gelu' (or a callable), not {activation!r}; "
                                     "pass activation=F.silu for other functions")
        return _ACTIVATIONS[activation]
    if not callable(activation):
        raise TypeError(f"activation must be 'relu', 'gelu' or a callable, got {type(activation).__name__}")
    return activation


def _feed_forward(layer, d_model, dim_feedforward, dropout, activation, bias, device, dtype):
    """linear1, dropout, linear2 and the activation: the position-wise block both layer kinds share."""
    layer.linear1 = Linear(d_model, dim_feedforward, bias=bias, device=device, dtype=dtype)
    layer.dropout = Dropout(dropout)
    layer.linear2 = Linear(dim_feedforward, d_model, bias=bias, device=device, dtype=dtype)
    layer.activation = _activation(activation)


def _ff_block(layer, x):
    return layer.linear2(layer.dropout(layer.activation(layer.linear1(x))))


def _self_attention(attn, x, mask, key_padding_mask, is_causal):
    return attn(x, x, x, attn_mask=mask, key_padding_mask=key_padding_mask, need_weights=False,
                is_causal=is_causal)[0]


class TransformerEncoderLayer(Module):
    """Self-attention then a feed-forward block, each with dropout, a residual connection and LayerNorm
    (after the residual sum, or before each block with norm_first=True)."""

    def __init__(self, d_model, nhead, dim_feedforward=2048, dropout=0.1, activation=F.relu, layer_norm_eps=1e-5,
                 batch_first=False, norm_first=False, bias=True, device=None, dtype=None):
        super().__init__()
        self.self_attn = MultiheadAttention(d_model, nhead, dropout=dropout, bias=bias, batch_first=batch_first,
                                            device=device, dtype=dtype)
        _feed_forward(self, d_model, dim_feedforward, dropout, activation, bias, device, dtype)
        self.norm_first = norm_first
        self.norm1 = _layer_norm(d_model, layer_norm_eps, bias, device, dtype)
        self.norm2 = _layer_norm(d_model, layer_norm_eps, bias, device, dtype)
        self.dropout1 = Dropout(dropout)
        self.dropout2 = Dropout(dropout)

    def forward(self, src, src_mask=None, src_key_padding_mask=None, is_causal=False):
        """src (S, N, E), or (N, S, E) with batch_first; src_mask (S, S) or (N * nhead, S, S); the padding
        mask (N, S), True = padding. is_causal marks src_mask as the causal mask (a hint, as in PyTorch)."""
        x = src
        if self.norm_first:
            x = x + self.dropout1(_self_attention(self.self_attn, self.norm1(x), src_mask, src_key_padding_mask,
                                                  is_causal))
            return x + self.dropout2(_ff_block(self, self.norm2(x)))
        x = self.norm1(x + self.dropout1(_self_attention(self.self_attn, x, src_mask, src_key_padding_mask,
                                                         is_causal)))
        return self.norm2(x + self.dropout2(_ff_block(self, x)))


class TransformerDecoderLayer(Module):
    """Self-attention over the target, attention to the encoder's output (`memory`), then a feed-forward
    block; each with dropout, a residual connection and LayerNorm (norm_first as in the encoder layer)."""

    def __init__(self, d_model, nhead, dim_feedforward=2048, dropout=0.1, activation=F.relu, layer_norm_eps=1e-5,
                 batch_first=False, norm_first=False, bias=True, device=None, dtype=None):
        super().__init__()
        attention = lambda: MultiheadAttention(d_model, nhead, dropout=dropout, batch_first=batch_first, bias=bias,
                                               device=device, dtype=dtype)
        self.self_attn = attention()
        self.multihead_attn = attention()
        _feed_forward(self, d_model, dim_feedforward, dropout, activation, bias, device, dtype)
        self.norm_first = norm_first
        self.norm1 = _layer_norm(d_model, layer_norm_eps, bias, device, dtype)
        self.norm2 = _layer_norm(d_model, layer_norm_eps, bias, device, dtype)
        self.norm3 = _layer_norm(d_model, layer_norm_eps, bias, device, dtype)
        self.dropout1 = Dropout(dropout)
        self.dropout2 = Dropout(dropout)
        self.dropout3 = Dropout(dropout)

    def forward(self, tgt, memory, tgt_mask=None, memory_mask=None, tgt_key_padding_mask=None,
                memory_key_padding_mask=None, tgt_is_causal=False, memory_is_causal=False):
        """tgt (T, N, E) and memory (S, N, E) (batch first with batch_first); masks as in the encoder layer,
        memory_mask (T, S) for the attention to memory."""
        x = tgt
        cross = lambda y: self.multihead_attn(y, memory, memory, attn_mask=memory_mask,
                                              key_padding_mask=memory_key_padding_mask, need_weights=False,
                                              is_causal=memory_is_causal)[0]
        if self.norm_first:
            x = x + self.dropout1(_self_attention(self.self_attn, self.norm1(x), tgt_mask, tgt_key_padding_mask,
                                                  tgt_is_causal))
            x = x + self.dropout2(cross(self.norm2(x)))
            return x + self.dropout3(_ff_block(self, self.norm3(x)))
        x = self.norm1(x + self.dropout1(_self_attention(self.self_attn, x, tgt_mask, tgt_key_padding_mask,
                                                         tgt_is_causal)))
        x = self.norm2(x + self.dropout2(cross(x)))
        return self.norm3(x + self.dropout3(_ff_block(self, x)))


class TransformerEncoder(Module):
    """`num_layers` deep copies of `encoder_layer` (as `layers.0`, `layers.1`, ...), then `norm` if given.

    With enable_nested_tensor, the calls PyTorch runs through nested tensors (eval mode, no gradient, a
    left-aligned src_key_padding_mask and no mask) give zeros at the padded positions before `norm`, as PyTorch's.
    """

    def __init__(self, encoder_layer, num_layers, norm=None, enable_nested_tensor=True, mask_check=True):
        super().__init__()
        self.layers = _clones(encoder_layer, num_layers)
        self.num_layers = num_layers
        self.norm = norm
        self.enable_nested_tensor, self.mask_check = enable_nested_tensor, mask_check
        why_not = why_not_nested(encoder_layer, TransformerEncoderLayer)
        self.use_nested_tensor = enable_nested_tensor and not why_not
        if enable_nested_tensor and why_not:
            warnings.warn(f"enable_nested_tensor is True, but self.use_nested_tensor is False because {why_not}",
                          stacklevel=2)

    def forward(self, src, mask=None, src_key_padding_mask=None, is_causal=None):
        """Run every layer on src with the same masks; is_causal None means: detect the causal mask."""
        is_causal = _detect_is_causal_mask(mask, is_causal, _seq_len(src, self.layers[0]))
        padded = nested_padding(self, src, mask, src_key_padding_mask)
        out = src
        for layer in self.layers:
            out = layer(out, src_mask=mask, is_causal=is_causal, src_key_padding_mask=src_key_padding_mask)
        if padded is not None:
            out = out.masked_fill(padded.unsqueeze(-1), 0.0)
        return out if self.norm is None else self.norm(out)


class TransformerDecoder(Module):
    """`num_layers` deep copies of `decoder_layer` (as `layers.N`), then `norm` if given."""

    def __init__(self, decoder_layer, num_layers, norm=None):
        super().__init__()
        self.layers = _clones(decoder_layer, num_layers)
        self.num_layers = num_layers
        self.norm = norm

    def forward(self, tgt, memory, tgt_mask=None, memory_mask=None, tgt_key_padding_mask=None,
                memory_key_padding_mask=None, tgt_is_causal=None, memory_is_causal=False):
        """Run every layer on tgt, attending to memory; tgt_is_causal None means: detect the causal mask."""
        tgt_is_causal = _detect_is_causal_mask(tgt_mask, tgt_is_causal, _seq_len(tgt, self.layers[0]))
        out = tgt
        for layer in self.layers:
            out = layer(out, memory, tgt_mask=tgt_mask, memory_mask=memory_mask,
                        tgt_key_padding_mask=tgt_key_padding_mask, memory_key_padding_mask=memory_key_padding_mask,
                        tgt_is_causal=tgt_is_causal, memory_is_causal=memory_is_causal)
        return out if self.norm is None else self.norm(out)


class Transformer(Module):
    """The encoder-decoder model of "Attention Is All You Need", as torch.nn.Transformer: an encoder and a
    decoder stack, each ending in LayerNorm, every matrix parameter re-drawn Xavier-uniform."""

    def __init__(self, d_model=512, nhead=8, num_encoder_layers=6, num_decoder_layers=6, dim_feedforward=2048,
                 dropout=0.1, activation=F.relu, custom_encoder=None, custom_decoder=None, layer_norm_eps=1e-5,
                 batch_first=False, norm_first=False, bias=True, device=None, dtype=None):
        super().__init__()
        layer_args = (d_model, nhead, dim_feedforward, dropout, activation, layer_norm_eps, batch_first, norm_first,
                      bias, device, dtype)
        if custom_encoder is not None:
            self.encoder = custom_encoder
        else:
            self.encoder = TransformerEncoder(TransformerEncoderLayer(*layer_args), num_encoder_layers,
                                              _layer_norm(d_model, layer_norm_eps, bias, device, dtype))
        if custom_decoder is not None:
            self.decoder = custom_decoder
        else:
            self.decoder = TransformerDecoder(TransformerDecoderLayer(*layer_args), num_decoder_layers,
                                              _layer_norm(d_model, layer_norm_eps, bias, device, dtype))
        self._reset_parameters()
        self.d_model, self.nhead, self.batch_first = d_model, nhead, batch_first

    def forward(self, src, tgt, src_mask=None, tgt_mask=None, memory_mask=None, src_key_padding_mask=None,
                tgt_key_padding_mask=None, memory_key_padding_mask=None, src_is_causal=None, tgt_is_causal=None,
                memory_is_causal=False):
        """Encode src, then decode tgt against it: (T, N, E) out for src (S, N, E) and tgt (T, N, E)."""
        batch_axis = 0 if self.batch_first else 1
        if src.ndim == 3 and (tgt.ndim != 3 or src.shape[batch_axis] != tgt.shape[batch_axis]):
            raise ShapeError(f"Transformer: src {tuple(src.shape)} and tgt {tuple(tgt.shape)} must have the same "
                             f"batch size (dimension {batch_axis}{' with batch_first' if self.batch_first else ''})")
        if src.shape[-1] != self.d_model or tgt.shape[-1] != self.d_model:
            raise ShapeError(f"Transformer: the feature size (last dimension) of src {tuple(src.shape)} and tgt "
                             f"{tuple(tgt.shape)} must equal d_model={self.d_model}")
        memory = self.encoder(src, mask=src_mask, src_key_padding_mask=src_key_padding_mask, is_causal=src_is_causal)
        return self.decoder(tgt, memory, tgt_mask=tgt_mask, memory_mask=memory_mask,
                            tgt_key_padding_mask=tgt_key_padding_mask,
                            memory_key_padding_mask=memory_key_padding_mask, tgt_is_causal=tgt_is_causal,
                            memory_is_causal=memory_is_causal)

    @staticmethod
    def generate_square_subsequent_mask(sz, device=None, dtype=None):
        """The (sz, sz) float causal mask: 0 on and below the diagonal, -inf above (position i sees 0..i)."""
        if sz < 0:
            raise ShapeError(f"generate_square_subsequent_mask: sz must be >= 0 (the sequence length), got {sz}")
        mask = np.triu(np.full((sz, sz), -np.inf), 1)
        return ag.tensor(mask.astype(dtype or ag.get_default_dtype()), device=device)

    def _reset_parameters(self):
        for p in self.parameters():
            if p.ndim > 1:
                init.xavier_uniform_(p)


def _layer_norm(d_model, eps, bias, device, dtype):
    norm = LayerNorm(d_model, eps=eps, bias=bias)
    for target in (device, dtype):
        if target is not None:
            norm.to(target)
    return norm


def _clones(layer, n):
    return ModuleList([copy.deepcopy(layer) for _ in range(n)])


def _seq_len(x, first_layer):
    if x.ndim == 2:
        return x.shape[0]
    return x.shape[1 if first_layer.self_attn.batch_first else 0]


def _detect_is_causal_mask(mask, is_causal, size):
    """is_causal as given, or (when None) whether `mask` is exactly the (size, size) causal float mask."""
    if is_causal is not None or mask is None:
        return bool(is_causal)
    if tuple(mask.shape) != (size, size):
        return False
    causal = np.triu(np.ones((size, size), bool), 1)
    # the raw values, read even inside an ag.jit capture: the decision is then made once, at capture,
    # which is right for the usual mask made once outside the step (a mask computed in the step from
    # the data would keep the capture's decision)
    xp = mask.device.xp
    expected = causal if mask.dtype == np.bool_ else np.where(causal, -np.inf, 0.0)
    return bool(xp.array_equal(arrays.array(mask), xp.asarray(expected)))
