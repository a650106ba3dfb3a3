"""What save_weights checks before it writes anything."""
import os


def check_writable(model, filepath, overwrite):
    """Refuse, as save_weights does, to replace an existing `filepath` without `overwrite`, or to save a model
    that is not built (it has no weights yet)."""
    if not overwrite and os.path.exists(filepath):
        raise FileExistsError(f"save_weights: {filepath} exists and overwrite=False")
    if not model.built:
        raise ValueError(f"save_weights: {model.name} is not built yet, so it has no weights; call it on data first")
