"""`ag.backends`: the torch.backends queries that device-selection code asks, answered for deepgrad.

`mps` is never available (deepgrad has no Metal device); `cuda.is_built()` says whether CuPy is
installed; the cuDNN and TF32 switches are accepted and kept, and change nothing (deepgrad computes
float32 in float32 and has no cuDNN path).
"""
import importlib.util
import types

from . import cuda as _cuda

mps = types.SimpleNamespace(is_available=lambda: False, is_built=lambda: False)
cpu = types.SimpleNamespace(get_cpu_capability=lambda: "DEFAULT")
cudnn = types.SimpleNamespace(enabled=True, benchmark=False, deterministic=False, allow_tf32=False,
                              is_available=lambda: False)
cuda = types.SimpleNamespace(is_built=lambda: importlib.util.find_spec("cupy") is not None,
                             matmul=types.SimpleNamespace(allow_tf32=False),
                             is_available=_cuda.is_available)
