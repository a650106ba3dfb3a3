"""Which torch.func transforms are running (per thread), for the custom Functions that run inside them.

PyTorch refuses, under any transform (grad, vjp, jvp, jacrev, jacfwd, hessian, vmap), an autograd.Function
without setup_context, and under vmap one with neither a vmap staticmethod nor generate_vmap_rule=True.
deepgrad's transforms would run such a Function anyway (vmap is a loop), so they count themselves here and
ag.autograd.Function raises PyTorch's errors, and code that works here works on PyTorch too. Under a forward-mode
transform (jvp, jacfwd) a Function applied to the transformed inputs needs a jvp staticmethod, as in PyTorch.
"""
import threading
from contextlib import contextmanager


class _Levels(threading.local):
    any = 0    # transforms of any kind now running
    vmap = 0   # vmaps among them
    forward = 0   # forward-mode ones among them (jvp, jacfwd, linearize), which run a Function's jvp


levels = _Levels()


@contextmanager
def inside(vmap=False, forward=False):
    """Count a transform (a vmap when `vmap`, a forward-mode one when `forward`) as running for the block."""
    levels.any += 1
    levels.vmap += vmap
    levels.forward += forward
    try:
        yield
    finally:
        levels.any -= 1
        levels.vmap -= vmap
        levels.forward -= forward


def check_function(cls):
    """Raise PyTorch's error when the custom Function `cls` may not run under the transforms now running."""
    if getattr(cls, "setup_context", None) is None:
        raise RuntimeError("In order to use an autograd.Function with functorch transforms (vmap, grad, jvp, jacrev, "
                           "...), it must override the setup_context staticmethod. For more details, please see "
                           "https://pytorch.org/docs/main/notes/extending.func.html")
    if levels.vmap and not getattr(cls, "generate_vmap_rule", False) and getattr(cls, "vmap", None) is None:
        raise RuntimeError(f"You tried to vmap over {cls.__name__}, but it does not have vmap support. Please "
                           "override and implement the vmap staticmethod or set generate_vmap_rule=True. For more "
                           "details, please see https://pytorch.org/docs/main/notes/extending.func.html")
