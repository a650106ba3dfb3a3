"""PyTorch's conversion methods of a PackedSequence (double, float, half, long, int, short, char, byte, cpu,
cuda, is_pinned): each is PackedSequence.to with that dtype or device."""
import autograd as ag


class PackedCasts:
    """The casts and moves PackedSequence offers beside `to`; a mixin for that namedtuple (no instance fields)."""

    __slots__ = ()

    def double(self):
        """The packed batch with float64 data."""
        return self.to(dtype=ag.float64)

    def float(self):
        """The packed batch with float32 data."""
        return self.to(dtype=ag.float32)

    def half(self):
        """The packed batch with float16 data."""
        return self.to(dtype=ag.float16)

    def long(self):
        """The packed batch with int64 data."""
        return self.to(dtype=ag.int64)

    def int(self):
        """The packed batch with int32 data."""
        return self.to(dtype=ag.int32)

    def short(self):
        """The packed batch with int16 data."""
        return self.to(dtype=ag.int16)

    def char(self):
        """The packed batch with int8 data."""
        return self.to(dtype=ag.int8)

    def byte(self):
        """The packed batch with uint8 data."""
        return self.to(dtype=ag.uint8)

    def cpu(self):
        """The packed batch with its data (and indices) on the CPU."""
        return self.to("cpu")

    def cuda(self, device=None):
        """The packed batch with its data (and indices) on a CUDA device (`device`, default 'cuda')."""
        return self.to(device or "cuda")

    def is_pinned(self):
        """Whether the data lives in pinned host memory (as Tensor.is_pinned)."""
        return self.data.is_pinned()
