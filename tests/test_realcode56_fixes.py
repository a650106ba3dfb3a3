"""Regressions for what research model files (facebookresearch's DETR and MAE, lucidrains' perceiver-pytorch,
openai's improved-diffusion) found when run with only their imports, data and step counts changed. Each test runs
the idiom under PyTorch and under deepgrad and compares them; the PyTorch side skips cleanly when torch is absent."""
import os
import pathlib
import subprocess
import sys

import numpy as np
import pytest

import autograd as ag
from tests.helpers import require_torch

ROOT = pathlib.Path(__file__).resolve().parents[1]


def _warnings_of(script, lib_import):
    """The warnings a fresh process gives running `script` with `lib` bound to a tensor library."""
    run = subprocess.run([sys.executable, "-W", "always", "-c", lib_import + "\n" + script], capture_output=True,
                         text=True, timeout=120, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert run.returncode == 0, run.stderr
    return [line for line in run.stderr.splitlines() if "Warning" in line]


# ----- 1. meshgrid without indexing warns once, as PyTorch ------------------------------------------------------------
_MESHGRID = """
a = lib.arange(3.0)
lib.meshgrid(a, a, indexing="ij")
lib.cartesian_prod(a, a)
print("no warning yet")
ys, xs = lib.meshgrid(a, lib.arange(2.0))
lib.meshgrid(a, a)
assert tuple(ys.shape) == (3, 2)
"""


def test_meshgrid_without_indexing_warns_once_as_pytorch():
    """DETR's `masks_to_boxes` calls `torch.meshgrid(y, x)`: PyTorch warns once per process that the indexing
    argument will be required (a UserWarning); deepgrad said nothing. An explicit indexing, or cartesian_prod,
    gives no warning."""
    require_torch()
    mine = _warnings_of(_MESHGRID, "import autograd as lib")
    theirs = _warnings_of(_MESHGRID, "import torch as lib")
    assert len(mine) == len(theirs) == 1
    assert "UserWarning: torch.meshgrid: in an upcoming release, it will be required to pass the indexing " \
           "argument." in mine[0]
    assert mine[0].split("UserWarning: ")[1] in theirs[0]
    assert mine[0].startswith("<string>:7:")    # points at the user's call (line 7: ys, xs = lib.meshgrid(...))


# ----- 2. a custom Function's forward is handed the caller's tensors themselves ---------------------------------------
def _checkpointed_grads(lib):
    """openai's improved-/guided-diffusion `checkpoint`: forward runs the block without a graph and keeps its
    inputs and the block's parameters on ctx; backward reruns it with grad and differentiates with
    `autograd.grad(outputs, inputs + params)`, which needs the parameters as they are (requiring grad)."""
    class Recompute(lib.autograd.Function):
        @staticmethod
        def forward(ctx, run, length, *args):
            ctx.run = run
            ctx.inputs = list(args[:length])
            ctx.params = list(args[length:])
            ctx.seen = [(a.requires_grad, a is b) for a, b in zip(args, given)]
            with lib.no_grad():
                return run(*ctx.inputs)

        @staticmethod
        def backward(ctx, *grads):
            ctx.inputs = [x.detach().requires_grad_(True) for x in ctx.inputs]
            with lib.enable_grad():
                outputs = ctx.run(*[x.view_as(x) for x in ctx.inputs])
            input_grads = lib.autograd.grad(outputs, ctx.inputs + ctx.params, grads, allow_unused=True)
            return (None, None) + input_grads

    lin = (lib.nn if lib is not ag else __import__("nn")).Linear(3, 2).double()
    with lib.no_grad():
        lin.weight.copy_(lib.tensor([[0.5, -1.0, 2.0], [1.5, 0.25, -0.75]], dtype=lib.float64))
        lin.bias.copy_(lib.tensor([0.1, -0.2], dtype=lib.float64))
    x = lib.tensor([[1.0, 2.0, -1.0], [0.5, -0.5, 3.0]], dtype=lib.float64, requires_grad=True)
    given = [x, lin.weight, lin.bias]
    out = Recompute.apply(lambda t: lib.tanh(lin(t)), 1, *given)
    node = out.grad_fn
    (out * lib.tensor([[1.0, 2.0], [3.0, -1.0]], dtype=lib.float64)).sum().backward()
    return node.seen if hasattr(node, "seen") else None, x.grad.numpy(), lin.weight.grad.numpy(), lin.bias.grad.numpy()


def test_custom_function_forward_gets_the_callers_tensors_as_pytorch():
    """improved-diffusion's UNet with `use_checkpoint=True` died in its first backward: deepgrad handed a custom
    Function's forward new tensors over the arguments' arrays (requires_grad False), so the parameters the
    forward kept on ctx no longer required grad and `autograd.grad` over them refused. PyTorch hands forward
    the argument tensors themselves; so does deepgrad now, and the recomputed gradients equal PyTorch's."""
    torch = require_torch()
    mine, theirs = _checkpointed_grads(ag), _checkpointed_grads(torch)
    assert mine[0] == theirs[0] == [(True, True)] * 3
    for a, b in zip(mine[1:], theirs[1:]):
        np.testing.assert_allclose(a, b, rtol=1e-12)


def test_custom_function_gradient_for_a_parameter_argument_is_accepted():
    """A gradient returned for an `nn.Parameter` argument (not a plain Tensor) is the parameter's gradient, not a
    gradient for a non-tensor argument."""
    import nn

    class Scale(ag.autograd.Function):
        @staticmethod
        def forward(ctx, x, w):
            ctx.save_for_backward(x, w)
            return x * w

        @staticmethod
        def backward(ctx, g):
            x, w = ctx.saved_tensors
            return g * w, (g * x).sum(0)

    w = nn.Parameter(ag.tensor([2.0, 3.0]))
    x = ag.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
    Scale.apply(x, w).sum().backward()
    np.testing.assert_allclose(w.grad.numpy(), [4.0, 6.0])
    np.testing.assert_allclose(x.grad.numpy(), [[2.0, 3.0], [2.0, 3.0]])


# ----- 3. torch._utils' flat buffers (fp16 master weights) ------------------------------------------------------------
def _flat_buffers(lib, utils):
    a = lib.arange(6.0, dtype=lib.float32).reshape(2, 3).requires_grad_()
    b = lib.ones(4, dtype=lib.float64)
    flat = utils._flatten_dense_tensors([a, b])
    one = utils._flatten_dense_tensors([a.t()])
    (flat * lib.arange(10.0, dtype=lib.float64)).sum().backward()
    buffer = utils._flatten_dense_tensors([a.detach().float(), b.float()])
    views = utils._unflatten_dense_tensors(buffer, [a, b])
    views[1].mul_(5)                                   # writes into the buffer
    graph_views = utils._unflatten_dense_tensors(flat, (a, b))
    return {"flat": flat.detach().numpy(), "dtype": str(flat.dtype).replace("torch.", ""),
            "node": type(flat.grad_fn).__name__, "one": one.detach().numpy(), "one_node": type(one.grad_fn).__name__,
            "grad": a.grad.numpy(), "type": type(views).__name__, "shapes": [tuple(v.shape) for v in views],
            "buffer": buffer.numpy(), "view_nodes": [type(v.grad_fn).__name__ for v in graph_views]}


def test_flatten_and_unflatten_dense_tensors_as_pytorch():
    """improved-diffusion's fp16_util imports `_flatten_dense_tensors` / `_unflatten_dense_tensors` from
    `torch._utils` (a float32 master copy of float16 weights, as apex does): deepgrad had no `autograd._utils`,
    so the model file did not import."""
    torch = require_torch()
    import torch._utils as theirs_utils
    import autograd._utils as my_utils
    mine, theirs = _flat_buffers(ag, my_utils), _flat_buffers(torch, theirs_utils)
    assert mine.keys() == theirs.keys()
    for key in mine:
        if isinstance(mine[key], np.ndarray):
            np.testing.assert_array_equal(mine[key], theirs[key], err_msg=key)
        else:
            assert mine[key] == theirs[key], key
    with pytest.raises(ValueError):
        my_utils._flatten_dense_tensors([])
    with pytest.raises(RuntimeError):
        my_utils._unflatten_dense_tensors(ag.zeros(3), [ag.zeros(2, 3)])


# ----- 4. torch.nn.parallel.distributed -----------------------------------------------------------------------------
def test_ddp_imports_from_nn_parallel_distributed():
    """improved-diffusion's train_util writes `from torch.nn.parallel.distributed import DistributedDataParallel
    as DDP` (the module PyTorch defines it in); ported, the import failed."""
    torch = require_torch()
    import nn
    from nn.parallel.distributed import DistributedDataParallel
    from torch.nn.parallel.distributed import DistributedDataParallel as Theirs
    assert DistributedDataParallel is nn.parallel.DistributedDataParallel is nn.distributed.DistributedDataParallel
    assert Theirs is torch.nn.parallel.DistributedDataParallel


# ----- 5. torch.utils.checkpoint's device-state helpers and torch.cuda._initialized ------------------------------------
def test_checkpoint_device_state_helpers_and_cuda_initialized_as_pytorch():
    """performer-pytorch's reversible layers import `get_device_states` / `set_device_states` from
    `torch.utils.checkpoint` and read `torch.cuda._initialized` before recording generator states: both were
    missing. On host tensors PyTorch records no device (the CPU generator is get_rng_state's), as deepgrad now."""
    torch = require_torch()
    from torch.utils import checkpoint as theirs
    from autograd.utils import checkpoint as mine
    args = ([ag.ones(2), {"k": ag.zeros(3)}], 4)
    assert mine.get_device_states(*args) == ([], []) == theirs.get_device_states([torch.ones(2)], 4)
    assert mine.set_device_states([], []) is None and theirs.set_device_states([], []) is None
    assert {"get_device_states", "set_device_states"} <= set(mine.__all__) & set(theirs.__all__)
    assert ag.cuda._initialized is ag.cuda.is_initialized()
    if not ag.cuda.is_available():
        assert ag.cuda._initialized is False
    assert isinstance(torch.cuda._initialized, bool)
    with pytest.raises(AttributeError):
        ag.cuda.no_such_attribute
