"""keras.applications: Keras 3's image-classification models (built with nn.keras layers, layer and weight names
as in Keras, so Keras's published weight files load), each family's preprocess_input and decode_predictions, and
imagenet_utils."""
from . import imagenet_utils
from . import vgg16, vgg19
from .vgg16 import VGG16
from .vgg19 import VGG19

__all__ = ["imagenet_utils", "vgg16", "vgg19", "VGG16", "VGG19"]
