"""DataLoader's leftovers from the worker-process stop, as PyTorch's. The program tests/programs/
torch_dataloader_leftovers.py (its PyTorch printout recorded) covers Tensors made by a worker's collate_fn,
__getitems__, the lengths and warnings, the composed datasets and samplers through workers, default_collate and
default_convert, and dying workers; here: what a printout cannot show (a non-leaf tensor a worker cannot send, the
timing of a worker's death with persistent workers, file descriptors and processes after many epochs, and that the
data modules import no other module's private names)."""
import ast
import gc
import os
import pathlib
import signal
import time

import numpy as np
import pytest

import autograd as ag
import nn
from nn.data import DataLoader, Dataset, IterableDataset, StackDataset, Subset
from tests.test_pytorch_programs import assert_same_printout, printed_by_both

linux_only = pytest.mark.skipif(not os.path.isdir("/proc/self"), reason="reads process states from /proc")


def test_leftovers_program_prints_what_pytorch_prints(capsys):
    assert_same_printout(*printed_by_both("torch_dataloader_leftovers", capsys))


class Numbers(Dataset):
    def __init__(self, n=8):
        self.n = n

    def __len__(self):
        return self.n

    def __getitem__(self, i):
        return np.float32(i)


def _children():
    """The pids of this process's live children (zombies included: they hold a process table entry)."""
    me, found = str(os.getpid()), []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as f:
                    if f.read().rsplit(")", 1)[1].split()[1] == me:
                        found.append(int(entry))
            except OSError:
                pass
    return found


def test_a_worker_cannot_send_a_tensor_in_a_graph_but_sends_leaves_with_their_flags():
    def doubled(examples):
        return ag.tensor([float(e) for e in examples], requires_grad=True) * 2

    # PyTorch's worker fails to pickle it (its main process then waits forever); here the batch reports the error
    with pytest.raises(RuntimeError, match=r"(?s)Caught RuntimeError in DataLoader worker process 0\..*Cowardly "
                                           r"refusing to serialize non-leaf tensor which requires_grad"):
        list(DataLoader(Numbers(4), batch_size=2, num_workers=1, collate_fn=doubled))
    (batch,) = list(DataLoader(Numbers(2), batch_size=2, collate_fn=doubled))   # no worker: the graph stays
    assert batch.grad_fn is not None and batch.tolist() == [0.0, 2.0]

    def leaves(examples):
        return {"w": nn.Parameter(ag.zeros(2)), "x": ag.tensor(examples).requires_grad_(),
                "i": ag.tensor(np.array(examples, dtype=np.int16))}

    (batch,) = list(DataLoader(Numbers(3), batch_size=3, num_workers=1, collate_fn=leaves))
    assert type(batch["w"]) is nn.Parameter and batch["w"].requires_grad
    assert batch["x"].requires_grad and batch["x"].is_leaf and batch["x"].dtype == np.float32
    assert batch["i"].dtype == np.int16 and not batch["i"].requires_grad


class Counted(Dataset):
    """Records every call, in its own process's copy: the main process sees the calls of num_workers=0."""

    def __init__(self):
        self.calls = []

    def __len__(self):
        return 5

    def __getitem__(self, i):
        self.calls.append(("item", i))
        return i

    def __getitems__(self, indices):
        self.calls.append(("items", indices))
        return [10 * i for i in indices]


def test_getitems_gets_each_batchs_index_list_and_nested_datasets_pass_it_on():
    data = Counted()
    assert [b.tolist() for b in DataLoader(data, batch_size=2, shuffle=False)] == [[0, 10], [20, 30], [40]]
    assert data.calls == [("items", [0, 1]), ("items", [2, 3]), ("items", [4])]
    data.calls.clear()
    assert list(DataLoader(data, batch_size=None)) == [0, 1, 2, 3, 4] and data.calls[0] == ("item", 0)
    data.calls.clear()
    assert [b.tolist() for b in DataLoader(Subset(data, [4, 2]), batch_size=2)] == [[40, 20]]
    assert data.calls == [("items", [4, 2])]

    class Short(Counted):
        def __getitems__(self, indices):
            return [0]

    with pytest.raises(ValueError, match="Nested dataset's output size mismatch. Expected 2, got 1"):
        next(iter(DataLoader(StackDataset(Short(), Counted()), batch_size=2)))


class Endless(IterableDataset):
    def __iter__(self):
        return iter(range(10))


def test_iterator_lengths_and_close():
    loader = DataLoader(Numbers(5), batch_size=2, num_workers=1)
    epoch = iter(loader)
    assert len(epoch) == 3 and next(epoch).tolist() == [0, 1]
    epoch.close()   # the worker stops at once
    with pytest.raises(TypeError, match="object of type '_InfiniteConstantSampler' has no len()"):
        len(iter(DataLoader(Endless(), batch_size=2)))
    with pytest.raises(TypeError, match="has no len"):
        len(DataLoader(Endless(), batch_size=2))


@linux_only
def test_a_persistent_worker_killed_between_epochs_is_reported_at_once():
    before = set(_children())   # (the spawn start method's resource tracker may be one)
    loader = DataLoader(Numbers(), batch_size=2, num_workers=2, persistent_workers=True)
    list(loader)
    victim = max(set(_children()) - before)
    start = time.monotonic()
    with pytest.raises(RuntimeError, match=rf"^DataLoader worker \(pid {victim}\) is killed by signal: Killed\. $"):
        os.kill(victim, signal.SIGKILL)
        time.sleep(5)   # the main process is busy elsewhere: PyTorch's SIGCHLD handler raises here
    assert time.monotonic() - start < 4
    with pytest.raises(RuntimeError, match=rf"^DataLoader worker \(pid\(s\) {victim}\) exited unexpectedly$"):
        list(loader)
    del loader
    gc.collect()
    assert set(_children()) == before


@linux_only
def test_no_descriptor_or_process_is_left_after_many_epochs_and_dropped_persistent_loaders():
    list(DataLoader(Numbers(), batch_size=2, num_workers=2))   # modules and queues' lazy parts set up
    gc.collect()
    descriptors, children = len(os.listdir("/proc/self/fd")), _children()
    for _ in range(50):
        for batch in DataLoader(Numbers(), batch_size=2, num_workers=2):
            pass
    for _ in range(3):
        loader = DataLoader(Numbers(), batch_size=2, num_workers=2, persistent_workers=True)
        assert [len(list(loader)) for _ in range(2)] == [4, 4]
    del loader
    for _ in range(3):   # epochs left after one batch
        epoch = iter(DataLoader(Numbers(), batch_size=2, num_workers=2))
        next(epoch)
    del epoch
    gc.collect()
    assert len(os.listdir("/proc/self/fd")) == descriptors and _children() == children


def test_the_data_modules_import_no_other_modules_private_names():
    found = []
    for path in sorted(pathlib.Path(nn.data.__file__).parent.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom):
                found += [f"{path.name}: {node.module}.{a.name}" for a in node.names
                          if a.name.startswith("_") and not a.name.startswith("__")]
    assert found == []
