"""nn.save / nn.load of plain state_dicts: safetensors round trips, interop with the `safetensors`
package, validation of malformed files (each naming the file), and atomic writes.
Nested checkpoints, file objects and PyTorch's load arguments: test_checkpoints.py."""
import errno
import json
import os
import struct

import numpy as np
import pytest

import autograd as ag
from nn import serialization

DTYPES = [np.float64, np.float32, np.float16, np.int64, np.int32, np.int16, np.int8, np.uint8,
          np.bool_]
SHAPES = [(), (0,), (3, 0, 2), (7,), (2, 3, 4)]


def sample(dtype, shape, seed=0):
    rng = np.random.default_rng(seed)
    if dtype == np.bool_:
        return np.asarray(rng.random(shape) < 0.5)
    if np.issubdtype(dtype, np.integer):
        info = np.iinfo(dtype)
        return np.asarray(rng.integers(info.min, info.max, size=shape, dtype=dtype, endpoint=True))
    arr = np.asarray(rng.standard_normal(shape), dtype=dtype)
    if arr.size >= 4:  # special values must survive bit for bit
        arr.reshape(-1)[:4] = [np.nan, np.inf, -np.inf, -0.0]
    return arr


def raw_file(header, data=b"", pad=True):
    """Build a safetensors file from a header dict (or raw header bytes) and a data buffer."""
    text = header if isinstance(header, bytes) else json.dumps(header).encode()
    if pad:
        text += b" " * (-len(text) % 8)
    return struct.pack("<Q", len(text)) + text + data


def files_in(directory):
    return sorted(os.listdir(directory))


@pytest.mark.parametrize("dtype", DTYPES, ids=lambda d: np.dtype(d).name)
@pytest.mark.parametrize("shape", SHAPES, ids=str)
def test_round_trip_keeps_dtype_shape_and_bits(tmp_path, dtype, shape):
    arr = sample(dtype, shape)
    path = tmp_path / "m.safetensors"
    serialization.save({"x": arr}, path)
    loaded = serialization.load(path)["x"]
    assert isinstance(loaded, ag.Tensor)
    out = loaded.numpy()
    assert out.dtype == arr.dtype and out.shape == arr.shape
    assert out.tobytes() == arr.tobytes()
    assert out.flags.writeable and out.flags.c_contiguous


def test_round_trip_many_tensors_metadata_and_odd_inputs(tmp_path):
    class FakeTensor:  # what nn passes: anything with .numpy()
        def __init__(self, arr):
            self.arr = arr

        def numpy(self):
            return self.arr

    state = {"layer.0.weight": FakeTensor(sample(np.float32, (4, 3))),
             "big_endian": np.arange(5, dtype=">i4"),
             "strided": np.arange(20, dtype=np.float64).reshape(4, 5)[:, ::2],
             "scalar": np.float16(1.5), "naïve": np.ones(2, np.uint8)}
    path = tmp_path / "m.safetensors"
    serialization.save(state, str(path), metadata={"epoch": "3", "note": "é"})
    out = {k: v.numpy() for k, v in serialization.load(path).items()}
    assert set(out) == set(state)
    np.testing.assert_array_equal(out["layer.0.weight"], state["layer.0.weight"].arr)
    np.testing.assert_array_equal(out["big_endian"], np.arange(5))
    assert out["big_endian"].dtype == np.int32 and out["big_endian"].dtype.isnative
    np.testing.assert_array_equal(out["strided"], state["strided"])
    assert out["scalar"].shape == () and out["scalar"] == 1.5
    assert serialization.load_metadata(path) == {"epoch": "3", "note": "é"}
    assert files_in(tmp_path) == ["m.safetensors"]


def test_empty_state_dict_and_no_metadata(tmp_path):
    serialization.save({}, tmp_path / "e.st")
    assert serialization.load(tmp_path / "e.st") == {}
    assert serialization.load_metadata(tmp_path / "e.st") == {}


