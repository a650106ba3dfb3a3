"""A twenty-seventh set of Keras 3 programs (tests/programs/keras_r27_*.py), each run with real Keras 3 (torch
backend) and, with only its import changed, on deepgrad, in an empty folder: both must print the same lines,
numbers equal to within float32 training noise. They cover: what `fit`/`evaluate`/`predict` print with `verbose=2`
(validation, several metrics, `initial_epoch`, `steps_per_epoch`), an explicit `ProgbarLogger`, `keras.utils.Progbar`
driven by hand (stateful metrics, unknown targets, `unit_name`) and the interactive-logging switch; `keras.config`'s
knobs (`set_epsilon` reaching losses, metrics and optimizers, a `channels_first` model trained, `set_max_epochs`/
`set_max_steps_per_epoch` capping `fit`, `set_floatx`, the dtype helpers); the function forms of the rare losses and
metrics and the correlation metrics with `axis` and sample weights; every initializer seeded, by class, by name and
from a config dict; the window functions, `stft`/`istft` with window arrays and `center=False`, and the rare
NumPy-style ops, in a registered spectral layer saved and reloaded; nested functional models with `get_layer`,
feature extractors, `clone_model(clone_function=, call_function=)`, JSON round trips and frozen sub-models in
`summary(expand_nested=True, show_trainable=True)`; `Ftrl`, `Lion`, `Adafactor`, `AdamW(amsgrad=True)`, `Adamax`,
`Nadam`, `Adagrad` and centered `RMSprop` under six schedules with clipping, EMA and gradient accumulation; custom
layers, losses, metrics, activations and constraints through registration, `custom_objects` and
`CustomObjectScope`, saved with `saving.save_model`/`models.save_model`; the pooling and convolution aliases and
3-D layers with `summary()`; `keras.ops` control flow (`scan`, `associative_scan`, `fori_loop`, `while_loop`,
`switch`, `cond`, `map`, `vectorized_map`), segment ops, `einsum`, and `SeedGenerator` streams in a trained layer.

The regression tests for the bugs they found are in test_round27_fixes.py."""
import pytest

from .test_keras_programs import _assert_same_lines, printed_by_both

NAMES = ["keras_r27_verbose_logging", "keras_r27_config_knobs", "keras_r27_metric_functions",
         "keras_r27_initializers_seeded", "keras_r27_ops_windows_signal", "keras_r27_nested_surgery",
         "keras_r27_rare_optimizers", "keras_r27_custom_objects", "keras_r27_pooling_aliases_3d",
         "keras_r27_control_flow_streams"]


@pytest.mark.parametrize("program", NAMES)
def test_round27_programs_print_what_keras_prints(program, capsys, tmp_path, monkeypatch, one_torch_thread):
    theirs, mine = printed_by_both(program, capsys, tmp_path, monkeypatch)
    assert len(theirs) >= 9
    _assert_same_lines(mine, theirs)
