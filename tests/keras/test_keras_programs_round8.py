"""An eighth set of Keras 3 programs (tests/programs/keras_*.py), each run with real Keras 3 (torch backend) and,
with only its import changed, on deepgrad, in an empty folder: both must print the same lines, numbers equal to
within float32 training noise. They are keras.io-style examples from new domains: a Vision Transformer
(keras.ops.image.extract_patches, a learned position embedding, Resizing and an adapted Normalization), FNet text
classification (keras.ops.fft2 and the fft / rfft / irfft / stft family), ConvNeXt blocks (DepthwiseConv2D,
LayerNormalization, a LayerScale weight, stochastic depth that is the identity at inference), EANet external
attention and gMLP spatial gating, involution (sub-layers made in build(), extract_patches with padding "same"), a
Perceiver (a latent array broadcast against the batch through dict-input functional modules), Swin window
attention (window partition with reshape / transpose, ops.roll, a relative position bias indexed by a keras.Variable
held as a layer attribute), a CTC OCR model (ops.ctc_loss through add_loss, fit without targets, ctc_decode greedy
and beam search), WGAN-GP (a gradient penalty through backward(create_graph=True), two optimizers), an MPNN over a
disjoint molecular graph (segment ops, a GRUCell, train_on_batch on arrays of different lengths), supervised
contrastive learning (a Loss overriding __call__, keras.utils.normalize, a frozen encoder), SimSiam (a compute_loss
override, the metrics property, BatchNormalization in a model whose call takes no `training`) and Barlow Twins, a
ListMLE ranking model with an NDCG metric and keras.ops numerics (searchsorted, histogram, quantile, scatter,
linalg, ...), a PyDataset of dicts with per-output sample weights and the LearningRateScheduler / ReduceLROnPlateau
/ CSVLogger / TerminateOnNaN / LambdaCallback callbacks, and sequence layers (TimeDistributed, ConvLSTM1D,
Bidirectional merge modes, Attention with score_mode="concat", AdditiveAttention, UnitNormalization,
SpectralNormalization).

The regression tests for the bugs they found are in test_round8_fixes.py."""
import pytest

from .test_keras_programs import _assert_same_lines, printed_by_both

NAMES = ["keras_vit_patches", "keras_fnet_text", "keras_convnext_blocks", "keras_eanet_gmlp", "keras_involution",
         "keras_perceiver", "keras_swin_windows", "keras_ctc_ocr", "keras_wgan_gp", "keras_mpnn_molecules",
         "keras_supervised_contrastive", "keras_self_supervised", "keras_ops_ranking_numerics",
         "keras_pydataset_multi_io", "keras_sequence_layers_zoo"]


@pytest.mark.parametrize("program", NAMES)
def test_round8_programs_print_what_keras_prints(program, capsys, tmp_path, monkeypatch, one_torch_thread):
    theirs, mine = printed_by_both(program, capsys, tmp_path, monkeypatch)
    assert len(theirs) >= 12
    _assert_same_lines(mine, theirs)
