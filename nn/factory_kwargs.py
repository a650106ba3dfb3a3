"""torch.nn.factory_kwargs: the device/dtype/memory_format keywords a module passes on to tensor factories."""

_SIMPLE = ("device", "dtype", "memory_format")


def factory_kwargs(kwargs):
    """The factory keywords in `kwargs` as one dict (those under its 'factory_kwargs' key merged in); a TypeError
    for any other key, or for one given both ways."""
    if kwargs is None:
        return {}
    unexpected = set(kwargs) - set(_SIMPLE) - {"factory_kwargs"}
    if unexpected:
        raise TypeError(f"unexpected kwargs {unexpected}; factory_kwargs takes device, dtype, memory_format and "
                        "factory_kwargs")
    merged = dict(kwargs.get("factory_kwargs", {}))
    for key in _SIMPLE:
        if key in kwargs:
            if key in merged:
                raise TypeError(f"{key} specified twice, in **kwargs and in factory_kwargs")
            merged[key] = kwargs[key]
    return merged
