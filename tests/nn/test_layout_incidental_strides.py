"""Layouts no one asked for do not spread: grid_sample answers in PyTorch's (N, C, H, W) memory order, and a
one-channel tensor whose size-1 channel dim carries a channels-last stride (NumPy keeps whatever stride a
transpose gave it) counts as contiguous, so the convolution after it answers row-major and `.view` works."""
import numpy as np

import autograd as ag
import nn
import nn.functional as F


def _identity_grid(x):
    theta = ag.tensor([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]], dtype=x.dtype).expand(x.shape[0], 2, 3)
    return F.affine_grid(theta, x.size(), align_corners=False)


def test_grid_sample_answers_row_major_and_the_conv_after_it_views():
    x = ag.randn(4, 3, 9, 10)
    sampled = F.grid_sample(x, _identity_grid(x), align_corners=False)
    assert sampled.is_contiguous()
    y = F.max_pool2d(nn.Conv2d(3, 5, 3)(sampled), 2)
    assert y.is_contiguous()
    assert y.view(4, -1).shape == (4, 5 * 3 * 4)


def test_one_channel_input_with_an_incidental_channel_stride_stays_row_major():
    data = np.random.default_rng(0).standard_normal((4, 8, 8, 1)).astype(np.float32)
    x = ag.tensor(data).permute(0, 3, 1, 2)   # (4, 1, 8, 8) with strides (64, 1, 8, 1)
    assert x.stride() == (64, 1, 8, 1)
    y = F.relu(nn.Conv2d(1, 6, 3)(x))
    assert y.is_contiguous() and y.view(4, -1).shape == (4, 6 * 36)


def test_channels_last_with_several_channels_still_propagates():
    x = ag.randn(2, 3, 8, 8).contiguous(memory_format=ag.channels_last)
    y = nn.Conv2d(3, 4, 3)(x)
    assert y.is_contiguous(memory_format=ag.channels_last) and not y.is_contiguous()
