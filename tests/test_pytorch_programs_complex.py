"""PyTorch programs built on complex tensors and torch.fft (a Fourier neural operator with complex weights,
signal-processing recipes), run on deepgrad with only their imports changed: they must print what PyTorch
prints, number for number (float64 weights and data from seeded NumPy generators)."""
import pytest

from tests.test_pytorch_programs import assert_same_printout, printed_by_both
from tests.test_pytorch_programs_more import MORE_IMPORTS


@pytest.mark.parametrize("program", ["torch_fourier_operator", "torch_complex_signals"])
def test_complex_program_prints_what_pytorch_prints_with_only_imports_changed(program, capsys):
    ours, theirs = printed_by_both(program, capsys, MORE_IMPORTS)
    assert len(ours.splitlines()) >= 10
    assert_same_printout(ours, theirs, rtol=1e-7, atol=1e-9)
