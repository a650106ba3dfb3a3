"""`ag.func` (also `import autograd.func`): torch.func's function transforms.

    from autograd.func import functional_call, grad, vmap
    per_sample = vmap(grad(loss), in_dims=(None, 0, 0))(params, x, y)

grad, grad_and_value, vjp (autograd/func_core.py); jvp, jacrev, jacfwd, hessian, linearize (autograd/func_jac.py);
vmap (autograd/func_vmap.py, a loop over the batch); functionalize (the function itself). Each works on functions
of Tensors whose arguments and results may be tuples, lists and dicts of Tensors, and they compose with each other
and with plain autograd.

functional_call and stack_module_state run nn Modules, so they live in nn (nn/utils/stateless.py) and
`import nn` installs them here, as it installs ag.save and ag.load: autograd never imports nn.
"""
from .func_core import grad, grad_and_value, vjp
from .func_jac import hessian, jacfwd, jacrev, jvp, linearize
from .func_vmap import vmap

__all__ = ["functionalize", "grad", "grad_and_value", "hessian", "jacfwd", "jacrev", "jvp", "linearize", "vjp",
           "vmap"]

_FROM_NN = ("functional_call", "stack_module_state", "replace_all_batch_norm_modules_")


def functionalize(func, *, remove="mutations"):
    """`func` itself: PyTorch's functionalize rewrites in-place ops for its compilers and keeps the results (input
    mutations included), which deepgrad's eager ops already give."""
    if remove not in ("mutations", "mutations_and_views"):
        raise RuntimeError(f"functionalize(f, remove='mutations'): received invalid argument for remove={remove!r}; "
                           "use 'mutations' or 'mutations_and_views'")
    if not callable(func):
        raise TypeError(f"functionalize: expected a function, got {type(func).__name__}")
    return func


def __getattr__(name):
    # only reached before `import nn` has installed the Module helpers
    if name in _FROM_NN:
        raise AttributeError(f"autograd.func.{name} works on nn Modules and is installed by `import nn`; import nn "
                             f"first (or use nn.utils.stateless.{name})")
    raise AttributeError(f"module 'autograd.func' has no attribute {name!r}")
