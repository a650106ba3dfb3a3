"""The measured BLAS thread count of large products (backends/thread_choice.py), on a fake BLAS and clock."""
import numpy as np
import pytest

from backends import thread_choice


class FakeMachine:
    """A BLAS with a thread setting and a clock; a product costs `cost[threads]` seconds."""

    def __init__(self, full=2):
        self.threads, self.now = full, 0.0
        self.cost = {1: 4.0, full: 2.0}
        self.counts = []

    def calls(self):
        return (lambda n: setattr(self, "threads", n)), (lambda: self.threads)

    def product(self):
        self.counts.append(self.threads)
        self.now += self.cost[self.threads]
        return self.threads


@pytest.fixture
def machine(monkeypatch):
    fake = FakeMachine()
    monkeypatch.setattr(thread_choice.threads, "openblas_calls", fake.calls)
    monkeypatch.setattr(thread_choice.threads, "chosen_by_user", lambda: False)
    monkeypatch.setattr(thread_choice.time, "perf_counter", lambda: fake.now)
    thread_choice.reset()
    yield fake
    thread_choice.reset()


def run(machine, times, macs=2 ** 24):
    return [thread_choice.call(macs, machine.product) for _ in range(times)]


def test_a_quiet_machine_keeps_every_thread_and_pays_for_the_early_trials_only(machine):
    run(machine, 300)
    assert thread_choice.choices() == {(25, 2): 2}
    assert machine.threads == 2                      # the caller's setting after every product
    assert machine.counts.count(1) == thread_choice.EARLY_TRIALS * thread_choice.TRIAL
    assert 1 not in machine.counts[30:]


def test_an_early_trial_lost_to_noise_is_tried_again(machine):
    """On a machine busy from the start, a first one-thread trial that happens to run slowly (cold
    buffers, a scheduler hiccup) is not the last word: the second early trial switches."""
    machine.cost[2] = 40.0
    machine.cost[1] = 400.0                          # the first trial: unluckily slow
    run(machine, 5)
    assert thread_choice.choices() == {(25, 2): 2}
    machine.cost[1] = 4.0
    run(machine, 40)
    assert thread_choice.choices() == {(25, 2): 1}


def test_a_machine_busy_from_the_start_is_noticed_by_the_early_trial(machine):
    machine.cost[2] = 40.0                          # no quiet timing ever: the degraded rule alone never fires
    run(machine, 30)
    assert thread_choice.choices() == {(25, 2): 1}


def test_the_early_trial_comes_at_the_third_call(machine):
    """A call can be a whole recurrence: on a machine busy from the start, one thread is tried after
    the two full-thread timings, and kept from the fifth call on."""
    machine.cost[2] = 40.0
    run(machine, 8)
    assert machine.counts[:5] == [2, 2, 1, 1, 1] and set(machine.counts[4:]) == {1}


def test_a_busy_machine_switches_to_one_thread_and_back_when_it_is_quiet_again(machine):
    run(machine, 20)
    machine.cost[2] = 40.0                          # another process holds a core: two threads spin-wait
    run(machine, 12)
    assert thread_choice.choices() == {(25, 2): 1}
    start = len(machine.counts)
    run(machine, 100)
    assert machine.counts[start:].count(2) < 12      # every thread re-tried now and then, less often
    machine.cost[2] = 2.0                            # quiet again: noticed at the next try
    run(machine, 300)
    assert thread_choice.choices() == {(25, 2): 2}
    assert machine.threads == 2


def test_a_slower_run_that_one_thread_does_not_beat_stays_on_every_thread(machine):
    run(machine, 20)
    machine.cost = {1: 20.0, 2: 4.0}                # everything slower (a bigger load), two threads still ahead
    run(machine, 60)
    assert thread_choice.choices() == {(25, 2): 2}
    assert machine.counts[20:].count(1) <= 8         # trials back off after each loss


def test_each_shape_chooses_on_its_own(machine):
    run(machine, 10, macs=2 ** 23)
    run(machine, 10, macs=2 ** 26)
    machine.cost[2] = 40.0                          # only the first class sees the load
    for _ in range(12):
        thread_choice.call(2 ** 23, machine.product)
    assert thread_choice.choices() == {(24, 2): 1, (27, 2): 2}


def test_exploring_classes_try_one_thread_from_the_start():
    size_class = thread_choice.SizeClass(2, explore=True)
    counts = []
    for _ in range(6):
        count = size_class.pick()
        counts.append(count)
        size_class.record(count, 1.0 if count == 1 else 2.0)
    assert counts[:4] == [2, 2, 1, 1] and size_class.best == 1


def test_exploring_classes_keep_every_thread_through_two_stalled_runs():
    # a split kernel now and then runs at several times its usual time when the host stalls a
    # thread; two such runs among the last three must not hand the class to one thread
    size_class = thread_choice.SizeClass(2, explore=True)
    for count, seconds in [(2, 1.0), (2, 1.0), (1, 1.6), (1, 1.6), (2, 4.0), (2, 5.0)]:
        size_class.record(count, seconds)
    assert size_class.best == 2 and size_class.estimate(2) == 1.0
    # a machine that slows every run does switch
    size_class.record(2, 4.5)
    assert size_class.best == 1


