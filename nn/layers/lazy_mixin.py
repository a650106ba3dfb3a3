"""LazyModuleMixin: what every lazy layer (LazyLinear, the lazy convolutions and norms) shares."""


class LazyModuleMixin:
    """A layer whose parameters are made by its first forward, which also turns it into the eager layer."""

    def has_uninitialized_params(self):
        """True: a layer still lazy has not made its parameters (once sized it is the eager class, as PyTorch's)."""
        return True
