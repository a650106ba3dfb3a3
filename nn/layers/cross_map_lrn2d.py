"""CrossMapLRN2d: PyTorch's legacy local response normalisation over channels of (N, C, H, W) inputs."""
from ..functional.cross_map_lrn2d import cross_map_lrn2d
from ..module import Module


class CrossMapLRN2d(Module):
    """x / (k + alpha / size * sum of x^2 over neighbouring channels) ** beta, with PyTorch's legacy window and
    gradient (nn.functional.cross_map_lrn2d says how they differ from LocalResponseNorm's)."""

    def __init__(self, size, alpha=1e-4, beta=0.75, k=1):
        super().__init__()
        self.size, self.alpha, self.beta, self.k = size, alpha, beta, k

    def forward(self, input):
        return cross_map_lrn2d(input, self.size, self.alpha, self.beta, self.k)

    def extra_repr(self):
        return f"{self.size}, alpha={self.alpha}, beta={self.beta}, k={self.k}"
