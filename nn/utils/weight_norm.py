"""Weight normalisation as PyTorch's torch.nn.utils.weight_norm / remove_weight_norm: the weight re-expressed as
a magnitude `weight_g` and a direction `weight_v` (both Parameters), recomputed before every forward as
`weight_v * (weight_g / norm_except_dim(weight_v, dim))`."""
import warnings

import autograd as ag
from autograd.function import named as _named

from ..module import Parameter
from ..uninitialized import is_lazy


def norm_except_dim(v, pow=2, dim=0):
    """The `pow`-norm of v over every dim except `dim`, shaped to broadcast against v (size 1 elsewhere);
    dim=-1 (or None) gives the norm of the whole tensor, as PyTorch's norm_except_dim."""
    if dim is None or dim == -1:
        return v.norm(pow)
    if not -v.ndim <= dim < v.ndim:
        raise IndexError(f"weight_norm: dim={dim} is out of range for a weight of shape {tuple(v.shape)} (expected a "
                         f"dim in [{-v.ndim}, {v.ndim - 1}]); pass the output dim (0, the default) or None for the "
                         "whole tensor")
    d = dim % v.ndim
    others = tuple(i for i in range(v.ndim) if i != d)
    return v.abs().pow(pow).sum(dim=others, keepdim=True).pow(1.0 / pow) if others else v.abs()


def weight_norm_of(v, g, dim):
    """v * (g / norm_except_dim(v, 2, dim)): the weight from its direction v and magnitude g."""
    weight = v * (g / norm_except_dim(v, 2, dim))
    # PyTorch's _weight_norm runs one fused node on the CPU when dim is the first or the last (as given: dim=-1,
    # the whole tensor, is not); its other cases are the same product as here
    return _named(weight, "WeightNormInterfaceBackward0") if dim in (0, v.ndim - 1) else weight


class WeightNorm:
    """The forward pre-hook that recomputes `module.<name>` from `<name>_g` and `<name>_v`."""

    def __init__(self, name, dim):
        self.name, self.dim = name, -1 if dim is None else dim

    def compute_weight(self, module):
        """The weight from the module's current g and v."""
        return weight_norm_of(getattr(module, self.name + "_v"), getattr(module, self.name + "_g"), self.dim)

    def __call__(self, module, inputs):
        setattr(module, self.name, self.compute_weight(module))


class _NoSuchAttribute(ValueError, AttributeError):
    """weight_norm of a name the module does not have: an AttributeError, as PyTorch raises."""


class _NotAParameter(ValueError, KeyError):
    """weight_norm of an attribute that is not a parameter: a KeyError, as PyTorch raises, printed as a sentence."""
    __str__ = Exception.__str__


def weight_norm(module, name="weight", dim=0):
    """Replace the parameter `name` of `module` by `name_g` (its norm over every dim but `dim`; dim=None: the whole
    tensor) and `name_v` (its direction), and recompute it from them before each forward. Returns the module.
    Deprecated, as in PyTorch (a FutureWarning on each call): nn.utils.parametrizations.weight_norm is its successor."""
    warnings.warn("`nn.utils.weight_norm` is deprecated in favor of `nn.utils.parametrizations.weight_norm`.",
                  FutureWarning, stacklevel=2)
    for hook in module._forward_pre_hooks.values():
        if isinstance(hook, WeightNorm) and hook.name == name:
            raise RuntimeError(f"weight_norm: {type(module).__name__}.{name} already has weight normalisation; "
                               "call remove_weight_norm first")
    weight = getattr(module, name, None)
    if not isinstance(weight, Parameter):
        error = _NoSuchAttribute if weight is None else _NotAParameter
        raise error(f"weight_norm: {type(module).__name__} has no parameter named {name!r} ('{type(module).__name__}' "
                    f"object has no attribute {name!r}); pass the name of one of its parameters: "
                    f"{', '.join(n for n, _ in module.named_parameters(recurse=False)) or 'it has none'}")
    if is_lazy(weight):
        raise ValueError("The module passed to `WeightNorm` can't have uninitialized parameters. Make sure to run the "
                         "dummy forward before applying weight normalization (as in PyTorch)")
    fn = WeightNorm(name, dim)
    with ag.no_grad():
        g = norm_except_dim(weight, 2, fn.dim)
    delattr(module, name)
    module.register_parameter(name + "_g", Parameter(g.detach().clone()))
    module.register_parameter(name + "_v", Parameter(weight.detach()))
    setattr(module, name, fn.compute_weight(module))
    fn.handle = module.register_forward_pre_hook(fn)
    return module


def remove_weight_norm(module, name="weight"):
    """Undo weight_norm: `name` becomes one Parameter again, holding the current normalised weight."""
    for hook in list(module._forward_pre_hooks.values()):
        if isinstance(hook, WeightNorm) and hook.name == name:
            with ag.no_grad():
                weight = hook.compute_weight(module)
            delattr(module, name)
            delattr(module, name + "_g")
            delattr(module, name + "_v")
            hook.handle.remove()
            module.register_parameter(name, Parameter(weight.detach()))
            return module
    raise ValueError(f"remove_weight_norm: weight_norm of {name!r} not found in {type(module).__name__}")
