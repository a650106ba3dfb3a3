"""Autocast's casting policy: which ops run in the lower precision, which in float32, which in the widest input type.

The lists are PyTorch's (aten/src/ATen/autocast_mode.h and .cpp; the docs' "Autocast Op Reference"), kept to the
ops deepgrad has, under PyTorch's op names, one table per device type, because PyTorch's differ: on `cuda`,
softmax, exp, sum, layer_norm ... run in float32; on `cpu` (and deepgrad's `numba`) they keep their input type,
and only the matrix products and convolutions go down and the losses up. Policies:

- LOWER: floating inputs (float32, float16 and bfloat16, never float64) are cast to the autocast dtype.
- FP32: float16 and bfloat16 inputs are cast to float32 (softmax, sum, cumsum, prod: PyTorch's fp32_set_opt_dtype).
- PROMOTE: the floating inputs are cast to the widest of them (float64 ignored).
- KEEP: a deepgrad composite whose PyTorch op is a single unlisted kernel: its inputs stay as they are, and
  the ops inside it do not cast (`mv` is built on matmul, but torch.mv is not in the CPU list).
- BANNED: the op refuses to run under autocast (binary_cross_entropy on cuda, as PyTorch).

Ops reach the policy two ways. Every `Function` is looked up by its label (Function.apply casts its inputs).
A composite op, built of other ops, calls `autocast.run(name, fn, ...)` at its top, which casts the inputs by
`name`'s policy and then runs the composite with casting suspended, as PyTorch runs a listed op's inside
without autocast; an op in neither table runs as written, its parts casting by their own policies.
"""
import numpy as np

from .. import autocast_state as autocast
from ..grad_mode import state as grad_state
from ..ops.convert import AsType
from ..tensor import Tensor

LOWER, FP32, PROMOTE, KEEP, BANNED = "lower_precision_fp", "fp32", "promote", "keep", "banned"
_F16, _F32 = np.dtype(np.float16), np.dtype(np.float32)


def _by_mode(**policies):
    """A policy chosen by a recurrent op's mode ('lstm', 'gru', 'rnn_tanh', 'rnn_relu'), its first str argument."""
    def choose(args):
        mode = next((a for a in args if isinstance(a, str)), None)
        return policies.get(mode)
    return choose


#: float32 in both lists: the losses (cross_entropy is cross_entropy_loss on cpu, log_softmax + nll_loss on cuda)
#: and cdist
_BOTH_FP32 = dict.fromkeys((
    "mse_loss", "l1_loss", "huber_loss", "smooth_l1_loss", "kl_div", "nll_loss", "cross_entropy",
    "binary_cross_entropy_with_logits", "margin_ranking_loss", "soft_margin_loss", "triplet_margin_loss",
    "multi_margin_loss", "multilabel_margin_loss", "hinge_embedding_loss", "cosine_embedding_loss",
    "poisson_nll_loss", "cdist"), FP32)

CUDA = {
    # lower_precision_fp (AT_FORALL_LOWER_PRECISION_FP)
    **dict.fromkeys((
        "conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d", "conv_transpose3d", "prelu",
        "addmm", "addmv", "matmul", "einsum", "mm", "mv", "linear", "baddbmm", "bmm", "lstm_cell", "gru_cell",
        "rnn_tanh_cell", "rnn_relu_cell", "scaled_dot_product_attention", "recurrence", "rnn_cell", "addbmm",
        "addr"), LOWER),
    # fp32, fp32_set_opt_dtype and fp32_append_dtype (AT_FORALL_FP32, ..._SET_OPT_DTYPE, norm)
    **dict.fromkeys((
        "acos", "asin", "cosh", "erfinv", "exp", "expm1", "log", "log10", "log2", "log1p", "reciprocal", "rsqrt",
        "sinh", "tan", "pow", "softplus", "layer_norm", "group_norm", "norm", "cosine_similarity", "pdist",
        "logsumexp", "interpolate", "prod", "softmax", "log_softmax", "cumprod", "cumsum", "sum", "square", "dist",
        "renorm"), FP32),
    **_BOTH_FP32,
    # promote (AT_FORALL_PROMOTE)
    **dict.fromkeys(("addcdiv", "addcmul", "atan2", "bilinear", "cross", "dot", "tensordot", "scatter_add"),
                    PROMOTE),
    "binary_cross_entropy": BANNED,
    # deepgrad composites built on listed ops whose PyTorch op is not listed
    "outer": KEEP,
}

