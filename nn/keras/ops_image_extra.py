"""keras.ops.image.extract_patches / extract_patches_3d, gaussian_blur, sobel_edges and ssim, computed as Keras's
torch backend computes them (patches as a convolution with an identity kernel; blur and edges as depthwise
convolutions with zero padding; SSIM with an 11x11 Gaussian window, 'valid'), so values and gradients agree."""
import numpy as np

import autograd as ag

from .. import functional as F
from .ops_args import _t
from .ops_conv import conv
from .ops_layout import data_format as _data_format


def _conv(inputs, kernel, strides, padding, data_format, dilation_rate):
    return conv(inputs, kernel, strides=strides, padding=padding, data_format=data_format, dilation_rate=dilation_rate)


def extract_patches(images, size, strides=None, dilation_rate=1, padding="valid", data_format=None):
    """Patches of `size` (2 ints: of images (N, H, W, C) or (H, W, C); 3 ints: of volumes) laid along the
    channel axis, (kh * kw * C) values each, every `strides` pixels (default: size)."""
    if not isinstance(size, int):
        if not isinstance(size, (tuple, list)):
            raise TypeError("Invalid `size` argument. Expected an int or a tuple. "
                            f"Received: size={size} of type {type(size).__name__}")
        if len(size) not in (2, 3):
            raise ValueError("Invalid `size` argument. Expected a tuple of length 2 or 3. "
                             f"Received: size={size} with length {len(size)}")
        if len(size) == 3:
            return extract_patches_3d(images, size, strides, dilation_rate, padding, data_format)
    images = _t(images)
    patch_h, patch_w = (size, size) if isinstance(size, int) else size
    data_format = _data_format(data_format, "extract_patches")
    channels = images.shape[-1] if data_format == "channels_last" else images.shape[-3]
    return _patches(images, (patch_h, patch_w), channels, strides or size, dilation_rate, padding, data_format)


def extract_patches_3d(volumes, size, strides=None, dilation_rate=1, padding="valid", data_format=None):
    """Patches of (kd, kh, kw) of volumes (N, D, H, W, C) or (D, H, W, C), (kd * kh * kw * C) values each."""
    if isinstance(size, int):
        size = (size, size, size)
    elif len(size) != 3:
        raise TypeError(f"Invalid `size` argument. Expected an int or a tuple of length 3. Received: size={size}")
    if strides is None:
        strides = size
    if isinstance(strides, int):
        strides = (strides, strides, strides)
    if len(strides) != 3:
        raise ValueError(f"Invalid `strides` argument. Got: {strides}")
    volumes = _t(volumes)
    data_format = _data_format(data_format, "extract_patches_3d")
    channels = volumes.shape[-1] if data_format == "channels_last" else volumes.shape[-4]
    return _patches(volumes, tuple(size), channels, strides, dilation_rate, padding, data_format)


def _patches(x, size, channels, strides, dilation_rate, padding, data_format):
    if x.dtype.kind in "iub":   # Keras's patches keep an integer dtype; an identity kernel copies them exactly
        return _patches(x.double(), size, channels, strides, dilation_rate, padding, data_format).to(x.dtype)
    out_dim = int(np.prod(size)) * channels
    kernel = ag.tensor(np.eye(out_dim, dtype=x.dtype).reshape(tuple(size) + (channels, out_dim)))
    unbatched = x.ndim == len(size) + 1
    if unbatched:
        x = x.unsqueeze(0)
    patches = _conv(x, kernel, strides, padding, data_format, dilation_rate)
    return patches.squeeze(0) if unbatched else patches


def _nchw(images, data_format):
    if images.ndim not in (3, 4):
        raise ValueError("Invalid images rank: expected rank 3 (single image) or rank 4 (batch of images). "
                         f"Received input with shape: images.shape={tuple(images.shape)}")
    single = images.ndim == 3
    x = images.unsqueeze(0) if single else images
    return (x.permute(0, 3, 1, 2) if data_format == "channels_last" else x), single


