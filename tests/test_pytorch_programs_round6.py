"""PyTorch programs from domains of their own (WGAN-GP, fine-tuning from a checkpoint, training utilities, a
bidirectional GRU tagger over packed batches, a tiny ViT and MLP-Mixer, a mixture density network and a coupling
flow, a physics-informed network with third-order gradients through activation checkpointing, a top-k mixture of
experts, a pruned temporal convolutional network, soft actor-critic updates, one-stage box detection, float32
tabular classification with hand-made metrics), run on deepgrad with only their imports changed: they must print
what PyTorch prints, number for number (weights and data from seeded NumPy generators; float64 but for the tabular
program)."""
import pytest

from tests.test_pytorch_programs import assert_same_printout, printed_by_both
from tests.test_pytorch_programs_more import MORE_IMPORTS

#: the import lines these programs use beyond the earlier lists, mapped the same way
ROUND6_IMPORTS = [
    ("from torch.optim.swa_utils import", "from nn.optim.swa_utils import"),
    ("from torch.nn.utils.rnn import", "from nn.utils.rnn import"),
    ("from torch.utils.checkpoint import", "from autograd.utils.checkpoint import"),
    ("import torch.nn.utils.prune as", "import nn.utils.prune as"),
    ("from torch.nn.utils.parametrizations import", "from nn.utils.parametrizations import"),
    ("from torch.distributions.transforms import", "from autograd.distributions.transforms import"),
] + MORE_IMPORTS

PROGRAM_NAMES = ["torch_wgan_gp", "torch_finetune_checkpoint", "torch_training_utilities", "torch_bigru_tagger",
                 "torch_vit_patches", "torch_flows_mdn", "torch_pinn_ode", "torch_mixture_of_experts",
                 "torch_tcn_pruning", "torch_sac_continuous", "torch_box_detection",
                 "torch_tabular_metrics"]

@pytest.mark.parametrize("program", PROGRAM_NAMES)
def test_program_prints_what_pytorch_prints_with_only_imports_changed(program, capsys):
    ours, theirs = printed_by_both(program, capsys, ROUND6_IMPORTS)
    assert len(ours.splitlines()) >= 10
    if program == "torch_tabular_metrics":
        # float32: sums are ordered differently (NumPy's pairwise vs PyTorch's vectorised), last-digit differences
        assert_same_printout(ours, theirs, rtol=1e-4, atol=1e-5)
    else:
        # float64 throughout: the two libraries agree to rounding
        assert_same_printout(ours, theirs, rtol=1e-7, atol=1e-9)
