"""Spectral normalisation in its older hook form, PyTorch's torch.nn.utils.spectral_norm / remove_spectral_norm
(Miyato et al. 2018, https://arxiv.org/abs/1802.05957).

The parameter `weight` becomes the Parameter `weight_orig` and two buffers, `weight_u` and `weight_v` (unit
vectors estimating the leading left and right singular vectors of the weight flattened to a matrix with `dim`
first). A forward pre-hook sets the plain attribute `weight = weight_orig / sigma`, sigma = u . (W v), first
running `n_power_iterations` steps of the power method on u and v (v <- normalize(W^T u), then
u <- normalize(W v)) in place when the module is training; in eval mode u and v stay as they are. The state_dict
holds weight_orig, weight_u and weight_v; a checkpoint of the oldest format (weight, weight_orig and weight_u, no
weight_v) loads by solving for v. The newer form is nn.utils.parametrizations.spectral_norm.
"""
import autograd as ag

from ..functional import normalize
from ..layers.conv import ConvTranspose1d, ConvTranspose2d, ConvTranspose3d
from ..module import Parameter, _as_host_array
from ..uninitialized import is_lazy


class _MissingParameter(KeyError, ValueError):
    """No parameter of that name (a KeyError, as PyTorch raises, and a ValueError); printed as a sentence."""
    __str__ = Exception.__str__


def default_dim(module):
    """The dim that indexes a layer's outputs: 1 for the ConvTranspose layers (weight (in, out, ...)), else 0."""
    return 1 if isinstance(module, (ConvTranspose1d, ConvTranspose2d, ConvTranspose3d)) else 0


def check_iterations(who, n_power_iterations):
    """n_power_iterations when positive, else the ValueError PyTorch raises (naming `who` and the fix)."""
    if n_power_iterations <= 0:
        raise ValueError(f"{who}: Expected n_power_iterations to be positive, but got "
                         f"n_power_iterations={n_power_iterations}; pass n_power_iterations >= 1")
    return n_power_iterations


def to_matrix(weight, dim):
    """The weight as a matrix: `dim` moved to the front, every other dim flattened into the columns."""
    if dim != 0:
        weight = weight.permute(dim, *[d for d in range(weight.ndim) if d != dim])
    return weight.reshape(weight.shape[0], -1)


class SpectralNorm:
    """The forward pre-hook of spectral_norm: recomputes `module.<name>` from `<name>_orig`, `<name>_u` and
    `<name>_v` before each forward (with power iteration in training mode)."""

    _version = 1   # PyTorch's: weight_v is a buffer and eval mode uses u . (W_orig v)

    def __init__(self, name="weight", n_power_iterations=1, dim=0, eps=1e-12):
        self.name, self.dim, self.eps = name, dim, eps
        self.n_power_iterations = check_iterations("spectral_norm", n_power_iterations)

    def reshape_weight_to_matrix(self, weight):
        """The weight flattened to the matrix whose largest singular value is normalised."""
        return to_matrix(weight, self.dim)

    def compute_weight(self, module, do_power_iteration):
        """weight_orig / sigma, after `n_power_iterations` in-place updates of u and v when do_power_iteration."""
        weight = getattr(module, self.name + "_orig")
        u, v = getattr(module, self.name + "_u"), getattr(module, self.name + "_v")
        weight_mat = self.reshape_weight_to_matrix(weight)
        if do_power_iteration:
            with ag.no_grad():
                for _ in range(self.n_power_iterations):
                    v.copy_(normalize(ag.mv(weight_mat.t(), u), dim=0, eps=self.eps))
                    u.copy_(normalize(ag.mv(weight_mat, v), dim=0, eps=self.eps))
            # clones, so that a graph built on this forward survives the next forward's in-place update
            u, v = u.clone(), v.clone()
        sigma = ag.dot(u, ag.mv(weight_mat, v))
        return weight / sigma

    def remove(self, module):
        """Put `name` back as one Parameter holding the current normalised weight (no power iteration)."""
        with ag.no_grad():
            weight = self.compute_weight(module, do_power_iteration=False)
        for suffix in ("", "_u", "_v", "_orig"):
            delattr(module, self.name + suffix)
        module.register_parameter(self.name, Parameter(weight.detach()))

    def __call__(self, module, inputs):
        setattr(module, self.name, self.compute_weight(module, do_power_iteration=module.training))

    def _solve_v_and_rescale(self, weight_mat, u, target_sigma):
        """A v with u = normalize(W v) (through the pseudo-inverse of W^T W), scaled so that u . (W v) is
        target_sigma."""
        v = (ag.linalg.pinv(weight_mat.t() @ weight_mat) @ weight_mat.t() @ u.unsqueeze(1)).squeeze(1)
        return v * (target_sigma / ag.dot(u, ag.mv(weight_mat, v)))

    @staticmethod
    def apply(module, name, n_power_iterations, dim, eps):
        """Register spectral normalisation of `module.<name>` and return the hook."""
        for hook in module._forward_pre_hooks.values():
            if isinstance(hook, SpectralNorm) and hook.name == name:
                raise RuntimeError(f"Cannot register two spectral_norm hooks on the same parameter {name}; call "
                                   "nn.utils.remove_spectral_norm first")
        fn = SpectralNorm(name, n_power_iterations, dim, eps)
        if name not in module._parameters:
            raise _MissingParameter(f"spectral_norm: {type(module).__name__} has no parameter named {name!r}; pass "
                                    f"name= one of {list(module._parameters)}")
        weight = module._parameters[name]
        if is_lazy(weight):
            raise ValueError("The module passed to `SpectralNorm` can't have uninitialized parameters. Make sure to "
                             "run the dummy forward before applying spectral normalization (as in PyTorch)")
        if weight is None:
            raise ValueError(f"spectral_norm: `SpectralNorm` cannot be applied as parameter `{name}` is None; for a "
                             "lazy module run a dummy forward first so that its parameters exist")
        with ag.no_grad():
            h, w = fn.reshape_weight_to_matrix(weight).shape
            u = normalize(ag.randn(h, dtype=weight.dtype, device=weight.device), dim=0, eps=fn.eps)
            v = normalize(ag.randn(w, dtype=weight.dtype, device=weight.device), dim=0, eps=fn.eps)
        delattr(module, name)
        module.register_parameter(name + "_orig", weight)
        # `name` stays readable (code that initialises weights expects it) as a plain attribute, not a Parameter
        setattr(module, name, weight.detach())
        module.register_buffer(name + "_u", u)
        module.register_buffer(name + "_v", v)
        fn.handles = [module.register_forward_pre_hook(fn),
                      module.register_state_dict_post_hook(SpectralNormStateDictHook(fn)),
                      module.register_load_state_dict_pre_hook(SpectralNormLoadStateDictPreHook(fn))]
        return fn


