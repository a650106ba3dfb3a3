"""backends/workers.py: the split of a range over the calling thread and sleeping helpers, its size
threshold and thread count, errors raised in a helper, and calls from a helper thread."""
import threading

import pytest

import autograd as ag
from backends import workers


@pytest.fixture
def restore_threads():
    before = ag.get_num_threads()
    yield
    ag.set_num_threads(before)


@pytest.mark.parametrize("total,count", [(1, 1), (7, 2), (7, 3), (3, 3), (10, 4)])
def test_parts_cover_the_range_once(total, count):
    seen = []
    lock = threading.Lock()

    def task(first, last):
        with lock:
            seen.extend(range(first, last))
    workers.run(task, total, count)
    assert sorted(seen) == list(range(total))


def test_parts_follow_threshold_and_thread_count(restore_threads):
    assert workers.parts(8, work=10, min_work=100, thread_count=4) == 1
    assert workers.parts(8, work=100, min_work=100, thread_count=4) == 4
    assert workers.parts(3, work=100, min_work=100, thread_count=4) == 3
    ag.set_num_threads(1)
    assert workers.parts(8, work=10 ** 9, min_work=1) == 1
    ag.set_num_threads(2)
    assert workers.parts(8, work=10 ** 9, min_work=1) == 2


def test_a_helper_error_reaches_the_caller_after_every_part_finished():
    finished = []

    def task(first, last):
        if first > 0:
            raise RuntimeError(f"part {first} failed")
        finished.append(first)
    with pytest.raises(RuntimeError, match="part 1 failed"):
        workers.run(task, 2, 2)
    assert finished == [0]


def test_the_callers_error_waits_for_the_helpers():
    done = threading.Event()

    def task(first, last):
        if first == 0:
            raise ValueError("caller part")
        done.wait(0.05)
        done.set()
    with pytest.raises(ValueError, match="caller part"):
        workers.run(task, 2, 2)
    assert done.is_set()


def test_a_call_while_the_helpers_are_busy_runs_the_same_parts_in_turn():
    parts = []
    _, in_use = workers._helpers(2)
    with in_use:                        # as if another thread were using the helpers
        workers.run(lambda first, last: parts.append((first, last, threading.current_thread().name)), 7, 3)
    me = threading.current_thread().name
    assert parts == [(0, 2, me), (2, 4, me), (4, 7, me)]


def test_a_helper_runs_nested_calls_itself():
    names = []

    def inner(first, last):
        names.append(threading.current_thread().name)

    def outer(first, last):
        if first > 0:
            assert workers.parts(4, work=10, min_work=1, thread_count=2) == 1
            workers.run(inner, 4, 1)
    workers.run(outer, 2, 2)
    assert names and all(name.startswith("deepgrad-worker") for name in names)


def test_two_callers_at_once_each_get_all_their_parts():
    results = {}

    def caller(name):
        seen = []
        lock = threading.Lock()

        def task(first, last):
            with lock:
                seen.extend(range(first, last))
        for _ in range(50):
            workers.run(task, 9, 3)
        results[name] = sorted(seen)
    threads = [threading.Thread(target=caller, args=(n,)) for n in "ab"]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert results == {n: sorted(list(range(9)) * 50) for n in "ab"}


@pytest.mark.parametrize("slow_when_split", [True, False])
def test_run_measured_settles_on_the_faster_way(monkeypatch, slow_when_split):
    import time
    monkeypatch.setattr(workers, "_measured", {})
    covered = []

    def task(first, last):
        covered.append((first, last))
        split = (first, last) != (0, 4)
        time.sleep(0.03 if split == slow_when_split else 0.0)   # far above a busy machine's thread hand-off
    for _ in range(12):
        covered.clear()
        workers.run_measured("sleepy", task, 4, work=1000, count=2)
        assert sorted(covered) in ([(0, 4)], [(0, 2), (2, 4)])
    assert workers.measured_choices() == {("sleepy", 10, 2): 1 if slow_when_split else 2}


def test_two_callers_at_once_while_the_helpers_poll(monkeypatch):
    spin = pytest.importorskip("backends.numba_kernels.spin")
    if not spin.AVAILABLE:
        pytest.skip("the poll is x86-64 only")
    monkeypatch.setattr(workers, "_spin", (spin.wait_while, spin.cycles_per_second()))
    test_two_callers_at_once_each_get_all_their_parts()
    test_a_helper_error_reaches_the_caller_after_every_part_finished()
    test_the_callers_error_waits_for_the_helpers()


@pytest.mark.parametrize("spin_seconds", [0.0, 1e-4])
def test_helpers_that_fell_asleep_wake_for_the_next_part(monkeypatch, spin_seconds):
    import time
    spin = pytest.importorskip("backends.numba_kernels.spin")
    if spin.AVAILABLE:
        monkeypatch.setattr(workers, "_spin", (spin.wait_while, spin.cycles_per_second()))
    monkeypatch.setattr(workers, "SPIN_SECONDS", spin_seconds)
    helpers = set()

    def task(first, last):
        if first:
            helpers.add(threading.current_thread().name)
            time.sleep(0.002)        # the caller outwaits its poll and sleeps
    for _ in range(5):
        workers.run(task, 4, 2)
        time.sleep(0.003)            # the helper outwaits its poll and sleeps
    assert len(helpers) == 1 and helpers.pop().startswith("deepgrad-worker")


def test_omp_wait_policy_passive_turns_the_poll_off(monkeypatch):
    monkeypatch.setenv("OMP_WAIT_POLICY", "PASSIVE")
    assert not workers.spin_allowed()
    monkeypatch.setenv("OMP_WAIT_POLICY", "active")
    assert workers.spin_allowed()
