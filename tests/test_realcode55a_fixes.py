"""Regressions for what research model files (harvardnlp's annotated-transformer, lucidrains' x-transformers and
vector-quantize-pytorch) found when run with only their imports, data and step counts changed. Each test runs the
idiom under PyTorch and under deepgrad and compares them; the PyTorch side skips cleanly when torch is absent."""
import importlib
import multiprocessing as std_multiprocessing
import os
import pathlib
import subprocess
import sys
import warnings

import numpy as np
import pytest

import autograd as ag
from tests.helpers import require_torch


# ----- 1. an in-place op inside a graph on a tensor outside one writes into its memory -------------------------------
def _alias_updates(lib):
    """vector-quantize-pytorch's EMA codebook update (`old.data.lerp_(new, 1 - decay)` with `new` computed from
    inputs that require grad) and the other ways code reaches a buffer's memory through an alias."""
    w = lib.tensor([[0.5, -1.0, 2.0], [1.5, 0.25, -0.75]], requires_grad=True)
    new = w * 2
    out = {}
    buf = lib.ones(2, 3)
    alias = buf.data
    alias.lerp_(new, 0.2)
    out["lerp"] = buf.detach().clone()
    out["lerp_alias_requires_grad"] = alias.requires_grad
    buf = lib.ones(2, 3)
    buf.data.add_(new, alpha=3)
    out["add"] = buf.detach().clone()
    buf = lib.full((2, 3), 4.0)
    buf.detach().copy_(new)
    out["copy"] = buf.detach().clone()
    buf = lib.full((2, 3), 3.0)
    scaled = buf.data.mul_(new)   # its gradient to w needs buf's values before the change
    (scaled * lib.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])).sum().backward()
    out["mul"] = buf.detach().clone()
    out["mul_grad"] = w.grad.clone()
    return {k: (v.numpy() if hasattr(v, "numpy") else v) for k, v in out.items()}


def test_inplace_op_with_a_graph_on_an_alias_changes_the_shared_memory_as_pytorch():
    """vector-quantize-pytorch's `ema_inplace` updates a codebook buffer with `old.data.lerp_(new, ...)`, `new`
    requiring grad. deepgrad rebound the `.data` alias to a new array and left the buffer as it was: the EMA
    codebook never moved (`embed_avg` stayed at its first value, cluster sizes and losses differed from the
    first step). The values now go into the shared memory, as PyTorch's in-place ops write them, and the
    gradient of the op still uses the values from before the change."""
    torch = require_torch()
    mine, theirs = _alias_updates(ag), _alias_updates(torch)
    assert list(mine) == list(theirs)
    for key in mine:
        np.testing.assert_allclose(mine[key], theirs[key], rtol=1e-6, err_msg=key)


def test_ema_codebook_update_through_data_moves_the_buffer():
    """The whole idiom on a module: a registered buffer updated by EMA through `.data` inside a training step."""
    torch = require_torch()
    import nn

    def run(lib, module_base):
        class Codebook(module_base):
            def __init__(self):
                super().__init__()
                self.register_buffer("embed_avg", lib.zeros(3, 2))

            def forward(self, x, onehot):
                embed_sum = lib.einsum("n d, n c -> c d", x, onehot)
                self.embed_avg.data.lerp_(embed_sum, 0.25)
                return (x * 2).sum()

        book = Codebook()
        x = lib.tensor([[1.0, 2.0], [3.0, -1.0], [0.5, 0.5]], requires_grad=True)
        onehot = lib.tensor([[1.0, 0.0, 0.0], [0.0, 0.0, 1.0], [1.0, 0.0, 0.0]])
        for _ in range(2):
            book(x, onehot).backward()
        return book.embed_avg.numpy(), book.embed_avg.requires_grad, x.grad.numpy()

    mine, theirs = run(ag, nn.Module), run(torch, torch.nn.Module)
    np.testing.assert_allclose(mine[0], theirs[0], rtol=1e-6)
    assert mine[1] == theirs[1] is False
    np.testing.assert_allclose(mine[2], theirs[2])


def test_inplace_on_a_plain_tensor_still_refuses_saved_value_changes():
    """A graph that saved a tensor's old values refuses backward after the in-place change, as before."""
    torch = require_torch()
    for lib in (ag, torch):
        w = lib.tensor([1.0, 2.0], requires_grad=True)
        buf = lib.tensor([3.0, 4.0])
        saved = w * buf          # saves buf
        buf.add_(w)              # in place inside a graph, on a tensor outside one
        with pytest.raises(RuntimeError):
            saved.sum().backward()


# ----- 2. torch.multiprocessing ---------------------------------------------------------------------------------------
def test_torch_multiprocessing_imports_with_pytorchs_names():
    """The annotated transformer writes `import torch.multiprocessing as mp` (for `mp.spawn`): ported, it died at
    import (deepgrad had no autograd.multiprocessing)."""
    torch = require_torch()
    ours = importlib.import_module("autograd.multiprocessing")
    theirs = importlib.import_module("torch.multiprocessing")
    assert ag.multiprocessing is ours
    for name in ("spawn", "start_processes", "ProcessContext", "ProcessRaisedException", "ProcessExitedException",
                 "get_sharing_strategy", "set_sharing_strategy", "get_all_sharing_strategies", "Process", "Queue",
                 "get_context", "set_start_method", "cpu_count"):
        assert hasattr(ours, name) and hasattr(theirs, name), name
    assert ours.get_sharing_strategy() == theirs.get_sharing_strategy()
    assert ours.get_all_sharing_strategies() == theirs.get_all_sharing_strategies()
    assert issubclass(ours.ProcessRaisedException, Exception)
    assert ours.Process is std_multiprocessing.Process


