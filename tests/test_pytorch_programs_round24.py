"""PyTorch programs on ground the earlier rounds touched only lightly: torch.special's polynomial, Bessel and Airy
families and the corner points of its gradients, torch.signal.windows and stft / istft round trips over every
option, complex parameters under every common optimizer (with polar, fft2 and hfft gradients), counting and
bucketing (histogramdd with edges and weights, searchsorted with sorter, unique over dims, unique_consecutive),
cumulative and difference ops with gradients (cummax, logcumsumexp, diff, gradient, trapezoid, kron, block_diag),
reductions with their rare arguments (nanquantile interpolation modes, var_mean corrections, matrix norms,
renorm), scatter_reduce / index_reduce without self, torch.func model ensembling and parametrizations with
right_inverse and caching; run on deepgrad with only their imports changed: they must print what PyTorch prints,
number for number (weights and data from seeded NumPy generators or torch.manual_seed; half in float32, half in
float64)."""
import pytest

from tests.test_pytorch_programs_round9 import check_float32_program, check_float64_program
from tests.test_pytorch_programs_round23 import ROUND23_IMPORTS

#: the import lines these programs use, mapped the same way as the earlier rounds' (torch. -> autograd.)
ROUND24_IMPORTS = ROUND23_IMPORTS

FLOAT32_PROGRAMS = ["torch_complex_optimizers_beamforming", "torch_histogram_equalize_mutual_info",
                    "torch_func_tied_weights_meta",
                    "torch_robust_reductions_sensor_qc", "torch_metric_kernels_blas_forms"]
FLOAT64_PROGRAMS = ["torch_special_polynomials_bessel_fits", "torch_stft_windows_roundtrips",
                    "torch_parametrize_constraints_cached",
                    "torch_cumulative_difference_calculus"]


@pytest.mark.filterwarnings("ignore::UserWarning")
@pytest.mark.parametrize("program", FLOAT32_PROGRAMS)
def test_float32_program_prints_what_pytorch_prints_with_only_imports_changed(program, capsys):
    check_float32_program(program, capsys, ROUND24_IMPORTS)


@pytest.mark.filterwarnings("ignore::UserWarning")
@pytest.mark.parametrize("program", FLOAT64_PROGRAMS)
def test_float64_program_prints_what_pytorch_prints_with_only_imports_changed(program, capsys):
    check_float64_program(program, capsys, ROUND24_IMPORTS)
