"""Round 18 of bad input through nn.keras (rounds 1-17: test_bad_input_errors.py ... test_bad_input_round17.py),
over the APIs the twenty-ninth round of ported programs touched: LoRA on convolutions, keras.ops.image geometry,
the binary cross-entropies fed NaN probabilities (a silent NaN loss before, Keras's RuntimeError now), Circle with
one-hot labels (a silently wrong loss before), CTC and ctc_decode, the thresholded metrics (AUC with a wrong label
count or label_weights length: NumPy's bare broadcast error or a ValueError before, Keras's RuntimeError now),
ReduceLROnPlateau, LearningRateScheduler, EMA and LossScaleOptimizer arguments. Each runs on nn.keras and on real
Keras 3 (torch backend) as the oracle: errors of Keras's type, still instances of nn.keras's old type, naming the
call, the values and the fix."""
import numpy as np
import pytest

from tests.bad_input_checks import check_mistake, check_oracle
from .keras_bad_input_checks import keras_pair

IMAGES = "x = np.ones((2, 4, 4, 3), 'float32'); "
BUILT_CONV = "c = keras.layers.Conv2D(3, 2); c.build((None, 5, 5, 2)); "

# id, code (Keras spelling), Keras's exception type, the type nn.keras raised before, substrings the message must hold
LORA = [
    ("conv_enable_lora_twice", BUILT_CONV + "c.enable_lora(2); c.enable_lora(2)", ValueError, ValueError,
     ("lora is already enabled", "once per layer")),
    ("conv_enable_lora_unbuilt", "keras.layers.Conv2D(3, 2).enable_lora(2)", ValueError, ValueError,
     ("isn't yet built",)),
    ("conv1d_lora_with_kernel_constraint", "c = keras.layers.Conv1D(3, 2, kernel_constraint='non_neg'); "
     "c.build((None, 5, 2)); c.enable_lora(2)", ValueError, ValueError, ("kernel_constraint",)),
    ("conv_transpose_takes_no_lora", "keras.layers.Conv2DTranspose(3, 2, lora_rank=2)", ValueError, TypeError,
     ("Conv2DTranspose", "lora_rank")),
    ("depthwise_takes_no_lora", "keras.layers.DepthwiseConv2D(2, lora_rank=2)", ValueError, TypeError,
     ("DepthwiseConv2D", "lora_rank")),
]

IMAGE_OPS = [
    ("affine_transform_six_numbers", IMAGES + "keras.ops.image.affine_transform(x, np.ones((2, 6), 'float32'))",
     RuntimeError, ValueError, ("affine_transform", "(2, 6)", "(batch, 8)")),
    ("affine_transform_bicubic", IMAGES + "keras.ops.image.affine_transform(x, np.ones((2, 8), 'float32'), "
     "interpolation='bicubic')", ValueError, ValueError, ("interpolation", "bicubic")),
    ("affine_transform_fill_edge", IMAGES + "keras.ops.image.affine_transform(x, np.ones((2, 8), 'float32'), "
     "fill_mode='edge')", ValueError, ValueError, ("fill_mode", "edge")),
    ("affine_transform_of_a_plane", "keras.ops.image.affine_transform(np.ones((4, 4), 'float32'), "
     "np.ones((8,), 'float32'))", ValueError, ValueError, ("affine_transform", "(4, 4)")),
    ("map_coordinates_three_coordinates", "keras.ops.image.map_coordinates(np.ones((4, 4), 'float32'), "
     "np.ones((3, 2), 'float32'), order=1)", ValueError, ValueError, ("coordinates", "(4, 4)", "3")),
    ("map_coordinates_fill_edge", "keras.ops.image.map_coordinates(np.ones((4, 4), 'float32'), "
     "np.ones((2, 2), 'float32'), order=1, fill_mode='edge')", ValueError, ValueError, ("fill_mode", "edge")),
    ("resize_crop_and_pad", IMAGES + "keras.ops.image.resize(x, (2, 2), crop_to_aspect_ratio=True, "
     "pad_to_aspect_ratio=True)", ValueError, ValueError, ("crop_to_aspect_ratio", "pad_to_aspect_ratio")),
    ("resize_one_size", IMAGES + "keras.ops.image.resize(x, (2,))", ValueError, ValueError, ("size", "(2,)")),
    ("extract_patches_three_sizes_on_images", "keras.ops.image.extract_patches(np.ones((1, 4, 4, 3), 'float32'), "
     "(2, 2, 2))", RuntimeError, ValueError, ("(2, 2, 2)",)),
]

