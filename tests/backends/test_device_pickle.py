"""A pickled tensor (sent to a DataLoader worker or through a multiprocessing queue) comes back on this process's
own device object, so that it mixes with other tensors: before, it came back with a copy of the device, and its
first op with another tensor recursed without end."""
import pickle

import numpy as np
import pytest

import autograd as ag


@pytest.mark.parametrize("device", ["cpu", "numba"])
def test_a_pickled_tensor_comes_back_on_the_same_device_object(device):
    t = pickle.loads(pickle.dumps(ag.arange(3.0, device=device)))
    assert t.device is ag.ones(1, device=device).device
    np.testing.assert_array_equal((t + ag.ones(3, device=device)).numpy(), [1.0, 2.0, 3.0])


def test_a_pickled_sparse_tensor_keeps_its_entries():
    s = ag.sparse_coo_tensor(ag.tensor([[0, 1], [1, 0]]), ag.tensor([1.0, 2.0]), (2, 2))
    back = pickle.loads(pickle.dumps(s))
    np.testing.assert_array_equal(back.to_dense().numpy(), [[0.0, 1.0], [2.0, 0.0]])