CPU = {
    # lower_precision_fp (the AutocastCPU registrations)
    **dict.fromkeys((
        "conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d", "conv_transpose3d", "prelu",
        "addmm", "matmul", "mm", "linear", "baddbmm", "bmm", "scaled_dot_product_attention",
        # composites in PyTorch whose inner mm / bmm / linear casts
        "einsum", "tensordot", "rnn_tanh_cell", "rnn_relu_cell", "addbmm"), LOWER),
    # nn.RNN and RNNCell are composites of linear ops in PyTorch's CPU path (float16); GRU, LSTM and their cells
    # are single kernels there that run in float32 (PyTorch's CPU LSTM even refuses float16 under autocast), so
    # deepgrad runs them in float32, a float16 input (from a linear layer before them) cast up
    "recurrence": _by_mode(rnn_tanh=LOWER, rnn_relu=LOWER, lstm=FP32, gru=FP32),
    "rnn_cell": _by_mode(rnn_tanh=LOWER, rnn_relu=LOWER, lstm=FP32, gru=FP32),
    "lstm_cell": FP32, "gru_cell": FP32,
    # fp32
    **dict.fromkeys((
        "prod", "quantile", "nanquantile", "trace", "binary_cross_entropy", "avg_pool3d", "max_pool3d",
        "adaptive_avg_pool3d", "adaptive_max_pool3d", "max_unpool2d", "max_unpool3d", "grid_sample",
        "reflection_pad", "replication_pad", "ctc_loss", "fractional_max_pool2d", "fractional_max_pool3d",
        # torch.linalg's factorizations and solves (their Function labels; det, inv, svd ... built on them follow)
        "linalg.inv", "linalg.solve", "linalg.solve_triangular", "linalg.cholesky", "linalg.qr", "linalg.eigh",
        "linalg.svd", "linalg.pinv", "linalg.det", "linalg.slogdet"), FP32),
    **_BOTH_FP32,
    # promote
    **dict.fromkeys(("cat", "stack", "index_copy"), PROMOTE),
    # deepgrad composites built on matmul whose PyTorch op is a single unlisted kernel
    **dict.fromkeys(("mv", "dot", "outer", "addmv", "bilinear"), KEEP),
}

POLICIES = {"cpu": CPU, "cuda": CUDA}
#: deepgrad Function labels that differ from PyTorch's op names
_LABELS = {"concatenate": "cat"}
_class_ops = {}   # Function class -> {device type: (op name, policy)}


def policy(device_type, op, args=()):
    """The policy of op `op` (PyTorch's name) for `device_type` ('cpu' or 'cuda'), or None when it has none."""
    found = POLICIES[device_type].get(op)
    return found(args) if callable(found) else found


#: a backend's device type -> its autocast device type (third-party device types autocast under neither)
_KIND = {"cpu": "cpu", "numba": "cpu", "cuda": "cuda"}


def _device_type(args, kwargs=None):
    """The autocast device type of the first tensor among args (and lists in them) and kwargs, or None."""
    for a in (*args, *(kwargs.values() if kwargs else ())):
        if isinstance(a, (list, tuple)):
            a = next((t for t in a if isinstance(t, Tensor)), None)
        if isinstance(a, Tensor):
            return _KIND.get(a._device.type)
    return None


def _eligible(t, device_type):
    """A float16, bfloat16 (NumPy character 'E') or float32 tensor (never float64) of the autocast device type:
    one autocast may cast."""
    return isinstance(t, Tensor) and t._data.dtype.char in "efE" and _KIND.get(t._device.type) == device_type


def _to_cast(t, char, device_type):
    """An eligible tensor whose dtype (by its character code) is not yet the target's."""
    return isinstance(t, Tensor) and t._data.dtype.char in "efE" and t._data.dtype.char != char and \
        _KIND.get(t._device.type) == device_type


