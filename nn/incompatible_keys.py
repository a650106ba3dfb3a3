"""The value `Module.load_state_dict` returns: the keys it did not match, as PyTorch reports them."""
from collections import namedtuple


class IncompatibleKeys(namedtuple("IncompatibleKeys", ["missing_keys", "unexpected_keys"])):
    """`(missing_keys, unexpected_keys)` with field names; unpacks like a pair, prints like PyTorch's."""

    __slots__ = ()

    def __repr__(self):
        if not self.missing_keys and not self.unexpected_keys:
            return "<All keys matched successfully>"
        return super().__repr__()

    __str__ = __repr__
