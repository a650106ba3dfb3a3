"""Which torch.func transforms are running (per thread), for the custom Functions that run inside them.

PyTorch refuses, under any transform (grad, vjp, jvp, jacrev, jacfwd, hessian, vmap), an autograd.Function
without setup_context, and under vmap one with neither a vmap staticmethod nor generate_vmap_rule=True.
deepgrad's transforms would run such a Function anyway (vmap is a loop), so they count themselves here and
ag.autograd.Function raises PyTorch's errors, and code that works here works on PyTorch too. Under a forward-mode
transform (jvp, jacfwd) a Function applied to the transformed inputs needs a jvp staticmethod, as in PyTorch.
The graph nodes of forward_ad's dual tensors are kept here too, so that ops PyTorch has no forward-mode
derivative for can refuse a dual input as PyTorch does (`refuse_forward_ad`).
"""
import threading
from contextlib import contextmanager


class _Levels(threading.local):
    any = 0    # transforms of any kind now running
    vmap = 0   # vmaps among them
    forward = 0   # forward-mode ones among them (jvp, jacfwd, linearize), which run a Function's jvp
    forward_jacobian = 0   # autograd.functional's jacobian/hessian with a forward-mode strategy now running
    #: the innermost running vmap's call of custom Functions' vmap staticmethods (func_vmap.VmapRules), or None
    vmap_rules = None


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
    if levels.vmap and getattr(cls, "generate_vmap_rule", False) and getattr(cls, "vmap", None) is not None:
        raise RuntimeError(f"You tried to vmap over {cls.__name__}, but it has both generate_vmap_rule=True and an "
                           "overridden vmap staticmethod. Please set generate_vmap_rule=False or delete the "
                           "overridden vmap staticmethod to avoid ambiguity. For more details, please see "
                           "https://pytorch.org/docs/main/notes/extending.func.html")
    if levels.vmap and not getattr(cls, "generate_vmap_rule", False) and getattr(cls, "vmap", None) is None:
        raise RuntimeError(f"You tried to vmap over {cls.__name__}, but it does not have vmap support. Please "
                           "override and implement the vmap staticmethod or set generate_vmap_rule=True. For more "
                           "details, please see https://pytorch.org/docs/main/notes/extending.func.html")


#: id -> graph node of each dual tensor of the active forward_ad level (forward_ad.make_dual fills it)
dual_nodes = {}


@contextmanager
def forward_jacobian():
    """Count an autograd.functional jacobian/hessian with a forward-mode strategy as running for the block."""
    levels.forward_jacobian += 1
    try:
        yield
    finally:
        levels.forward_jacobian -= 1


def refuse_forward_ad(torch_op, tensors, hint):
    """Raise PyTorch's NotImplementedError (naming its internal op `torch_op`) when a forward-mode derivative
    would flow into `tensors`: under a forward-mode transform or jacobian, or from a forward_ad dual tensor.
    `hint` says what to write instead."""
    live = [t for t in tensors if getattr(t, "requires_grad", False)]
    if not live or not (levels.forward or levels.forward_jacobian or dual_nodes):
        return
    if levels.forward or levels.forward_jacobian or _reaches_dual(live):
        raise NotImplementedError(f"Trying to use forward AD with {torch_op} that does not support it because it "
                                  f"has not been implemented yet (as in PyTorch); {hint}")


def _reaches_dual(tensors):
    """Whether any of `tensors` is computed from a dual tensor of the active forward_ad level."""
    stack = [t._node for t in tensors if t._node is not None]
    seen = set()
    while stack:
        node = stack.pop()
        if id(node) in dual_nodes:
            return True
        if id(node) in seen:
            continue
        seen.add(id(node))
        stack.extend(p for p in node.parents if p is not None and not hasattr(p, "_node"))
    return False


def vmap_rule_result(cls, args, kwargs):
    """What the custom Function `cls` applied to `args` gives under the innermost vmap through its own vmap
    staticmethod (func_vmap.VmapRules), or NotImplemented where it runs per element as any function."""
    rules = levels.vmap_rules
    if rules is None or not levels.vmap or getattr(cls, "vmap", None) is None:
        return NotImplemented
    check_function(cls)
    return rules.result(cls, args, kwargs)
