"""nn.init's old names without the trailing underscore (normal, uniform, xavier_normal, ...): each warns with
a FutureWarning, as PyTorch's do, and runs the in-place initialiser of the new name."""
import functools
import warnings


def deprecated_alias(old, new):
    """`new` (an in-place initialiser) under its old name `old`, warning FutureWarning at each call."""
    @functools.wraps(new)
    def initialise(*args, **kwargs):
        warnings.warn(f"nn.init.{old} is deprecated (as in PyTorch); use nn.init.{old}_ instead", FutureWarning,
                      stacklevel=2)
        return new(*args, **kwargs)
    initialise.__name__ = initialise.__qualname__ = old
    initialise.__doc__ = f"Deprecated: nn.init.{old}_ under its old name, with a FutureWarning."
    return initialise
