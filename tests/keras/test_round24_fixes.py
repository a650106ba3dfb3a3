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
