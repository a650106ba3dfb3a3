"""LocalResponseNorm: each value divided by a power of the mean square over neighbouring channels."""
from ..functional.local_response_norm import local_response_norm
from ..module import Module


class LocalResponseNorm(Module):
    """x / (k + alpha * mean(x^2 over `size` neighbouring channels)) ** beta, on (N, C, ...) inputs."""

    def __init__(self, size, alpha=1e-4, beta=0.75, k=1.0):
        super().__init__()
        self.size, self.alpha, self.beta, self.k = size, alpha, beta, k

    def forward(self, input):
        return local_response_norm(input, self.size, self.alpha, self.beta, self.k)

    def extra_repr(self):
        return f"{self.size}, alpha={self.alpha}, beta={self.beta}, k={self.k}"
