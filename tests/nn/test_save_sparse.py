"""torch.save / torch.load of sparse COO tensors: stored as their indices and values (two safetensors entries
and a 'sparse_coo' node), loaded back with the same entries, size and coalesced flag; a malformed node is named."""
import json

import numpy as np
import pytest

import autograd as ag
import nn  # noqa: F401  (adds ag.save / ag.load)
from nn.serialization.structure import flatten, unflatten


def test_sparse_tensors_round_trip(tmp_path):
    s = ag.sparse_coo_tensor(ag.tensor([[0, 1, 1], [1, 0, 0]]), ag.tensor([1.0, 2.0, 3.0]), (2, 2))
    hybrid = ag.tensor([[0.0, 1.0], [0.0, 0.0], [2.0, 3.0]]).to_sparse(1)
    path = tmp_path / "graph.pt"
    ag.save({"adj": s, "coalesced": s.coalesce(), "hybrid": hybrid, "dense": ag.ones(2)}, path)
    back = ag.load(path)
    for name, original in (("adj", s), ("coalesced", s.coalesce()), ("hybrid", hybrid)):
        loaded = back[name]
        assert loaded.is_sparse and loaded.is_coalesced() == original.is_coalesced()
        assert tuple(loaded.shape) == tuple(original.shape) and loaded._nnz() == original._nnz()
        np.testing.assert_array_equal(loaded._indices().numpy(), original._indices().numpy())
        np.testing.assert_array_equal(loaded.to_dense().numpy(), original.to_dense().numpy())
    assert not back["dense"].is_sparse


def test_a_sparse_node_that_does_not_fit_is_named():
    s = ag.sparse_coo_tensor(ag.tensor([[0, 1]]), ag.tensor([1.0, 2.0]), (3,))
    tensors, text = flatten({"s": s}, "save")
    document = json.loads(text)
    document["root"]["dict"][0][1]["sparse_coo"][2] = [1]   # a size the indices do not fit
    with pytest.raises(Exception, match="sparse tensor does not fit together"):
        unflatten(json.dumps(document), {k: ag.tensor(np.asarray(v._data)) for k, v in tensors.items()}, "f.pt")
