"""A PyTorch program that fits the less common torch.distributions families through PyTorch's submodule paths
(torch.distributions.weibull, ...), run on deepgrad with only its imports changed: it must print what PyTorch
prints, number for number (float64, no library random numbers)."""
from tests.test_pytorch_programs import assert_same_printout, printed_by_both

#: PyTorch's submodule imports, mapped to deepgrad's paths of the same names
DISTRIBUTION_IMPORTS = [
    ("from torch.distributions.", "from autograd.distributions."),
    ("from torch.distributions import", "from autograd.distributions import"),
]


def test_distribution_fitting_prints_what_pytorch_prints_with_only_imports_changed(capsys):
    ours, theirs = printed_by_both("torch_distribution_fitting", capsys, DISTRIBUTION_IMPORTS)
    assert len(ours.splitlines()) >= 30
    assert_same_printout(ours, theirs, rtol=1e-6, atol=1e-8)
