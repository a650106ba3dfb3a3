"""Regression tests for the bugs found by the nineteenth round of ported Keras programs
(tests/keras/test_keras_programs_round19.py), each compared with real Keras 3 (torch backend)."""
import numpy as np

from .oracle import fresh_sessions


def _stacked_state_outputs(K):
    layers = K.layers
    seq = K.Input((6, 3))
    out = layers.RNN([layers.SimpleRNNCell(3), layers.GRUCell(2), layers.LSTMCell(2)], return_sequences=True,
                     return_state=True)(seq)
    symbolic = K.tree.map_structure(lambda t: tuple(t.shape), out)
    model = K.Model(seq, [out[0], layers.Dense(1)(out[1]), out[2], out[3]])
    predicted = model.predict(np.ones((2, 6, 3), "float32"), verbose=0)
    return symbolic, K.tree.map_structure(lambda t: tuple(t.shape), predicted)


def test_stacked_cells_return_one_symbolic_tensor_per_int_state_size():
    """RNN over [SimpleRNNCell, GRUCell, LSTMCell] with return_state gives, on a keras.Input, each int-sized cell
    state as one KerasTensor (Keras's compute_output_shape); nn.keras gave a one-item list, so Dense(state) failed."""
    K, ours = fresh_sessions()
    assert _stacked_state_outputs(ours) == _stacked_state_outputs(K)
