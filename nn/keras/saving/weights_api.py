"""keras.saving.save_weights / load_weights: the functional forms of model.save_weights / model.load_weights."""


def save_weights(model, filepath, overwrite=True, max_shard_size=None, **kwargs):
    """model.save_weights(filepath, overwrite) (sharding is not supported: max_shard_size must stay None)."""
    if max_shard_size is not None:
        raise ValueError(f"save_weights: nn.keras writes one file; max_shard_size={max_shard_size!r} is not supported")
    if kwargs:
        raise TypeError(f"save_weights() got unexpected keyword arguments: {sorted(kwargs)}")
    model.save_weights(filepath, overwrite=overwrite)


def load_weights(model, filepath, skip_mismatch=False, **kwargs):
    """model.load_weights(filepath, skip_mismatch)."""
    if kwargs:
        raise TypeError(f"load_weights() got unexpected keyword arguments: {sorted(kwargs)}")
    model.load_weights(filepath, skip_mismatch=skip_mismatch)
