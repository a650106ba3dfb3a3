"""Mixed precision in Keras's layers: a layer's DTypePolicy from its `dtype=` argument, and Keras's autocast scope.

A layer whose policy computes in a narrower float than it stores its weights in ('mixed_float16',
'mixed_bfloat16') opens an autocast scope for its call, as Keras's Layer.__call__ does: inside it, every weight
the layer reads that was made with `autocast=True` (the default of add_weight) reads as a cast copy in the scope's
dtype, so the call computes in 16 bits while the float32 weights get float32 gradients through the cast. A
sub-layer called inside inherits the scope unless its own compute dtype differs (then it opens its own, so a
`dtype='float32'` output layer of a mixed model computes in float32), its autocast is off, or it computes in a
non-float dtype (then no scope). Keras casts a weight when it is read; here the layer's own weights are swapped for
their casts (layer_weights.CastWeight: Keras's variable API, writing through to the weight) in its `__dict__`
for the length of its call, which is what its call reads.
"""
import contextlib
import threading

import numpy as np

import autograd as ag
from autograd.errors import IdentifierError

from .dtype_policy import DTypePolicy, dtype_policy, is_quantized_name, quantized_policy
from .layer_weights import CastWeight
from .symbolic import dtype_name

_POLICY_NAMES = ("mixed_float16", "mixed_bfloat16")
_state = threading.local()


def policy_for(dtype):
    """The DTypePolicy a layer's `dtype=` argument names: None for the global policy, a policy, its config dict
    (as real Keras writes it), a policy name ('mixed_float16') or a dtype."""
    if dtype is None:
        return dtype_policy()
    if isinstance(dtype, DTypePolicy):
        return dtype
    if isinstance(dtype, dict) and dtype.get("class_name") in ("DTypePolicy", "FloatDTypePolicy"):
        return DTypePolicy(dtype.get("config", {}).get("name"))
    if isinstance(dtype, dict) and dtype.get("class_name") in ("QuantizedDTypePolicy", "Int4DTypePolicy",
                                                               "DTypePolicyMap"):
        from . import dtype_policies
        return dtype_policies.deserialize(dtype)
    if isinstance(dtype, str) and dtype in _POLICY_NAMES:
        return DTypePolicy(dtype)
    if is_quantized_name(dtype):
        return quantized_policy(dtype)
    try:
        name = dtype_name(dtype)
    except TypeError:
        raise IdentifierError(f"Invalid dtype: {dtype!r}; a layer's dtype= takes a dtype name such as 'float32', "
                              "'float16' or 'bfloat16', or a policy such as 'mixed_float16'") from None
    return DTypePolicy(name)


def policy_config(layer):
    """A layer's `dtype` as Keras's get_config writes it: its DTypePolicy's serialized form."""
    policy = layer.dtype_policy
    if policy.quantization_mode is not None or type(policy).__name__ == "DTypePolicyMap":
        from . import dtype_policies
        return dtype_policies.serialize(policy)
    return {"module": "keras", "class_name": "DTypePolicy", "config": {"name": policy.name}, "registered_name": None}


def float_dtype(name):
    """The NumPy dtype of a Keras float dtype name ('bfloat16' included), or None for a non-float one."""
    if name == "bfloat16":
        return np.dtype(ag.bfloat16)
    if name in (None, "string"):
        return None
    dtype = np.dtype(name)
    return dtype if dtype.kind == "f" else None


def current():
    """The dtype name of the autocast scope this thread is in, or None."""
    return getattr(_state, "dtype", None)


def scope_for(layer):
    """The autocast scope `layer`'s call runs in (a dtype name or None), by Keras's rules from the scope it is
    called in and its own policy."""
    compute = layer.compute_dtype
    outer = current()
    if outer is not None:
        if not getattr(layer, "_autocast", True) or float_dtype(compute) is None:
            return None
        return compute
    return compute if compute != layer.variable_dtype and float_dtype(compute) is not None else None


@contextlib.contextmanager
def autocast_call(layer):
    """Run a layer's call in its autocast scope, its own autocast weights read as casts into the scope's dtype."""
    scope = scope_for(layer)
    previous = current()
    _state.dtype = scope
    state = layer.__dict__
    swapped = {}   # name -> the weight its cast stands in for
    if scope is not None:
        target = float_dtype(scope)
        skip = state.get("_not_autocast", ())
        for name in layer._weight_names:
            weight = state.get(name)
            if weight is None or id(weight) in skip or weight.dtype == target or not weight.is_floating_point():
                continue
            if not getattr(weight, "_autocast", True):   # a keras.Variable made with autocast=False
                continue
            swapped[name] = weight
            state[name] = CastWeight.of(weight, target)
    try:
        yield
    finally:
        _state.dtype = previous
        for name, weight in swapped.items():
            cast = state.get(name)
            if not isinstance(cast, CastWeight) or cast.source is not weight:
                continue   # the call bound a new value to the attribute: it stays
            state[name] = weight
            if cast._version != cast.synced:   # changed in place by a plain in-place op: copy the values back
                with ag.no_grad():
                    weight.copy_(cast)


def at_least_float32(x):
    """`x` in float32 when it is a float16 or bfloat16 Tensor (Keras's normalization layers compute in at least
    float32) or an integer or bool one (Keras promotes it against the float32 weights), else `x`."""
    if isinstance(x, ag.Tensor) and ((x.is_floating_point() and x.dtype.itemsize == 2) or x.dtype.kind in "biu"):
        return x.float()
    return x


def in_compute_dtype(layer, x):
    """`x` cast to `layer`'s float compute dtype (what Keras's normalization layers return)."""
    target = float_dtype(layer.compute_dtype)
    if target is None or not isinstance(x, ag.Tensor) or not x.is_floating_point() or x.dtype == target:
        return x
    return x.to(target)
