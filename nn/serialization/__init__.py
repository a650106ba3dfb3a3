"""Checkpoints as safetensors files: state_dicts, optimiser states and nested training checkpoints,
to paths (written atomically) or open binary files. Nothing is ever pickled or unpickled.

    nn.save(model.state_dict(), "model.safetensors")
    model.load_state_dict(nn.load("model.safetensors"))
    nn.save({"model": model.state_dict(), "optimizer": opt.state_dict(), "epoch": 7}, buffer)

Files: `safetensors_file` (the byte format, validated), `structure` (nested objects as entries plus
JSON metadata), `save_load` (the public calls), `torch_compat` (PyTorch's allow-list calls).
"""
from .save_load import load, load_metadata, save
from .torch_compat import add_safe_globals, clear_safe_globals, get_safe_globals, safe_globals

__all__ = ["save", "load", "load_metadata", "safe_globals", "add_safe_globals", "get_safe_globals",
           "clear_safe_globals"]
