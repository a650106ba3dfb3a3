"""What Keras's lookup, hashing and text layers share: taking strings (which Tensors cannot hold) or integers as
host NumPy arrays, and symbolic outputs from `compute_output_shape` instead of a probe call on zeros (there is
no zero string to probe with, and a layer without a vocabulary cannot run yet)."""
import numpy as np

from autograd import Tensor

from ..layer import Layer
from ..symbolic import KerasTensor, map_structure


def is_text(array):
    """Whether a NumPy array holds strings or bytes (a str/bytes dtype, or objects that are str or bytes)."""
    if array.dtype.kind in "US":
        return True
    return array.dtype == object and array.size > 0 and isinstance(array.flat[0], (str, bytes, np.str_, np.bytes_))


def host_array(value, who):
    """`value` (a list, tuple, NumPy array, Tensor or scalar) as a NumPy array: Tensors copied to the host,
    ragged nested lists refused with a clear error."""
    if isinstance(value, KerasTensor):
        raise TypeError(f"{who}: got a symbolic {value!r} where data was expected")
    if isinstance(value, Tensor):
        return value.numpy()
    if hasattr(value, "numpy") and not isinstance(value, np.ndarray):
        return np.asarray(value.numpy())
    try:
        array = np.asarray(value)
    except ValueError as error:
        raise ValueError(f"{who}: the inputs are ragged (rows of different lengths: {error}); pad them to one "
                         "length first (Keras's ragged tensors need TensorFlow)") from None
    if array.dtype == object and array.size and isinstance(array.flat[0], (list, tuple, np.ndarray)):
        raise ValueError(f"{who}: the inputs are ragged (rows of different lengths); pad them to one length first "
                         "(Keras's ragged tensors need TensorFlow)")
    return array


def text_array(value, who, encoding="utf-8"):
    """`value` as a NumPy array of Python str (object dtype): bytes decoded with `encoding`."""
    array = host_array(value, who)
    if not is_text(array) and array.size:
        raise TypeError(f"{who}: expects strings, got an array of {array.dtype} (shape {array.shape}); pass str or "
                        "bytes values (IntegerLookup takes integers)")
    out = np.empty(array.shape, dtype=object)
    flat = out.reshape(-1)
    for k, item in enumerate(array.reshape(-1).tolist()):
        flat[k] = item.decode(encoding) if isinstance(item, bytes) else str(item)
    return out


class HostDataLayer(Layer):
    """Base of the layers that compute on the host from strings or integers: calls on lists convert them to
    arrays first, symbolic calls use `compute_output_shape` and `output_dtype`, and there is nothing to build
    (Keras's get_build_config is empty for them)."""

    #: the dtype of the outputs of symbolic calls (a subclass sets it per mode)
    output_dtype = "int64"

    def __call__(self, *args, **kwargs):
        if args and isinstance(args[0], (list, tuple, str, bytes)):
            if not self._takes_several_inputs():
                args = (host_array(args[0], self.name),) + args[1:]
            elif isinstance(args[0], (list, tuple)):   # several inputs: convert each one
                args = (type(args[0])(host_array(x, self.name) if isinstance(x, (list, tuple, str, bytes)) else x
                                      for x in args[0]),) + args[1:]
        return super().__call__(*args, **kwargs)

    def _takes_several_inputs(self):
        return False

    def _probe(self, args, kwargs):
        shapes = map_structure(lambda k: k.shape if isinstance(k, KerasTensor) else np.shape(k), args[0])
        return KerasTensor(self.compute_output_shape(shapes), self.output_dtype)

    def build(self, input_shape=None):
        """Nothing to create: these layers hold no weights."""

    def get_build_config(self):
        """None: there are no weights to build (a loaded layer needs no sample input)."""
        return None

    def build_from_config(self, config):
        """Marks the layer built; there are no weights to create."""
        self.built = True
