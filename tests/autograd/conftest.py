"""Fixtures for the autograd tests: a second host device registered just for one test."""
import pytest

import backends
from backends import registry


@pytest.fixture
def second_host_device(monkeypatch):
    """The name of a fake host-memory device ('fakehost'), registered with backends.register for this test only."""
    from backends.numpy_backend import NumpyBackend

    class FakeHostBackend(NumpyBackend):
        type = "fakehost"

    # the registry is restored afterwards, so other tests never see the fake device
    monkeypatch.setattr(registry, "_factories", dict(registry._factories))
    monkeypatch.setattr(registry, "_instances", dict(registry._instances))
    backends.register("fakehost", FakeHostBackend)
    return "fakehost"
