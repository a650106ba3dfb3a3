"""torch.nn.utils.prune: pruning a module's parameter by a mask. Pruning `name` moves the parameter to
`name + '_orig'`, adds the buffer `name + '_mask'`, and a forward pre-hook (the pruning method itself) sets
`module.name = orig * mask` before every forward; pruning the same parameter again combines the masks through a
PruningContainer, and `remove` makes the pruning permanent. Masks, state_dict keys and errors are PyTorch's."""
import numbers
import re
from abc import ABC, abstractmethod
from collections.abc import Iterable

import autograd as ag

from .convert_parameters import parameters_to_vector

__all__ = ["BasePruningMethod", "PruningContainer", "Identity", "RandomUnstructured", "L1Unstructured",
           "RandomStructured", "LnStructured", "CustomFromMask", "identity", "random_unstructured",
           "l1_unstructured", "random_structured", "ln_structured", "global_unstructured", "custom_from_mask",
           "remove", "is_pruned"]


class BasePruningMethod(ABC):
    """Base class of pruning methods: a subclass defines compute_mask(t, default_mask) and PRUNING_TYPE
    ('unstructured', 'structured' with a `dim`, or 'global'). An instance is the module's forward pre-hook."""

    _tensor_name = None

    def __call__(self, module, inputs):
        """The forward pre-hook: recompute the pruned parameter from `name_orig` and `name_mask`."""
        setattr(module, self._tensor_name, self.apply_mask(module))

    @abstractmethod
    def compute_mask(self, t, default_mask):
        """The mask for tensor `t` (same shape), given the mask of earlier pruning `default_mask`."""

    def apply_mask(self, module):
        """The pruned tensor: module's `name_orig` times `name_mask`."""
        if self._tensor_name is None:
            raise AssertionError(f"Module {module} has to be pruned")
        mask = getattr(module, self._tensor_name + "_mask")
        orig = getattr(module, self._tensor_name + "_orig")
        return mask.to(dtype=orig.dtype) * orig

    @classmethod
    def apply(cls, module, name, *args, importance_scores=None, **kwargs):
        """Prune `module.name` with a new cls(*args, **kwargs) (combined with any earlier pruning of it) and
        return the method now registered as the module's pre-hook."""
        method = _composite_method(cls, module, name, *args, **kwargs)
        orig = getattr(module, name)
        if importance_scores is not None:
            if importance_scores.shape != orig.shape:
                raise AssertionError(f"importance_scores should have the same shape as parameter {name} of "
                                     f"{module}, got {importance_scores.shape} vs {orig.shape}")
        else:
            importance_scores = orig
        if not isinstance(method, PruningContainer):
            module.register_parameter(name + "_orig", orig)
            delattr(module, name)
            default_mask = ag.ones_like(orig)
        else:
            default_mask = getattr(module, name + "_mask").detach().clone()
        try:
            mask = method.compute_mask(importance_scores, default_mask=default_mask)
            module.register_buffer(name + "_mask", mask)
            setattr(module, name, method.apply_mask(module))
            module.register_forward_pre_hook(method)
        except Exception:
            if not isinstance(method, PruningContainer):   # put the parameter back as it was
                orig = getattr(module, name + "_orig")
                delattr(module, name + "_orig")
                module.register_parameter(name, orig)
            raise
        return method

    def prune(self, t, default_mask=None, importance_scores=None):
        """t times its mask (computed from importance_scores, default t), without touching any module."""
        if importance_scores is not None:
            if importance_scores.shape != t.shape:
                raise AssertionError(f"importance_scores should have the same shape as tensor t, got "
                                     f"{importance_scores.shape} vs {t.shape}")
        else:
            importance_scores = t
        default_mask = default_mask if default_mask is not None else ag.ones_like(t)
        return t * self.compute_mask(importance_scores, default_mask=default_mask)

    def remove(self, module):
        """Make the pruning permanent: `name` becomes a Parameter holding orig * mask again, and `name_orig`
        and `name_mask` go."""
        if self._tensor_name is None:
            raise AssertionError(f"Module {module} has to be pruned before pruning can be removed")
        weight = self.apply_mask(module)
        name = self._tensor_name
        if name in module.__dict__:
            delattr(module, name)
        orig = module._parameters[name + "_orig"]
        orig.data = weight.data
        delattr(module, name + "_orig")
        delattr(module, name + "_mask")
        setattr(module, name, orig)


