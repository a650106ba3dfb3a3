"""A fifteenth set of Keras 3 programs (tests/programs/keras_*.py), each run with real Keras 3 (torch backend) and,
with only its import changed, on deepgrad, in an empty folder: both must print the same lines, numbers equal to
within float32 training noise. They cover the ground between raw arrays and fit: keras.utils.PyDataset subclasses
(workers / use_multiprocessing / max_queue_size, num_batches, on_epoch_end reshuffling, steps_per_epoch and
validation_steps), Python generators and keras.utils.Sequence for fit / evaluate / predict, shuffle="batch";
the preprocessing layers that run without TensorFlow (Normalization axes and invert, Discretization and
CategoryEncoding output modes); what keras.utils.set_random_seed fixes (default initializers, Dropout / noise
masks, recurrent dropout, shuffling, RandomFlip); the image utilities (array_to_img, img_to_array, save_img, load_img), normalize,
standardize_dtype and Config; keras.io's text classification, weather forecasting, imbalanced classification
(class_weight with one-hot targets) and image classification from scratch, rebuilt on NumPy data; and the History
fit returns and keeps (model.history, initial_epoch, validation_freq).

The regression tests for the bugs they found are in test_round15_fixes.py."""
import pytest

from .test_keras_programs import _assert_same_lines, printed_by_both

NAMES = ["keras_pydataset_shuffled_epochs", "keras_generators_shuffle_batch", "keras_preprocessing_layer_options",
         "keras_seeded_defaults_fit", "keras_utils_images_config", "keras_text_scratch_seeded",
         "keras_weather_windows_forecast", "keras_class_weight_onehot_metrics", "keras_image_scratch_flip_seeded",
         "keras_history_fit_resume", "keras_pydataset_num_batches_weights",
         "keras_seeded_recurrent_dropout"]


@pytest.mark.parametrize("program", NAMES)
def test_round15_programs_print_what_keras_prints(program, capsys, tmp_path, monkeypatch, one_torch_thread):
    theirs, mine = printed_by_both(program, capsys, tmp_path, monkeypatch)
    assert len(theirs) >= 11
    _assert_same_lines(mine, theirs)
