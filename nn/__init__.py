"""deepgrad.nn: modules, layers, functional ops, losses, optimisers, data and training.

    import nn
    import nn.functional as F
"""
# Each area adds its import lines below (one block per file).
from .module import Module, Parameter
from .containers import Container, ModuleDict, ModuleList, Sequential
from .factory_kwargs import factory_kwargs
from .parameter_containers import ParameterDict, ParameterList
from . import functional, init
from .layers.linear import Dense, Identity, Linear
from .layers.flatten import Flatten
from .layers.activation import ELU, GELU, LeakyReLU, LogSoftmax, ReLU, Sigmoid, SiLU, Softmax, Softplus, Tanh
from .layers.activation import SELU, Hardsigmoid, Hardtanh, Hardswish, LogSigmoid, Mish, ReLU6, Softsign
from .losses import (BCELoss, BCEWithLogitsLoss, CrossEntropyLoss, HingeLoss, HuberLoss, KLDivLoss, L1Loss,
                     MSELoss, NLLLoss, NLLLoss2d)
from .losses import CosineEmbeddingLoss, MarginRankingLoss, TripletMarginLoss
from .losses import HingeEmbeddingLoss, TripletMarginWithDistanceLoss
from . import serialization
from .serialization import load, save
from .layers.conv import Conv1d, Conv2d, ConvTranspose2d
from .layers.pooling import AdaptiveAvgPool2d, AvgPool1d, AvgPool2d, MaxPool1d, MaxPool2d
from .layers.pooling import AdaptiveAvgPool1d, AdaptiveMaxPool1d, AdaptiveMaxPool2d
from .layers.normalization import BatchNorm1d, BatchNorm2d, LayerNorm
from .layers.dropout import Dropout
from .layers.embedding import Embedding
from .layers.recurrent import GRU, LSTM, RNN
from .losses import SmoothL1Loss
from .margin_likelihood_losses import (GaussianNLLLoss, MultiLabelSoftMarginLoss, MultiMarginLoss, PoissonNLLLoss,
                                       SoftMarginLoss)
from .margin_likelihood_losses import MultiLabelMarginLoss
from .layers.cells import GRUCell, LSTMCell, RNNCell
from .layers.channel_dropout import Dropout1d, Dropout2d, Dropout3d
from .layers.upsampling import Upsample, UpsamplingBilinear2d, UpsamplingNearest2d
from .layers.shuffle import PixelShuffle, PixelUnshuffle
from .layers.group_norm import GroupNorm
from .layers.instance_norm import InstanceNorm1d, InstanceNorm2d, InstanceNorm3d
from .layers.unflatten import Unflatten
from .layers.bilinear import Bilinear
from .layers.distance import CosineSimilarity, PairwiseDistance
from .layers.attention import MultiheadAttention
from .layers.transformer import (Transformer, TransformerDecoder, TransformerDecoderLayer, TransformerEncoder,
                                 TransformerEncoderLayer)
from . import optim, utils
from . import callbacks, data, explain, training, tuning  # training gives Module compile/fit/evaluate/predict
from . import distributed, hub, parallel

# PyTorch code reaches this package as torch.nn, torch.optim and torch.utils.data. Once nn is imported,
# `import autograd as torch` offers those names too; autograd itself never imports nn.
import sys as _sys

import autograd as _ag

_ag.nn, _ag.optim = __import__(__name__), optim
_ag.utils.data = data               # torch.utils.data (autograd.utils is torch.utils: checkpoint, ...)
_sys.modules["autograd.utils.data"] = data
_ag.distributed = distributed
_sys.modules["autograd.distributed"] = distributed          # import torch.distributed as dist
_sys.modules["autograd.distributed.optim"] = distributed.optim   # from torch.distributed.optim import ...
_ag.hub = hub                       # torch.hub: the weight-file download cache
_sys.modules["autograd.hub"] = hub
_ag.save, _ag.load = save, load     # torch.save / torch.load: safetensors, never pickle
_ag.serialization = serialization     # torch.serialization: save, load and the safe_globals allow-list
_sys.modules["autograd.serialization"] = serialization
_ag.func.functional_call = utils.stateless.functional_call   # torch.func's Module helpers (autograd/func_api.py)
_ag.func.stack_module_state = utils.stateless.stack_module_state
_ag.func.replace_all_batch_norm_modules_ = utils.stateless.replace_all_batch_norm_modules_
from . import torch_forms as _torch_forms
_torch_forms.install(_ag)           # torch.conv2d, torch.layer_norm, torch.embedding, ...
from .module import Buffer
from . import parameter
from .uninitialized import UninitializedBuffer, UninitializedParameter
from .layers.sync_batch_norm import SyncBatchNorm
from .data_parallel import DataParallel
from .layers.recurrent import RNNBase
from .layers.cells import RNNCellBase
from .layers.adaptive_softmax import AdaptiveLogSoftmaxWithLoss
from .layers.linear_cross_entropy import LinearCrossEntropyLoss
from .functional.linear_cross_entropy import LinearCrossEntropyOptions
from .layers.gating import GLU, PReLU, Softmax2d
from .layers.padding import (CircularPad1d, CircularPad2d, CircularPad3d, ConstantPad1d, ConstantPad2d,
                             ConstantPad3d, ReflectionPad1d, ReflectionPad2d, ReflectionPad3d, ReplicationPad1d,
                             ReplicationPad2d, ReplicationPad3d, ZeroPad1d, ZeroPad2d, ZeroPad3d)
from .layers.local_response_norm import LocalResponseNorm
from .layers.cross_map_lrn2d import CrossMapLRN2d
from .layers.shuffle import ChannelShuffle
from .layers.fold import Fold, Unfold
from .layers.embedding_bag import EmbeddingBag
from .layers.lazy_linear import LazyLinear
from .layers.unpool import MaxUnpool1d, MaxUnpool2d, MaxUnpool3d
from .layers.lp_pool import LPPool1d, LPPool2d, LPPool3d
from .layers.conv import Conv3d, ConvTranspose1d, ConvTranspose3d
from .layers.pooling3d import AdaptiveAvgPool3d, AdaptiveMaxPool3d, AvgPool3d, MaxPool3d
from .layers.normalization import BatchNorm3d
from .layers.activation import CELU, RReLU, Softmin
from .layers.shrink import Hardshrink, Softshrink, Tanhshrink, Threshold
from .layers.dropout import AlphaDropout
from .layers.rms_norm import RMSNorm
from .ctc_loss import CTCLoss
from .layers.fractional_pool import FractionalMaxPool2d, FractionalMaxPool3d
from .layers.dropout import FeatureAlphaDropout
from .layers.lazy_conv import (LazyConv1d, LazyConv2d, LazyConv3d, LazyConvTranspose1d, LazyConvTranspose2d,
                               LazyConvTranspose3d)
from .layers.lazy_norm import (LazyBatchNorm1d, LazyBatchNorm2d, LazyBatchNorm3d, LazyInstanceNorm1d,
                               LazyInstanceNorm2d, LazyInstanceNorm3d)


def __getattr__(name):
    """`nn.modules` (torch.nn.modules' layout: nn.modules.module.register_module_forward_hook, ...) reachable after
    `import nn`, as in PyTorch; loaded on first use, since it reads the names above (importing it here would
    make the two import each other)."""
    if name == "modules":
        import importlib
        return importlib.import_module(f"{__name__}.modules")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
