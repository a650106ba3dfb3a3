"""Helpers for training loops: gradient clipping, flattening parameters into one vector, weight and spectral
normalisation and parametrizations (nn.utils.parametrize, nn.utils.parametrizations), and (nn.utils.rnn) padding
and packing variable-length sequences."""
from . import parametrizations, parametrize, prune, rnn
from .clip_grad import clip_grad_norm, clip_grad_norm_, clip_grad_value_, clip_grads_with_norm_, get_total_norm
from .fusion import fuse_conv_bn_eval, fuse_conv_bn_weights, fuse_linear_bn_eval, fuse_linear_bn_weights
from .skip_init import skip_init
from .convert_parameters import parameters_to_vector, vector_to_parameters
from .memory_format import convert_conv2d_weight_memory_format, convert_conv3d_weight_memory_format
from .ensemble import Ensemble
from .weight_norm import remove_weight_norm, weight_norm
from .spectral_norm import remove_spectral_norm, spectral_norm
from . import stateless
