"""PyTorch programs from domains of their own (MAML through functional_call with second-order gradients, a seq2seq
nn.Transformer with causal masks and greedy decoding, ESPCN super-resolution with pixel shuffle and fold-based
tiling, a CTC speech toy, hooks and module traversal for feature extraction, the less common optimisers and
schedulers, Newton / Levenberg-Marquardt / Hessian-free / LBFGS fitting, knowledge-graph embeddings with ranking
losses, a spectrally normalised GAN, exact Gaussian-process regression, PointNet and voxel point-cloud
classification, a hand-written audio front end with STFT / mel / MFCC / Griffin-Lim, probabilistic forecasting with
fused optimiser steps, robust statistics and pairwise angles in a 2-D embedding, PPO with GAE), run on deepgrad with
only their imports changed: they must print what PyTorch prints, number for number (float64 weights and data from
seeded NumPy generators)."""
import pytest

from tests.test_pytorch_programs import assert_same_printout, printed_by_both
from tests.test_pytorch_programs_autograd import AUTOGRAD_IMPORTS

#: the import lines these programs use beyond the earlier lists, mapped the same way (torch. -> autograd.)
ROUND7_IMPORTS = [
    ("from torch.autograd.functional import", "from autograd.autograd.functional import"),
] + AUTOGRAD_IMPORTS

PROGRAM_NAMES = ["torch_maml_sinusoid", "torch_transformer_decoder", "torch_espcn_superres", "torch_ctc_speech",
                 "torch_hooks_feature_extraction", "torch_optimizer_zoo", "torch_second_order_fitting",
                 "torch_knowledge_graph", "torch_sngan_spectral", "torch_gaussian_process", "torch_point_cloud",
                 "torch_audio_features", "torch_probabilistic_forecast", "torch_robust_polar_embedding",
                 "torch_ppo_gae"]


# PyTorch's nn.Transformer warns about nested tensors and mixed mask types; deepgrad warns when a param group
# carries an option its optimiser does not use (the optimizer zoo's shared "no decay" groups given to Rprop)
@pytest.mark.filterwarnings("ignore::UserWarning")
@pytest.mark.parametrize("program", PROGRAM_NAMES)
def test_program_prints_what_pytorch_prints_with_only_imports_changed(program, capsys):
    ours, theirs = printed_by_both(program, capsys, ROUND7_IMPORTS)
    assert len(ours.splitlines()) >= 10
    # float64 throughout: the two libraries agree to rounding
    assert_same_printout(ours, theirs, rtol=1e-7, atol=1e-9)
