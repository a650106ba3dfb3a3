"""A TorchStream's position in the byte layout of PyTorch's CPU generator state (what torch.get_rng_state and
torch.Generator.get_state return), so that states move between PyTorch and deepgrad in both directions.

The layout (5056 bytes, little-endian, C struct padding): the initial seed (uint64), `left` and `seeded` (int32),
`next` (uint64), the 624 engine words (each widened to uint64), the legacy Box-Muller fields normal_x, normal_y
(the cached second double normal), normal_rho (float64) and normal_is_valid (int32), then the cached float normal
(float32) and its flag (bool). PyTorch also reads the 5048-byte legacy form, which stops before the float fields.
"""
import numpy as np

#: the sizes of PyTorch's CPU state: the current one and the legacy one torch.set_rng_state still accepts
STATE_BYTES, LEGACY_STATE_BYTES = 5056, 5048
_WORDS = 624
_KEY_AT, _NORMAL_AT = 24, 24 + 8 * _WORDS


def pack(state):
    """The uint8 array (PyTorch's layout) of a TorchStream state dict (TorchStream.get_state)."""
    out = np.zeros(STATE_BYTES, dtype=np.uint8)
    pos = int(state["pos"])
    # PyTorch's engine twists when `left` drops to 0 and then reads word `next`: NumPy's position `pos` (words
    # used since the last twist, 624 right after seeding) is left = 625 - pos, next = pos (at left = 1 the engine
    # twists before reading `next`, so its value there is never used: PyTorch has 0 after seeding, 624 after draws)
    out[0:8] = np.frombuffer(np.uint64(state["seed"]).astype("<u8").tobytes(), np.uint8)
    out[8:16] = np.frombuffer(np.array([_WORDS + 1 - pos, 1], "<i4").tobytes(), np.uint8)
    out[16:24] = np.frombuffer(np.array([pos % _WORDS], "<u8").tobytes(), np.uint8)
    out[_KEY_AT:_NORMAL_AT] = np.frombuffer(np.asarray(state["key"], np.uint32).astype("<u8").tobytes(), np.uint8)
    if state.get("next_normal") is not None:
        out[_NORMAL_AT + 8:_NORMAL_AT + 16] = np.frombuffer(np.array([state["next_normal"]], "<f8").tobytes(),
                                                            np.uint8)
        out[_NORMAL_AT + 24:_NORMAL_AT + 28] = np.frombuffer(np.array([1], "<i4").tobytes(), np.uint8)
    return out


def unpack(data):
    """The TorchStream state dict of a state in PyTorch's layout (bytes or a uint8 array of 5056 or 5048 bytes);
    ValueError if `data` is not one."""
    raw = np.frombuffer(bytes(data), dtype=np.uint8)
    if raw.size not in (STATE_BYTES, LEGACY_STATE_BYTES):
        raise ValueError(f"expected {STATE_BYTES} bytes (or the legacy {LEGACY_STATE_BYTES}), got {raw.size}")
    seed = int(raw[0:8].view("<u8")[0])
    left = int(raw[8:12].view("<i4")[0])
    if not 1 <= left <= _WORDS:
        raise ValueError(f"its engine position (left={left}) is outside 1..{_WORDS}")
    words = raw[_KEY_AT:_NORMAL_AT].view("<u8")
    if int(words.max()) >> 32:
        raise ValueError("its engine words do not fit in 32 bits")
    cached = int(raw[_NORMAL_AT + 24:_NORMAL_AT + 28].view("<i4")[0]) != 0
    return {"bit_generator": "deepgrad.TorchStream", "key": words.astype(np.uint32).tolist(), "pos": _WORDS + 1 - left,
            "seed": seed, "next_normal": float(raw[_NORMAL_AT + 8:_NORMAL_AT + 16].view("<f8")[0]) if cached else None}
