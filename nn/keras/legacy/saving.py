"""keras.legacy.saving (also keras.utils.legacy): Keras 2's serialize_keras_object / deserialize_keras_object."""
from ..saving.legacy_serialization import deserialize_keras_object, serialize_keras_object

__all__ = ["serialize_keras_object", "deserialize_keras_object"]
