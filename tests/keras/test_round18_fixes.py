"""Regression tests for the bugs found by the eighteenth round of ported Keras programs
(tests/keras/test_keras_programs_round18.py), each compared with real Keras 3 (torch backend)."""
import collections

import numpy as np

from .oracle import fresh_sessions

Pair = collections.namedtuple("Pair", ["scores", "extras"])


def _namedtuple_outputs(K):
    class TwoHeads(K.layers.Layer):
        def call(self, x):
            return Pair(scores=x * 2, extras={"sum": K.ops.sum(x, axis=-1), "max": K.ops.max(x, axis=-1)})

    symbolic = TwoHeads()(K.Input((3,)))
    inputs = K.Input((3,))
    out = TwoHeads()(inputs)
    model = K.Model(inputs, {"s": out.scores, "m": out.extras["max"], "t": out.extras["sum"]})
    predicted = model.predict(np.arange(6, dtype="float32").reshape(2, 3), verbose=0)
    return (type(symbolic).__name__, list(symbolic.extras), [tuple(t.shape) for t in K.tree.flatten(symbolic)],
            {k: np.asarray(v).tolist() for k, v in predicted.items()})


def test_a_layer_returning_a_namedtuple_is_called_on_symbolic_inputs_and_its_dicts_come_back_sorted():
    """A layer returning a namedtuple failed on a keras.Input (the symbolic probe rebuilt the namedtuple from one
    generator); and Keras gives a symbolic call's dict outputs in sorted key order, where nn.keras kept the
    layer's order."""
    K, ours = fresh_sessions()
    assert _namedtuple_outputs(ours) == _namedtuple_outputs(K)


def _summary_calls(K):
    calls = []
    model = K.Sequential([K.Input((3,)), K.layers.Dense(2, name="d")], name="tiny")
    model.summary(print_fn=lambda text, *args, **kwargs: calls.append(text))
    return calls


def test_summary_hands_print_fn_the_whole_text_ending_in_a_line_break():
    """Keras captures the summary and calls print_fn once with it, line break at the end included; nn.keras left
    the last line break off, so a program joining the collected text printed one line fewer."""
    K, ours = fresh_sessions()
    theirs, mine = _summary_calls(K), _summary_calls(ours)
    assert len(mine) == len(theirs) == 1
    assert mine[0].endswith("\n") and theirs[0].endswith("\n")
    assert mine[0].count("\n") == theirs[0].count("\n")


def _config_keys(K):
    layers, metrics, optimizers = K.layers, K.metrics, K.optimizers
    made = [layers.CenterCrop(4, 5), layers.Resizing(4, 5, pad_to_aspect_ratio=True), layers.RandomCrop(3, 3, seed=1),
            layers.RandomFlip(seed=2), layers.RandomRotation(0.1, seed=3), layers.MaxNumBoundingBoxes(3),
            layers.ActivityRegularization(l1=0.1), layers.AdditiveAttention(), layers.ELU(0.5),
            metrics.MeanIoU(3), metrics.OneHotIoU(3, [1]), metrics.OneHotMeanIoU(3), metrics.BinaryIoU(),
            optimizers.SGD(0.1, global_clipnorm=1.0), optimizers.Adam(), optimizers.Lion(weight_decay=0.1),
            optimizers.Ftrl(beta=0.5), optimizers.Adafactor()]
    return [(type(obj).__name__, list(obj.get_config())) for obj in made]


def test_configs_list_their_keys_in_kerass_order():
    """A printed get_config() lists its keys in Keras's order: data_format first on CenterCrop / Resizing /
    RandomCrop, seed before mode on RandomFlip, learning_rate second and global_clipnorm before clipvalue on every
    optimizer, the IoU metrics' and ELU's own orders; ActivityRegularization leaves out the activity_regularizer
    it makes itself, AdditiveAttention lists its seed, MaxNumBoundingBoxes its box format only when set."""
    K, ours = fresh_sessions()
    assert _config_keys(ours) == _config_keys(K)


def _synchronized_error(K):
    try:
        K.layers.BatchNormalization(synchronized=True)
    except ValueError as error:
        return str(error)
    return None


def test_synchronized_batch_normalization_is_refused_as_off_tensorflow():
    """Keras's torch (and JAX) backends refuse BatchNormalization(synchronized=True) with a ValueError; nn.keras
    accepted it and stored the flag."""
    K, ours = fresh_sessions()
    assert _synchronized_error(ours) == _synchronized_error(K) is not None


def _round_tripped(K):
    made = [K.layers.RandAugment(value_range=(0, 255), num_ops=3, factor=0.4, seed=5),
            K.layers.AugMix(value_range=(0, 255), num_chains=2, chain_depth=2, seed=6),
            K.layers.Solarization(value_range=(0, 255), seed=1), K.layers.Resizing(4, 4)]
    out = []
    for layer in made:
        config = layer.get_config()
        twin = type(layer).from_config(config).get_config()
        out.append((repr(twin.get("value_range")), twin == config))
    return out


def test_from_config_hands_tuples_to_the_constructor_as_tuples():
    """Keras's from_config calls the constructor with the config's values as they are; nn.keras turned every tuple
    into a list, so RandAugment / AugMix rebuilt from their config reported value_range as a list and a config
    round trip was not equal."""
    K, ours = fresh_sessions()
    assert _round_tripped(ours) == _round_tripped(K)


def _accumulated_with_schedule(K):
    schedule = K.optimizers.schedules.CosineDecay(0.0, decay_steps=6, warmup_target=0.3, warmup_steps=2)
    optimizer = K.optimizers.SGD(schedule, momentum=0.9, gradient_accumulation_steps=2)
    weight = K.Variable(np.array([1.0, -2.0], "float32"))
    seen = []
    for step in range(6):
        grad = K.ops.convert_to_tensor(np.array([0.5, 1.0], "float32") * (step + 1))
        optimizer.apply_gradients([(grad, weight)])
        seen.append((int(optimizer.iterations.numpy()), round(float(optimizer.learning_rate), 6),
                     np.round(K.ops.convert_to_numpy(weight), 6).tolist()))
    return seen


def test_a_schedule_with_gradient_accumulation_reads_the_count_of_apply_calls():
    """With gradient_accumulation_steps, Keras evaluates a learning-rate schedule at its raw count of
    apply_gradients calls (iterations reports that count divided by the steps); nn.keras evaluated it at
    `iterations`, so the updates used the warm-up's earlier, smaller rates."""
    K, ours = fresh_sessions()
    assert _accumulated_with_schedule(ours) == _accumulated_with_schedule(K)
