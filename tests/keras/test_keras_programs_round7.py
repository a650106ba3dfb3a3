"""A seventh set of Keras 3 programs (tests/programs/keras_*.py), each run with real Keras 3 (torch backend) and,
with only its import changed, on deepgrad, in an empty folder: both must print the same lines, numbers equal to
within float32 training noise. They cover LoRA fine-tuning (enable_lora on Embedding, EinsumDense and Dense,
merged saving), and keras.io-style examples from new domains: collaborative filtering, MLP-Mixer and ConvMixer
image classifiers, gradient centralization through an optimizer subclass, sharpness-aware minimization in a
custom train_step, time-series anomaly detection with a Conv1D autoencoder, a DDIM-style diffusion model, text
classification (Embedding + GlobalAveragePooling1D, CategoryEncoding bags of words; the words are mapped in Python
because real Keras's TextVectorization, StringLookup and HashedCrossing need TensorFlow, which is not installed),
structured data through Normalization / Discretization / CategoryEncoding, a graph attention network (segment
ops), PointNet (a Regularizer subclass as activity regularizer), a Switch Transformer (routing with top_k /
one_hot / cumsum / einsum), a VQ-VAE (stop_gradient, add_loss) and a neural decision forest (layers appended to a
list attribute).

The regression tests for the bugs they found are in test_round7_fixes.py."""
import pytest

from .test_keras_programs import _assert_same_lines, printed_by_both

NAMES = ["keras_lora_finetune", "keras_collaborative_filtering", "keras_mlp_mixer", "keras_conv_mixer",
         "keras_gradient_centralization", "keras_sharpness_aware", "keras_timeseries_anomaly", "keras_ddim_diffusion",
         "keras_text_classification", "keras_structured_data", "keras_graph_attention", "keras_pointnet",
         "keras_switch_transformer", "keras_vq_vae", "keras_neural_decision_forest"]


@pytest.mark.parametrize("program", NAMES)
def test_round7_programs_print_what_keras_prints(program, capsys, tmp_path, monkeypatch, one_torch_thread):
    theirs, mine = printed_by_both(program, capsys, tmp_path, monkeypatch)
    assert len(theirs) >= 12
    _assert_same_lines(mine, theirs)