LOSSES = [
    ("binary_crossentropy_of_nan", "keras.losses.BinaryCrossentropy()(np.array([[1.0], [0.0]]), "
     "np.array([[np.nan], [0.3]]))", RuntimeError, ValueError, ("binary_crossentropy", "1 NaN", "(2, 1)")),
    ("ops_binary_crossentropy_of_nan", "keras.ops.binary_crossentropy(np.array([[1.0]]), np.array([[np.nan]]))",
     RuntimeError, ValueError, ("keras.ops.binary_crossentropy", "NaN")),
    ("binary_focal_of_nan", "keras.losses.BinaryFocalCrossentropy()(np.array([[1.0], [0.0]]), "
     "np.array([[np.nan], [0.3]]))", RuntimeError, ValueError, ("binary_focal_crossentropy", "NaN")),
    ("circle_with_one_hot_labels", "keras.losses.Circle()(np.array([[0, 1], [1, 0]]), np.ones((2, 3), 'float32'))",
     RuntimeError, ValueError, ("circle", "(2, 2)", "argmax")),
    ("circle_with_one_hot_ref_labels", "keras.losses.circle(np.array([0, 1]), np.ones((2, 3), 'float32'), "
     "ref_labels=np.array([[0, 1], [1, 0]]), ref_embeddings=np.ones((2, 3), 'float32'))", RuntimeError, ValueError,
     ("ref_labels", "(2, 2)")),
    ("dice_axis_past_the_rank", "keras.losses.Dice(axis=3)(np.ones((2, 3)), np.ones((2, 3)))", IndexError,
     IndexError, ("dim 3", "[-2, 1]")),
    ("ctc_of_two_dimensional_logits", "keras.losses.CTC()(np.ones((2, 3)), np.ones((2, 4), 'float32'))",
     ValueError, ValueError, ("y_pred", "(2, 4)")),
    ("ctc_decode_unknown_strategy", "keras.ops.nn.ctc_decode(np.ones((2, 4, 5), 'float32'), np.array([4, 4]), "
     "strategy='best')", ValueError, ValueError, ("strategy", "best", "beam_search")),
]

METRICS = [
    ("auc_one_threshold", "keras.metrics.AUC(num_thresholds=1)", ValueError, ValueError, ("num_thresholds", "1")),
    ("auc_unknown_curve", "keras.metrics.AUC(curve='XY')", ValueError, ValueError, ("curve", "XY")),
    ("auc_unknown_summation", "keras.metrics.AUC(summation_method='middle')", ValueError, ValueError,
     ("summation_method", "middle")),
    ("auc_num_labels_against_predictions", "m = keras.metrics.AUC(multi_label=True, num_labels=3); "
     "m.update_state(np.ones((2, 2)), np.ones((2, 2)) * 0.5)", RuntimeError, ValueError,
     ("3 labels", "(2, 2)", "num_labels=2")),
    ("auc_multi_label_weights_length", "m = keras.metrics.AUC(multi_label=True, label_weights=[1.0, 2.0]); "
     "m.update_state(np.ones((2, 3)), np.ones((2, 3)) * 0.5); m.result()", RuntimeError, ValueError,
     ("label_weights", "2 weights", "3 labels")),
    ("auc_label_weights_length", "m = keras.metrics.AUC(label_weights=[1.0, 2.0]); "
     "m.update_state(np.ones((2, 3)), np.ones((2, 3)) * 0.5); m.result()", RuntimeError, ValueError,
     ("label_weights", "2 weights", "(2, 3)")),
    ("precision_at_recall_above_one", "keras.metrics.PrecisionAtRecall(recall=1.5)", ValueError, ValueError,
     ("recall", "1.5")),
    ("sensitivity_at_negative_specificity", "keras.metrics.SensitivityAtSpecificity(specificity=-0.1)",
     ValueError, ValueError, ("specificity", "-0.1")),
    ("precision_at_recall_no_thresholds", "keras.metrics.PrecisionAtRecall(recall=0.5, num_thresholds=0)",
     ValueError, ValueError, ("num_thresholds", "0")),
    ("precision_class_id_past_the_classes", "m = keras.metrics.Precision(class_id=5); "
     "m.update_state(np.ones((2, 3)), np.ones((2, 3)) * 0.6)", IndexError, IndexError, ("5", "3")),
    ("recall_threshold_above_one", "keras.metrics.Recall(thresholds=1.5)", ValueError, ValueError,
     ("thresholds", "1.5")),
]

TRAINING = [
    ("reduce_lr_factor_one", "keras.callbacks.ReduceLROnPlateau(factor=1.0)", ValueError, ValueError,
     ("factor", "1.0")),
    ("lr_schedule_returns_a_string", "m = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)]); "
     "m.compile(keras.optimizers.SGD(0.1), 'mse'); m.fit(np.ones((4, 3)), np.ones((4, 1)), verbose=0, "
     "callbacks=[keras.callbacks.LearningRateScheduler(lambda e, lr: 'fast')])", ValueError, ValueError,
     ("schedule", "'fast'", "float")),
    ("ema_momentum_above_one", "keras.optimizers.SGD(0.1, use_ema=True, ema_momentum=1.5)", ValueError,
     ValueError, ("ema_momentum", "1.5")),
    ("loss_scale_optimizer_of_a_name", "keras.optimizers.LossScaleOptimizer('sgd')", AttributeError,
     AttributeError, ("LossScaleOptimizer", "optimizer instance", "'sgd'")),
]

CASES = LORA + IMAGE_OPS + LOSSES + METRICS + TRAINING


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_keras_mistake_raises_keras_type_naming_the_call_and_values(case):
    from nn import keras
    check_mistake(case, dict(keras=keras, np=np))


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_real_keras_raises_the_type_we_match(case):
    ours, theirs = keras_pair()
    check_oracle(case, dict(keras=ours, np=np), dict(keras=theirs, np=np))


def test_circle_of_label_columns_still_matches_keras():
    """Labels as a (batch, 1) column are still taken, with Keras's loss."""
    ours, theirs = keras_pair()
    labels = np.array([[0], [1], [0], [1]])
    embeddings = np.random.default_rng(0).normal(size=(4, 3)).astype("float32")
    values = [float(K.ops.convert_to_numpy(K.losses.Circle()(labels, embeddings))) for K in (theirs, ours)]
    assert values[1] == pytest.approx(values[0], rel=1e-5)
