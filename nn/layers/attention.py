"""nn.MultiheadAttention with PyTorch's parameters, their names, shapes, order and initialisation."""
import autograd as ag

from .. import init
from ..functional.multihead_attention import attend, projections
from ..module import Module, Parameter
from .linear import Linear
from autograd.errors import ArgumentError


class ProjectionWidthError(ArgumentError, RuntimeError):
    """A key or value of the wrong width: an ArgumentError as deepgrad raised before (PyTorch asserts when key and
    value differ), and the RuntimeError PyTorch's projection matmul raises otherwise."""


class NonDynamicallyQuantizableLinear(Linear):
    """The Linear of MultiheadAttention.out_proj, under PyTorch's class name so that a model prints as in PyTorch."""


class MultiheadAttention(Module):
    """Attention from `num_heads` heads of size embed_dim // num_heads, as torch.nn.MultiheadAttention.

    Parameters: in_proj_weight (3E, E) and in_proj_bias (3E) (q, k, v stacked in that order), or
    q_proj_weight (E, E), k_proj_weight (E, kdim), v_proj_weight (E, vdim) when kdim or vdim differ
    from embed_dim; out_proj (a Linear(E, E)); bias_k and bias_v (1, 1, E) with add_bias_kv.
    Inputs are (L, N, E) sequence-first, (N, L, E) with batch_first, or unbatched (L, E).
    """

    def __init__(self, embed_dim, num_heads, dropout=0.0, bias=True, add_bias_kv=False, add_zero_attn=False,
                 kdim=None, vdim=None, batch_first=False, device=None, dtype=None):
        if embed_dim <= 0 or num_heads <= 0:
            raise ValueError(f"MultiheadAttention: embed_dim and num_heads must be positive, got embed_dim="
                             f"{embed_dim} and num_heads={num_heads}")
        if embed_dim % num_heads:
            raise ArgumentError(f"MultiheadAttention: embed_dim ({embed_dim}) must be divisible by num_heads "
                                f"({num_heads})")
        super().__init__()
        new = lambda *shape: Parameter(ag.empty(*shape, dtype=dtype, device=device))
        self.embed_dim, self.num_heads, self.dropout, self.batch_first = embed_dim, num_heads, dropout, batch_first
        self.kdim = embed_dim if kdim is None else kdim
        self.vdim = embed_dim if vdim is None else vdim
        self._qkv_same_embed_dim = self.kdim == embed_dim and self.vdim == embed_dim
        self.head_dim = embed_dim // num_heads
        if self._qkv_same_embed_dim:
            self.in_proj_weight = new(3 * embed_dim, embed_dim)
            for name in ("q_proj_weight", "k_proj_weight", "v_proj_weight"):
                self.register_parameter(name, None)
        else:
            self.q_proj_weight = new(embed_dim, embed_dim)
            self.k_proj_weight = new(embed_dim, self.kdim)
            self.v_proj_weight = new(embed_dim, self.vdim)
            self.register_parameter("in_proj_weight", None)
        if bias:
            self.in_proj_bias = new(3 * embed_dim)
        else:
            self.register_parameter("in_proj_bias", None)
        self.out_proj = NonDynamicallyQuantizableLinear(embed_dim, embed_dim, bias=bias, device=device, dtype=dtype)
        if add_bias_kv:
            self.bias_k = new(1, 1, embed_dim)
            self.bias_v = new(1, 1, embed_dim)
        else:
            self.bias_k = self.bias_v = None
        self.add_zero_attn = add_zero_attn
        self._reset_parameters()

    def _reset_parameters(self):
        """Xavier-uniform projections, zero biases, Xavier-normal bias_k/bias_v (PyTorch's scheme)."""
        if self._qkv_same_embed_dim:
            init.xavier_uniform_(self.in_proj_weight)
        else:
            for w in (self.q_proj_weight, self.k_proj_weight, self.v_proj_weight):
                init.xavier_uniform_(w)
        if self.in_proj_bias is not None:
            init.zeros_(self.in_proj_bias)
            init.zeros_(self.out_proj.bias)
        if self.bias_k is not None:
            init.xavier_normal_(self.bias_k)
            init.xavier_normal_(self.bias_v)

    def forward(self, query, key, value, key_padding_mask=None, need_weights=True, attn_mask=None,
                average_attn_weights=True, is_causal=False):
        """(output, attention weights or None); see nn.functional.multi_head_attention_forward for the masks."""
        proj = projections(self.embed_dim, self.in_proj_weight, self.in_proj_bias, self.out_proj.weight,
                           self.out_proj.bias, self.bias_k, self.bias_v, self.q_proj_weight, self.k_proj_weight,
                           self.v_proj_weight)
        for name, t, size in (("query", query, self.embed_dim), ("key", key, self.kdim), ("value", value, self.vdim)):
            if getattr(t, "ndim", 0) and t.shape[-1] != size:
                # PyTorch asserts the query's width, and fails in the key/value projection's matmul otherwise
                fix = "" if name == "query" else (f"; give it {size} features (or build the layer with "
                                                  f"{name[0]}dim={t.shape[-1]})")
                raise (ArgumentError if name == "query" else ProjectionWidthError)(
                    f"MultiheadAttention(embed_dim={self.embed_dim}, num_heads={self.num_heads}): expected {name} "
                    f"with {size} features in its last dimension, got shape {tuple(t.shape)}{fix}")
        return attend(query, key, value, self.num_heads, proj, batch_first=self.batch_first,
                      dropout_p=self.dropout if self.training else 0.0, add_zero_attn=self.add_zero_attn,
                      key_padding_mask=key_padding_mask, need_weights=need_weights, attn_mask=attn_mask,
                      average_attn_weights=average_attn_weights, is_causal=is_causal)
