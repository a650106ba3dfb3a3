"""Lets einops find deepgrad's backend whether einops is imported before or after autograd, without
autograd importing einops (or its import costing anything when einops is never used)."""
import importlib.abc
import importlib.util
import sys
import warnings


def _register():
    try:
        from . import einops_backend   # noqa: F401  (einops finds the backend class as a subclass)
    except Exception as error:   # an einops too different to subclass: einops still imports, without deepgrad
        warnings.warn(f"deepgrad could not register its einops backend ({type(error).__name__}: {error}); einops "
                      "calls on deepgrad tensors will fail with 'Tensor type unknown to einops'. einops 0.8 works.",
                      RuntimeWarning, stacklevel=2)


class _EinopsImportWatcher(importlib.abc.MetaPathFinder):
    """Finds nothing itself: on the first `import einops` it makes the ordinary spec register the backend
    right after einops's own module has run, then leaves sys.meta_path."""

    def find_spec(self, name, path=None, target=None):
        """None for every module; einops's real spec, with the registration after its load, for einops."""
        if name != "einops":
            return None
        _remove(self)
        spec = None
        try:
            spec = importlib.util.find_spec(name)
        finally:
            if spec is None:   # not installed (yet): keep watching, for a `pip install` later in this process
                sys.meta_path.insert(0, self)
        if spec is None or spec.loader is None or not hasattr(spec.loader, "exec_module"):
            return spec
        run_module = spec.loader.exec_module

        def exec_then_register(module):
            run_module(module)
            _register()

        spec.loader.exec_module = exec_then_register   # this spec's own loader object: nothing shared changes
        return spec


def _remove(watcher):
    try:
        sys.meta_path.remove(watcher)
    except ValueError:
        pass


def install():
    """Register the backend now if einops is loaded, else as soon as it is."""
    if "einops" in sys.modules:
        _register()
    elif not any(isinstance(finder, _EinopsImportWatcher) for finder in sys.meta_path):
        sys.meta_path.insert(0, _EinopsImportWatcher())