def _composite_method(cls, module, name, *args, **kwargs):
    """A new cls(*args, **kwargs) for `name`, joined with the method already pruning it (in a container);
    the old pre-hook is unregistered."""
    found = [(k, hook) for k, hook in module._forward_pre_hooks.items()
             if isinstance(hook, BasePruningMethod) and hook._tensor_name == name]
    if len(found) > 1:
        raise AssertionError(f"Avoid adding multiple pruning hooks to the same tensor {name} of module {module}. "
                             "Use a PruningContainer.")
    for k, _ in found:
        del module._forward_pre_hooks[k]
    method = cls(*args, **kwargs)
    method._tensor_name = name
    if found:
        old = found[0][1]
        if isinstance(old, PruningContainer):
            old.add_pruning_method(method)
            return old
        container = PruningContainer(old)
        container.add_pruning_method(method)
        return container
    return method


class PruningContainer(BasePruningMethod):
    """The pruning methods applied one after the other to one parameter: each new mask is computed on what
    the earlier ones left (the unpruned entries, or the unpruned channels for structured methods)."""

    def __init__(self, *args):
        self._pruning_methods = ()
        if len(args) == 1 and not isinstance(args[0], Iterable):
            self._tensor_name = args[0]._tensor_name
            self.add_pruning_method(args[0])
            return
        methods = args[0] if len(args) == 1 else args
        for method in methods:
            if self._tensor_name is None and isinstance(method, BasePruningMethod):
                self._tensor_name = method._tensor_name
            self.add_pruning_method(method)

    def add_pruning_method(self, method):
        """Append a pruning method acting on the same parameter."""
        if not isinstance(method, BasePruningMethod) and method is not None:
            raise TypeError(f"{type(method)} is not a BasePruningMethod subclass")
        if method is not None and self._tensor_name != method._tensor_name:
            raise ValueError(f"Can only add pruning methods acting on the parameter named '{self._tensor_name}' to "
                             f"PruningContainer {self}. Found '{method._tensor_name}'")
        self._pruning_methods += (method,)

    def __len__(self):
        return len(self._pruning_methods)

    def __iter__(self):
        return iter(self._pruning_methods)

    def __getitem__(self, idx):
        return self._pruning_methods[idx]

    def compute_mask(self, t, default_mask):
        """default_mask combined with the latest method's mask, computed on the part of t not pruned yet."""
        method = self._pruning_methods[-1]
        mask = default_mask.to(dtype=t.dtype)
        kind = method.PRUNING_TYPE
        if kind == "unstructured":
            keep = mask == 1
            partial = method.compute_mask(t[keep], default_mask=mask[keep])
            return mask.masked_scatter(keep, partial.to(dtype=mask.dtype))
        if kind == "structured":
            if not hasattr(method, "dim"):
                raise AttributeError('Pruning methods of PRUNING_TYPE "structured" need to have the attribute `dim` '
                                     "defined.")
            dim = method.dim + t.ndim if method.dim < 0 else method.dim
            if dim < 0:
                raise IndexError(f"Index is out of bounds for tensor with dimensions {t.ndim}")
            others = [d for d in range(t.ndim) if d != dim]
            channels = ag.nonzero(mask.sum(dim=others) != 0 if others else mask != 0).reshape(-1)
            partial = method.compute_mask(t.index_select(dim, channels), default_mask=mask.index_select(dim, channels))
            return mask.index_copy(dim, channels, partial.to(dtype=mask.dtype))
        if kind == "global":
            return method.compute_mask(t, default_mask=mask).to(dtype=mask.dtype)
        raise ValueError(f"Unrecognized PRUNING_TYPE {kind}")


class Identity(BasePruningMethod):
    """Prunes nothing: the mask is all ones (a way to reparametrize a parameter as orig * mask)."""

    PRUNING_TYPE = "unstructured"

    def compute_mask(self, t, default_mask):
        """default_mask unchanged."""
        return default_mask

    @classmethod
    def apply(cls, module, name):
        """Reparametrize module.name without pruning any of it."""
        return super().apply(module, name)


def _zero_at(mask, flat_indices):
    """mask with the entries at these positions of its flattened form set to 0."""
    return mask.reshape(-1).index_fill(0, flat_indices, 0).reshape(mask.shape)


class _UnstructuredByAmount(BasePruningMethod):
    """Prunes `amount` entries (an int, or a fraction of them): those `_chosen` picks."""

    PRUNING_TYPE = "unstructured"

    def __init__(self, amount):
        _validate_amount_init(amount, _who(self))
        self.amount = amount

    def compute_mask(self, t, default_mask):
        """default_mask with the `amount` chosen entries zeroed."""
        k = _count_to_prune(self.amount, t.numel())
        _validate_amount(k, t.numel(), _who(self))
        mask = default_mask.clone()
        if k:
            mask = _zero_at(mask, self._chosen(t, k))
        return mask


