"""torch.nn.modules.utils: the helpers custom layers use to take an int or a tuple for a size (`_pair(3)` is
(3, 3)), and the state-dict prefix stripper."""
import collections.abc
import itertools


def _ntuple(n, name="parse"):
    """A function that repeats a single value n times and passes an iterable through as a tuple."""
    def parse(x):
        if isinstance(x, collections.abc.Iterable):
            return tuple(x)
        return tuple(itertools.repeat(x, n))
    parse.__name__ = name
    return parse


_single = _ntuple(1, "_single")
_pair = _ntuple(2, "_pair")
_triple = _ntuple(3, "_triple")
_quadruple = _ntuple(4, "_quadruple")


def _reverse_repeat_tuple(t, n):
    """Each element of t, in reverse order, repeated n times (F.pad's order from a per-dim padding)."""
    return tuple(x for x in reversed(t) for _ in range(n))


def consume_prefix_in_state_dict_if_present(state_dict, prefix):
    """Strip `prefix` in place from every key of `state_dict` that starts with it (a DataParallel checkpoint's
    'module.'), and from its `_metadata` if it has one."""
    keys = list(state_dict.keys())
    for key in keys:
        if key.startswith(prefix):
            state_dict[key[len(prefix):]] = state_dict.pop(key)
    metadata = getattr(state_dict, "_metadata", None)
    if metadata is not None:
        for key in list(metadata.keys()):
            if len(key) == 0:
                continue
            if key == prefix.replace(".", "") or key.startswith(prefix):
                metadata[key[len(prefix):]] = metadata.pop(key)
