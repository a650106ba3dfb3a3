"""PyTorch programs on ground the earlier rounds touched only lightly: the pytorch.org "What is torch.nn really?"
tutorial end to end and the "Learn the Basics" chapters the quickstart leaves out (tensors, transforms, building
the model, autograd, optimization, with `from torch import nn`), type promotion at its edges (complex tensors with
Python scalars, 0-d tensors that do and do not promote, uint8 against int8, half against bfloat16, in-place casts),
message passing through the in-place scatter and index ops with version counters, nn.Module plumbing with
duplicates, get/set_submodule and dtype round trips, torch.fft under every norm=, torch.linalg's norms, condition
numbers, slogdet, multi_dot and householder_product with gradients, a seeded augmentation pipeline through every
in-place random fill with saved and forked RNG states, and batched gradients (is_grads_batched, per-sample
gradients through torch.func, stack_module_state ensembles); run on deepgrad with only their imports changed: they
must print what PyTorch prints, number for number (weights and data from torch.manual_seed; seven in float32, two
in float64)."""
import pytest

import autograd as ag
from tests.test_pytorch_programs import printed_by_both
from tests.test_pytorch_programs_round9 import (assert_same_printout_to_the_printed_digit, check_float32_program,
                                                check_float64_program)
from tests.test_pytorch_programs_round25 import ROUND25_IMPORTS

#: the import lines these programs use: the earlier rounds' and the tutorials' `from torch import nn`
ROUND26_IMPORTS = [("from torch import nn\n", "import nn\n")] + ROUND25_IMPORTS

FLOAT32_PROGRAMS = ["torch_r26_nn_really_tutorial", "torch_r26_learn_basics_tensors_autograd",
                    "torch_r26_promotion_complex_zero_dim", "torch_r26_inplace_message_passing",
                    "torch_r26_module_plumbing_dtype_roundtrips", "torch_r26_seeded_augment_sequences",
                    "torch_r26_batched_grads_ensembles"]
FLOAT64_PROGRAMS = ["torch_r26_fft_norm_roundtrips", "torch_r26_linalg_norms_conditioning"]


@pytest.mark.filterwarnings("ignore::UserWarning")
@pytest.mark.parametrize("program", FLOAT32_PROGRAMS)
def test_float32_program_prints_what_pytorch_prints_with_only_imports_changed(program, capsys):
    if program == "torch_r26_learn_basics_tensors_autograd" and ag.get_default_device().type != "cpu":
        # the tutorial prints tensor.device, the run's default device: numba under DEEPGRAD_DEVICE=numba, where
        # PyTorch's is cpu; that line must name the default device, the rest print what PyTorch prints
        ours, theirs = printed_by_both(program, capsys, ROUND26_IMPORTS, quiet=(UserWarning,))
        default = f"Device tensor is stored on: {ag.get_default_device()}\n"
        assert default in ours
        ours = ours.replace(default, "Device tensor is stored on: cpu\n")
        assert_same_printout_to_the_printed_digit(ours, theirs, rtol=1e-4, atol=1e-5)
        return
    check_float32_program(program, capsys, ROUND26_IMPORTS)


@pytest.mark.filterwarnings("ignore::UserWarning")
@pytest.mark.parametrize("program", FLOAT64_PROGRAMS)
def test_float64_program_prints_what_pytorch_prints_with_only_imports_changed(program, capsys):
    check_float64_program(program, capsys, ROUND26_IMPORTS)
