"""PyTorch programs from domains of their own (a DDPM with DDIM sampling on 2-D points, a mini GPT with rotary
embeddings, a KV cache and a cosine-with-warmup schedule, NeRF-style volume rendering with hierarchical sampling, a
Kalman filter and smoother differentiated through torch.linalg, quantisation-aware training with fake quantisation
and straight-through estimators, BYOL / mean-teacher weight averaging, gradient checkpointing of a deep MLP, capsule
routing, word2vec with sparse embeddings, beam search over a GRU decoder, an FFT long-convolution sequence model,
LoRA through parametrizations, mixup / CutMix with Beta-distributed mixing, entropic optimal transport by log-domain
Sinkhorn, a neural ODE with a hand-written adjoint, a DeepFM click-through-rate model, a deep equilibrium model with
implicit gradients from a re-entrant backward hook, a VQ-VAE with EMA codebooks, sparsemax / entmax attention as
custom Functions, a Mamba-style selective scan, a WaveNet with mu-law codes and incremental generation, soft-DTW,
DPO preference tuning, a Child-Sum Tree-LSTM over random trees, a Gumbel-softmax discrete VAE), run on deepgrad with
only their imports changed: they must print what PyTorch prints, number for number (float64 weights and data from
seeded NumPy generators)."""
import pytest

from tests.test_pytorch_programs import assert_same_printout, printed_by_both
from tests.test_pytorch_programs_round6 import ROUND6_IMPORTS
from tests.test_pytorch_programs_round7 import ROUND7_IMPORTS

#: the import lines these programs use, mapped the same way as the earlier rounds' (torch. -> autograd.)
ROUND8_IMPORTS = ROUND6_IMPORTS + ROUND7_IMPORTS

PROGRAM_NAMES = ["torch_ddpm_points", "torch_mini_gpt", "torch_nerf_rendering", "torch_kalman_smoother",
                 "torch_qat_fake_quant", "torch_byol_mean_teacher", "torch_checkpointed_mlp", "torch_capsule_routing",
                 "torch_word2vec_sgns", "torch_beam_search_gru", "torch_fft_long_conv", "torch_lora_parametrize",
                 "torch_mixup_cutmix", "torch_sinkhorn_ot", "torch_neural_ode", "torch_factorization_machine",
                 "torch_deq_implicit", "torch_vq_vae", "torch_sparsemax_attention", "torch_selective_scan",
                 "torch_wavenet_mulaw", "torch_soft_dtw", "torch_dpo_preference", "torch_tree_lstm",
                 "torch_gumbel_dvae"]


@pytest.mark.parametrize("program", PROGRAM_NAMES)
def test_program_prints_what_pytorch_prints_with_only_imports_changed(program, capsys):
    ours, theirs = printed_by_both(program, capsys, ROUND8_IMPORTS)
    assert len(ours.splitlines()) >= 12
    # float64 throughout: the two libraries agree to rounding
    assert_same_printout(ours, theirs, rtol=1e-7, atol=1e-9)
