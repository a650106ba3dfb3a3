"""conv_tbc: a 1-D convolution over sequences laid out (time, batch, channels), with weights (kernel width,
in_channels, out_channels); fairseq's layout, computed as conv1d on the permuted tensors."""
from autograd.function import named
from autograd.ops.dims import check_tensor

from .conv import conv1d


def conv_tbc(input, weight, bias, pad=0):
    """(T, B, C_in) convolved with (K, C_in, C_out) plus bias (C_out,), `pad` steps of zeros on both ends of
    time: (T + 2 * pad - K + 1, B, C_out)."""
    for name, t in (("input", input), ("weight", weight), ("bias", bias)):
        check_tensor(f"conv_tbc ({name})", t)
    if input.ndim != 3:
        raise RuntimeError(f"conv_tbc: Input must have 3 dims: time, batch, in_channel; got shape {tuple(input.shape)}")
    if weight.ndim != 3:
        raise RuntimeError(f"conv_tbc: Weight tensor must have 3 dims: kernel_width, in_channels, out_channels; got "
                           f"shape {tuple(weight.shape)}")
    if bias.ndim != 1:
        raise RuntimeError(f"conv_tbc: Bias must be 1-D (out_channels,), got shape {tuple(bias.shape)}")
    if input.shape[2] != weight.shape[1]:
        raise RuntimeError(f"conv_tbc: Input dim 2 (input channels, {input.shape[2]}) is not == dim 1 in the weight "
                           f"tensor ({weight.shape[1]}); the weight is (kernel width, in_channels, out_channels)")
    if weight.shape[2] != bias.shape[0]:
        raise RuntimeError(f"conv_tbc: Bias size ({bias.shape[0]}) must equal dim 2 in the weight tensor (output "
                           f"channels, {weight.shape[2]})")
    out = conv1d(input.permute(1, 2, 0), weight.permute(2, 1, 0), bias, padding=int(pad)).permute(2, 0, 1)
    return named(out, "ConvTbcBackward0")
