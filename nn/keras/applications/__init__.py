"""keras.applications: Keras 3's image-classification models (built with nn.keras layers, layer and weight names
as in Keras, so Keras's published weight files load), each family's preprocess_input and decode_predictions, and
imagenet_utils."""
from . import imagenet_utils
from . import vgg16, vgg19
from .vgg16 import VGG16
from .vgg19 import VGG19
from . import resnet, resnet50, resnet_v2
from .resnet import ResNet50, ResNet101, ResNet152
from .resnet_v2 import ResNet50V2, ResNet101V2, ResNet152V2
from . import mobilenet, mobilenet_v2, mobilenet_v3
from .mobilenet import MobileNet
from .mobilenet_v2 import MobileNetV2
from .mobilenet_v3 import MobileNetV3Large, MobileNetV3Small

__all__ = ["imagenet_utils", "vgg16", "vgg19", "VGG16", "VGG19", "resnet", "resnet50", "resnet_v2", "ResNet50",
           "ResNet101", "ResNet152", "ResNet50V2", "ResNet101V2", "ResNet152V2",
           "mobilenet", "mobilenet_v2", "mobilenet_v3", "MobileNet", "MobileNetV2",
           "MobileNetV3Small", "MobileNetV3Large"]

# part b's families
from . import convnext, densenet, efficientnet, efficientnet_v2, inception_resnet_v2, inception_v3, xception
from .convnext import ConvNeXtBase, ConvNeXtLarge, ConvNeXtSmall, ConvNeXtTiny, ConvNeXtXLarge
from .densenet import DenseNet121, DenseNet169, DenseNet201
from .efficientnet import (EfficientNetB0, EfficientNetB1, EfficientNetB2, EfficientNetB3, EfficientNetB4,
                           EfficientNetB5, EfficientNetB6, EfficientNetB7)
from .efficientnet_v2 import (EfficientNetV2B0, EfficientNetV2B1, EfficientNetV2B2, EfficientNetV2B3, EfficientNetV2L,
                              EfficientNetV2M, EfficientNetV2S)
from .inception_resnet_v2 import InceptionResNetV2
from .inception_v3 import InceptionV3
from .xception import Xception
from . import nasnet
from .nasnet import NASNetLarge, NASNetMobile

__all__ += ["densenet", "efficientnet", "efficientnet_v2", "DenseNet121", "DenseNet169", "DenseNet201",
            "EfficientNetB0", "EfficientNetB1", "EfficientNetB2", "EfficientNetB3", "EfficientNetB4", "EfficientNetB5",
            "EfficientNetB6", "EfficientNetB7", "EfficientNetV2B0", "EfficientNetV2B1", "EfficientNetV2B2",
            "EfficientNetV2B3", "EfficientNetV2L", "EfficientNetV2M", "EfficientNetV2S", "convnext", "ConvNeXtTiny",
            "ConvNeXtSmall", "ConvNeXtBase", "ConvNeXtLarge", "ConvNeXtXLarge", "inception_v3", "InceptionV3",
            "xception", "Xception", "inception_resnet_v2", "InceptionResNetV2", "nasnet", "NASNetMobile",
            "NASNetLarge"]
