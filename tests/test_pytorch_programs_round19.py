"""PyTorch programs on the pytorch.org tutorials the earlier rounds left and on torch.func and advanced autograd in
training code: the "Learn the Basics" quickstart (train()/test() functions, nn.Flatten, argmax accuracy, Subset),
FGSM and PGD adversarial examples, the DQN tutorial (replay memory, SmoothL1Loss, AdamW amsgrad, soft target updates
through load_state_dict), the nn.TransformerEncoder language model (batchify, bptt, StepLR, clip_grad_norm_), the
batched seq2seq translation tutorial with Bahdanau attention, "Extending PyTorch" Functions (setup_context,
once_differentiable, gradcheck / gradgradcheck), the per-sample-gradient and Jacobian/Hessian torch.func tutorials,
the forward-mode AD tutorial through modules, saved_tensors_hooks / save_on_cpu / non-reentrant checkpoint, the
built-in orthogonal / weight_norm / spectral_norm parametrizations, graph inspection through grad_fn names and
hooks, and model ensembling with stack_module_state and vmap randomness; run on deepgrad with only their imports
changed: they must print what PyTorch prints, number for number (weights and data from seeded NumPy generators or
torch.manual_seed; half in float32, half in float64)."""
import pytest

from tests.test_pytorch_programs_round9 import check_float32_program, check_float64_program
from tests.helpers import skip_unless_pytorch_draws_generically
from tests.test_pytorch_programs_round18 import ROUND18_IMPORTS

#: the import lines these programs use, mapped the same way as the earlier rounds' (torch. -> autograd.)
ROUND19_IMPORTS = ROUND18_IMPORTS + [("from torch.nn import", "from nn import"),
                                     ("from torch import Tensor", "from autograd import Tensor")]

FLOAT32_PROGRAMS = ["torch_quickstart_train_test_loop", "torch_fgsm_adversarial", "torch_dqn_replay_soft_update",
                    "torch_transformer_lm_bptt", "torch_orthogonal_maps_norm_parametrizations",
                    "torch_autograd_graph_walk"]
FLOAT64_PROGRAMS = ["torch_extending_functions_docs", "torch_func_tutorials_jacobians", "torch_forward_ad_tutorial_modules",
                    "torch_saved_tensors_hooks_offload", "torch_seq2seq_translation_tutorial",
                    "torch_vmap_randomness_ensembles"]

#: the programs whose numbers go through bernoulli_(p) (dropout masks), which PyTorch may draw with MKL's generators
#: on Intel CPUs (see round 15)
DRAWS = {"torch_autograd_graph_walk": ("bernoulli",), "torch_vmap_randomness_ensembles": ("bernoulli",)}


@pytest.mark.filterwarnings("ignore::UserWarning")
@pytest.mark.parametrize("program", FLOAT32_PROGRAMS)
def test_float32_program_prints_what_pytorch_prints_with_only_imports_changed(program, capsys):
    skip_unless_pytorch_draws_generically(*DRAWS.get(program, ()))
    check_float32_program(program, capsys, ROUND19_IMPORTS)


@pytest.mark.filterwarnings("ignore::UserWarning")
@pytest.mark.parametrize("program", FLOAT64_PROGRAMS)
def test_float64_program_prints_what_pytorch_prints_with_only_imports_changed(program, capsys):
    skip_unless_pytorch_draws_generically(*DRAWS.get(program, ()))
    check_float64_program(program, capsys, ROUND19_IMPORTS)
