"""Regression tests for the bugs found by the fourteenth round of ported Keras programs
(tests/keras/test_keras_programs_round14.py), each compared with real Keras 3 (torch backend)."""
import numpy as np

from .oracle import fresh_sessions


def _optimizer_headers(K):
    made = [getattr(K.optimizers, name)(0.01) for name in
            ("SGD", "Adam", "AdamW", "RMSprop", "Adagrad", "Adadelta", "Adamax", "Nadam", "Lion", "Ftrl", "Lamb")]
    return [{k: v for k, v in K.saving.serialize_keras_object(o).items() if k != "config"} for o in made]


def test_optimizers_serialize_under_the_torch_backend_module_as_keras():
    """Keras's torch backend writes SGD, Adam, ... (the nine it replaces by torch subclasses) under module
    'keras.src.backend.torch.optimizers.torch_adam' with registered_name 'Adam'; nn.keras wrote
    'keras.optimizers' and None, so serialized configs and .keras files differed."""
    K, ours = fresh_sessions()
    assert _optimizer_headers(ours) == _optimizer_headers(K)


def test_optimizer_config_from_keras_torch_module_loads():
    K, ours = fresh_sessions()
    packed = K.saving.serialize_keras_object(K.optimizers.AdamW(0.03, weight_decay=0.2))
    again = ours.saving.deserialize_keras_object(packed)
    assert type(again) is ours.optimizers.AdamW and np.isclose(again.weight_decay, 0.2)
    assert ours.saving.deserialize_keras_object(ours.saving.serialize_keras_object(again)).get_config() == \
        again.get_config()


def _mean_state(K):
    mean, total = K.metrics.Mean(), K.metrics.Sum()
    mean.update_state([1.0, 2.0, 4.0], sample_weight=[1.0, 0.5, 2.0])
    total.update_state([3.0, -1.0])
    return [(v.path, float(K.ops.convert_to_numpy(v))) for v in (mean.total, mean.count, total.total)] + \
        [hasattr(total, "count")]


def test_mean_and_sum_expose_their_state_variables_as_keras():
    """Keras's Mean has `total` and `count` Variables (a custom train_step reads tracker.count); nn.keras's were
    plain floats with no .numpy(), and the second Mean's variables were under 'mean_1/'."""
    K, ours = fresh_sessions()
    assert _mean_state(ours) == _mean_state(K)


def _default_names(K):
    wrapper = [K.metrics.MeanMetricWrapper(K.losses.mean_squared_error).name for _ in range(2)]
    return [K.metrics.Mean().name, K.metrics.Mean().name, K.metrics.Sum().name, K.metrics.Sum().name] + wrapper


def test_mean_sum_and_wrapper_default_names_as_keras():
    """Mean() and Sum() are always named 'mean' / 'sum' in Keras (nn.keras numbered them 'mean_1', ...), and an
    unnamed MeanMetricWrapper is 'mean_metric_wrapper' (nn.keras took its function's name)."""
    K, ours = fresh_sessions()
    assert _default_names(ours) == _default_names(K)


def _built_by_hand(K):
    class Plain(K.layers.Layer):
        def call(self, x):
            return x * 2

    class Owner(K.Model):
        def __init__(self):
            super().__init__()
            self.dense = K.layers.Dense(2)

        def call(self, x):
            return self.dense(x)

    import warnings
    seen = []
    for made in (Plain(), Owner()):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            made.build((None, 3))
        seen.append((made.built, len(made.weights), any("unbuilt state" in str(w.message) for w in caught)))
    return seen


def test_build_by_hand_without_a_build_method_marks_built_as_keras():
    """layer.build(shape) on a layer or subclassed model that defines no build() leaves it built in Keras
    (warning when sub-layers stay unbuilt); nn.keras left built False."""
    K, ours = fresh_sessions()
    assert _built_by_hand(ours) == _built_by_hand(K)


