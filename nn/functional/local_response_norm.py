"""Local response normalisation: each value divided by a power of the mean square over neighbouring channels."""
import autograd as ag
from autograd import complex_forms
from autograd.ops.dims import check_tensor


def local_response_norm(input, size, alpha=1e-4, beta=0.75, k=1.0):
    """x / (k + alpha * mean(x^2 over `size` neighbouring channels)) ** beta, for input (N, C, ...).

    The window over channels holds size // 2 channels before and (size - 1) // 2 after (zeros past the
    ends), as PyTorch; the mean always divides by `size`.
    """
    op = "local_response_norm"
    check_tensor(op, input)
    if complex_forms.active:
        complex_forms.refuse(op, input)
    if input.ndim < 3:
        raise ValueError(f"{op}: expects an input (N, C, ...) with at least 3 dimensions, got shape {input.shape}; "
                         "add a spatial dimension with x.unsqueeze(-1)")
    if not isinstance(size, int) or size < 1:
        raise ValueError(f"{op}: size must be a positive int, got {size!r}")
    if input.numel() == 0:
        return input * 1
    channels = input.shape[1]
    widths = [(0, 0)] * input.ndim
    widths[1] = (size // 2, (size - 1) // 2)
    squares = ag.pad(input * input, tuple(widths), 0)
    total = squares[:, 0:channels]
    for j in range(1, size):
        total = total + squares[:, j:j + channels]
    return input / (total * (alpha / size) + k) ** beta
