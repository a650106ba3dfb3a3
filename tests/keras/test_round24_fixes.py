"""Regression tests for the bugs found by the twenty-fourth round of ported Keras programs
(tests/keras/test_keras_programs_round24.py), each compared with real Keras 3 (torch backend)."""
import numpy as np

from .oracle import fresh_sessions


def _plateau_run(K, capsys):
    """Learning rates per epoch and the printed messages of a fit whose ReduceLROnPlateau reaches min_lr and
    keeps seeing no improvement."""
    x = np.linspace(-1, 1, 24, dtype="float32").reshape(12, 2)
    y = (x[:, :1] - x[:, 1:]).astype("float32")
    model = K.Sequential([K.Input((2,)), K.layers.Dense(1)])
    model.set_weights([np.array([[0.3], [-0.2]], "float32"), np.zeros(1, "float32")])
    model.compile(optimizer=K.optimizers.SGD(0.05), loss="mse")
    plateau = K.callbacks.ReduceLROnPlateau(monitor="loss", factor=0.5, patience=1, min_delta=10.0, cooldown=1,
                                            min_lr=0.004, verbose=1)
    capsys.readouterr()
    history = model.fit(x, y, batch_size=6, epochs=9, verbose=0, shuffle=False, callbacks=[plateau])
    printed = [line for line in capsys.readouterr().out.splitlines() if line]
    return [round(v, 7) for v in history.history["learning_rate"]], printed, plateau.cooldown_counter, plateau.wait


def test_reduce_lr_on_plateau_at_min_lr_neither_lowers_nor_reports_again(capsys):
    """Keras compares the float32 rate with min_lr read as float32, so a rate that has reached min_lr = 0.004
    (held as 0.004000000189989805) is not 'lowered' again. nn.keras compared it with the float64 0.004, so
    every later plateau printed 'reducing learning rate to 0.004.' once more and restarted the cooldown."""
    K, ours = fresh_sessions()
    theirs, mine = _plateau_run(K, capsys), _plateau_run(ours, capsys)
    assert mine == theirs
    assert theirs[0][-1] == 0.004 and sum("0.004." in line for line in theirs[1]) == 1


def _group_query_attention_configs(K):
    layer = K.layers.GroupQueryAttention(head_dim=4, num_query_heads=4, num_key_value_heads=2, dropout=0.1,
                                         use_gate=True, sliding_window=3, kernel_regularizer="l2", seed=3,
                                         name="gqa")
    config = layer.get_config()
    again = K.layers.GroupQueryAttention.from_config(config).get_config()
    return list(config.items()), again == config


def test_group_query_attention_config_has_keras_keys_in_keras_order():
    """GroupQueryAttention.get_config lists Keras's keys in Keras's order (use_bias, use_gate, sliding_window,
    dropout, ...), without flash_attention, which Keras's config leaves out; nn.keras listed its constructor's
    arguments (flash_attention among them, use_gate near the end), so a printed config differed."""
    K, ours = fresh_sessions()
    theirs, mine = _group_query_attention_configs(K), _group_query_attention_configs(ours)
    assert [k for k, _ in mine[0]] == [k for k, _ in theirs[0]]
    assert mine == theirs


def _refusals(K):
    x = np.ones((4, 3), "float32")
    calls = [lambda: K.losses.MeanSquaredError()(None, x), lambda: K.losses.Huber()(None, x),
             lambda: K.losses.mean_absolute_error(None, x), lambda: K.losses.MeanSquaredError()(x, None),
             lambda: K.losses.LogCosh()(x, None), lambda: K.metrics.MeanSquaredError()(None, x),
             lambda: K.metrics.MeanAbsoluteError()(x, None)]
    found = []
    for call in calls:
        try:
            found.append(repr(call()))
        except Exception as error:   # noqa: BLE001 - the exception type is what is compared
            found.append(type(error).__name__)
    return found


def test_losses_and_metrics_refuse_none_targets_as_keras_does():
    """A loss or metric given None for y_true returned NaN (np.asarray(None) cast to float) and one given None
    for y_pred raised a TypeError; Keras raises ValueError ('Invalid dtype: object') for both."""
    K, ours = fresh_sessions()
    assert _refusals(ours) == _refusals(K) == ["ValueError"] * 7


class _Delegating:
    """A keras.Model subclass whose train_step/test_step/predict_step record the structure of `data`."""

    @staticmethod
    def make(K, seen):
        def shape(data):
            if isinstance(data, (tuple, list)):
                return type(data).__name__ + "(" + ",".join(shape(d) for d in data) + ")"
            return "None" if data is None else "array"

        class Recording(K.Model):
            def train_step(self, data):
                seen.append(("train", shape(data)))
                return super().train_step(data)

            def test_step(self, data):
                seen.append(("test", shape(data)))
                return super().test_step(data)

            def predict_step(self, data):
                seen.append(("predict", shape(data)))
                return super().predict_step(data)
        inputs = K.Input((3,))
        model = Recording(inputs, K.layers.Dense(1, kernel_initializer="ones")(inputs))
        model.compile(optimizer="sgd", loss="mse")
        return model


def _step_data_and_targetless_fit(K):
    seen = []
    model = _Delegating.make(K, seen)
    x, y = np.ones((4, 3), "float32"), np.ones((4, 1), "float32")
    model.fit(x, y, batch_size=4, verbose=0)
    model.train_on_batch(x, y)
    model.train_on_batch(x, y, sample_weight=np.ones(4, "float32"))
    model.test_on_batch(x, y)
    model.predict_on_batch(x)
    model.evaluate(x, y, verbose=0)
    try:
        model.fit(x, batch_size=4, verbose=0)   # a compiled loss and no targets
        seen.append(("fit(x)", "trained"))
    except ValueError:
        seen.append(("fit(x)", "ValueError"))
    return seen


