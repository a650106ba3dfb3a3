"""LazyModuleMixin: what every lazy layer (LazyLinear, the lazy convolutions and norms) shares."""
from ..uninitialized import is_lazy


class LazyModuleMixin:
    """A layer whose parameters are placeholders (nn.UninitializedParameter / UninitializedBuffer) until its
    first forward sizes them, which also turns it into the eager layer."""

    def has_uninitialized_params(self):
        """True while a parameter or buffer is still a placeholder (a load_state_dict may fill them first)."""
        return any(is_lazy(v) for store in (self._parameters, self._buffers) for v in store.values())

    def _fill_placeholders(self, make):
        """Run make(), which assigns fresh parameters and buffers as the eager layer does, then put each placeholder
        back in its place holding the fresh values: objects held elsewhere (an optimiser's) are the ones trained."""
        held = {name: v for store in (self._parameters, self._buffers) for name, v in store.items() if is_lazy(v)}
        make()
        for name, placeholder in held.items():
            fresh = getattr(self, name)
            if fresh is not None:
                placeholder._become(fresh)
                setattr(self, name, placeholder)
