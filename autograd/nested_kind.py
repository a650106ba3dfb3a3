"""The marker every nested (jagged) tensor carries, low enough for any op to ask `is_nested(x)` before it runs."""


class NestedBase:
    """The base of `autograd.nested.NestedTensor`: ops that accept nested tensors test for it and hand the call
    to the tensor's `nested_call(func, args, kwargs)`."""

    __slots__ = ()


def is_nested(x):
    """True when `x` is a nested (jagged) tensor."""
    return isinstance(x, NestedBase)
