"""keras.Input and InputLayer: the symbolic entry points of functional and Sequential models."""
import numbers
import warnings

from autograd.errors import IdentifierError

from .. import settings
from ..autocast_scope import policy_for
from ..dtype_policy import dtype_policy
from ..layer import Layer
from ..symbolic import KerasTensor, Node, dtype_name


class InputLayer(Layer):
    """The layer behind `keras.Input`: no weights; its output is the model's input."""

    def __init__(self, shape=None, batch_size=None, dtype=None, sparse=None, ragged=None, batch_shape=None,
                 input_tensor=None, optional=False, name=None, **kwargs):
        if "input_shape" in kwargs:   # Keras 2's spelling, still taken (with Keras's warning)
            warnings.warn("Argument `input_shape` is deprecated. Use `shape` instead.")
            shape = kwargs.pop("input_shape")
        if "batch_input_shape" in kwargs:
            batch_shape = kwargs.pop("batch_input_shape")
        if sparse or ragged or optional:
            raise ValueError("Input: sparse, ragged and optional inputs are not supported by nn.keras")
        # Keras's Input takes floatx() for dtype=None, not the (possibly older) global dtype policy
        own_dtype = getattr(input_tensor, "dtype", None) if dtype is None else dtype
        super().__init__(name=name, dtype=own_dtype if own_dtype is not None else settings.floatx(), **kwargs)
        if input_tensor is not None:   # the layer takes the tensor's shape and dtype, and becomes its maker
            _check_input_tensor(input_tensor, shape, batch_size, batch_shape, dtype)
            shape, batch_size, batch_shape = None, None, input_tensor.shape
        # the layer's policy is the global one, as Keras's (compute_dtype float16 under mixed_float16, 'float32'
        # for an int32 input), while `dtype` and its tensor keep the input's dtype
        object.__setattr__(self, "_dtype_policy", dtype_policy())
        if batch_shape is not None and shape is not None:
            raise ValueError(f"Input: you cannot pass both `shape` and `batch_shape` at the same time (got "
                             f"shape={shape!r}, batch_shape={batch_shape!r}); pass shape=... for one example, or "
                             "batch_shape=... with the batch axis first")
        if batch_shape is None:
            if shape is None:
                raise ValueError("Input: pass shape=(...) (the shape of one example, without the batch axis)")
            if isinstance(shape, int):
                raise ValueError(f"Input: shape must be a tuple (the shape of one example), got the int {shape}; "
                                 f"write shape=({shape},)")
            batch_shape = (batch_size,) + tuple(shape)
        if not isinstance(batch_shape, (tuple, list)):
            raise IdentifierError(f"Cannot convert '{batch_shape}' to a shape: Input(batch_shape={batch_shape!r}) "
                                  "needs a tuple with the batch axis first, e.g. batch_shape=(None, 3)")
        for d in tuple(batch_shape):   # int() would truncate a 3.5 without a word
            if d is not None and (isinstance(d, bool) or not isinstance(d, numbers.Integral)):
                raise ValueError(f"Input: cannot convert {tuple(batch_shape)[1:]!r} (batch size {batch_shape[0]!r}) to "
                                 f"a shape: found invalid dimension {d!r} of type {type(d).__name__}; sizes are "
                                 "whole numbers (or None for any size), e.g. shape=(3,)")
        if batch_shape[0] is not None and batch_shape[0] < 0:
            raise ValueError(f"Input: cannot convert {tuple(batch_shape)!r} to a shape: negative dimensions are not "
                             f"allowed (batch_size={batch_shape[0]}); leave batch_size=None for any batch size")
        if any(d is not None and d < 0 for d in tuple(batch_shape)[1:]):
            raise ValueError(f"Input: negative dimensions are not allowed, got shape {tuple(batch_shape)[1:]}; use "
                             "None for a size that varies")
        self.batch_shape = tuple(batch_shape)
        self.sparse = self.ragged = self.optional = False   # as Keras's attributes (the only kinds nn.keras has)
        self.built = True
        self._output_shape = self.batch_shape
        # unnamed: keras_tensor_N, as Keras
        tensor = KerasTensor(self._output_shape, self.dtype, name=name) if input_tensor is None else input_tensor
        self._symbolic_calls.append(Node(self, (), {}, tensor))
        self.output_tensor = tensor

    @property
    def dtype_policy(self):
        """The global dtype policy of when the layer was made (not the input's dtype), as Keras's InputLayer."""
        return self.__dict__["_dtype_policy"]

    @dtype_policy.setter
    def dtype_policy(self, value):
        object.__setattr__(self, "_dtype_policy", policy_for(value))

    @property
    def compute_dtype(self):
        """The dtype policy's compute dtype."""
        return self.dtype_policy.compute_dtype

    @property
    def variable_dtype(self):
        """The dtype policy's variable dtype (the layer has no variables; its tensor has `dtype`)."""
        return self.dtype_policy.variable_dtype

    @property
    def _autocast_dtype(self):
        """None: the model's inputs keep their dtype (each layer casts what it takes)."""
        return None

    def call(self, inputs):
        return inputs

    def get_config(self):
        """Keras's InputLayer config: batch_shape, dtype, sparse, ragged, name, optional."""
        return {"batch_shape": tuple(self.batch_shape), "dtype": self.dtype, "sparse": False, "ragged": False,
                "name": self.name, "optional": False}


def _check_input_tensor(tensor, shape, batch_size, batch_shape, dtype):
    """Keras's checks of InputLayer(input_tensor=...): a KerasTensor, whose shape and dtype agree with any given."""
    if not isinstance(tensor, KerasTensor):
        raise ValueError(f"Argument `input_tensor` must be a KerasTensor. Received invalid type: input_tensor={tensor} "
                         f"(of type {type(tensor)}); wrap a KerasTensor (keras.Input(...) or a layer's output), or "
                         "pass shape= and feed the values when calling the model")
    given = tensor.shape
    clashes = [("batch_size", batch_size is not None and (len(given) < 1 or given[0] != batch_size)),
               ("shape", shape is not None and (len(shape) != len(given) - 1 or tuple(shape) != given[1:])),
               ("batch_shape", batch_shape is not None and tuple(batch_shape) != given),
               ("dtype", dtype is not None and tensor.dtype != dtype_name(dtype))]
    for argument, clash in clashes:
        if clash:
            raise ValueError(f"When providing the `input_tensor` argument, you cannot provide an incompatible "
                             f"`{argument}` argument (the tensor has shape {given} and dtype {tensor.dtype}); "
                             f"leave {argument} out")


def Input(shape=None, batch_size=None, dtype=None, sparse=None, ragged=None, batch_shape=None, name=None, tensor=None,
          optional=False):
    """A symbolic input for one example of `shape` (the batch axis is added, None); call layers on it and
    build a keras.Model(inputs, outputs), or start a keras.Sequential with it. `tensor`: an existing KerasTensor
    to use as the input (it is returned, now made by the new InputLayer). Arguments in Keras's order; sparse,
    ragged and optional inputs are refused."""
    return InputLayer(shape=shape, batch_size=batch_size, dtype=dtype, sparse=sparse, ragged=ragged,
                      batch_shape=batch_shape, input_tensor=tensor, optional=optional, name=name).output_tensor