def gaussian_blur(images, kernel_size=(3, 3), sigma=(1.0, 1.0), data_format=None):
    """Each channel blurred with a normalised Gaussian kernel (zero padding of kernel_size[0] // 2 on each
    side). As Keras 3's torch backend, only data_format='channels_last' moves the channels: the default None
    reads (N, C, H, W)."""
    images = _t(images)
    if images.dtype.kind in "iub":   # Keras's torch backend: an integer image meets the float kernel and fails
        raise RuntimeError(f"keras.ops.image.gaussian_blur: expected a floating-point image, got dtype "
                           f"{images.dtype} (the Gaussian kernel is float); cast the images first, e.g. "
                           "keras.ops.cast(images, 'float32')")
    x, single = _nchw(images, data_format)
    kh, kw = (int(k) for k in kernel_size)

    def kernel1d(n, s):
        grid = np.arange(n, dtype=np.float64) - (n - 1) / 2
        k = np.exp(-0.5 * (grid / s) ** 2)
        return k / k.sum()
    kernel = np.outer(kernel1d(kw, float(sigma[1])), kernel1d(kh, float(sigma[0]))).reshape(1, 1, kh, kw)
    channels = x.shape[1]
    weight = ag.tensor(np.repeat(kernel, channels, 0).astype(x.dtype))
    out = F.conv2d(x, weight, None, 1, kh // 2, 1, channels)
    if data_format == "channels_last":
        out = out.permute(0, 2, 3, 1)
    return out.squeeze(0) if single else out


def sobel_edges(images, data_format=None):
    """The Sobel gradients of each channel, stacked as (vertical, horizontal) on a new last axis:
    (N, H, W, C, 2) channels-last, (N, C, H, W, 2) channels-first (zero padding)."""
    images = _t(images)
    if images.dtype.kind == "u":   # an unsigned kernel wraps -1 and -2 around, as the sums do: int64, then wrap
        return sobel_edges(images.long(), data_format).to(images.dtype)
    data_format = _data_format(data_format, "sobel_edges")
    x = images.permute(0, 3, 1, 2) if data_format == "channels_last" else images
    channels = x.shape[1]
    sobel_x = np.array([[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]], dtype=x.dtype)
    weights = [ag.tensor(np.repeat(k.reshape(1, 1, 3, 3), channels, 0)) for k in (sobel_x.T, sobel_x)]
    edges = ag.stack([F.conv2d(x, w, None, 1, 1, 1, channels) for w in weights], dim=-1)
    return edges.permute(0, 2, 3, 1, 4) if data_format == "channels_last" else edges


def ssim(image1, image2, max_val=1.0, filter_size=11, filter_sigma=1.5, k1=0.01, k2=0.03, data_format=None):
    """The structural similarity of two images (or batches), averaged over pixels and channels: one value per
    image, in the images' dtype."""
    data_format = _data_format(data_format, "ssim")
    image1, image2 = _t(image1), _t(image2)
    original_dtype = image1.dtype
    if image1.dtype.kind != "f":
        image1, image2 = image1.float(), image2.float()
    image2 = image2.to(image1.dtype)
    for k, image in enumerate((image1, image2), 1):
        if image.ndim not in (3, 4):
            raise ValueError(f"Invalid image{k} rank: expected rank 3 (single image) or rank 4 (batch of images). "
                             f"Received input with shape: image{k}.shape={tuple(image.shape)}")
    unbatched = image1.ndim == 3
    if unbatched:
        image1, image2 = image1.unsqueeze(0), image2.unsqueeze(0)
    if data_format == "channels_last":   # to (B, C, H, W), then each channel as its own image
        image1, image2 = image1.permute(0, 3, 1, 2), image2.permute(0, 3, 1, 2)
    batch, channels, height, width = image1.shape
    image1 = image1.reshape(-1, 1, height, width)
    image2 = image2.reshape(-1, 1, height, width)
    grid = np.arange(filter_size, dtype=np.float64) - (filter_size - 1) / 2.0
    gauss = np.exp(-(grid ** 2) / (2.0 * filter_sigma ** 2))
    gauss /= gauss.sum()
    kernel = ag.tensor(np.outer(gauss, gauss).reshape(1, 1, filter_size, filter_size).astype(image1.dtype))

    def window(x):
        return F.conv2d(x, kernel)
    mu1, mu2 = window(image1), window(image2)
    mu1_sq, mu2_sq, mu1_mu2 = mu1 * mu1, mu2 * mu2, mu1 * mu2
    sigma1_sq = window(image1 * image1) - mu1_sq
    sigma2_sq = window(image2 * image2) - mu2_sq
    sigma12 = window(image1 * image2) - mu1_mu2
    c1, c2 = (k1 * max_val) ** 2, (k2 * max_val) ** 2
    ssim_map = ((2.0 * mu1_mu2 + c1) * (2.0 * sigma12 + c2)) / ((mu1_sq + mu2_sq + c1) * (sigma1_sq + sigma2_sq + c2))
    result = ssim_map.mean(dim=(1, 2, 3)).reshape(batch, channels).mean(dim=-1)
    if unbatched:
        result = result.squeeze(0)
    return result if result.dtype == original_dtype else result.to(original_dtype)
