"""`ag.onnx` (torch.onnx's namespace): `export` writes a module's forward, traced on example inputs, as an ONNX file
(onnx_trace.py; the ops it writes are listed in onnx_ops.py), and `is_in_onnx_export()` tells model code whether
that trace is running.
"""
import os

__all__ = ["ONNXProgram", "OnnxExporterError", "export", "is_in_onnx_export"]


class OnnxExporterError(RuntimeError):
    """Raised by `export` for a model or an argument it cannot write."""


class _ExportState:
    active = False


_state = _ExportState()


def is_in_onnx_export():
    """Whether `export` is tracing a model right now (model code may pick a tracing-friendly path)."""
    return _state.active


class ONNXProgram:
    """What `export` returns, as PyTorch's: the ONNX `model_proto` and `save(destination)`."""

    def __init__(self, model_proto):
        self.model_proto = model_proto

    def save(self, destination):
        """Write the ONNX file to `destination` (atomically: a failed write leaves an older file whole)."""
        from .atomic_file import write_atomically
        data = self.model_proto.SerializeToString()
        write_atomically(os.fspath(destination), lambda f: f.write(data))

    def __repr__(self):
        graph = self.model_proto.graph
        return (f"ONNXProgram(inputs={[i.name for i in graph.input]}, outputs={[o.name for o in graph.output]}, "
                f"nodes={len(graph.node)})")


def export(model, args=(), f=None, *, kwargs=None, verbose=None, input_names=None, output_names=None,
           opset_version=None, dynamo=True, external_data=True, dynamic_shapes=None, custom_translation_table=None,
           report=False, optimize=True, verify=False, profile=False, dump_exported_program=False,
           artifacts_dir=".", export_params=True, keep_initializers_as_inputs=False, dynamic_axes=None,
           training=None, operator_export_type=None, do_constant_folding=True, custom_opsets=None,
           export_modules_as_functions=False, autograd_inlining=True):
    """Trace `model(*args, **kwargs)` in eval mode and write it as ONNX (to `f` when given); returns an
    ONNXProgram. Shapes are the example inputs' except the sizes `dynamic_axes` names."""
    if dynamic_shapes is not None:
        raise OnnxExporterError(
            f"autograd.onnx.export({type(model).__name__}): dynamic_shapes (torch.export's Dim objects) is not "
            "read; name the free sizes with dynamic_axes={'x': {0: 'batch'}} (the TorchScript exporter's form)")
    if not export_params or keep_initializers_as_inputs or custom_translation_table or custom_opsets:
        raise OnnxExporterError("autograd.onnx.export: export_params=False, keep_initializers_as_inputs, "
                                "custom_translation_table and custom_opsets are not supported; leave them out")
    try:
        import onnx
    except ImportError as error:
        raise OnnxExporterError("autograd.onnx.export writes the file with the `onnx` package: pip install onnx") \
            from error
    from .onnx_trace import onnx_program
    modules = list(model.modules()) if hasattr(model, "modules") else []
    flags = [m.training for m in modules]
    train = training is not None and getattr(training, "name", str(training)).upper().endswith("TRAINING")
    for m in modules:
        m.training = train
    _state.active = True
    try:
        proto = onnx_program(onnx, model, args, kwargs, input_names, output_names, dynamic_axes)
    finally:
        _state.active = False
        for m, flag in zip(modules, flags):
            m.training = flag
    if opset_version is not None and int(opset_version) != proto.opset_import[0].version:
        from onnx import version_converter
        try:
            proto = version_converter.convert_version(proto, int(opset_version))
        except Exception as error:   # onnx's converter raises its own classes
            raise OnnxExporterError(f"autograd.onnx.export: the graph (written at opset "
                                    f"{proto.opset_import[0].version}) cannot be converted to opset_version="
                                    f"{opset_version}: {error}; leave opset_version out") from error
    program = ONNXProgram(proto)
    if f is not None:
        program.save(f)
    return program
