"""keras.activations: activation functions by Keras name, as used by `activation=` on layers."""
import functools

import autograd as ag
from autograd import Tensor

from .. import functional as F
from .ops_args import _t
from .softmax_warning import warn_if_size_one_axis
from .symbolic import KerasTensor


def linear(x):
    """x unchanged."""
    return x


def relu(x, negative_slope=0.0, max_value=None, threshold=0.0):
    """max(x, 0), with Keras's options, composed as Keras composes them: x where x > threshold (else 0), clipped
    to [0, max_value] when a cap is given, minus negative_slope * relu(threshold - x)."""
    if negative_slope == 0.0 and max_value is None and threshold == 0.0:
        return F.relu(x)
    if negative_slope != 0.0 and max_value is None and threshold == 0.0:
        return F.leaky_relu(x, negative_slope)
    y = x * (x > threshold).astype(x.dtype) if threshold != 0.0 else F.relu(x)
    if max_value is not None:
        y = y.clamp(0.0, max_value)
    return y - negative_slope * F.relu(threshold - x) if negative_slope != 0.0 else y


def relu6(x):
    """min(max(x, 0), 6)."""
    return F.relu(x).clamp(max=6.0)


def sigmoid(x):
    """1 / (1 + exp(-x))."""
    return F.sigmoid(x)


def softmax(x, axis=-1):
    """exp(x) / sum(exp(x)) along `axis`."""
    warn_if_size_one_axis(x, axis)
    return F.softmax(x, dim=axis)


def log_softmax(x, axis=-1):
    """x - logsumexp(x) along `axis`."""
    return F.log_softmax(x, dim=axis)


def tanh(x):
    """Hyperbolic tangent."""
    return F.tanh(x)


def elu(x, alpha=1.0):
    """x for x > 0, alpha (exp(x) - 1) otherwise."""
    return F.elu(x, alpha)


def selu(x):
    """Scaled ELU with Keras's constants."""
    return 1.0507009873554805 * F.elu(x, 1.6732632423543772)


def gelu(x, approximate=False):
    """x * Phi(x) (the tanh approximation when `approximate`)."""
    return F.gelu(x, approximate="tanh" if approximate else "none")


def silu(x):
    """x * sigmoid(x)."""
    return F.silu(x)


swish = silu


def softplus(x):
    """log(1 + exp(x))."""
    return F.softplus(x)


def softsign(x):
    """x / (1 + |x|)."""
    return x / (x.abs() + 1.0)


def leaky_relu(x, negative_slope=0.2):
    """x for x > 0, negative_slope * x otherwise (Keras's default slope 0.2)."""
    return F.leaky_relu(x, negative_slope)


def exponential(x):
    """exp(x)."""
    return x.exp()


def hard_sigmoid(x):
    """relu6(x + 3) / 6 (Keras 3's definition)."""
    return (x + 3.0).clamp(0.0, 6.0) / 6.0


def mish(x):
    """x * tanh(softplus(x))."""
    return x * F.tanh(F.softplus(x))


# the keras.ops function whose node Keras records when an activation is called on a KerasTensor (functional
# construction), where its name differs; mish (and hard_silu, hard_swish, sparsemax) Keras refuses there, and
# linear returns the KerasTensor itself
_GRAPH_OPS = {"exponential": "exp", "mish": None}
_symbolic_op = None   # symbolic_ops.symbolic_op, set by its install() (importing it here would close an import circle)


def _accepting_arrays(fn, arrays=True):
    """`fn` that also takes NumPy arrays and Python numbers (made Tensors first; only with `arrays`), as Keras's
    activations do, and on a KerasTensor records the keras.ops node Keras records."""
    op_name = _GRAPH_OPS.get(fn.__name__, fn.__name__)

    @functools.wraps(fn)
    def activation(x, *args, **kwargs):
        if isinstance(x, Tensor):
            return fn(x, *args, **kwargs)
        if isinstance(x, KerasTensor) and op_name is not None:
            if fn.__name__ == "linear":
                return x
            return _symbolic_op(fn, op_name)(x, *args, **kwargs)
        return fn(_t(x) if arrays else x, *args, **kwargs)
    return activation


(linear, relu, relu6, sigmoid, softmax, log_softmax, tanh, elu, selu, gelu, silu, softplus, softsign, leaky_relu,
 exponential, hard_sigmoid, mish) = map(_accepting_arrays, (linear, relu, relu6, sigmoid, softmax, log_softmax, tanh,
                                                            elu, selu, gelu, silu, softplus, softsign, leaky_relu,
                                                            exponential, hard_sigmoid, mish))
swish = silu

# the rest of Keras 3's activations are keras.ops functions of the same name and arguments
from .ops_nn import (celu, glu, hard_shrink, hard_silu, hard_swish, hard_tanh, log_sigmoid,  # noqa: E402
                     soft_shrink, sparse_plus, sparse_sigmoid, sparsemax, squareplus, tanh_shrink, threshold)

(celu, glu, hard_shrink, hard_tanh, log_sigmoid, soft_shrink, sparse_plus, sparse_sigmoid, squareplus, tanh_shrink,
 threshold) = (_accepting_arrays(fn, arrays=False) for fn in (celu, glu, hard_shrink, hard_tanh, log_sigmoid,
                                                              soft_shrink, sparse_plus, sparse_sigmoid, squareplus,
                                                              tanh_shrink, threshold))

_NAMES = {"linear": linear, "relu": relu, "relu6": relu6, "sigmoid": sigmoid, "softmax": softmax,
          "log_softmax": log_softmax, "tanh": tanh, "elu": elu, "selu": selu, "gelu": gelu, "silu": silu,
          "swish": swish, "softplus": softplus, "softsign": softsign, "leaky_relu": leaky_relu,
          "exponential": exponential, "hard_sigmoid": hard_sigmoid, "mish": mish, "celu": celu, "glu": glu,
          "hard_shrink": hard_shrink, "hard_silu": hard_silu, "hard_swish": hard_swish, "hard_tanh": hard_tanh,
          "log_sigmoid": log_sigmoid, "soft_shrink": soft_shrink, "sparse_plus": sparse_plus,
          "sparse_sigmoid": sparse_sigmoid, "sparsemax": sparsemax, "squareplus": squareplus,
          "tanh_shrink": tanh_shrink, "threshold": threshold}


def get(identifier):
    """The activation function for a name, None (linear) or a callable (returned as is)."""
    if identifier is None:
        return linear
    if callable(identifier):
        return identifier
    if isinstance(identifier, str) and identifier.lower() in _NAMES:
        return _NAMES[identifier.lower()]
    if isinstance(identifier, dict):   # serialize's form of a user's activation (a saved layer config)
        from .saving.serialization import deserialize_keras_object
        found = deserialize_keras_object(identifier)
        if callable(found):
            return found
    raise ValueError(f"unknown activation {identifier!r}; known: {', '.join(_NAMES)} (or pass a function)")


def serialize(activation):
    """One of Keras's activations by its name ('relu'); any other function or callable object as
    keras.saving.serialize_keras_object describes it (a dict naming it, 'package>name' when registered)."""
    name = getattr(activation, "__name__", None)
    if name is not None and _NAMES.get(name) is activation:
        return name
    from .saving.serialization import serialize_keras_object
    return serialize_keras_object(activation)


__all__ = sorted(_NAMES) + ["get", "serialize"]


from .serialize_api import serializers as _serializers  # noqa: E402

_, deserialize = _serializers("activation", by_name=get)
