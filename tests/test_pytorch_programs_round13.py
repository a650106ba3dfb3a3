"""PyTorch programs from ground the earlier rounds left open (a ConvNeXt with channels-last LayerNorm, layer scale
and stochastic depth; Swin's shifted-window attention with its relative-position bias and region mask; a Set
Transformer over padded sets; a Kim-style text CNN on frozen and tuned embeddings; image captioning through
nn.TransformerDecoder with causal and padding masks; DLinear with RevIN for forecasting; multi-label tagging with
pos_weight and hand-computed metrics; F.scaled_dot_product_attention's mask semantics against the formula; loading
checkpoints with assign=True, strict=False, versioned key upgrades and pre-hooks; an LR range test with early
stopping; and, in float64, Adafactor and LBFGS, tensor_split / as_strided / cumulative ops with their gradients,
torch.autograd.functional and torch.func derivatives, GRU / LSTM / RNN unrolled by their cells, orthogonal
parametrizations with forward-mode AD and saved-tensor hooks, and custom Functions with jvp, once_differentiable
and generate_vmap_rule), run on deepgrad with only their imports changed: they must print what PyTorch prints,
number for number (weights and data from seeded NumPy generators)."""
import pytest

from tests.test_pytorch_programs_round9 import check_float32_program, check_float64_program
from tests.test_pytorch_programs_round12 import ROUND12_IMPORTS

#: the import lines these programs use, mapped the same way as the earlier rounds' (torch. -> autograd.)
ROUND13_IMPORTS = [
    ("import torch.autograd.forward_ad as", "import autograd.autograd.forward_ad as"),
] + ROUND12_IMPORTS

FLOAT32_PROGRAMS = ["torch_convnext_blocks", "torch_swin_shifted_windows", "torch_set_transformer",
                    "torch_text_cnn", "torch_caption_decoder", "torch_dlinear_revin", "torch_multilabel_tagging",
                    "torch_sdpa_mask_semantics", "torch_state_dict_loading", "torch_lr_finder_early_stop"]
FLOAT64_PROGRAMS = ["torch_adafactor_lbfgs", "torch_split_stride_cumulative", "torch_autograd_functional_tour",
                    "torch_rnn_cells_unrolled", "torch_orthogonal_forward_ad", "torch_custom_function_forward_mode"]


@pytest.mark.filterwarnings("ignore::UserWarning")
@pytest.mark.parametrize("program", FLOAT32_PROGRAMS)
def test_float32_program_prints_what_pytorch_prints_with_only_imports_changed(program, capsys):
    check_float32_program(program, capsys, ROUND13_IMPORTS)


@pytest.mark.filterwarnings("ignore::UserWarning")
@pytest.mark.parametrize("program", FLOAT64_PROGRAMS)
def test_float64_program_prints_what_pytorch_prints_with_only_imports_changed(program, capsys):
    check_float64_program(program, capsys, ROUND13_IMPORTS)
