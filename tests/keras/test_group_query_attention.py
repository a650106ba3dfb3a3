"""GroupQueryAttention against real Keras 3 (torch backend) with the same weights: outputs, attention scores and
gradients with Keras masks, explicit mask arguments, causal and attention masks, gates and sliding windows."""
import numpy as np
import pytest

from nn import keras as ours

from .layer_oracle_cases import check_config_round_trip
from .oracle import real_keras
from .test_multi_head_attention import _compare, _steps_mask

RNG = np.random.default_rng(7)


def _x(*shape):
    return RNG.standard_normal(shape).astype(np.float32)


Q, V, K = _x(2, 5, 6), _x(2, 4, 6), _x(2, 4, 3)
QMASK, VMASK = _steps_mask(2, 5, [5, 3]), _steps_mask(2, 4, [2, 4])
ATTENTION_MASK = RNG.random((2, 5, 4)) > 0.3

CASES = [
    ("self", lambda L: L.GroupQueryAttention(3, 4, 2), {"query": Q, "value": Q}, {}, {}),
    ("cross_key", lambda L: L.GroupQueryAttention(2, 6, 3), {"query": Q, "value": V, "key": K}, {}, {}),
    ("one_kv_head_scores", lambda L: L.GroupQueryAttention(4, 4, 1), {"query": Q, "value": V}, {},
     {"return_attention_scores": True}),
    ("keras_masks_fused", lambda L: L.GroupQueryAttention(3, 4, 2), {"query": Q, "value": V},
     {"query": QMASK, "value": VMASK}, {}),
    ("keras_masks_scores", lambda L: L.GroupQueryAttention(3, 4, 2), {"query": Q, "value": V},
     {"query": QMASK, "value": VMASK}, {"return_attention_scores": True}),
    ("mask_arguments", lambda L: L.GroupQueryAttention(3, 2, 2), {"query": Q, "value": V, "key": K}, {},
     {"query_mask": QMASK, "value_mask": VMASK, "key_mask": _steps_mask(2, 4, [3, 1]),
      "return_attention_scores": True}),
    ("causal_only", lambda L: L.GroupQueryAttention(3, 4, 2), {"query": Q, "value": Q}, {}, {"use_causal_mask": True}),
    ("causal_scores", lambda L: L.GroupQueryAttention(3, 4, 2), {"query": Q, "value": Q}, {},
     {"use_causal_mask": True, "return_attention_scores": True}),
    ("attention_mask_dropout_inference", lambda L: L.GroupQueryAttention(3, 4, 2, dropout=0.4),
     {"query": Q, "value": V}, {}, {"attention_mask": ATTENTION_MASK}),
    ("attention_mask_fused", lambda L: L.GroupQueryAttention(3, 4, 4), {"query": Q, "value": V}, {},
     {"attention_mask": ATTENTION_MASK}),
    ("no_bias_gate", lambda L: L.GroupQueryAttention(3, 4, 2, use_bias=False, use_gate=True),
     {"query": Q, "value": V}, {}, {}),
    ("sliding_window_causal", lambda L: L.GroupQueryAttention(2, 2, 1, sliding_window=2), {"query": Q, "value": Q},
     {}, {"use_causal_mask": True}),
]


@pytest.mark.parametrize("name,make,arrays,masks,kwargs", CASES, ids=[c[0] for c in CASES])
def test_group_query_attention_matches_keras(name, make, arrays, masks, kwargs):
    mine = _compare(make, arrays, masks, **kwargs)
    check_config_round_trip(mine)


def test_weights_and_config_as_keras():
    keras = real_keras()
    theirs = keras.layers.GroupQueryAttention(head_dim=3, num_query_heads=4, num_key_value_heads=2, use_gate=True,
                                              name="gqa")
    mine = ours.layers.GroupQueryAttention(head_dim=3, num_query_heads=4, num_key_value_heads=2, use_gate=True,
                                           name="gqa")
    theirs(Q, V)
    mine(Q, V)
    assert [(w.path, tuple(w.shape)) for w in mine.weights] == [(w.path, tuple(w.shape)) for w in theirs.weights]
    config, expected = mine.get_config(), theirs.get_config()
    assert {k: v for k, v in config.items() if k in expected} == \
        {k: v for k, v in expected.items() if k in config and k != "dtype"} | {"dtype": config["dtype"]}
    assert set(expected) - set(config) <= {"dtype"}


def test_automatic_names_as_keras():
    keras = real_keras()
    names = [keras.layers.GroupQueryAttention(2, 2, 1).name for _ in range(2)]
    assert [ours.layers.GroupQueryAttention(2, 2, 1).name for _ in range(2)] == names


def test_training_dropout_and_symbolic_shapes():
    layer = ours.layers.GroupQueryAttention(3, 4, 2, dropout=0.5)
    a, b = layer(Q, Q).numpy(), layer(Q, Q).numpy()
    np.testing.assert_array_equal(a, b)
    assert not np.allclose(layer(Q, Q, training=True).numpy(), a)
    query, value = ours.Input(shape=(5, 6)), ours.Input(shape=(4, 6))
    out, scores = ours.layers.GroupQueryAttention(3, 4, 2)(query, value, return_attention_scores=True)
    assert tuple(out.shape) == (None, 5, 6) and tuple(scores.shape) == (None, 4, 5, 4)


def test_bad_arguments_are_named():
    with pytest.raises(ValueError, match=r"num_query_heads \(4\) must be divisible by num_key_value_heads \(3\)"):
        ours.layers.GroupQueryAttention(2, 4, 3)
    with pytest.raises(ValueError, match="head_dim must be a positive int, got 0"):
        ours.layers.GroupQueryAttention(0, 4, 2)
    with pytest.raises(ValueError, match=r"gqa: query, value and key must be 3-D"):
        ours.layers.GroupQueryAttention(2, 4, 2, name="gqa")(_x(2, 3, 4, 5), _x(2, 3, 4, 5))
    with pytest.raises(ValueError, match="not available with flash_attention=True"):
        ours.layers.GroupQueryAttention(2, 4, 2, flash_attention=True)(Q, Q, return_attention_scores=True)


def test_model_with_group_query_attention_saves_and_loads(tmp_path):
    query = ours.Input((5, 6))
    out = ours.layers.GroupQueryAttention(3, 4, 2, use_gate=True)(query, query, use_causal_mask=True)
    model = ours.Model(query, ours.layers.STFTSpectrogram(frame_length=4)(out))
    expected = model.predict(Q, verbose=0)
    model.save(tmp_path / "gqa.keras")
    again = ours.models.load_model(tmp_path / "gqa.keras")
    np.testing.assert_array_equal(again.predict(Q, verbose=0), expected)
