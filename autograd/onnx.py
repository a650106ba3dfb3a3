"""`ag.onnx` (torch.onnx's namespace): present so that programs which import it run; deepgrad exports no ONNX.

`is_in_onnx_export()` is always False (model code asks it to pick a tracing-friendly path); `export` refuses by
name, as PyTorch's does where its exporter's packages are missing, and says what to do instead.
"""

__all__ = ["OnnxExporterError", "export", "is_in_onnx_export"]


class OnnxExporterError(RuntimeError):
    """Raised by `export`: deepgrad has no ONNX exporter."""


def is_in_onnx_export():
    """Whether an ONNX export is tracing the model right now: never, in deepgrad."""
    return False


def export(model, args=(), f=None, *positional, **options):
    """Refuse: deepgrad cannot write ONNX graphs."""
    raise OnnxExporterError(
        f"autograd.onnx.export({type(model).__name__}, ..., {f!r}): deepgrad has no ONNX exporter. Save the "
        "weights with nn.save(model.state_dict(), path) (a safetensors file), load them into the same model "
        "built with PyTorch (model.load_state_dict(safetensors.torch.load_file(path))) and call torch.onnx.export "
        "there")
