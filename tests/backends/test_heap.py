"""backends.heap: glibc keeps freed memory, so a repeated training step touches no fresh pages."""
import subprocess
import sys

import numpy as np
import pytest

import autograd as ag
from backends import heap


def test_applies_once():
    ag.device("cpu")                      # creating a host device applies the thresholds
    assert heap.keep_freed_memory() is False


STEP_FAULTS = """
import resource, sys
import numpy as np
import autograd as ag
import nn
model = nn.LSTM(32, 128).to(sys.argv[1])
x = ag.tensor(np.random.default_rng(0).standard_normal((50, 32, 32)).astype(np.float32), device=sys.argv[1])

def step():
    model.zero_grad()
    y, _ = model(x)
    y.sum().backward()
for _ in range(3):
    step()
rounds = []
for _ in range(3):
    before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
    for _ in range(10):
        step()
    rounds.append((resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before) / 10)
print(min(rounds))
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc thresholds only")
def test_an_lstm_step_makes_no_page_faults(device):
    """After warm-up, forward + backward of the benchmark-sized LSTM reuses memory (it made ~2,000 page
    faults a step while glibc trimmed its heap after each one). Measured in a fresh process: after the whole
    autograd test suite in one process the same step makes about 585 faults a step (neither half of those
    tests alone leaves that state; the cause is not found yet), which says more about that process's heap
    than about a training program's."""
    pytest.importorskip("resource")
    if ag.device(device).xp is not np:
        pytest.skip("host memory only")
    done = subprocess.run([sys.executable, "-c", STEP_FAULTS, device], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    faults = float(done.stdout.split()[-1])
    assert faults < 200, f"{faults:.0f} page faults a step"
