"""keras.layers: Keras's layers with Keras's names, arguments, defaults and weight layouts."""
from ..input_spec import InputSpec
from ..layer import Layer
from .input_layer import Input, InputLayer
from .core import Activation, Dense, Dropout, Flatten, Lambda, Masking, Reshape, Rescaling
from .conv import (AveragePooling2D, AvgPool2D, Conv2D, GlobalAveragePooling1D, GlobalAveragePooling2D,
                   GlobalAvgPool1D, GlobalAvgPool2D, GlobalMaxPool1D, GlobalMaxPool2D, GlobalMaxPooling1D,
                   GlobalMaxPooling2D, MaxPool2D, MaxPooling2D)
from .conv1d import AveragePooling1D, AvgPool1D, Conv1D, MaxPool1D, MaxPooling1D
from .conv_transpose import Conv1DTranspose, Conv2DTranspose, Conv3DTranspose
from .attention import AdditiveAttention, Attention
from .depthwise_conv import DepthwiseConv1D, DepthwiseConv2D, SeparableConv1D, SeparableConv2D
from .einsum_dense import EinsumDense
from .multi_head_attention import MultiHeadAttention
from .group_query_attention import GroupQueryAttention
from .spectrogram import MelSpectrogram, STFTSpectrogram
from .rand_augment import AugMix, RandAugment
from .normalization import BatchNormalization, LayerNormalization, Normalization
from .embedding import Embedding
from .reversible_embedding import ReversibleEmbedding
from .recurrent import GRU, LSTM, Bidirectional, SimpleRNN
from .rnn_cells import GRUCell, LSTMCell, SimpleRNNCell
from .rnn_layer import RNN, StackedRNNCells
from .conv_lstm import ConvLSTM1D, ConvLSTM2D, ConvLSTM3D
from .merge import (Add, Average, Concatenate, Maximum, Minimum, Multiply, Subtract, add, average, concatenate,
                    maximum, minimum, multiply, subtract)
from .time_distributed import TimeDistributed
from .wrapper import ModuleWrapper, TorchModuleWrapper, as_keras_layer
from .augmentation import RandomContrast, RandomFlip, RandomRotation, RandomTranslation, RandomZoom
from .activation_layers import ELU, LeakyReLU, PReLU, ReLU, Softmax
from .reshaping import (Cropping1D, Cropping2D, Cropping3D, Identity, Permute, RepeatVector, UpSampling1D,
                        UpSampling2D, UpSampling3D, ZeroPadding1D, ZeroPadding2D, ZeroPadding3D)
from .noise import (ActivityRegularization, AlphaDropout, GaussianDropout, GaussianNoise, SpatialDropout1D,
                    SpatialDropout2D, SpatialDropout3D)
from .normalization_more import GroupNormalization, UnitNormalization
from .image_preprocessing import CenterCrop, RandomCrop, Resizing
from .max_num_bounding_boxes import MaxNumBoundingBoxes
from . import box_moves  # noqa: F401,E402 (registers the box moves the image layers call)
from .dot import Dot, dot
from .preprocessing import CategoryEncoding, Discretization
from .lookup import IntegerLookup, StringLookup
from .hashing import HashedCrossing, Hashing
from .text_vectorization import TextVectorization
from .pooling3d import (AveragePooling3D, AvgPool3D, GlobalAveragePooling3D, GlobalAvgPool3D, GlobalMaxPool3D,
                        GlobalMaxPooling3D, MaxPool3D, MaxPooling3D)
from .conv3d import (Conv3D, Convolution1D, Convolution1DTranspose, Convolution2D, Convolution2DTranspose,
                     Convolution3D, Convolution3DTranspose, SeparableConvolution1D, SeparableConvolution2D)
from .norm_wrappers import RMSNormalization, SpectralNormalization, Wrapper
from .color_augmentation import AutoContrast, RandomBrightness, RandomGrayscale, RandomInvert, Solarization
from .equalization import Equalization
from .clahe import ContrastLimitedAdaptiveHistogramEqualization
from .mix_up import MixUp
from .cut_mix import CutMix
from .pipeline import Pipeline
from .random_perspective import RandomPerspective
from .random_erasing_blur import RandomErasing, RandomGaussianBlur, RandomShear
from .random_elastic import RandomElasticTransform
from .color_augmentation_more import (RandomColorDegeneration, RandomColorJitter, RandomHue, RandomPosterization,
                                      RandomSaturation, RandomSharpness)
from .adaptive_pooling import (AdaptiveAveragePooling1D, AdaptiveAveragePooling2D, AdaptiveAveragePooling3D,
                               AdaptiveMaxPooling1D, AdaptiveMaxPooling2D, AdaptiveMaxPooling3D)
from . import output_shape_rules_core, output_shape_rules_windows  # noqa: F401  (they register the rules)

from ..serialize_api import serializers as _serializers  # noqa: E402

serialize, deserialize = _serializers("layer")
