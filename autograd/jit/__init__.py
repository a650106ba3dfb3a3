"""Compiled steps: `ag.jit(fn)` captures a training or inference step once and replays it without Python
dispatch (a flat list of prebound kernel calls on the CPU devices, CUDA graphs on `cuda`)."""
from typing import Final

from ..capture import CaptureError
from . import annotations
from .compiled import CompiledStep, jit

# Final: `from torch.jit import Final` (typing.Final in PyTorch too) ports as `from autograd.jit import Final`
__all__ = ["jit", "CompiledStep", "CaptureError", "Final", "annotations"]
