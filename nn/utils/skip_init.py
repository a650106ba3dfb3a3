"""skip_init: build a module without running its parameter initialisation (PyTorch's nn.utils.skip_init)."""
import inspect

from ..module import Module


def skip_init(module_cls, *args, **kwargs):
    """An instance of `module_cls(*args, **kwargs)` whose parameters and buffers hold unset values (as
    ag.empty), on kwargs' `device` (default cpu): it is built on the meta device, so its initialisers draw
    nothing. The class must accept a `device` argument."""
    if not (isinstance(module_cls, type) and issubclass(module_cls, Module)):
        raise RuntimeError(f"skip_init: expected a Module subclass, got {module_cls!r}")
    if "device" not in inspect.signature(module_cls).parameters:
        raise RuntimeError(f"skip_init: {module_cls.__name__} must accept a 'device' argument to skip "
                           "initialization (it builds the module on the meta device)")
    device = kwargs.pop("device", "cpu")
    kwargs["device"] = "meta"
    return module_cls(*args, **kwargs).to_empty(device=device)