def _cast(t, dtype, state):
    """t as `dtype` through a graph node; float32 leaves that require grad cast once per autocast region."""
    if dtype == _F32 or not (state.cache_enabled and t.requires_grad and t._node is None and grad_state.enabled):
        return AsType.apply(t, dtype)
    hit = state.cache.get(id(t))
    if hit is not None and hit[0] is t and hit[1] == t._version:
        return hit[2]
    out = AsType.apply(t, dtype)
    state.cache[id(t)] = (t, t._version, out)
    return out


def _target(chosen, op, args, device_type, state):
    """The dtype policy `chosen` casts eligible inputs to, or None when it casts nothing."""
    if chosen == LOWER:
        return state.dtype[device_type]
    if chosen == FP32:
        return _F32
    if chosen == PROMOTE:
        dtypes = {t.dtype for t in _flat(args) if _eligible(t, device_type)}
        # the widest: float32, also for float16 with bfloat16 (neither holds the other)
        return _F32 if _F32 in dtypes or len(dtypes) > 1 else (dtypes.pop() if dtypes else None)
    if chosen == BANNED:
        raise RuntimeError(
            f"{op}: unsafe to autocast on {device_type} (as in PyTorch): a sigmoid before binary cross entropy "
            "loses precision in float16; use binary_cross_entropy_with_logits (nn.BCEWithLogitsLoss) on the "
            "logits instead, or compute this loss outside the autocast region in float32")
    return None


def _cast_all(values, dtype, device_type, state):
    """values with each eligible tensor (also inside lists and tuples) not yet `dtype` cast to it; the same
    sequence when none needs a cast."""
    char = dtype.char
    out = None
    for i, v in enumerate(values):
        if isinstance(v, Tensor):
            if not _to_cast(v, char, device_type):
                continue
            v = _cast(v, dtype, state)
        elif isinstance(v, (list, tuple)) and any(_to_cast(t, char, device_type) for t in v):
            v = type(v)(_cast(t, dtype, state) if _to_cast(t, char, device_type) else t for t in v)
        else:
            continue
        if out is None:
            out = list(values)
        out[i] = v
    return values if out is None else out


def _flat(values):
    """The values, with lists and tuples among them opened one level (cat's tensors)."""
    for v in values:
        if isinstance(v, (list, tuple)):
            yield from v
        else:
            yield v


def _class_policies(cls):
    """{device type: policy} of Function cls, only the device types where it has one (cached per class)."""
    found = _class_ops.get(cls)
    if found is None:
        op = _LABELS.get(cls.label(), cls.label())
        found = _class_ops[cls] = {t: (op, table[op]) for t, table in POLICIES.items() if op in table}
    return found


def cast_inputs(cls, args):
    """The arguments of Function `cls` cast by its op's policy (unchanged when this thread does not autocast
    their device type or the op has no policy)."""
    state = autocast.state
    if not state.casting:
        return args
    policies = _class_policies(cls)
    if not policies:   # most ops: nothing to do
        return args
    device_type = _device_type(args)
    if device_type not in policies or not state.enabled[device_type]:
        return args
    op, chosen = policies[device_type]
    dtype = _target(chosen(args) if callable(chosen) else chosen, op, args, device_type, state)
    if dtype is None:
        return args
    return _cast_all(args, dtype, device_type, state)


def run(op, fn, *args, **kwargs):
    """fn(*args, **kwargs), the composite op `op`, with its tensor arguments cast by op's policy and the ops
    inside it not casting (as PyTorch runs a listed op's kernel outside autocast)."""
    state = autocast.state
    device_type = _device_type(args, kwargs)
    if device_type is not None and state.enabled[device_type]:
        dtype = _target(policy(device_type, op, args), op, (*args, *kwargs.values()), device_type, state)
        if dtype is not None:
            args = _cast_all(args, dtype, device_type, state)
            kwargs = dict(zip(kwargs, _cast_all(kwargs.values(), dtype, device_type, state)))
    autocast.suspend()
    try:
        return fn(*args, **kwargs)
    finally:
        autocast.resume()


autocast.cast_inputs = cast_inputs
autocast.run = run