class RandomUnstructured(_UnstructuredByAmount):
    """Prunes `amount` entries (an int, or a fraction of them) chosen at random."""

    @staticmethod
    def _chosen(t, k):
        return ag.topk(ag.rand_like(t).reshape(-1), k).indices

    @classmethod
    def apply(cls, module, name, amount):
        """Prune module.name at random."""
        return super().apply(module, name, amount=amount)


class L1Unstructured(_UnstructuredByAmount):
    """Prunes the `amount` entries (an int, or a fraction of them) of smallest absolute value."""

    @staticmethod
    def _chosen(t, k):
        return ag.topk(t.detach().abs().reshape(-1), k, largest=False).indices

    @classmethod
    def apply(cls, module, name, amount, importance_scores=None):
        """Prune module.name by the absolute values of importance_scores (default: the parameter)."""
        return super().apply(module, name, amount=amount, importance_scores=importance_scores)


def _channel_mask(t, dim, channels):
    """A mask of t's shape that is 1 on the given channels (indices along dim) and 0 elsewhere."""
    return ag.zeros_like(t.detach()).index_fill(dim, channels, 1)


class _StructuredByAmount(BasePruningMethod):
    """Prunes `amount` whole channels along `dim` (an int, or a fraction of them): all but those `_kept` keeps."""

    PRUNING_TYPE = "structured"

    def __init__(self, amount, dim=-1):
        _validate_amount_init(amount, _who(self))
        self.amount = amount
        self.dim = dim

    def compute_mask(self, t, default_mask):
        """default_mask with the `amount` pruned channels zeroed."""
        _validate_structured(t, _who(self))
        _validate_dim(t, self.dim, _who(self))
        size = t.shape[self.dim]
        k = _count_to_prune(self.amount, size)
        _validate_amount(k, size, _who(self))
        if k == 0:
            return default_mask
        dim = self.dim % t.ndim
        mask = _channel_mask(t, dim, self._kept(t, dim, size, k))
        return mask * default_mask.to(dtype=mask.dtype)


class RandomStructured(_StructuredByAmount):
    """Prunes `amount` whole channels along `dim` (an int, or a fraction of them) chosen at random."""

    @staticmethod
    def _kept(t, dim, size, k):
        prob = ag.rand(size, device=t.device)
        return ag.nonzero(prob > ag.kthvalue(prob, k).values).reshape(-1)

    @classmethod
    def apply(cls, module, name, amount, dim=-1):
        """Prune random channels of module.name along dim."""
        return super().apply(module, name, amount=amount, dim=dim)


class LnStructured(_StructuredByAmount):
    """Prunes the `amount` channels along `dim` (an int, or a fraction of them) of smallest L`n` norm."""

    def __init__(self, amount, n, dim=-1):
        super().__init__(amount, dim)
        self.n = n

    def _kept(self, t, dim, size, k):
        norm = _norm(t.detach(), self.n, [d for d in range(t.ndim) if d != dim])
        return ag.topk(norm, size - k, largest=True).indices

    @classmethod
    def apply(cls, module, name, amount, n, dim, importance_scores=None):
        """Prune the channels of module.name along dim with the smallest Ln norm of importance_scores."""
        return super().apply(module, name, amount=amount, n=n, dim=dim, importance_scores=importance_scores)


def _norm(t, n, dims):
    """torch.norm(t, p=n, dim=dims): a number n (negative and -inf too) or 'fro' is the vector norm."""
    if isinstance(n, str):
        return ag.linalg.vector_norm(t, 2, dims) if n == "fro" else ag.norm(t, p=n, dim=dims)
    return ag.linalg.vector_norm(t, n, dims)


class CustomFromMask(BasePruningMethod):
    """Prunes by a given mask (zeros where pruned)."""

    PRUNING_TYPE = "global"

    def __init__(self, mask):
        self.mask = mask

    def compute_mask(self, t, default_mask):
        """default_mask times the given mask."""
        if default_mask.shape != self.mask.shape:
            raise AssertionError(f"default_mask shape {default_mask.shape} must match self.mask shape "
                                 f"{self.mask.shape}")
        return default_mask * self.mask.to(dtype=default_mask.dtype)

    @classmethod
    def apply(cls, module, name, mask):
        """Prune module.name by `mask`."""
        return super().apply(module, name, mask=mask)


def identity(module, name):
    """Reparametrize module.name as name_orig * name_mask with an all-ones mask; returns the module."""
    Identity.apply(module, name)
    return module


def random_unstructured(module, name, amount):
    """Prune `amount` random entries of module.name; returns the module."""
    RandomUnstructured.apply(module, name, amount)
    return module


def l1_unstructured(module, name, amount, importance_scores=None):
    """Prune the `amount` entries of module.name with the smallest |importance_scores|; returns the module."""
    L1Unstructured.apply(module, name, amount=amount, importance_scores=importance_scores)
    return module


