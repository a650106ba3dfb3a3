"""`ag.Size`: a tensor's shape, a tuple of ints that prints and combines as PyTorch's `torch.Size`."""
import operator


class Size(tuple):
    """A shape: a tuple of non-negative ints (`Tensor.shape`, `Tensor.size()`), compared, hashed and
    unpacked as a tuple; slicing, `+` and `*` give a Size, and `numel()` is the product of the sizes."""

    __slots__ = ()

    def __new__(cls, sizes=()):
        items = []
        for k, v in enumerate(sizes):
            if not hasattr(v, "__index__"):
                raise TypeError(f"Size() takes an iterable of ints (item {k} is {type(v).__name__}: {v!r})")
            items.append(operator.index(v))
        return tuple.__new__(cls, items)

    def numel(self):
        """The number of elements a tensor of this shape holds (1 for the shape of a scalar)."""
        count = 1
        for n in self:
            count *= n
        return count

    def __getitem__(self, key):
        item = tuple.__getitem__(self, key)
        return tuple.__new__(Size, item) if isinstance(key, slice) else item

    def __add__(self, other):
        if not isinstance(other, tuple):
            return NotImplemented
        return tuple.__new__(Size, tuple.__add__(self, other))

    def __radd__(self, other):
        if not isinstance(other, tuple):
            return NotImplemented
        return tuple.__new__(Size, tuple.__add__(other, self))

    def __mul__(self, times):
        return tuple.__new__(Size, tuple.__mul__(self, times))

    __rmul__ = __mul__

    def __repr__(self):
        return f"Size({list(self)})"

    __str__ = __repr__

    def __reduce__(self):
        return (Size, (tuple(self),))

