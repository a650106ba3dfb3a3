"""Spectral normalisation as a parametrization, PyTorch's torch.nn.utils.parametrizations.spectral_norm.

`module.<name>` reads as original / sigma, sigma = u . (W v) with W the original flattened to a matrix (`dim`
first). u and v are the buffers `_u` and `_v` of the parametrization module (state_dict keys
`parametrizations.<name>.0._u` / `._v`): drawn at random, then refined by 15 steps of the power method
(u <- normalize(W v), then v <- normalize(W^T u)) at registration, and by `n_power_iterations` more steps, in
place, on every read while the module is training. A 1-D original is simply divided by its norm.
"""
import autograd as ag

from ..functional import normalize
from ..module import Module
from .parametrize import register_parametrization
from .spectral_norm import check_iterations, default_dim, to_matrix

INITIAL_ITERATIONS = 15


class _SpectralNorm(Module):
    """The parametrization: weight -> weight / sigma(weight), with the power-method state in `_u` and `_v`."""

    def __init__(self, weight, n_power_iterations=1, dim=0, eps=1e-12):
        super().__init__()
        ndim = weight.ndim
        if not -ndim <= dim < ndim:
            raise IndexError(f"spectral_norm: Dimension out of range (expected to be in range of [-{ndim}, "
                             f"{ndim - 1}] but got {dim}); pass a dim of the {ndim}-D weight")
        check_iterations("spectral_norm", n_power_iterations)
        self.dim = dim % ndim
        self.eps = eps
        if ndim > 1:
            self.n_power_iterations = n_power_iterations
            weight_mat = self._reshape_weight_to_matrix(weight)
            h, w = weight_mat.shape
            u = ag.randn(h, dtype=weight.dtype, device=weight.device)
            v = ag.randn(w, dtype=weight.dtype, device=weight.device)
            self.register_buffer("_u", normalize(u, dim=0, eps=eps))
            self.register_buffer("_v", normalize(v, dim=0, eps=eps))
            self._power_method(weight_mat, INITIAL_ITERATIONS)

    def _reshape_weight_to_matrix(self, weight):
        return to_matrix(weight, self.dim)

    def _power_method(self, weight_mat, n_power_iterations):
        """`n_power_iterations` steps of the power method, updating `_u` and `_v` in place (no gradient)."""
        with ag.no_grad():
            for _ in range(n_power_iterations):
                self._u.copy_(normalize(ag.mv(weight_mat, self._v), dim=0, eps=self.eps))
                self._v.copy_(normalize(ag.mv(weight_mat.t(), self._u), dim=0, eps=self.eps))

    def forward(self, weight):
        """weight / sigma (power iteration first when training); a 1-D weight over its norm."""
        if weight.ndim == 1:
            return normalize(weight, dim=0, eps=self.eps)
        weight_mat = self._reshape_weight_to_matrix(weight)
        if self.training:
            self._power_method(weight_mat, self.n_power_iterations)
        # clones, so that a graph built on this read survives the next read's in-place update
        u, v = self._u.clone(), self._v.clone()
        sigma = ag.vdot(u, ag.mv(weight_mat, v))
        return weight / sigma

    def right_inverse(self, value):
        """Assigning `module.<name> = value` stores value itself as the original."""
        return value


def spectral_norm(module, name="weight", n_power_iterations=1, eps=1e-12, dim=None):
    """Spectral normalisation of `module.<name>` as a parametrization: it reads as the original divided by its
    largest singular value, estimated by the power method on the original flattened with `dim` (default 0; 1
    for ConvTranspose layers) first, with `n_power_iterations` steps on every read in training mode. The
    original is `module.parametrizations.<name>.original`. Returns the module."""
    weight = getattr(module, name, None)
    if not isinstance(weight, ag.Tensor):
        raise ValueError(f"spectral_norm: Module '{type(module).__name__}' has no parameter or buffer with name "
                         f"'{name}'; pass name= one of {list(module._parameters) + list(module._buffers)}")
    dim = default_dim(module) if dim is None else dim
    return register_parametrization(module, name, _SpectralNorm(weight, n_power_iterations, dim, eps))
