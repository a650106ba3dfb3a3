"""PyTorch programs on ground the earlier rounds left: classic architectures written by hand (AlexNet with
LocalResponseNorm, VGG from a cfg list, GoogLeNet's inception block, DenseNet, SqueezeNet, MobileNetV2,
EfficientNet's MBConv with stochastic depth, ResNeXt, PreAct and Wide ResNets, a pre-norm ViT), the pytorch.org
recipes on state_dicts (several models in one file, warmstarting with strict=False, zeroing gradients, the meta
device and to_empty, assign=True, state-dict hooks, Conv-BN fusion) and the tensor ops of data pipelines and
metrics (bucketize / searchsorted, unique, bincount, histograms, order statistics and scans, quantiles,
combinatorics, discrete calculus, covariance, scatter reductions); run on deepgrad with only their imports changed:
they must print what PyTorch prints, number for number (weights and data from seeded NumPy generators or
torch.manual_seed; half in float32, half in float64)."""
import pytest

from tests.test_pytorch_programs_round9 import check_float32_program, check_float64_program
from tests.helpers import skip_unless_pytorch_draws_generically
from tests.test_pytorch_programs_round19 import ROUND19_IMPORTS

#: the import lines these programs use, mapped the same way as the earlier rounds' (torch. -> autograd.)
ROUND20_IMPORTS = ROUND19_IMPORTS + [("import torch.nn.init as init", "import nn.init as init")]

FLOAT32_PROGRAMS = ["torch_alexnet_lrn_vgg_cfg", "torch_inception_dense_blocks", "torch_squeeze_mobilenet_blocks",
                    "torch_efficientnet_mbconv_sd", "torch_vit_prenorm_encoder", "torch_performance_tuning_idioms"]
FLOAT64_PROGRAMS = ["torch_bucketize_unique_bins", "torch_order_stats_scans", "torch_pairs_calculus_blocks",
                    "torch_cov_scatter_metrics", "torch_state_dict_recipes", "torch_meta_device_assign_hooks",
                    "torch_resnext_preact_wide", "torch_tabular_encoding_ranking_metrics"]

#: the programs whose numbers go through bernoulli_(p) (dropout masks, stochastic depth), which PyTorch may draw
#: with MKL's generators on Intel CPUs (see round 15)
DRAWS = {"torch_efficientnet_mbconv_sd": ("bernoulli",), "torch_resnext_preact_wide": ("bernoulli",)}


@pytest.mark.filterwarnings("ignore::UserWarning")
@pytest.mark.parametrize("program", FLOAT32_PROGRAMS)
def test_float32_program_prints_what_pytorch_prints_with_only_imports_changed(program, capsys):
    skip_unless_pytorch_draws_generically(*DRAWS.get(program, ()))
    check_float32_program(program, capsys, ROUND20_IMPORTS)


@pytest.mark.filterwarnings("ignore::UserWarning")
@pytest.mark.parametrize("program", FLOAT64_PROGRAMS)
def test_float64_program_prints_what_pytorch_prints_with_only_imports_changed(program, capsys):
    skip_unless_pytorch_draws_generically(*DRAWS.get(program, ()))
    check_float64_program(program, capsys, ROUND20_IMPORTS)