def test_blas_classes_still_judge_by_the_median(machine):
    size_class = thread_choice.SizeClass(2)
    for seconds in (1.0, 4.0, 5.0):
        size_class.record(2, seconds)
    assert size_class.estimate(2) == 4.0


def test_one_configured_thread_is_left_alone(machine):
    machine.threads = 1
    run(machine, 5)
    assert machine.counts == [1] * 5 and thread_choice.choices() == {}


def test_a_count_the_user_chose_is_kept(monkeypatch, machine):
    monkeypatch.setattr(thread_choice.threads, "chosen_by_user", lambda: True)
    machine.cost[2] = 40.0
    run(machine, 20)
    assert machine.counts == [2] * 20 and thread_choice.choices() == {}


def test_chosen_by_user_reads_the_setter_and_the_start_up_environment(monkeypatch):
    import os
    import subprocess
    import sys
    from backends import threads
    code = "from backends import threads; print(threads.chosen_by_user())"
    env = {k: v for k, v in os.environ.items() if k not in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS")}
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    env["PYTHONPATH"] = root

    def in_child(extra):
        out = subprocess.run([sys.executable, "-c", code], env={**env, **extra}, capture_output=True, text=True)
        return out.stdout.strip()
    assert in_child({}) == "False"
    assert in_child({"OMP_NUM_THREADS": "2"}) == "True"
    assert in_child({"OPENBLAS_NUM_THREADS": "1"}) == "True"
    monkeypatch.setattr(threads, "_requested", 2)
    assert threads.chosen_by_user()


def test_an_error_in_the_product_restores_the_thread_count(machine):
    run(machine, 20)
    machine.cost[2] = 40.0
    while machine.counts[-1] != 1:                  # until the load has made it try one thread
        run(machine, 1)

    def failing():
        assert machine.threads == 1
        raise ZeroDivisionError
    with pytest.raises(ZeroDivisionError):
        thread_choice.call(2 ** 24, failing)
    assert machine.threads == 2


def test_matmul_matches_numpy_for_every_size_and_out():
    """Equal to NumPy's product (to rounding: OpenBLAS's one- and two-thread products differ in the last
    bits, and the large one may run on either)."""
    rng = np.random.default_rng(0)
    for m, k, n in ((4, 4, 4), (64, 256, 128), (128, 784, 256)):
        a = rng.standard_normal((m, k)).astype(np.float32)
        b = rng.standard_normal((k, n)).astype(np.float32)
        out = np.empty((m, n), np.float32)
        np.testing.assert_allclose(thread_choice.matmul(a, b), a @ b, rtol=1e-5, atol=1e-4)
        assert thread_choice.matmul(a, b, out) is out
        np.testing.assert_allclose(out, a @ b, rtol=1e-5, atol=1e-4)


@pytest.mark.parametrize("device", ["cpu", "numba"])
def test_a_whole_recurrence_is_one_measured_choice_per_direction(device, machine, monkeypatch):
    """An LSTM sequence's forward and backward each run under one choice, keyed by their shapes (on
    `numba`, when its products go through BLAS: the register-tiled product calls no BLAS)."""
    from backends import registry
    if device not in registry.available():
        pytest.skip(f"{device} is not available")
    if device == "numba":
        from backends.numba_kernels import recurrence
        from backends.numba_kernels.blas import NUMPY_GEMM
        monkeypatch.setattr(recurrence, "_product", NUMPY_GEMM.get)
    backend = registry.get_backend(device)
    rng = np.random.default_rng(0)
    steps, batch, hidden = 3, 2, 4
    gx = rng.standard_normal((steps, batch, 4 * hidden)).astype(np.float32)
    w_hh = rng.standard_normal((4 * hidden, hidden)).astype(np.float32)
    ys, cs, cache = backend.recurrence_forward("lstm", gx, None, None, w_hh, None, False)
    backend.recurrence_backward("lstm", np.ones_like(ys), None, None, ys, cs, None, None, cache, w_hh, False)
    keys = [key[0] for key in thread_choice.choices()]
    assert ("recurrence_forward", "lstm", (steps, batch, 4 * hidden), "<f4") in keys
    assert ("recurrence_backward", "lstm", (steps, batch, hidden), "<f4") in keys


def test_a_recurrence_on_tiles_makes_no_thread_choice(machine):
    """On an AVX2 or AVX-512 host the numba recurrences multiply with register tiles, not BLAS: no choice made."""
    from backends.numba_kernels import recurrence, tiled_product
    if not tiled_product.FAST:
        pytest.skip("neither AVX2 nor AVX-512 on this host: the recurrences use BLAS")
    gx = np.ones((3, 2, 16), np.float32)
    w_hh = np.ones((16, 4), np.float32)
    ys, cs, cache = recurrence.recurrence_forward("lstm", gx, None, None, w_hh, None, False)
    recurrence.recurrence_backward("lstm", np.ones_like(ys), None, None, ys, cs, None, None, cache, w_hh, False)
    assert not [key for key in thread_choice.choices() if key[0][0].startswith("recurrence")]
