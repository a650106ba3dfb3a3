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