_SPAWN_SCRIPT = """
import multiprocessing, operator
import autograd.multiprocessing as mp
if __name__ == "__main__":
    queue = multiprocessing.get_context("spawn").SimpleQueue()
    started = mp.start_processes(queue.put, nprocs=2, join=False)   # queue.put(rank) in each child
    assert isinstance(started, mp.ProcessContext) and len(started.pids()) == 2
    while not started.join():
        pass
    print(sorted([queue.get(), queue.get()]))
    try:
        mp.spawn(operator.truediv, args=(0,), nprocs=1)                # operator.truediv(0, 0) raises
    except mp.ProcessRaisedException as error:
        print(error.error_index)
        print(str(error).splitlines()[2])
        print(str(error).strip().splitlines()[-1])
"""


def test_spawn_runs_each_rank_and_reraises_a_childs_error(tmp_path):
    """`spawn(fn, args, nprocs)` calls fn(rank, *args) in each process (PyTorch's default start method, spawn); a
    child's exception reaches the parent as ProcessRaisedException naming the rank, with the child's traceback
    (as PyTorch's). Run as a script of its own: spawn starts the children from the main module. Under load it once
    hung: the failing child's pipe closed a moment before its exit status could be read, join returned False, and
    the next join waited on no process at all, for ever."""
    script = tmp_path / "spawn_check.py"
    script.write_text(_SPAWN_SCRIPT)
    root = pathlib.Path(__file__).resolve().parent.parent
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=120,
                          env={**os.environ, "PYTHONPATH": str(root)})
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["[0, 1]", "0", "-- Process 0 terminated with the following error:",
                                        "ZeroDivisionError: division by zero"]


# ----- 3. torch.distributed.nn ---------------------------------------------------------------------------------------
def _collectives_in_graph(lib, functional):
    x = lib.tensor([1.0, -2.0, 3.0], requires_grad=True)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        total = functional.all_reduce(x * 2)
        gathered = functional.all_gather(x * 3)
        sent = functional.broadcast(x * 4, 0)
    (total * lib.tensor([1.0, 2.0, 3.0])).sum().backward(retain_graph=True)
    grads = [x.grad.clone()]
    (gathered[0].sum() + sent.pow(2).sum()).backward()
    grads.append(x.grad.clone())
    return ([total.detach().numpy(), gathered[0].detach().numpy(), sent.detach().numpy()],
            [g.numpy() for g in grads], len(gathered), type(gathered).__name__,
            [(w.category.__name__, str(w.message)) for w in caught])


def test_torch_distributed_nn_collectives_in_a_world_of_one():
    """vector-quantize-pytorch's LFQ writes `from torch.distributed import nn as dist_nn` (its codebook statistics
    are all-reduced in the graph): ported, the package died at import. torch.distributed.nn.functional's
    all_reduce, all_gather and broadcast now return new tensors inside the graph, with PyTorch's gradients and
    FutureWarnings, here in a world of one against PyTorch's gloo."""
    torch = require_torch()
    pytest.importorskip("mpi4py")
    import torch.distributed as torch_dist
    import torch.distributed.nn.functional as torch_functional

    import nn  # noqa: F401 - installs torch.distributed on autograd
    from nn import distributed as dist
    functional = importlib.import_module("autograd.distributed.nn.functional")
    from autograd.distributed import nn as dist_nn
    assert dist_nn.functional is functional and dist_nn.all_reduce is functional.all_reduce

    dist.init_process_group("gloo")
    torch_dist.init_process_group("gloo", store=torch_dist.HashStore(), rank=0, world_size=1)
    try:
        mine = _collectives_in_graph(ag, functional)
        theirs = _collectives_in_graph(torch, torch_functional)
    finally:
        dist.destroy_process_group()
        torch_dist.destroy_process_group()
    for a, b in zip(mine[0] + mine[1], theirs[0] + theirs[1]):
        np.testing.assert_allclose(a, b)
    assert mine[2:] == theirs[2:]


# ----- 4. torch.sparse's legacy constructors -------------------------------------------------------------------------
def test_legacy_sparse_constructor_warns_as_pytorch():
    """tkipf/pygcn builds its adjacency with `torch.sparse.FloatTensor(indices, values, shape)`: PyTorch warns that
    the form is deprecated, each form once per process (deepgrad was silent); the tensors agree. Each library runs
    in a fresh process, since a warning given once per process may have been given already in this one."""
    require_torch()
    import json
    import subprocess
    import sys
    program = ("import json, sys, warnings\n"
               "lib = __import__(sys.argv[1])\n"
               "indices = lib.tensor([[0, 1, 1], [1, 0, 2]]); values = lib.tensor([1.0, 2.0, 3.0])\n"
               "with warnings.catch_warnings(record=True) as caught:\n"
               "    warnings.simplefilter('always')\n"
               "    for _ in range(2):\n"
               "        with_shape = lib.sparse.FloatTensor(indices, values, lib.Size([2, 3]))\n"
               "        without = lib.sparse.FloatTensor(indices, values)\n"
               "print(json.dumps([with_shape.to_dense().tolist(), without.to_dense().tolist(),\n"
               "                  [w.category.__name__ for w in caught],\n"
               "                  [str(w.message).split(' (Triggered')[0] for w in caught]]))\n")

    def run(name):
        done = subprocess.run([sys.executable, "-c", program, name], capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stderr
        return json.loads(done.stdout.strip().splitlines()[-1])

    mine, theirs = run("autograd"), run("torch")
    assert mine == theirs
    assert len(mine[2]) == 2
