"""keras.layers.Pipeline: a list of (preprocessing) layers applied in order, which unlike a Sequential model is
itself a layer (usable in a tf.data-style map or inside a model), training by default as Keras's."""
import inspect

from ..layer import Layer
from .augmentation import TrainingByDefault


def _takes_training(layer):
    try:
        return "training" in inspect.signature(layer.call).parameters
    except (TypeError, ValueError):
        return False


class Pipeline(TrainingByDefault, Layer):
    """Applies `layers` one after the other, passing `training` to those whose call takes it."""

    def __init__(self, layers, name=None):
        super().__init__(name=name)
        self._pipeline_layers = list(layers)

    @property
    def layers(self):
        """The layers, in order."""
        return self._pipeline_layers

    def call(self, inputs, training=True):
        outputs = inputs
        for layer in self._pipeline_layers:
            kwargs = {"training": training} if training is not None and _takes_training(layer) else {}
            outputs = layer(outputs, **kwargs)
        return outputs

    def compute_output_shape(self, input_shape):
        """The shape after every layer in turn."""
        for layer in self._pipeline_layers:
            input_shape = layer.compute_output_shape(input_shape)
        return input_shape

    def get_config(self):
        """Keras's: the layers, serialized, and the name."""
        from ..saving.serialization import serialize_keras_object
        return {"layers": [serialize_keras_object(layer) for layer in self._pipeline_layers], "name": self.name}

    @classmethod
    def from_config(cls, config, custom_objects=None):
        """The pipeline made again from get_config's dict (its layers deserialized)."""
        from ..saving.serialization import deserialize_keras_object
        layers = config.get("layers")
        if not isinstance(layers, (list, tuple)):
            raise ValueError("`Pipeline` config must contain a `layers` key mapping to a list of serialized layers. "
                             f"Received config with layers={layers}.")
        config = {**config, "layers": [deserialize_keras_object(x, custom_objects) for x in layers]}
        return cls(**config)
