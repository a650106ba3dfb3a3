"""The functional form of every layer, activation and loss: `import nn.functional as F`."""
# Each area adds its import lines below (one block per file).
from .activation import (elu, gelu, hardtanh, leaky_relu, log_softmax, relu, sigmoid, silu, softmax, softplus,
                         tanh)
from .activation import hardsigmoid, hardswish, logsigmoid, mish, relu6, selu, softsign
from .linear import linear
from .loss import (binary_cross_entropy, binary_cross_entropy_with_logits, cross_entropy, hinge_loss, huber_loss,
                   kl_div, l1_loss, l1_penalty, l2_penalty, mse_loss, nll_loss)
from .conv import conv1d, conv2d, conv_transpose1d, conv_transpose2d
from .pooling import adaptive_avg_pool2d, avg_pool1d, avg_pool2d, max_pool1d, max_pool2d
from .pooling import adaptive_avg_pool1d, adaptive_max_pool1d, adaptive_max_pool2d
from .normalization import batch_norm, layer_norm
from .dropout import dropout
from .embedding import embedding
from .recurrent import gru_cell, lstm_cell, recurrence, rnn_relu_cell, rnn_tanh_cell
from .loss import smooth_l1_loss
from .embedding_losses import cosine_embedding_loss, margin_ranking_loss, triplet_margin_loss
from .embedding_losses import hinge_embedding_loss, triplet_margin_with_distance_loss
from .padding import pad
from .distance import cosine_similarity, normalize, pairwise_distance
from autograd import pdist   # torch.nn.functional.pdist is torch.pdist
from .grid_sample import GRID_SAMPLE_INTERPOLATION_MODES, GRID_SAMPLE_PADDING_MODES, affine_grid, grid_sample
from .gumbel_softmax import gumbel_softmax
from .interpolate import interpolate
from .shuffle import pixel_shuffle, pixel_unshuffle
from .sample_norm import group_norm, instance_norm
from .channel_dropout import dropout1d, dropout2d, dropout3d
from .encoding import one_hot
from .bilinear import bilinear
from .attention import scaled_dot_product_attention
from .multihead_attention import multi_head_attention_forward
from .margin_likelihood_losses import (gaussian_nll_loss, multi_margin_loss, multilabel_soft_margin_loss,
                                       poisson_nll_loss, soft_margin_loss)
from .margin_likelihood_losses import multilabel_margin_loss
from .gating import glu, prelu
from .linear_cross_entropy import linear_cross_entropy
from .local_response_norm import local_response_norm
from .shuffle import channel_shuffle
native_channel_shuffle = channel_shuffle   # PyTorch's second name for it
from .conv_tbc import conv_tbc
from .fold import fold, unfold
from .embedding_bag import embedding_bag
from .unpool import max_unpool1d, max_unpool2d, max_unpool3d
from .lp_pool import lp_pool1d, lp_pool2d, lp_pool3d
from .conv3d import conv3d
from .conv_transpose3d import conv_transpose3d
from .pooling3d import adaptive_avg_pool3d, adaptive_max_pool3d, avg_pool3d, max_pool3d
from .activation import celu, rrelu, softmin
from .shrink import hardshrink, softshrink, tanhshrink, threshold
from .dropout import alpha_dropout
from .rms_norm import rms_norm
from .ctc import ctc_loss
from .fractional_pool import (fractional_max_pool2d, fractional_max_pool2d_with_indices, fractional_max_pool3d,
                              fractional_max_pool3d_with_indices)
from .inplace_activation import celu_, elu_, hardtanh_, leaky_relu_, relu_, rrelu_, selu_, threshold_
from .pool_indices import (adaptive_max_pool1d_with_indices, adaptive_max_pool2d_with_indices,
                           adaptive_max_pool3d_with_indices, max_pool1d_with_indices, max_pool2d_with_indices,
                           max_pool3d_with_indices)
from .dropout import feature_alpha_dropout
from .upsample import upsample, upsample_bilinear, upsample_nearest
from .. import grad   # torch.nn.functional.grad is the torch.nn.grad module (conv2d_input, conv2d_weight, ...)
import sys as _sys   # noqa: E402
import autograd as _ag   # noqa: E402
_ag.overrides.register_namespace(_sys.modules[__name__])   # F's functions hand calls to __torch_function__ too
