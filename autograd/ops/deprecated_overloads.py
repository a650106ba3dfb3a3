"""PyTorch's deprecated positional overloads that old tutorials still call: a scale before the tensor, as in
`p.data.add_(-lr, p.grad)` (add(Number alpha, Tensor other)) or `addcmul(input, value, tensor1, tensor2)`. They
run as the current signatures do, after PyTorch's deprecation warning (given once per process, as PyTorch's)."""
import numbers
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
        warnings.warn(f"This overload of {op} is deprecated:\n\t{op}({old})\nConsider using one of the following "
                      f"signatures instead:\n\t{op}({current})", UserWarning, stacklevel=4)
    return scale
