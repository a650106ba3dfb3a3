"""torch.utils's counterpart: `checkpoint` (activation checkpointing), `dlpack`, `tensorboard` (SummaryWriter) and
`benchmark` (Timer, Measurement, Compare), `_pytree` (tree_flatten, tree_map, ...),
loaded on first use. `data`
(torch.utils.data: Dataset, DataLoader, ...) is nn.data, which `import nn` sets here (autograd never imports nn)."""
import importlib


def __getattr__(name):
    if name in ("benchmark", "checkpoint", "dlpack", "tensorboard", "_pytree"):
        return importlib.import_module(__name__ + "." + name)
    if name == "data":
        raise AttributeError("autograd.utils.data is nn.data (torch.utils.data's Dataset, DataLoader, ...): "
                             "`import nn` first, which installs it here")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
