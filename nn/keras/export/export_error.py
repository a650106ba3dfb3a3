"""The error export raises for a model it cannot write."""


class ExportError(ValueError):
    """A model that export cannot write (a layer or activation without an ONNX form here)."""
