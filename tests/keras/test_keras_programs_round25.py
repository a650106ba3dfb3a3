"""A twenty-fifth set of Keras 3 programs (tests/programs/keras_r25_*.py), each run with real Keras 3 (torch
backend) and, with only its import changed, on deepgrad, in an empty folder: both must print the same lines,
numbers equal to within float32 training noise. They cover: `keras.ops.linalg` numerics (`qr` in both modes,
`svd`, `eigh`, `cholesky`, `inv`, `det`, `solve`, `solve_triangular`, `lu_factor`, `lstsq`, every matrix and vector
`norm` order) and a Dense layer named "fit"; the signal and search ops (`fft`/`fft2`/`rfft`/`irfft`/`ifft2`,
`stft`/`istft`, `correlate`, `histogram`, `searchsorted`, `digitize`, `nan_to_num`, `erfinv`, `logsumexp`,
`top_k`/`in_top_k`, `segment_sum`/`segment_max`, odd `einsum` specs) with an FFT-pooling layer trained by `fit`;
a Conv1D + Bidirectional GRU CTC recogniser with a registered CTC loss, greedy and beam-search `ctc_decode` and a
`.keras` reload; a Siamese network with a registered encoder, a subclassed distance layer, a contrastive Loss
subclass, a registered metric function, `custom_object_scope` and `load_weights(skip_mismatch=True)`; the rare
optimizers (Adafactor, Lion, Ftrl, Nadam, Adamax, AdamW amsgrad, Lamb, Adagrad, SGD) with clipping, EMA,
gradient accumulation and six schedules; a VAE whose sampling layer calls `add_loss`, with `keras.metrics.Mean`
trackers in custom train/test steps; a two-input model with `Embedding(mask_zero=True)` pooling, BatchNormalization
and `Concatenate`, trained with `class_weight` and with `sample_weight`; the rare metrics (PR AUC multi-label,
the at-point metrics, F1/FBeta, R2Score, CategoricalHinge, the IoU family, Poisson, LogCosh, KLDivergence) by hand
and through `fit`; layers trained through `qr`, `cholesky`, `solve_triangular`, `det` and `svd`, with gradients of
`keras.ops.linalg` functions; optimizers driven by `apply_gradients` (AdamW with `exclude_from_weight_decay`, a
LossScaleOptimizer skipping an infinite step, `loss_scale_factor`, Muon, ScheduleFreeAdamW, a schedule on a
standalone Variable).

The regression tests for the bugs they found are in test_round25_fixes.py."""
import pytest

from .test_keras_programs import _assert_same_lines, printed_by_both

NAMES = ["keras_r25_linalg_numerics", "keras_r25_signal_and_search_ops", "keras_r25_ctc_speech",
         "keras_r25_siamese_custom_objects", "keras_r25_rare_optimizers", "keras_r25_vae_add_loss_trackers",
         "keras_r25_multi_input_masked_weights", "keras_r25_rare_metrics_fit", "keras_r25_linalg_layers_trained",
         "keras_r25_optimizer_apply_loop"]


@pytest.mark.parametrize("program", NAMES)
def test_round25_programs_print_what_keras_prints(program, capsys, tmp_path, monkeypatch, one_torch_thread):
    theirs, mine = printed_by_both(program, capsys, tmp_path, monkeypatch)
    assert len(theirs) >= 9
    _assert_same_lines(mine, theirs)
