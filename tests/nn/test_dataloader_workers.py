"""DataLoader(num_workers > 0): worker processes as PyTorch's. Batches and later global draws against PyTorch (the
program tests/programs/torch_dataloader_workers.py, its PyTorch printout recorded), get_worker_info, the errors a
worker raises or dies of, timeouts, persistent workers, in_order=False, start methods, and shutdown: no worker left
running or unreaped after an epoch ends, a loop breaks, the loader goes away, or the main process is killed."""
import gc
import multiprocessing
import os
import signal
import subprocess
import sys
import textwrap
import time

import numpy as np
import pytest

import autograd as ag
from nn.data import DataLoader, Dataset, IterableDataset, TensorDataset, get_worker_info
from tests.test_pytorch_programs import assert_same_printout, printed_by_both

linux_only = pytest.mark.skipif(not os.path.isdir("/proc/self"), reason="reads process states from /proc")


def test_worker_program_prints_what_pytorch_prints(capsys):
    """Shuffled, persistent, generator-seeded and sharded loaders with workers: PyTorch's batches (torch.rand,
    random and np.random drawn in the workers) and PyTorch's global stream after them."""
    assert_same_printout(*printed_by_both("torch_dataloader_workers", capsys))


class TwoArgumentError(Exception):
    def __init__(self, first, second):
        super().__init__(first, second)


class Probe(Dataset):
    """Each example reports the process and worker that built it, and the failure asked for at `bad`."""

    def __init__(self, n=6, bad=None, failure=None):
        self.n, self.bad, self.failure, self.touched = n, bad, failure, False

    def __len__(self):
        return self.n

    def __getitem__(self, i):
        self.touched = True
        if i == self.bad:
            if self.failure == "kill":
                os.kill(os.getpid(), signal.SIGKILL)
            if self.failure == "exit":
                os._exit(4)
            if self.failure == "sleep":
                time.sleep(1.0)
            elif self.failure is TwoArgumentError:
                raise TwoArgumentError(f"item {i}", i)
            elif self.failure is not None:
                raise self.failure(f"item {i}")
        info = get_worker_info()
        return i, os.getpid(), -1 if info is None else info.id