class SpectralNormLoadStateDictPreHook:
    """Loads a checkpoint of the oldest spectral_norm format (keys weight, weight_orig, weight_u, no weight_v):
    sigma is the mean of weight_orig / weight, and weight_v is solved from u so that u = normalize(W v) and
    u . (W v) = sigma. A checkpoint with weight_orig, weight_u and weight_v and no weight loads unchanged."""

    def __init__(self, fn):
        self.fn = fn

    def __call__(self, module, state_dict, prefix, local_metadata, strict, missing_keys, unexpected_keys,
                 error_msgs):
        fn = self.fn
        version = local_metadata.get("spectral_norm", {}).get(fn.name + ".version", None)
        if version is not None and version >= 1:
            return
        key = prefix + fn.name
        if version is None and all(key + s in state_dict for s in ("_orig", "_u", "_v")) and key not in state_dict:
            return   # today's format, without the metadata deepgrad does not keep
        absent = [key + s for s in ("_orig", "", "_u") if key + s not in state_dict]
        if absent:
            if strict:
                missing_keys.extend(absent)
            return
        with ag.no_grad():
            weight_orig, weight, u = (ag.tensor(_as_host_array(value)) for value in
                                      (state_dict[key + "_orig"], state_dict.pop(key), state_dict[key + "_u"]))
            sigma = (weight_orig / weight).mean()
            weight_mat = fn.reshape_weight_to_matrix(weight_orig)
            state_dict[key + "_v"] = fn._solve_v_and_rescale(weight_mat, u, sigma)


class SpectralNormStateDictHook:
    """Records spectral_norm's format version in the state_dict's metadata, as PyTorch's hook of that name."""

    def __init__(self, fn):
        self.fn = fn

    def __call__(self, module, state_dict, prefix, local_metadata):
        versions = local_metadata.setdefault("spectral_norm", {})
        key = self.fn.name + ".version"
        if key in versions:
            raise RuntimeError(f"Unexpected key in metadata['spectral_norm']: {key}")
        versions[key] = self.fn._version


def spectral_norm(module, name="weight", n_power_iterations=1, eps=1e-12, dim=None):
    """Spectral normalisation of `module.<name>` by a forward pre-hook: the weight is divided by its largest
    singular value, estimated by power iteration (n_power_iterations steps per training forward) on the weight
    flattened with `dim` (default 0; 1 for ConvTranspose layers) first. Adds the Parameter `<name>_orig` and
    the buffers `<name>_u`, `<name>_v`. Returns the module."""
    SpectralNorm.apply(module, name, n_power_iterations, default_dim(module) if dim is None else dim, eps)
    return module


def remove_spectral_norm(module, name="weight"):
    """Undo spectral_norm: `<name>` becomes one Parameter again, holding the normalised weight computed from
    the current u and v. Returns the module."""
    for hook in list(module._forward_pre_hooks.values()):
        if isinstance(hook, SpectralNorm) and hook.name == name:
            hook.remove(module)
            for handle in hook.handles:
                handle.remove()
            return module
    raise ValueError(f"spectral_norm of '{name}' not found in {module}; remove_spectral_norm undoes "
                     "nn.utils.spectral_norm (for the parametrization form use "
                     "nn.utils.parametrize.remove_parametrizations)")