def _losses_after_building(K):
    class Penalty(K.layers.Layer):
        def call(self, x):
            self.add_loss(K.ops.mean(K.ops.square(x)))
            return x

    class Block(K.layers.Layer):
        def __init__(self):
            super().__init__()
            self.penalty = Penalty()
            self.dense = K.layers.Dense(2, kernel_initializer="ones")

        def call(self, x):
            return self.dense(self.penalty(x))

    inputs = K.Input((3,))
    model = K.Model(inputs, Penalty()(Block()(inputs)))
    before = len(model.losses)
    model(np.ones((2, 3), "float32"))
    return before, [round(float(K.ops.convert_to_numpy(v)), 5) for v in model.losses]


def test_losses_of_nested_layers_from_functional_construction_are_dropped_as_keras():
    """Building a functional model ran a nested layer's add_loss on the shape probe and kept it: model.losses
    held 1 before any call where Keras holds none."""
    K, ours = fresh_sessions()
    assert _losses_after_building(ours) == _losses_after_building(K)


def _optimizer_variables(K, how):
    listed = []
    for name, options in (("SGD", {"momentum": 0.5}), ("Adam", {"amsgrad": True}),
                          ("RMSprop", {"momentum": 0.5, "centered": True}), ("Adagrad", {}), ("Ftrl", {}),
                          ("Nadam", {}), ("Adafactor", {}), ("SGD", {"use_ema": True, "gradient_accumulation_steps": 2})):
        model = K.Sequential([K.Input((2,)), K.layers.Dense(2)])
        model.set_weights([np.full((2, 2), 0.3, "float32"), np.zeros(2, "float32")])
        optimizer = getattr(K.optimizers, name)(**options)
        if how == "build":
            optimizer.build(model.trainable_variables)
        else:
            model.compile(optimizer, "mse")
            model.fit(np.ones((2, 2), "float32"), np.ones((2, 2), "float32"), verbose=0)
        listed.append([(v.path, np.round(np.asarray(K.ops.convert_to_numpy(v), "float64"), 4).ravel().tolist())
                       for v in optimizer.variables])
    return listed


def test_optimizer_build_makes_the_slot_variables_as_keras():
    """optimizer.build(model.trainable_variables) by hand (the guide's training loop) listed only 'iteration'
    and 'learning_rate' in nn.keras: the slots (Adagrad's starting at 0.1) appeared only after a step."""
    K, ours = fresh_sessions()
    assert _optimizer_variables(ours, "build") == _optimizer_variables(K, "build")


def test_optimizer_variables_order_and_names_as_keras():
    """Keras lists Adam's velocity_hat and RMSprop's kinds slot group by slot group, names Adafactor's factored
    statistics after the weight alone (the scalar placeholders, and Nadam's product 'variable', outside the
    optimizer's scope); nn.keras listed every slot weight by weight under '<optimizer>/<weight path>_<slot>'."""
    K, ours = fresh_sessions()
    assert _optimizer_variables(ours, "fit") == _optimizer_variables(K, "fit")


def _stateless(K):
    model = K.Sequential([K.Input((3,)), K.layers.Dense(2, kernel_initializer="ones"),
                          K.layers.BatchNormalization(momentum=0.5), K.layers.ActivityRegularization(l2=0.1)])
    x = np.linspace(-1, 1, 12, dtype="float32").reshape(4, 3)
    trainable = [0.5 * K.ops.convert_to_numpy(v) for v in model.trainable_variables]
    fixed = [K.ops.convert_to_numpy(v) for v in model.non_trainable_variables]
    out, new_fixed, losses = model.stateless_call(trainable, fixed, x, training=True, return_losses=True)
    r = lambda v: np.round(np.asarray(K.ops.convert_to_numpy(v), "float64"), 5).tolist()   # noqa: E731
    own = [r(v) for v in model.variables]
    try:
        model.stateless_call(trainable[:1], fixed, x)
        error = None
    except ValueError as why:
        error = type(why).__name__
    return r(out), [r(v) for v in new_fixed], [r(v) for v in losses], own, error


def test_stateless_call_as_keras():
    """Layer.stateless_call was missing (AttributeError): Keras's training-loop guides evaluate and step a
    model with variable values held outside it."""
    K, ours = fresh_sessions()
    assert _stateless(ours) == _stateless(K)
