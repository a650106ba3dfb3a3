"""PyTorch programs from the everyday code that is easy to get subtly wrong (advanced indexing and assignment with
broadcasting index tensors, masks and accumulating index_put_; views against copies, `.data` against `.detach()`
and the version counter; type promotion in mixed int / float / bool arithmetic; where / clamp with tensor bounds
and sorting with ties; reductions over dim tuples and NaN-aware statistics; a random-free DataLoader pipeline
with a custom collate_fn and sampler; gradient accumulation with clip_grad_norm_; optimizers written by
subclassing torch.optim.Optimizer; checkpoint round trips through torch.save / torch.load; no_grad evaluation
with confusion matrices and calibration; float16 / bfloat16 models and CPU autocast; gradient penalties through
autograd.grad(create_graph=True); padding masks over sequences; in-place updates inside autograd graphs;
broadcasting and batched shape manipulation; NumPy interoperation), run on deepgrad with only their imports
changed: they must print what PyTorch prints, number for number (weights and data from seeded NumPy generators,
float32 throughout, with float16 / bfloat16 parts where the program is about them)."""
import pytest

from tests.test_pytorch_programs import printed_by_both
from tests.test_pytorch_programs_round9 import ROUND9_IMPORTS, assert_same_printout_to_the_printed_digit

#: the import lines these programs use, mapped the same way as the earlier rounds' (torch. -> autograd.)
ROUND10_IMPORTS = ROUND9_IMPORTS

PROGRAMS = ["torch_advanced_indexing", "torch_views_and_copies", "torch_dtype_promotion", "torch_where_clamp_sort",
            "torch_reductions_nan", "torch_collate_pipeline", "torch_grad_accumulation", "torch_custom_optimizer",
            "torch_checkpoint_resume", "torch_eval_confusion", "torch_half_precision", "torch_gradient_penalty",
            "torch_sequence_masking", "torch_inplace_views_autograd", "torch_broadcast_batching",
            "torch_numpy_interop"]


# PyTorch warns about a list of NumPy arrays given to torch.tensor (stderr, not compared)
@pytest.mark.filterwarnings("ignore::UserWarning")
@pytest.mark.parametrize("program", PROGRAMS)
def test_float32_program_prints_what_pytorch_prints_with_only_imports_changed(program, capsys):
    ours, theirs = printed_by_both(program, capsys, ROUND10_IMPORTS, quiet=(UserWarning,))
    assert len(ours.splitlines()) >= 12
    # deepgrad names bfloat16 as NumPy (ml_dtypes) does, without PyTorch's `torch.` prefix, like every other dtype
    theirs = theirs.replace("torch.bfloat16", "bfloat16")
    # float32: sums and matrix products are ordered differently (NumPy's pairwise and BLAS vs PyTorch's kernels),
    # a few units in the last place, which training steps carry along; a value on a rounding boundary of a
    # tensor's 4-decimal repr may then print one digit apart
    assert_same_printout_to_the_printed_digit(ours, theirs, rtol=1e-4, atol=1e-5)
