"""Each Keras test starts from fresh automatic names ('dense', 'recall', ...) in both deepgrad's Keras and, when
it is loaded, real Keras: names are global counters in both, and a test that compares them (history keys such
as 'recall_1') must not depend on which tests ran before it.

Real Keras is the oracle on its torch backend: KERAS_BACKEND defaults to torch here, before any test module
imports keras (without it Keras picks TensorFlow, fails to import, and leaves a half-loaded keras behind that
breaks every later oracle test in the worker)."""
import os
import sys

import pytest

os.environ.setdefault("KERAS_BACKEND", "torch")

from nn.keras import backend  # noqa: E402


@pytest.fixture(autouse=True)
def _fresh_automatic_names():
    backend.clear_session(free_memory=False)   # as below: its default gc.collect() is slow
    real = sys.modules.get("keras")
    if real is not None and hasattr(real, "backend"):
        real.backend.clear_session(free_memory=False)   # the names only: its default gc.collect() takes 0.2 s
    yield


@pytest.fixture
def one_torch_thread():
    """Real Keras's torch on one thread for the program tests: two threads spin-waiting for each other on a busy
    two-core machine made a U-Net's Keras run 20 times slower."""
    torch = pytest.importorskip("torch")
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)