def test_tensors_are_aligned_after_padded_header(tmp_path):
    path = tmp_path / "a.st"
    serialization.save({"u": np.ones(3, np.uint8), "d": np.ones(3), "f": np.ones(1, np.float32)}, path)
    blob = path.read_bytes()
    (n,) = struct.unpack("<Q", blob[:8])
    header = json.loads(blob[8:8 + n])
    assert (8 + n) % 8 == 0
    assert [header[k]["data_offsets"][0] for k in ("d", "f", "u")] == [0, 24, 28]


@pytest.mark.parametrize("bad, message", [
    ({"x": np.ones(2, np.complex128)}, "'x' has dtype complex128.*view_as_real"),
    ({"x": np.ones(2, np.uint16)}, "uint16"),
    ({"x": np.array(["a"], dtype=object)}, "object"),
    ({"x": {1, 2}}, r"cannot store obj\['x'\], a set"),
    ({"layers": [np.ones(1), print]}, r"cannot store obj\['layers'\]\[1\], a builtin_function_or_method"),
    ({"x": b"raw"}, "a bytes"),
    ({frozenset(): np.ones(1)}, "has the dict key frozenset"),
])
def test_save_rejects_unserialisable_input(tmp_path, bad, message):
    with pytest.raises(TypeError, match=message):
        serialization.save(bad, tmp_path / "m.st")
    assert files_in(tmp_path) == []


def test_save_rejects_non_string_metadata(tmp_path):
    with pytest.raises(TypeError, match="metadata must be a dict of str -> str"):
        serialization.save({"x": np.ones(1)}, tmp_path / "m.st", metadata={"epoch": 3})


def test_bf16_loads_as_bfloat16_or_float32_without_ml_dtypes(tmp_path):
    from autograd.bf16_dtype import bfloat16_available
    bits = np.array([0x3F80, 0xC000, 0x7F80, 0x0000, 0x3E20], dtype="<u2")  # 1, -2, inf, 0, 0.15625
    path = tmp_path / "bf16.st"
    path.write_bytes(raw_file({"h": {"dtype": "BF16", "shape": [5], "data_offsets": [0, 10]}},
                              bits.tobytes()))
    out = serialization.load(path)["h"]
    assert str(out.dtype) == ("bfloat16" if bfloat16_available() else "float32")
    np.testing.assert_array_equal(out.float().numpy(), [1.0, -2.0, np.inf, 0.0, 0.15625])


# ---- interop with the reference implementation --------------------------------------------

def reference_state():
    return {f"{np.dtype(d).name}_{i}": sample(d, s, seed=i)
            for i, (d, s) in enumerate((d, s) for d in DTYPES for s in SHAPES)}


def test_our_files_are_byte_identical_to_safetensors_and_load_there(tmp_path):
    st = pytest.importorskip("safetensors.numpy")
    state = reference_state()
    ours, theirs = tmp_path / "ours.st", tmp_path / "theirs.st"
    # one metadata key: safetensors keeps metadata in a hash map, so its key order varies
    serialization.save(state, ours, metadata={"ünï": "cödé"})
    st.save_file(state, str(theirs), metadata={"ünï": "cödé"})
    assert ours.read_bytes() == theirs.read_bytes()
    loaded = st.load_file(str(ours))
    assert set(loaded) == set(state)
    for name, arr in state.items():
        assert loaded[name].dtype == arr.dtype and loaded[name].tobytes() == arr.tobytes()


def test_files_from_safetensors_load_here(tmp_path):
    st = pytest.importorskip("safetensors.numpy")
    state = reference_state()
    path = tmp_path / "theirs.st"
    st.save_file(state, str(path), metadata={"k": "v"})
    loaded = {k: v.numpy() for k, v in serialization.load(path).items()}
    for name, arr in state.items():
        assert loaded[name].dtype == arr.dtype and loaded[name].tobytes() == arr.tobytes()
    assert serialization.load_metadata(path) == {"k": "v"}


