"""Compiled steps: `ag.jit(fn)` captures a training or inference step once and replays it without Python
dispatch (a flat list of prebound kernel calls on the CPU devices, CUDA graphs on `cuda`)."""
from ..capture import CaptureError
from .compiled import CompiledStep, jit

__all__ = ["jit", "CompiledStep", "CaptureError"]