def _state(pid):
    """'R', 'S', 'Z'... for a process that exists, None for one that is gone (reaped)."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return None


def _pids(batches):
    return sorted({p for b in batches for p in b[1].tolist()})


@linux_only
def test_workers_build_the_batches_and_are_reaped_after_the_epoch():
    batches = list(DataLoader(Probe(), batch_size=2, num_workers=2))
    assert [b[0].tolist() for b in batches] == [[0, 1], [2, 3], [4, 5]]
    assert [b[2].tolist() for b in batches] == [[0, 0], [1, 1], [0, 0]]   # round-robin, as PyTorch's
    pids = _pids(batches)
    assert len(pids) == 2 and os.getpid() not in pids
    assert [_state(p) for p in pids] == [None, None]   # joined: neither running nor a zombie


def test_get_worker_info_in_the_main_process_and_in_a_worker():
    class Info(Dataset):
        def __len__(self):
            return 2

        def __getitem__(self, i):
            info = get_worker_info()
            info.dataset.marked = True   # the worker's copy
            return [info.id, info.num_workers, info.seed, info.dataset is self, info.rng is None,
                    info.worker_method == "multiprocessing"]

    dataset = Info()
    assert get_worker_info() is None
    ag.manual_seed(11)
    loader = DataLoader(dataset, batch_size=None, num_workers=2)
    rows = [[v.item() if hasattr(v, "item") else v for v in row] for row in loader]
    assert [r[:2] for r in rows] == [[0, 2], [1, 2]] and all(r[3:] == [True, True, True] for r in rows)
    assert [r[2] for r in rows] == [loader._base_seed, loader._base_seed + 1]
    assert not hasattr(dataset, "marked") and get_worker_info() is None


def test_a_worker_exception_is_raised_here_with_its_type_worker_and_traceback():
    with pytest.raises(ValueError) as caught:
        list(DataLoader(Probe(bad=3, failure=ValueError), batch_size=2, num_workers=2))
    text = str(caught.value)
    assert text.startswith("Caught ValueError in DataLoader worker process 1.\nOriginal Traceback (most recent call "
                           "last):\n")
    assert 'raise self.failure(f"item {i}")' in text and text.endswith("ValueError: item 3\n")
    with pytest.raises(KeyError) as caught:   # shown as text, not as the repr KeyError gives its argument
        list(DataLoader(Probe(bad=0, failure=KeyError), batch_size=2, num_workers=2))
    assert str(caught.value).startswith("Caught KeyError in DataLoader worker process 0.\nOriginal Traceback")
    with pytest.raises(RuntimeError, match="Caught TwoArgumentError in DataLoader worker process 0"):
        list(DataLoader(Probe(bad=0, failure=TwoArgumentError), batch_size=2, num_workers=2))


def test_iteration_goes_on_after_a_worker_exception_and_worker_init_fn_failures_are_raised():
    it, got = iter(DataLoader(Probe(bad=3, failure=IndexError), batch_size=1, num_workers=2)), []
    while True:
        try:
            got.append(next(it)[0].tolist())
        except IndexError:
            got.append("error")
        except StopIteration:
            break
    assert got == [[0], [1], [2], "error", [4], [5]]

    def failing_init(worker_id):
        raise TypeError(f"init of worker {worker_id}")

    with pytest.raises(TypeError, match=r"(?s)Caught TypeError in DataLoader worker process 0\..*init of worker 0"):
        list(DataLoader(Probe(), batch_size=2, num_workers=2, worker_init_fn=failing_init))


def test_a_batch_that_cannot_be_pickled_is_an_error_not_a_hang():
    with pytest.raises(AttributeError, match="DataLoader worker process 0"):
        list(DataLoader(Probe(), batch_size=2, num_workers=1, timeout=20, collate_fn=lambda examples: lambda: 0))


def test_a_worker_killed_by_a_signal_or_exiting_gives_pytorchs_runtime_error():
    with pytest.raises(RuntimeError, match=r"DataLoader worker \(pid\(s\) \d+\) exited unexpectedly") as caught:
        list(DataLoader(Probe(bad=3, failure="kill"), batch_size=2, num_workers=2))
    assert str(caught.value.__cause__).startswith("DataLoader worker (pid ") and \
        str(caught.value.__cause__).endswith(") is killed by signal: Killed. ")
    with pytest.raises(RuntimeError, match="exited unexpectedly") as caught:
        list(DataLoader(Probe(bad=0, failure="exit"), batch_size=2, num_workers=2))
    assert "exited unexpectedly with exit code 4. Details are lost due to multiprocessing." in \
        str(caught.value.__cause__)


def test_timeout_raises_pytorchs_runtime_error_and_needs_workers():
    loader = DataLoader(Probe(bad=0, failure="sleep"), batch_size=2, num_workers=1, timeout=0.3)
    with pytest.raises(RuntimeError, match=r"^DataLoader timed out after 0\.3 seconds$"):
        next(iter(loader))
    with pytest.raises(AssertionError, match="timeout=1 applies to worker processes only"):
        iter(DataLoader(Probe(), timeout=1))


@linux_only
def test_persistent_workers_are_kept_across_epochs_and_end_with_the_loader():
    loader = DataLoader(Probe(), batch_size=2, num_workers=2, persistent_workers=True)
    first = list(loader)
    pids = _pids(first)
    assert all(_state(p) not in (None, "Z") for p in pids)   # still running between epochs
    partial = iter(loader)
    next(partial)   # an epoch left unfinished: the next one drops what was in flight
    assert [b[0].tolist() for b in loader] == [b[0].tolist() for b in first] and _pids(list(loader)) == pids
    del loader, partial
    gc.collect()
    assert [_state(p) for p in pids] == [None, None]
    fresh = DataLoader(Probe(), batch_size=2, num_workers=2)
    assert set(_pids(list(fresh))).isdisjoint(_pids(list(fresh)))   # new processes each epoch without it


@linux_only
def test_breaking_out_of_the_loop_or_dropping_the_iterator_ends_the_workers():
    before = set(multiprocessing.active_children())
    for batch in DataLoader(Probe(n=40), batch_size=2, num_workers=2):
        pid = batch[1].tolist()[0]
        break
    children = set(multiprocessing.active_children()) - before
    assert _state(pid) is None and not children
    it = iter(DataLoader(Probe(n=40), batch_size=2, num_workers=2))
    pids = [next(it)[1].tolist()[0], next(it)[1].tolist()[0]]
    del it
    assert [_state(p) for p in pids] == [None, None]


@linux_only
def test_workers_exit_when_the_main_process_is_killed():
    script = textwrap.dedent("""
        import os, signal, sys
        sys.path.insert(0, {root!r})
        from nn.data import DataLoader
        from tests.nn.test_dataloader_workers import Probe
        it = iter(DataLoader(Probe(n=20), batch_size=2, num_workers=2, persistent_workers=True))
        print(sorted({{next(it)[1].tolist()[0] for _ in range(2)}}), flush=True)
        os.kill(os.getpid(), signal.SIGKILL)
    """).format(root=os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    pids = [int(p) for p in run.stdout.strip().strip("[]").split(",")]
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and any(_state(p) not in (None, "Z") for p in pids):
        time.sleep(0.1)
    # orphans are reparented; an init that reaps nothing leaves them as zombies, but none runs on
    assert all(_state(p) in (None, "Z") for p in pids), [_state(p) for p in pids]


def test_in_order_false_delivers_batches_as_they_are_ready():
    class SlowFirst(Dataset):
        def __len__(self):
            return 4

        def __getitem__(self, i):
            if i == 0:
                time.sleep(0.6)
            return i

    got = [b.tolist() for b in DataLoader(SlowFirst(), batch_size=2, num_workers=2, in_order=False)]
    assert got == [[2, 3], [0, 1]]
    assert [b.tolist() for b in DataLoader(SlowFirst(), batch_size=2, num_workers=2)] == [[0, 1], [2, 3]]


class Stream(IterableDataset):
    def __iter__(self):
        info = get_worker_info()
        return iter(range(info.id, 7, info.num_workers))


def test_an_iterable_dataset_ends_per_worker_and_tensors_come_back_as_tensors():
    assert [b.tolist() for b in DataLoader(Stream(), batch_size=2, num_workers=2)] == \
        [[0, 2], [1, 3], [4, 6], [5]]
    assert list(DataLoader(Stream(), batch_size=None, num_workers=2)) == list(range(7))   # numbers stay numbers

    def as_int32(examples):
        return ag.tensor(np.array(examples, dtype=np.int32))

    batch = next(iter(DataLoader(Stream(), batch_size=3, num_workers=1, collate_fn=as_int32)))
    assert isinstance(batch, ag.Tensor) and batch.dtype == np.int32 and batch.tolist() == [0, 1, 2]


def test_sliced_tensor_datasets_take_the_fast_path_and_options_read_back_as_pytorchs():
    before = set(multiprocessing.active_children())
    dataset = TensorDataset(np.arange(10.0))
    loader = DataLoader(dataset, batch_size=4, num_workers=2)
    iterator = iter(loader)
    assert set(multiprocessing.active_children()) == before   # no user code to run: no processes
    assert [b[0].tolist() for b in iterator] == [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]
    assert loader.prefetch_factor == 2 and DataLoader(dataset).prefetch_factor is None
    context = multiprocessing.get_context("fork")
    assert DataLoader(dataset, num_workers=1, multiprocessing_context="fork").multiprocessing_context is context
    with pytest.raises(TypeError, match="multiprocessing_context must be a start method's name"):
        DataLoader(dataset, num_workers=1, multiprocessing_context=3)
    with pytest.raises(ValueError, match="prefetch_factor option should be non-negative"):
        DataLoader(dataset, num_workers=1, prefetch_factor=-1)
    with pytest.raises(AssertionError, match="prefetch_factor must be greater than 0"):
        iter(DataLoader(dataset, num_workers=1, prefetch_factor=0))   # accepted, then refused, as PyTorch's


def test_spawned_workers_give_the_same_batches():
    ag.manual_seed(2)
    spawned = [b[0].tolist() for b in DataLoader(Probe(), batch_size=4, shuffle=True, num_workers=1,
                                                  multiprocessing_context="spawn")]
    ag.manual_seed(2)
    forked = [b[0].tolist() for b in DataLoader(Probe(), batch_size=4, shuffle=True, num_workers=1)]
    assert spawned == forked and sorted(sum(spawned, [])) == list(range(6))


class ThreadCount(Dataset):
    def __len__(self):
        return 4

    def __getitem__(self, i):
        return np.array([ag.get_num_threads()])


def test_workers_run_their_products_on_one_thread_as_pytorchs():
    counts = np.concatenate([b.numpy() for b in DataLoader(ThreadCount(), batch_size=2, num_workers=2)])
    assert counts.ravel().tolist() == [1, 1, 1, 1]