def test_bf16_from_torch_matches_its_float32_value(tmp_path):
    torch = pytest.importorskip("torch")
    st_torch = pytest.importorskip("safetensors.torch")
    t = torch.randn(3, 4).to(torch.bfloat16)
    st_torch.save_file({"w": t}, str(tmp_path / "t.st"))
    np.testing.assert_array_equal(serialization.load(tmp_path / "t.st")["w"].float().numpy(), t.float().numpy())


# ---- malformed files ------------------------------------------------------------------------

F32_2 = {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]}
MALFORMED = {
    "empty": (b"", "shorter than the 8-byte header length"),
    "tiny": (b"\x01\x00\x00", "shorter than the 8-byte header length"),
    "header_past_end": (struct.pack("<Q", 1000) + b"{}", "goes beyond the file"),
    "huge_header_length": (struct.pack("<Q", 2**63) + b"{}" * 10, "goes beyond the file"),
    "garbage": (b"GARBAGE! this is not a safetensors file" * 3, "goes beyond the file"),
    "torch_zip": (b"PK\x03\x04 a zip file, as torch.save writes" * 3, "looks like a PyTorch torch.save checkpoint"),
    "torch_pickle": (b"\x80\x02\x8a\x0alz\xfc\x9cF\xf9 j\xa8P\x19." * 3, "never loads because unpickling"),
    "nested_100000": (raw_file(b"[" * 100_000 + b"]" * 100_000), "nested too deeply"),
    "nested_object_100000": (raw_file(b'{"a":' * 100_000 + b"1" + b"}" * 100_000), "nested too deeply"),
    "huge_dim": (raw_file({"x": dict(F32_2, shape=[0, 2**70], data_offsets=[0, 0])}), "too large for any array"),
    "huge_dims_product": (raw_file({"x": dict(F32_2, shape=[2**40, 2**40, 0], data_offsets=[0, 0])}),
                          "too large for any array"),
    "bad_json": (raw_file(b"{not json"), "not valid JSON"),
    "bad_utf8": (raw_file(b'{"\xff": 1}'), "not valid JSON"),
    "nan_constant": (raw_file(b'{"x": NaN}'), "not valid JSON"),
    "duplicate_key": (raw_file(b'{"x": {}, "x": {}}'), "duplicate keys"),
    "not_object": (raw_file(b"[1, 2]"), "not a JSON object"),
    "unknown_dtype": (raw_file({"x": dict(F32_2, dtype="F8_E4M3")}, bytes(8)), "unknown dtype"),
    "extra_field": (raw_file({"x": dict(F32_2, extra=1)}, bytes(8)), "exactly dtype, shape"),
    "negative_dim": (raw_file({"x": dict(F32_2, shape=[-2])}, bytes(8)), "invalid shape"),
    "float_dim": (raw_file({"x": dict(F32_2, shape=[2.0])}, bytes(8)), "invalid shape"),
    "bool_dim": (raw_file({"x": dict(F32_2, shape=[True, 2])}, bytes(8)), "invalid shape"),
    "reversed_offsets": (raw_file({"x": dict(F32_2, data_offsets=[8, 0])}, bytes(8)),
                         "invalid data_offsets"),
    "size_mismatch": (raw_file({"x": dict(F32_2, shape=[3])}, bytes(8)), "needs 12 bytes"),
    "overlap": (raw_file({"a": F32_2, "b": dict(F32_2, data_offsets=[4, 12])}, bytes(12)),
                "overlaps the previous tensor"),
    "gap": (raw_file({"a": dict(F32_2, data_offsets=[4, 12])}, bytes(12)), "leaves a gap"),
    "out_of_range": (raw_file({"a": F32_2}, bytes(6)), "cover 8 bytes but the data buffer holds 6"),
    "trailing_bytes": (raw_file({"a": F32_2}, bytes(10)), "cover 8 bytes but the data buffer holds 10"),
    "metadata_not_str": (raw_file({"__metadata__": {"epoch": 3}}), "__metadata__ must map"),
    "bool_not_0_or_1": (raw_file({"b": {"dtype": "BOOL", "shape": [2], "data_offsets": [0, 2]}},
                                 b"\x01\x02"), "BOOL tensor 'b'"),
}


