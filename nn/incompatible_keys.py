"""The value `Module.load_state_dict` returns (the keys it did not match, as PyTorch reports them), and the
hint for a checkpoint whose keys all carry one extra or missing prefix."""
from collections import namedtuple


class IncompatibleKeys(namedtuple("IncompatibleKeys", ["missing_keys", "unexpected_keys"])):
    """`(missing_keys, unexpected_keys)` with field names; unpacks like a pair, prints like PyTorch's."""

    __slots__ = ()

    def __repr__(self):
        if not self.missing_keys and not self.unexpected_keys:
            return "<All keys matched successfully>"
        # PyTorch's class is named _IncompatibleKeys, and printed results are compared line for line
        return f"_IncompatibleKeys(missing_keys={self.missing_keys!r}, unexpected_keys={self.unexpected_keys!r})"

    __str__ = __repr__


def prefix_hint(missing, unexpected):
    """' ...' advice when the unexpected keys are the missing ones with a prefix such as 'module.' (a model
    saved inside DataParallel/DistributedDataParallel), or the reverse; '' otherwise."""
    for extra, lacking in ((unexpected, missing), (missing, unexpected)):
        if not extra or len(extra) != len(lacking):
            continue
        prefix = extra[0][: len(extra[0]) - len(lacking[0])] if extra[0].endswith(lacking[0]) else ""
        if prefix and [k[len(prefix):] for k in extra if k.startswith(prefix)] == list(lacking):
            if extra is unexpected:
                return (f"; every checkpoint key has an extra {prefix!r} prefix (saved from a wrapper such as "
                        f"DistributedDataParallel): load {{k.removeprefix({prefix!r}): v for k, v in sd.items()}}")
            return (f"; every checkpoint key lacks the model's {prefix!r} prefix: load it into that submodule "
                    f"instead: model.get_submodule({prefix.rstrip('.')!r}).load_state_dict(sd)")
    return ""
