"""torch.nn.modules' layout (`from torch.nn.modules.loss import _Loss`, `from torch.nn.modules.module import Module`,
`from torch.nn.modules.utils import _pair`), over nn's own classes: each submodule PyTorch has holds the same
names here, so code that imports from them ports by changing `torch.nn` to `nn`."""
import sys
import types

import nn as _nn
from nn.layers.attention import NonDynamicallyQuantizableLinear as _NonDynamicallyQuantizableLinear
from nn.layers.conv import _ConvNd, _ConvTransposeNd
from nn.layers.instance_norm import _InstanceNorm
from nn.layers.norm_base import _NormBase
from nn.layers.normalization import _BatchNorm
from nn.losses import _Loss, _WeightedLoss
from . import utils  # noqa: F401  (a module of its own: the tuple helpers)
from .. import module_global_hooks as _global_hooks

_PRIVATE = {"_ConvNd": _ConvNd, "_ConvTransposeNd": _ConvTransposeNd, "_BatchNorm": _BatchNorm, "_Loss": _Loss,
            "_WeightedLoss": _WeightedLoss, "_NormBase": _NormBase, "_InstanceNorm": _InstanceNorm}
#: names a submodule holds that are neither on nn nor in its __all__ (MultiheadAttention's out_proj class)
_UNLISTED = {"NonDynamicallyQuantizableLinear": _NonDynamicallyQuantizableLinear}

#: submodule -> the names it holds (PyTorch 2.13's, those nn has, and the private bases user code subclasses)
LAYOUT = {
    "activation": ("CELU ELU GELU GLU Hardshrink Hardsigmoid Hardswish Hardtanh LeakyReLU LogSigmoid LogSoftmax Mish "
                   "MultiheadAttention PReLU RReLU ReLU ReLU6 SELU SiLU Sigmoid Softmax Softmax2d Softmin Softplus "
                   "Softshrink Softsign Tanh Tanhshrink Threshold"),
    "adaptive": "AdaptiveLogSoftmaxWithLoss",
    "batchnorm": ("BatchNorm1d BatchNorm2d BatchNorm3d LazyBatchNorm1d LazyBatchNorm2d LazyBatchNorm3d SyncBatchNorm "
                  "_BatchNorm _NormBase"),
    "channelshuffle": "ChannelShuffle",
    "container": "ModuleDict ModuleList ParameterDict ParameterList Sequential",
    "conv": ("Conv1d Conv2d Conv3d ConvTranspose1d ConvTranspose2d ConvTranspose3d LazyConv1d LazyConv2d LazyConv3d "
             "LazyConvTranspose1d LazyConvTranspose2d LazyConvTranspose3d _ConvNd _ConvTransposeNd"),
    "distance": "CosineSimilarity PairwiseDistance",
    "dropout": "AlphaDropout Dropout Dropout1d Dropout2d Dropout3d FeatureAlphaDropout",
    "flatten": "Flatten Unflatten",
    "fold": "Fold Unfold",
    "instancenorm": ("InstanceNorm1d InstanceNorm2d InstanceNorm3d LazyInstanceNorm1d LazyInstanceNorm2d "
                     "LazyInstanceNorm3d _InstanceNorm"),
    "linear": "Bilinear Identity LazyLinear Linear NonDynamicallyQuantizableLinear",
    "linear_cross_entropy_options": "LinearCrossEntropyOptions",
    "loss": ("BCELoss BCEWithLogitsLoss CTCLoss CosineEmbeddingLoss CrossEntropyLoss GaussianNLLLoss "
             "HingeEmbeddingLoss HuberLoss KLDivLoss L1Loss MSELoss MarginRankingLoss MultiLabelMarginLoss "
             "MultiLabelSoftMarginLoss MultiMarginLoss NLLLoss NLLLoss2d PoissonNLLLoss SmoothL1Loss SoftMarginLoss "
             "TripletMarginLoss TripletMarginWithDistanceLoss LinearCrossEntropyLoss _Loss _WeightedLoss"),
    "module": "Module",
    "normalization": "CrossMapLRN2d GroupNorm LayerNorm LocalResponseNorm RMSNorm",
    "padding": ("CircularPad1d CircularPad2d CircularPad3d ConstantPad1d ConstantPad2d ConstantPad3d ReflectionPad1d "
                "ReflectionPad2d ReflectionPad3d ReplicationPad1d ReplicationPad2d ReplicationPad3d ZeroPad1d "
                "ZeroPad2d ZeroPad3d"),
    "pixelshuffle": "PixelShuffle PixelUnshuffle",
    "pooling": ("AdaptiveAvgPool1d AdaptiveAvgPool2d AdaptiveAvgPool3d AdaptiveMaxPool1d AdaptiveMaxPool2d "
                "AdaptiveMaxPool3d AvgPool1d AvgPool2d AvgPool3d FractionalMaxPool2d FractionalMaxPool3d LPPool1d "
                "LPPool2d LPPool3d MaxPool1d MaxPool2d MaxPool3d MaxUnpool1d MaxUnpool2d MaxUnpool3d"),
    "rnn": "GRU GRUCell LSTM LSTMCell RNN RNNBase RNNCell RNNCellBase",
    "sparse": "Embedding EmbeddingBag",
    "transformer": "Transformer TransformerDecoder TransformerDecoderLayer TransformerEncoder TransformerEncoderLayer",
    "upsampling": "Upsample UpsamplingBilinear2d UpsamplingNearest2d",
}


def _submodule(name, names):
    module = types.ModuleType(f"{__name__}.{name}", f"torch.nn.modules.{name}'s names, nn's objects.")
    for attr in names.split():
        setattr(module, attr, _PRIVATE.get(attr) or _UNLISTED.get(attr) or getattr(_nn, attr))
    module.__all__ = [n for n in names.split() if not n.startswith("_") and n not in _UNLISTED]
    return module


for _name, _names in LAYOUT.items():
    globals()[_name] = sys.modules[f"{__name__}.{_name}"] = _submodule(_name, _names)
    for _attr in _names.split():
        if not _attr.startswith("_") and _attr not in _UNLISTED:
            globals()[_attr] = getattr(_nn, _attr)

# the global hooks live beside Module, as torch.nn.modules.module.register_module_forward_hook does
for _attr in ("register_module_forward_pre_hook", "register_module_forward_hook",
              "register_module_full_backward_pre_hook", "register_module_full_backward_hook",
              "register_module_backward_hook",
              "register_module_parameter_registration_hook", "register_module_buffer_registration_hook",
              "register_module_module_registration_hook"):
    setattr(sys.modules[f"{__name__}.module"], _attr, getattr(_global_hooks, _attr))
