"""torch.fx's module-level registration, `wrap`, which model files (torchvision's) call at import: it marks a function
as a leaf for symbolic tracing. deepgrad runs Python directly and has no FX tracer, so marking changes nothing."""
import inspect


def wrap(fn_or_name):
    """torch.fx.wrap: `fn_or_name` (a function or a global function's name) unchanged; like PyTorch, it must be
    called at a module's top level."""
    if not callable(fn_or_name) and not isinstance(fn_or_name, str):
        raise RuntimeError("Unsupported type for global function! Must be either a callable or string name "
                           f"(torch.fx.wrap got {type(fn_or_name).__name__})")
    caller = inspect.currentframe().f_back
    if caller is None or caller.f_code.co_name != "<module>":
        raise NotImplementedError("wrap must be called at the top level of a module")
    return fn_or_name
