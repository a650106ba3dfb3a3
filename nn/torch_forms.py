"""The torch.* spellings of functions that live in nn.functional (torch.conv2d, torch.max_pool2d,
torch.layer_norm, torch.embedding, ...), installed onto autograd when nn is imported, since autograd never
imports nn. Where PyTorch's top-level form differs from the functional one (argument order, a required
`train` flag, indices always returned), the wrapper here follows the top-level form."""
from . import functional as F
from . import torch_conv_forms, torch_layer_forms, torch_loss_forms, torch_native_forms, torch_rnn_forms

#: the top-level names whose arguments are nn.functional's own
SAME_AS_FUNCTIONAL = ("conv1d conv2d conv3d conv_transpose1d conv_transpose2d conv_transpose3d max_pool1d max_pool2d "
                      "max_pool3d avg_pool1d adaptive_avg_pool1d pixel_shuffle pixel_unshuffle channel_shuffle "
                      "rms_norm bilinear native_channel_shuffle").split()


def adaptive_max_pool1d(input, output_size):
    """torch.adaptive_max_pool1d: the pooled values and their indices, as a tuple (always both)."""
    return F.adaptive_max_pool1d(input, output_size, return_indices=True)


def alpha_dropout(input, p, train):
    """torch.alpha_dropout: F.alpha_dropout with the training flag given positionally."""
    return F.alpha_dropout(input, p, training=train)


def feature_alpha_dropout(input, p, train):
    """torch.feature_alpha_dropout: F.feature_alpha_dropout with the training flag given positionally."""
    return F.feature_alpha_dropout(input, p, training=train)


def embedding(weight, indices, padding_idx=-1, scale_grad_by_freq=False, sparse=False):
    """torch.embedding: the rows of `weight` at `indices` (weight first, unlike F.embedding; padding_idx -1
    means none)."""
    return F.embedding(indices, weight, padding_idx=None if padding_idx == -1 else padding_idx,
                       scale_grad_by_freq=scale_grad_by_freq, sparse=sparse)


def install(namespace):
    """Set every torch.* form on `namespace` (the autograd module)."""
    for name in SAME_AS_FUNCTIONAL:
        setattr(namespace, name, getattr(F, name))
    for fn in (adaptive_max_pool1d, alpha_dropout, feature_alpha_dropout, embedding) + torch_layer_forms.FUNCTIONS + (
            torch_loss_forms.FUNCTIONS + torch_native_forms.FUNCTIONS + torch_conv_forms.FUNCTIONS +
            torch_rnn_forms.FUNCTIONS):
        setattr(namespace, fn.__name__, fn)