def test_on_batch_steps_get_keras_data_and_a_targetless_fit_is_refused():
    """train_on_batch and test_on_batch hand a model's own step (x, y, sample_weight), None included, and
    predict_on_batch hands its predict_step (x,), as Keras's do (fit and evaluate hand (x, y)); nn.keras handed
    (x, y) and x. A train_step delegating to Keras's with a compiled loss and no targets (fit(x)) trained on a
    NaN loss where Keras raises ValueError."""
    K, ours = fresh_sessions()
    assert _step_data_and_targetless_fit(ours) == _step_data_and_targetless_fit(K)


def _add_loss_only_on_batch(K):
    class Penalty(K.layers.Layer):
        def call(self, x):
            self.add_loss(K.ops.mean(x ** 2))
            return x
    inputs = K.Input((3,))
    model = K.Model(inputs, Penalty()(K.layers.Dense(1, kernel_initializer="ones")(inputs)))
    model.compile(optimizer=K.optimizers.SGD(0.01))
    x = np.linspace(0, 1, 12, dtype="float32").reshape(4, 3)
    return [round(float(model.train_on_batch(x)), 5), round(float(model.train_on_batch(x)), 5),
            round(float(model.test_on_batch(x)), 5)]


def test_train_on_batch_of_a_model_trained_on_add_loss_alone_takes_no_targets():
    """A model compiled without a loss, trained on its add_loss terms, takes train_on_batch(x) in Keras (fit(x)
    already did here); nn.keras refused it with 'y (the targets) is missing'."""
    K, ours = fresh_sessions()
    assert _add_loss_only_on_batch(ours) == _add_loss_only_on_batch(K)


def test_reduce_lr_on_plateau_counters_read_zero_before_training():
    """ReduceLROnPlateau.wait and .cooldown_counter exist from construction, 0 as in Keras (an AttributeError
    until fit started)."""
    K, ours = fresh_sessions()
    theirs, mine = K.callbacks.ReduceLROnPlateau(cooldown=2), ours.callbacks.ReduceLROnPlateau(cooldown=2)
    assert (mine.wait, mine.cooldown_counter) == (theirs.wait, theirs.cooldown_counter) == (0, 0)


def _sample_weight_with_yielding_data(K):
    class Batches(K.utils.PyDataset):
        def __len__(self):
            return 2

        def __getitem__(self, index):
            return np.full((2, 3), index, "float32"), np.ones((2, 1), "float32")
    inputs = K.Input((3,))
    model = K.Model(inputs, K.layers.Dense(1)(inputs))
    model.compile(optimizer="sgd", loss="mse")
    found = []
    for call in (lambda: model.fit(Batches(), sample_weight=np.ones(4), verbose=0),
                 lambda: model.evaluate(Batches(), sample_weight=np.ones(4), verbose=0),
                 lambda: model.fit((b for b in [Batches()[0], Batches()[1]]), sample_weight=np.ones(4), verbose=0)):
        try:
            call()
            found.append("accepted")
        except ValueError:
            found.append("ValueError")
    return found


def test_sample_weight_beside_a_pydataset_or_generator_is_refused():
    """fit/evaluate of a PyDataset or generator given sample_weight= raise Keras's ValueError (the batches must
    carry the weights); nn.keras ignored the weights silently."""
    K, ours = fresh_sessions()
    assert _sample_weight_with_yielding_data(ours) == _sample_weight_with_yielding_data(K) == ["ValueError"] * 3


def _dict_result_metric_run(K):
    class CountAndPeak(K.metrics.Metric):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.count = self.add_variable(shape=(), initializer="zeros", dtype="int32", name="count")
            self.peak = self.add_variable(shape=(), initializer=K.initializers.Constant(-5.0), name="peak")

        def update_state(self, y_true, y_pred, sample_weight=None):
            self.count.assign_add(K.ops.cast(K.ops.shape(y_pred)[0], "int32"))
            self.peak.assign(K.ops.maximum(self.peak, K.ops.max(y_pred)))

        def result(self):
            return {"seen": self.count, "peak": self.peak}
    inputs = K.Input((2,))
    model = K.Model(inputs, K.layers.Dense(2, kernel_initializer="ones")(inputs))
    model.compile(optimizer="sgd", loss="mse", metrics=[CountAndPeak(name="stats")])
    x, y = np.linspace(0, 1, 12, dtype="float32").reshape(6, 2), np.ones((6, 2), "float32")
    # no validation_data: Keras's logs hold the result's variables themselves, so a validation pass overwrites the
    # training entries of the history with the validation values (not copied here)
    history = model.fit(x[:4], y[:4], batch_size=2, epochs=2, verbose=0, shuffle=False)
    rounded = {k: [round(v, 5) for v in values] for k, values in history.history.items()}
    evaluated = model.evaluate(x, y, verbose=0, return_dict=True)
    return (list(rounded.items()), [(k, round(v, 5)) for k, v in evaluated.items()],
            [round(v, 5) for v in model.evaluate(x, y, verbose=0)])


def test_a_compiled_metric_whose_result_is_a_dict_logs_each_entry():
    """A Metric subclass whose result() returns a dict logs each entry under its own key in fit's history and
    evaluate (sorted in place of the metric's name, as Keras's logs); nn.keras failed with 'float() argument must
    be ... not dict'."""
    K, ours = fresh_sessions()
    assert _dict_result_metric_run(ours) == _dict_result_metric_run(K)
