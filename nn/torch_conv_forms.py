"""The torch.* spellings of the convolution and sampling entry points that nn.functional's functions sit on:
torch.convolution (any dims, transposed or not), torch.conv_tbc (time, batch, channel layout),
torch.grid_sampler / grid_sampler_2d / grid_sampler_3d (modes as PyTorch's int codes) and
torch.affine_grid_generator. Installed onto autograd by nn.torch_forms."""
import numbers

from autograd.ops.dims import check_tensor

from . import functional as F
from .functional.conv_tbc import conv_tbc

_SAMPLING = ("bilinear", "nearest", "bicubic")
_PADDING = ("zeros", "border", "reflection")


def convolution(input, weight, bias, stride, padding, dilation, transposed, output_padding, groups):
    """torch.convolution: the 1-, 2- or 3-d convolution (or, with `transposed`, transposed convolution) that the
    input's dims call for, as F.conv{n}d / F.conv_transpose{n}d."""
    check_tensor("convolution", input)
    check_tensor("convolution", weight, "weight")
    dims = weight.ndim - 2
    if dims not in (1, 2, 3):
        raise RuntimeError(f"convolution: weight must have 3, 4 or 5 dims (out, in, *kernel), got shape "
                           f"{tuple(weight.shape)}")
    if transposed:
        return getattr(F, f"conv_transpose{dims}d")(input, weight, bias, tuple(stride), tuple(padding),
                                                    tuple(output_padding), groups, tuple(dilation))
    if any(output_padding):
        raise RuntimeError(f"convolution: output_padding {tuple(output_padding)} is only for transposed=True")
    return getattr(F, f"conv{dims}d")(input, weight, bias, tuple(stride), tuple(padding), tuple(dilation), groups)


def _mode(op, code, names, what):
    if isinstance(code, bool) or not isinstance(code, numbers.Integral) or not 0 <= code < len(names):
        raise ValueError(f"{op}: {what} must be an int code ({', '.join(f'{i} {n}' for i, n in enumerate(names))}), "
                         f"got {code!r}")
    return names[code]


def grid_sampler(input, grid, interpolation_mode, padding_mode, align_corners):
    """torch.grid_sampler: F.grid_sample with PyTorch's int codes (interpolation 0 bilinear, 1 nearest,
    2 bicubic; padding 0 zeros, 1 border, 2 reflection)."""
    return F.grid_sample(input, grid, mode=_mode("grid_sampler", interpolation_mode, _SAMPLING, "interpolation_mode"),
                         padding_mode=_mode("grid_sampler", padding_mode, _PADDING, "padding_mode"),
                         align_corners=align_corners)


def grid_sampler_2d(input, grid, interpolation_mode, padding_mode, align_corners):
    """torch.grid_sampler_2d: grid_sampler for a 4-d (N, C, H, W) input."""
    if getattr(input, "ndim", None) != 4:
        raise RuntimeError(f"grid_sampler_2d: expects a 4-d input, got shape {getattr(input, 'shape', input)}")
    return grid_sampler(input, grid, interpolation_mode, padding_mode, align_corners)


def grid_sampler_3d(input, grid, interpolation_mode, padding_mode, align_corners):
    """torch.grid_sampler_3d: grid_sampler for a 5-d (N, C, D, H, W) input."""
    if getattr(input, "ndim", None) != 5:
        raise RuntimeError(f"grid_sampler_3d: expects a 5-d input, got shape {getattr(input, 'shape', input)}")
    return grid_sampler(input, grid, interpolation_mode, padding_mode, align_corners)


def affine_grid_generator(theta, size, align_corners):
    """torch.affine_grid_generator: F.affine_grid with align_corners required."""
    return F.affine_grid(theta, list(size), align_corners=align_corners)


FUNCTIONS = (convolution, conv_tbc, grid_sampler, grid_sampler_2d, grid_sampler_3d, affine_grid_generator)
