"""PyTorch programs on sparse tensors (pygcn's graph convolution network: torch.sparse.FloatTensor, torch.spmm,
the torch.nn.parameter and torch.nn.modules.module imports; a graph attention network: per-edge scores in a
sparse adjacency, torch.sparse.softmax, torch.sparse.mm), run on deepgrad with only their imports changed: they
must print what PyTorch prints."""
import warnings

import pytest

from tests.test_pytorch_programs import assert_same_printout, printed_by_both

SPARSE_IMPORTS = [
    ("from torch.nn.parameter import", "from nn.parameter import"),
    ("from torch.nn.modules.module import", "from nn.modules.module import"),
]


@pytest.mark.parametrize("program", ["torch_pygcn", "torch_sparse_gat"])
def test_program_prints_what_pytorch_prints_with_only_imports_changed(program, capsys):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)   # PyTorch's deprecation of torch.sparse.FloatTensor
        ours, theirs = printed_by_both(program, capsys, SPARSE_IMPORTS, quiet=(UserWarning,))
    assert len(ours.splitlines()) >= 12
    assert_same_printout(ours, theirs, rtol=1e-4, atol=1e-5)   # float32, as pygcn
