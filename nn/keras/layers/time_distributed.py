"""keras.layers.TimeDistributed: one layer applied to every step of a sequence."""
from ..autocast_scope import in_compute_dtype
from ..layer import Layer, _call_takes_mask


class TimeDistributed(Layer):
    """Runs `layer` on each step of (batch, time, ...) inputs (as one call on (batch * time, ...)); the weights
    are the wrapped layer's, shared by every step. A mask on the input passes through to the output."""

    def __init__(self, layer, **kwargs):
        if not isinstance(layer, Layer):
            raise ValueError(f"TimeDistributed wraps a Keras layer, got {type(layer).__name__}")
        super().__init__(**kwargs)
        self.layer = layer
        self.supports_masking = True

    def build(self, input_shape):
        if len(input_shape) < 3:
            raise ValueError(f"{self.name}: expects inputs (batch, time, ...) with at least 3 axes, got {input_shape}")
        self.layer._build_for_shape((None,) + tuple(input_shape[2:]))

    def call(self, inputs, training=None, mask=None):
        batch, steps = inputs.shape[0], inputs.shape[1]
        kwargs = {"training": training}
        if mask is not None and _call_takes_mask(type(self.layer).call):
            kwargs["mask"] = mask.reshape(batch * steps, *mask.shape[2:])
        outputs = self.layer(inputs.reshape(batch * steps, *inputs.shape[2:]), **kwargs)
        # Keras runs the inner layer's call in this layer's dtype policy: its outputs come in this compute dtype
        return in_compute_dtype(self, outputs.reshape(batch, steps, *outputs.shape[1:]))

    def compute_mask(self, inputs, mask=None):
        """The input's mask."""
        return mask

    def get_config(self):
        """Keras's config: the wrapped layer, serialized."""
        from ..saving.serialization import serialize_keras_object
        return {**Layer.get_config(self), "layer": serialize_keras_object(self.layer)}

    @classmethod
    def from_config(cls, config, custom_objects=None):
        """The wrapper made again from get_config's dict (its layer deserialized; a layer object is taken as is)."""
        from ..saving.serialization import deserialize_keras_object
        config = dict(config)
        if isinstance(config.get("layer"), dict):
            config["layer"] = deserialize_keras_object(config["layer"], custom_objects)
        return cls(**config)
