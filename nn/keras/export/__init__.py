"""`Model.export`: Keras 3's formats and argument checks; deepgrad writes `format="onnx"` itself (onnx_walk.py),
a file that ONNX Runtime and other ONNX tools run without deepgrad. The other formats need TensorFlow, OpenVINO,
LiteRT or PyTorch's own exporters, and are refused with what to use instead."""
import os

from .export_error import ExportError

__all__ = ["ExportError", "FORMATS", "export_model"]

FORMATS = ("tf_saved_model", "onnx", "openvino", "litert", "torch")


def export_model(model, filepath, format="tf_saved_model", verbose=None, input_signature=None, **kwargs):
    """Write `model`'s inference forward pass (its call with training=False) to `filepath` in `format`."""
    if format not in FORMATS:
        raise ValueError(f"Unrecognized format={format}. Supported formats are: {list(FORMATS)}.")
    filepath = os.fspath(filepath)
    if format == "openvino" and not filepath.endswith(".xml"):
        raise ValueError(f"The OpenVINO export requires the filepath to end with '.xml'. Got: filepath={filepath}")
    if format == "litert" and not filepath.endswith(".tflite"):
        raise ValueError(f"The LiteRT export requires the filepath to end with '.tflite'. Got: {filepath}")
    if format != "onnx":
        needs = {"tf_saved_model": "TensorFlow's SavedModel writer", "openvino": "OpenVINO's converter",
                 "litert": "LiteRT's converter", "torch": "torch.export (a PyTorch program)"}[format]
        raise ValueError(f"export(format={format!r}) needs {needs}, which runs on that library's own tensors; "
                         "nn.keras writes format='onnx' (a file ONNX Runtime, OpenVINO and TensorRT read)")
    unknown = sorted(set(kwargs) - {"opset_version"})
    if unknown:
        raise TypeError(f"export(format='onnx') got unexpected keyword arguments {unknown}")
    try:
        import onnx
    except ImportError as error:
        raise ImportError("export(format='onnx') writes the file with the `onnx` package: pip install onnx") \
            from error
    from .onnx_walk import onnx_model
    proto = onnx_model(onnx, model, input_signature, kwargs.get("opset_version"))
    from ...serialization.atomic_file import write_atomically
    data = proto.SerializeToString()
    write_atomically(filepath, lambda f: f.write(data))
    if verbose is None or verbose:
        print(f"Saved artifact at '{filepath}'.")
