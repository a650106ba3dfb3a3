"""PyTorch programs written "from scratch" the way Dive into Deep Learning (d2l.ai) and university course notebooks
write them: models and optimisers built from tensor ops rather than nn layers (linear and softmax regression with
manual SGD under no_grad, an MLP with hand-written dropout and weight decay, batch normalization with running
statistics, convolution and pooling by loops and by unfold, the modern-CNN blocks, an RNN language model with
gradient clipping and perplexity, GRU / LSTM / deep bidirectional cells by hand, attention scoring with masked
softmax, a Bahdanau-attention seq2seq model, multi-head attention and positional encoding by hand, the
optimisation chapter's updaters and learning-rate schedules, numerical-stability tricks, the autograd chapter,
matrix-calculus identities and k-fold cross-validation on a house-price regression), each checked inside the
program against the matching PyTorch layer, functional or optimiser, and run on deepgrad with only their imports
changed: they must print what PyTorch prints, number for number (weights and data from seeded NumPy generators)."""
import pytest

from tests.test_pytorch_programs_round9 import check_float32_program, check_float64_program
from tests.test_pytorch_programs_round13 import ROUND13_IMPORTS

#: the import lines these programs use, mapped the same way as the earlier rounds' (torch. -> autograd.); d2l
#: imports the modules themselves (`from torch.optim import lr_scheduler`, `from torch.utils import data`)
ROUND14_IMPORTS = [
    ("from torch.optim import", "from nn.optim import"),
    ("from torch.utils import data", "from nn import data"),
] + ROUND13_IMPORTS

FLOAT32_PROGRAMS = ["torch_d2l_linear_regression_scratch", "torch_d2l_softmax_scratch", "torch_d2l_mlp_dropout_scratch",
                    "torch_d2l_batchnorm_scratch", "torch_d2l_cnn_blocks", "torch_d2l_rnn_scratch",
                    "torch_d2l_attention_scoring", "torch_d2l_bahdanau_seq2seq", "torch_d2l_multihead_positional",
                    "torch_d2l_numerical_stability", "torch_d2l_kfold_house_prices"]
FLOAT64_PROGRAMS = ["torch_d2l_conv_scratch", "torch_d2l_gru_lstm_scratch", "torch_d2l_optimizers_scratch",
                    "torch_d2l_lr_schedules", "torch_d2l_autograd_chapter", "torch_d2l_matrix_calculus"]


@pytest.mark.filterwarnings("ignore::UserWarning")
@pytest.mark.parametrize("program", FLOAT32_PROGRAMS)
def test_float32_program_prints_what_pytorch_prints_with_only_imports_changed(program, capsys):
    check_float32_program(program, capsys, ROUND14_IMPORTS)


@pytest.mark.filterwarnings("ignore::UserWarning")
@pytest.mark.parametrize("program", FLOAT64_PROGRAMS)
def test_float64_program_prints_what_pytorch_prints_with_only_imports_changed(program, capsys):
    check_float64_program(program, capsys, ROUND14_IMPORTS)
