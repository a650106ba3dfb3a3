"""Regression tests for the bugs found by the twenty-second round of ported Keras programs
(tests/keras/test_keras_programs_round22.py), each compared with real Keras 3 (torch backend)."""
import numpy as np

from .oracle import fresh_sessions


def _numpy(K, t):
    return np.asarray(K.ops.convert_to_numpy(t))


def test_lambda_from_config_gives_output_shape_back_as_a_tuple():
    """A Lambda's output_shape read back from a config (a list after JSON or a .keras file) is a tuple again, as
    Keras's Lambda.from_config makes it (nn.keras kept the list, so a reloaded model printed [3, 4] where Keras
    prints (3, 4))."""
    K, ours = fresh_sessions()
    seen = {}
    for lib in (K, ours):
        layer = lib.layers.Lambda(_times_two, output_shape=(3, 4), name="double")
        config = layer.get_config()
        config["output_shape"] = [3, 4]
        with lib.saving.custom_object_scope({"_times_two": _times_two}):
            again = lib.layers.Lambda.from_config(config)
        model = lib.Sequential([lib.Input((3, 4)), again])
        seen[lib] = (again.get_config()["output_shape"], model.output_shape)
    assert seen[ours] == seen[K] == ((3, 4), (None, 3, 4))


def _times_two(t):
    return t * 2.0


def _mask_after_attention(K, attention):
    tokens = np.array([[1, 4, 3, 0, 0, 0], [2, 2, 0, 0, 0, 0]])
    K.utils.set_random_seed(42)
    inputs = K.Input((6,), dtype="int32")
    embedded = K.layers.Embedding(9, 4, mask_zero=True)(inputs)
    attended = attention(K)(embedded, embedded)
    added = K.layers.Add()([embedded, attended])
    pooled = K.layers.Attention()([added, embedded])
    model = K.Model(inputs, pooled)
    return _numpy(K, model(tokens))


def test_group_query_attention_leaves_the_masks_on_its_inputs():
    """Keras's GroupedQueryAttention reads its inputs' masks without taking them off (MultiHeadAttention takes
    them off): a later layer given the same embedded tensor still sees its padding mask. nn.keras's GQA took the
    masks off as MHA does, so an Attention over [Add([e, gqa(e)]), e] attended to the padding (and did not zero
    the padded rows)."""
    K, ours = fresh_sessions()
    for make in (lambda lib: lib.layers.GroupQueryAttention(head_dim=2, num_query_heads=2, num_key_value_heads=1),
                 lambda lib: lib.layers.MultiHeadAttention(num_heads=2, key_dim=2)):
        theirs, mine = _mask_after_attention(K, make), _mask_after_attention(ours, make)
        np.testing.assert_allclose(mine, theirs, rtol=1e-4, atol=1e-6)
    gqa = _mask_after_attention(ours, lambda lib: lib.layers.GroupQueryAttention(2, 2, 1))
    assert np.all(gqa[0, 3:] == 0) and np.all(gqa[1, 2:] == 0)
