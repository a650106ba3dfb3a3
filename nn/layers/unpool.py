"""MaxUnpool1d / MaxUnpool2d / MaxUnpool3d: values put back where max pooling (return_indices=True) found them."""
from ..functional._args import pair, single
from ..functional.conv3d import triple
from ..functional.unpool import max_unpool1d, max_unpool2d, max_unpool3d
from ..module import Module


class MaxUnpool2d(Module):
    """(N, C, H, W) and its max-pooling indices -> (N, C, H_out, W_out), zeros off the recorded positions."""

    def __init__(self, kernel_size, stride=None, padding=0):
        super().__init__()
        op = type(self).__name__
        self.kernel_size = pair(kernel_size, "kernel_size", op, 1)
        self.stride = self.kernel_size if stride is None else pair(stride, "stride", op, 1)
        self.padding = pair(padding, "padding", op)

    def forward(self, input, indices, output_size=None):
        return max_unpool2d(input, indices, self.kernel_size, self.stride, self.padding, output_size)

    def extra_repr(self):
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"


class MaxUnpool1d(MaxUnpool2d):
    """(N, C, L) and its max-pooling indices -> (N, C, L_out), zeros off the recorded positions."""

    def __init__(self, kernel_size, stride=None, padding=0):
        super(MaxUnpool2d, self).__init__()
        op = type(self).__name__
        self.kernel_size = (single(kernel_size, "kernel_size", op, 1),)
        self.stride = self.kernel_size if stride is None else (single(stride, "stride", op, 1),)
        self.padding = (single(padding, "padding", op),)

    def forward(self, input, indices, output_size=None):
        return max_unpool1d(input, indices, self.kernel_size, self.stride, self.padding, output_size)


class MaxUnpool3d(MaxUnpool2d):
    """(N, C, D, H, W) and its max-pooling indices -> (N, C, D_out, H_out, W_out), zeros off the recorded
    positions."""

    def __init__(self, kernel_size, stride=None, padding=0):
        super(MaxUnpool2d, self).__init__()
        op = type(self).__name__
        self.kernel_size = triple(kernel_size, "kernel_size", op, 1)
        self.stride = self.kernel_size if stride is None else triple(stride, "stride", op, 1)
        self.padding = triple(padding, "padding", op)

    def forward(self, input, indices, output_size=None):
        return max_unpool3d(input, indices, self.kernel_size, self.stride, self.padding, output_size)