@pytest.mark.parametrize("name", MALFORMED)
def test_malformed_files_raise_clear_value_error(tmp_path, name):
    blob, message = MALFORMED[name]
    path = tmp_path / f"{name}.safetensors"
    path.write_bytes(blob)
    with pytest.raises(ValueError, match=message) as info:
        serialization.load(path)
    assert str(path) in str(info.value) and "not a valid safetensors file" in str(info.value)


def test_every_truncation_of_a_valid_file_is_rejected(tmp_path):
    good = tmp_path / "good.st"
    serialization.save({"w": sample(np.float32, (3, 2)), "b": np.arange(3, dtype=np.int64)}, good)
    blob = good.read_bytes()
    cut = tmp_path / "cut.st"
    for length in range(len(blob)):
        cut.write_bytes(blob[:length])
        with pytest.raises(ValueError, match="not a valid safetensors file"):
            serialization.load(cut)


def test_random_header_corruption_never_escapes_as_another_error(tmp_path):
    good = tmp_path / "good.st"
    serialization.save({"w": sample(np.float32, (3, 2)), "m": np.ones(2, np.bool_)}, good)
    blob = bytearray(good.read_bytes())
    (n,) = struct.unpack("<Q", blob[:8])
    rng = np.random.default_rng(0)
    bad = tmp_path / "bad.st"
    for _ in range(300):
        corrupt = bytearray(blob)
        corrupt[int(rng.integers(0, 8 + n))] = int(rng.integers(0, 256))
        bad.write_bytes(bytes(corrupt))
        try:
            serialization.load(bad)
        except ValueError as exc:
            assert "not a valid safetensors file" in str(exc)


# ---- atomic writes --------------------------------------------------------------------------

@pytest.fixture
def previous(tmp_path):
    path = tmp_path / "ckpt.safetensors"
    serialization.save({"w": np.arange(4.0)}, path)
    return path, path.read_bytes()


def assert_untouched(previous):
    path, blob = previous
    assert path.read_bytes() == blob
    assert files_in(path.parent) == [path.name]


def test_failing_value_leaves_previous_file(previous):
    class Broken:
        def numpy(self):
            raise RuntimeError("device lost")

    with pytest.raises(RuntimeError, match="device lost"):
        serialization.save({"w": np.zeros(4), "v": Broken()}, previous[0])
    assert_untouched(previous)


@pytest.mark.parametrize("failing", ["fsync", "replace"])
def test_full_disk_during_write_leaves_previous_file(previous, monkeypatch, failing):
    def no_space(*args):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, failing, no_space)
    with pytest.raises(OSError, match="No space left"):
        serialization.save({"w": np.zeros(1000)}, previous[0])
    monkeypatch.undo()
    assert_untouched(previous)


def test_interrupt_mid_write_leaves_previous_file(previous, monkeypatch):
    real_fdopen = os.fdopen

    class Interrupting:
        def __init__(self, f):
            self.f, self.writes = f, 0

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.f.close()

        def write(self, data):
            self.writes += 1
            if self.writes == 2:
                raise KeyboardInterrupt
            return self.f.write(data)

    monkeypatch.setattr(os, "fdopen", lambda fd, mode: Interrupting(real_fdopen(fd, mode)))
    with pytest.raises(KeyboardInterrupt):
        serialization.save({"w": np.zeros(10), "v": np.ones(3)}, previous[0])
    monkeypatch.undo()
    assert_untouched(previous)


def test_save_replaces_existing_file(previous):
    serialization.save({"new": np.ones(2, np.int8)}, previous[0])
    assert list(serialization.load(previous[0])) == ["new"]
    assert files_in(previous[0].parent) == [previous[0].name]
