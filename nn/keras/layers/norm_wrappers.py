"""keras.layers.Wrapper, RMSNormalization and SpectralNormalization, as Keras 3.

SpectralNormalization divides the wrapped layer's kernel (or embeddings) by its largest singular value, found
by Keras's power iteration from the non-trainable `vector_u`; in training it writes the normalised kernel and
the new vector_u back into the variables (outside the graph) before calling the layer, as Keras does."""
import autograd as ag

from .. import initializers, ops
from ..input_spec import InputSpec
from ..layer import Layer


class Wrapper(Layer):
    """Base of the layers that wrap one other layer (`self.layer`), whose config carries it serialized."""

    def __init__(self, layer, **kwargs):
        if not isinstance(layer, Layer):
            raise ValueError(f"Layer {layer} supplied to Wrapper isn't a supported layer type. Please ensure "
                             "wrapped layer is a valid Keras layer.")
        super().__init__(**kwargs)
        self.layer = layer

    def build(self, input_shape=None):
        if not self.layer.built:
            self.layer._build_for_shape(input_shape)

    def get_config(self):
        """The base config and the wrapped layer, serialized."""
        from ..saving.serialization import serialize_keras_object
        return {**Layer.get_config(self), "layer": serialize_keras_object(self.layer)}

    @classmethod
    def from_config(cls, config, custom_objects=None):
        """The wrapper made again from get_config's dict (its layer deserialized)."""
        from ..saving.serialization import deserialize_keras_object
        config = dict(config)
        layer = deserialize_keras_object(config.pop("layer"), custom_objects)
        return cls(layer, **config)


class RMSNormalization(Layer):
    """x * rsqrt(mean(x^2 over `axis`) + epsilon) * scale, with one trainable `scale` over the axis (axes)."""

    def __init__(self, axis=-1, epsilon=1e-6, **kwargs):
        super().__init__(**kwargs)
        self.axis, self.epsilon = axis, epsilon

    def build(self, input_shape):
        if isinstance(self.axis, (list, tuple)):
            self.axis = sorted(self.axis)
            shape = tuple(input_shape[dim] for dim in self.axis)
        else:
            shape = (input_shape[self.axis],)
            self.axis = [self.axis]
        self.scale = self.add_weight(shape, "ones", name="scale")

    def call(self, x):
        return ops.rms_normalization(x, scale=self.scale, axis=self.axis, epsilon=self.epsilon)

    def compute_output_shape(self, input_shape):
        for axis in ([self.axis] if isinstance(self.axis, int) else self.axis):
            if axis >= len(input_shape) or axis < -len(input_shape):
                raise ValueError(f"Axis {axis} is out of bounds for input shape {input_shape}. "
                                 f"Received: axis={self.axis}")
        return input_shape

    def get_config(self):
        """Keras's: axis (a list once built, as Keras) and epsilon."""
        return {**super().get_config(), "axis": self.axis, "epsilon": self.epsilon}


def _l2_normalize(x):
    """x over its norm over every axis (Keras's ops.normalize(x, axis=None))."""
    return x * ag.clamp(ag.rsqrt((x * x).sum()), max=1.0 / 1e-7)


class SpectralNormalization(Wrapper):
    """Wraps a layer with a `kernel` (or `embeddings`) and keeps its spectral norm at 1 in training."""

    def __init__(self, layer, power_iterations=1, **kwargs):
        super().__init__(layer, **kwargs)
        if power_iterations <= 0:
            raise ValueError("`power_iterations` should be greater than zero. Received: "
                             f"`power_iterations={power_iterations}`")
        self.power_iterations = power_iterations

    def build(self, input_shape):
        super().build(input_shape)
        self.input_spec = InputSpec(min_ndim=1, axes={-1: input_shape[-1]})
        if hasattr(self.layer, "kernel"):
            kernel = self.layer.kernel
        elif hasattr(self.layer, "embeddings"):
            kernel = self.layer.embeddings
        else:
            raise ValueError(f"{type(self.layer).__name__} object has no attribute 'kernel' nor 'embeddings'")
        object.__setattr__(self, "kernel", kernel)   # an alias, not a second registration of the weight
        self.kernel_shape = tuple(kernel.shape)
        self.vector_u = self.add_weight((1, self.kernel_shape[-1]), initializers.TruncatedNormal(stddev=0.02),
                                        trainable=False, name="vector_u", dtype=kernel.dtype)

    def _own_weights(self):
        # Keras's order: the wrapper tracks the kernel too (first), then vector_u, then the layer's others
        own = super()._own_weights()
        return [self.kernel] + own if self.built else own

    def call(self, inputs, training=False):
        if training:
            with ag.no_grad():   # tensor ops only (no host read), so a compiled step replays the update
                nonzero = (self.kernel != 0).any()
                vector_u, kernel = self.normalized_weights()
                new_u, new_kernel = ag.where(nonzero, vector_u, self.vector_u), ag.where(nonzero, kernel, self.kernel)
                self.vector_u.mul_(0.0).add_(new_u)   # in place, as BatchNormalization's moving statistics
                self.kernel.mul_(0.0).add_(new_kernel)
        output = self.layer(inputs)
        return output.to(inputs.dtype)

    def compute_output_shape(self, input_shape):
        return self.layer.compute_output_shape(input_shape)

    def normalized_weights(self):
        """(new vector_u, the kernel divided by its estimated largest singular value)."""
        weights = self.kernel.reshape(-1, self.kernel_shape[-1])
        vector_u = self.vector_u.detach()
        for _ in range(self.power_iterations):
            vector_v = _l2_normalize(vector_u @ weights.T)
            vector_u = _l2_normalize(vector_v @ weights)
        vector_u, vector_v = vector_u.detach(), vector_v.detach()
        sigma = (vector_v @ weights) @ vector_u.T
        return vector_u, (self.kernel / sigma).reshape(self.kernel_shape)

    def get_config(self):
        """The wrapper's config and power_iterations."""
        return {**super().get_config(), "power_iterations": self.power_iterations}
