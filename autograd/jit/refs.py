"""How a recorded entry refers to a value: a slot number (int) or a Const fixed at capture time."""


class Const:
    """An argument fixed at capture time (held strongly, so its id is never reused while recorded)."""

    __slots__ = ("value",)

    def __init__(self, value):
        self.value = value


def is_array(a):
    """True for a NumPy or CuPy array (not a Tensor, not a Python number)."""
    return (hasattr(a, "__array_interface__") and hasattr(a, "shape") and hasattr(a, "dtype")) \
        or hasattr(a, "__cuda_array_interface__")
