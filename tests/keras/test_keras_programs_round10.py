"""A tenth set of Keras 3 programs (tests/programs/keras_*.py), each run with real Keras 3 (torch backend) and,
with only its import changed, on deepgrad, in an empty folder: both must print the same lines, numbers equal to
within float32 training noise. They cover ground the earlier rounds left: a decoder-only language model on
GroupQueryAttention (causal plus padding masks, return_attention_scores) with pad_sequences, the keras.utils helpers
used before fit (to_categorical, normalize, pad_sequences, split_dataset, pack / unpack_x_y_sample_weight), the
keras.io fraud-detection recipe (class_weight, an initial output bias, the confusion and at-recall / at-precision
metrics), PearsonCorrelation / ConcordanceCorrelation / R2Score in fit and standalone, custom and restarting
learning-rate schedules kept inside a .keras file, Python generators with steps_per_epoch / validation_steps and
train_on_batch loops, a lazily built Sequential with a custom Wrapper and the noise layers at inference, keras.ops
sorting and set ops (sort, argsort, unique, isin, argpartition, nonzero) in a ranking model, a Bidirectional GRU
(reset_after=False) encoder whose states start a GRU decoder, elastic deformation with ops.image.map_coordinates,
a subclassed Model saved to .keras and resumed beside the original under ReduceLROnPlateau / EarlyStopping, the
summary() of a shared-layer two-input model (expand_nested, show_trainable, layer_range), ModelCheckpoint file
names with {epoch} / {batch} / metrics and save_freq in batches, five-fold cross-validation over a pandas
DataFrame with clear_session and clone_model, CSVLogger append / LearningRateScheduler / TerminateOnNaN across
resumed fits, and a Pipeline of Resizing / CenterCrop / Rescaling before a small convnet.

The regression tests for the bugs they found are in test_round10_fixes.py."""
import pytest

from .test_keras_programs import _assert_same_lines, printed_by_both

NAMES = ["keras_gqa_causal_lm", "keras_split_dataset_utils", "keras_imbalanced_fraud", "keras_correlation_regression",
         "keras_custom_schedule_restarts", "keras_generator_steps_execution", "keras_deferred_sequential_wrapper",
         "keras_ops_sort_unique_rank", "keras_bigru_encoder_states", "keras_elastic_map_coordinates",
         "keras_subclassed_model_keras_file", "keras_shared_layers_summary", "keras_checkpoint_filenames",
         "keras_kfold_pandas_tabular", "keras_csv_logger_resume_nan", "keras_preprocessing_pipeline_images"]


@pytest.mark.parametrize("program", NAMES)
def test_round10_programs_print_what_keras_prints(program, capsys, tmp_path, monkeypatch, one_torch_thread):
    if program == "keras_checkpoint_filenames":
        pytest.importorskip("h5py")   # it writes and reads .weights.h5 files
    if program == "keras_kfold_pandas_tabular":
        pytest.importorskip("pandas")
        pytest.importorskip("sklearn")
    theirs, mine = printed_by_both(program, capsys, tmp_path, monkeypatch)
    assert len(theirs) >= 11
    _assert_same_lines(mine, theirs)