def random_structured(module, name, amount, dim):
    """Prune `amount` random channels of module.name along dim; returns the module."""
    RandomStructured.apply(module, name, amount, dim)
    return module


def ln_structured(module, name, amount, n, dim, importance_scores=None):
    """Prune the `amount` channels of module.name along dim with the smallest Ln norm; returns the module."""
    LnStructured.apply(module, name, amount, n, dim, importance_scores=importance_scores)
    return module


def global_unstructured(parameters, pruning_method, importance_scores=None, **kwargs):
    """Prune the (module, name) pairs in `parameters` together: pruning_method(**kwargs) (an unstructured
    method class) picks the entries to prune across all of them at once."""
    if not isinstance(parameters, Iterable):
        raise TypeError("global_unstructured(): parameters is not an Iterable")
    parameters = list(parameters)
    importance_scores = importance_scores if importance_scores is not None else {}
    if not isinstance(importance_scores, dict):
        raise TypeError("global_unstructured(): importance_scores must be of type dict")
    scores = parameters_to_vector([importance_scores.get((m, name), getattr(m, name)) for m, name in parameters])
    default_mask = parameters_to_vector([getattr(m, name + "_mask") if hasattr(m, name + "_mask")
                                         else ag.ones_like(getattr(m, name)) for m, name in parameters])
    container = PruningContainer()
    container._tensor_name = "temp"
    method = pruning_method(**kwargs)
    method._tensor_name = "temp"
    if method.PRUNING_TYPE != "unstructured":
        raise TypeError('Only "unstructured" PRUNING_TYPE supported for the `pruning_method`. Found method '
                        f"{pruning_method} of type {method.PRUNING_TYPE}")
    container.add_pruning_method(method)
    final = container.compute_mask(scores.detach(), default_mask)
    start = 0
    for m, name in parameters:
        param = getattr(m, name)
        custom_from_mask(m, name, mask=final[start:start + param.numel()].reshape(param.shape))
        start += param.numel()


def custom_from_mask(module, name, mask):
    """Prune module.name by `mask`; returns the module."""
    CustomFromMask.apply(module, name, mask)
    return module


def remove(module, name):
    """Make the pruning of module.name permanent (name_orig and name_mask go, the pre-hook too); returns the
    module."""
    for k, hook in module._forward_pre_hooks.items():
        if isinstance(hook, BasePruningMethod) and hook._tensor_name == name:
            hook.remove(module)
            del module._forward_pre_hooks[k]
            return module
    raise ValueError(f"prune.remove: Parameter '{name}' of module {module} has to be pruned before pruning can be "
                     f"removed; prune it first (e.g. prune.l1_unstructured(module, {name!r}, amount=0.3))")


def is_pruned(module):
    """True when module or one of its sub-modules has a pruning pre-hook."""
    return any(isinstance(hook, BasePruningMethod) for _, sub in module.named_modules()
               for hook in sub._forward_pre_hooks.values())


def _who(method):
    """The function a pruning method is reached by, for messages: L1Unstructured -> 'prune.l1_unstructured'."""
    return "prune." + re.sub(r"(?<!^)(?=[A-Z])", "_", type(method).__name__).lower()


def _validate_amount_init(amount, who):
    if not isinstance(amount, numbers.Real):
        raise TypeError(f"{who}: Invalid type for amount: {amount}. Must be int or float. (a count of entries, "
                        "or a fraction of them in [0, 1])")
    if (isinstance(amount, numbers.Integral) and amount < 0) or (
            not isinstance(amount, numbers.Integral) and not 0.0 <= float(amount) <= 1.0):
        raise ValueError(f"{who}: amount={amount} should either be a float in the range [0, 1] or a non-negative "
                         "integer (a fraction, or a count); e.g. amount=0.3 prunes 30%")


def _validate_amount(amount, size, who):
    if isinstance(amount, numbers.Integral) and amount > size:
        raise ValueError(f"{who}: amount={amount} should be smaller than the number of parameters to prune={size}; "
                         f"pass a count up to {size} or a fraction in [0, 1]")


def _validate_structured(t, who):
    if t.ndim <= 1:
        raise ValueError(f"{who}: Structured pruning can only be applied to multidimensional tensors. Found tensor "
                         f"of shape {t.shape} with {t.ndim} dims; use an unstructured method for a vector")


def _validate_dim(t, dim, who):
    if not -t.ndim <= dim < t.ndim:
        raise IndexError(f"{who}: Invalid index {dim} for tensor of size {t.shape}; dim must be in "
                         f"[{-t.ndim}, {t.ndim - 1}]")


def _count_to_prune(amount, size):
    return amount if isinstance(amount, numbers.Integral) else round(amount * size)
