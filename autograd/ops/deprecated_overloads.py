"""PyTorch's deprecated positional overloads that old tutorials still call: a scale before the tensor, as in
`p.data.add_(-lr, p.grad)` (add(Number alpha, Tensor other)) or `addcmul(input, value, tensor1, tensor2)`. They
run as the current signatures do, after PyTorch's deprecation warning (given once per process, as PyTorch's)."""
import numbers
import sys
import warnings

_warned = [False]


def scale_first(op, scale, rest, current, old):
    """`scale` checked as the Number the old overload `op(old)` puts first, after PyTorch's one-time warning that
    points to `op(current)`; a tensor there is PyTorch's TypeError naming both signatures."""
    if not isinstance(scale, numbers.Number) or isinstance(scale, bool):
        raise TypeError(f"{op}() received an invalid combination of arguments - got a {type(scale).__name__} "
                        f"followed by {len(rest)} more positional arguments, but expected one of:\n * ({current})\n"
                        f" * ({old}) (deprecated)")
    if not _warned[0]:
        _warned[0] = True
        level, form = _call_site()
        if form == "inplace":
            op += "_"
        elif form == "function":
            old, current = f"Tensor input, {old}, *, Tensor out = None", f"Tensor input, {current}, Tensor out = None"
        warnings.warn(f"This overload of {op} is deprecated:\n\t{op}({old})\nConsider using one of the following "
                      f"signatures instead:\n\t{op}({current})", UserWarning, stacklevel=level)
    return scale


def _call_site():
    """(the stacklevel of the first frame outside autograd, which made the call, and how it called the op:
    'inplace' through a Tensor's `_` method, 'function' through ag.op, else 'method'), as PyTorch's warning names
    the overload called and points at the caller's line."""
    frame, level, modules = sys._getframe(1), 1, set()
    while frame is not None and frame.f_globals.get("__name__", "").split(".")[0] == "autograd":
        modules.add(frame.f_globals["__name__"])
        frame, level = frame.f_back, level + 1
    if "autograd.methods_inplace" in modules:
        return level, "inplace"
    return level, "function" if "autograd.ops.out" in modules else "method"
