"""nn.save / nn.load as torch.save / torch.load are used: paths and open binary files, nested
checkpoints (optimiser states, {'model': ..., 'epoch': ...}), training resumed from a checkpoint,
PyTorch's load arguments, the refusal of whole modules and of pickles, and safe_globals."""
import io
import json
import math
import os
import struct

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import autograd as ag
import nn
from nn import serialization

SETTINGS = settings(max_examples=60, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.function_scoped_fixture])


def plain(obj):
    """`obj` with every Tensor (and NumPy scalar) as a NumPy array, to compare structures exactly."""
    if isinstance(obj, ag.Tensor):
        return obj.numpy()
    if isinstance(obj, np.generic):
        return np.asarray(obj)
    if isinstance(obj, dict):
        return {k: plain(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return type(obj)(plain(v) for v in obj)
    return obj


def assert_same(a, b):
    """Equal structures: same container types, key order, scalar types and values (NaN equal to NaN),
    arrays with the same dtype, shape and bytes."""
    a, b = plain(a), plain(b)
    assert type(a) is type(b), (a, b)
    if isinstance(a, np.ndarray):
        assert a.dtype == b.dtype and a.shape == b.shape and a.tobytes() == b.tobytes()
    elif isinstance(a, dict):
        assert list(a) == list(b) and [type(k) for k in a] == [type(k) for k in b]
        for k in a:
            assert_same(a[k], b[k])
    elif isinstance(a, (list, tuple)):
        assert len(a) == len(b)
        for x, y in zip(a, b):
            assert_same(x, y)
    elif isinstance(a, float):
        assert (math.isnan(a) and math.isnan(b)) or (a == b and math.copysign(1, a) == math.copysign(1, b))
    else:
        assert a == b


def round_trip(obj, **load_args):
    buffer = io.BytesIO()
    nn.save(obj, buffer)
    buffer.seek(0)
    return nn.load(buffer, **load_args)


NESTED = {
    "model": {"0.weight": ag.tensor(np.arange(6.0, dtype=np.float32).reshape(2, 3)), "0.bias": np.zeros(2)},
    "epoch": 7, "best": 0.125, "lost": float("nan"), "limits": (float("-inf"), float("inf"), -0.0),
    "name": "run-ü", "done": False, "notes": None, "big": 2**80,
    "history": [[1, 2.5], {"a": np.int8(3)}, ()],
    3: "int key", (1, "x"): "tuple key", None: "none key", 2.5: "float key", True: "bool key",
    "__metadata__": np.ones(2, np.uint8), "model.0.bias": np.ones(1, np.bool_),  # names that could clash
}


# ---- nested checkpoints -----------------------------------------------------------------------

def test_nested_checkpoint_round_trips_with_types_and_order():
    out = round_trip(NESTED)
    assert_same(out, NESTED)
    assert isinstance(out["model"]["0.bias"], ag.Tensor) and isinstance(out["history"][1]["a"], ag.Tensor)


def test_nested_checkpoint_is_a_safetensors_file_other_tools_read(tmp_path):
    st = pytest.importorskip("safetensors.numpy")
    path = tmp_path / "ckpt.safetensors"
    nn.save(NESTED, path, metadata={"author": "me"})
    entries = st.load_file(str(path))
    np.testing.assert_array_equal(entries["model.0.weight"], np.arange(6.0).reshape(2, 3))
    assert entries["model.0.bias"].dtype == np.float64 and entries["model.0.bias#2"].dtype == np.bool_
    assert "__metadata__#2" in entries and "history.1.a" in entries
    assert nn.serialization.load_metadata(path) == {"author": "me"}
    assert_same(nn.load(path), NESTED)


def test_a_bare_tensor_and_a_list_round_trip():
    t = ag.tensor([[1.0, 2.0]])
    assert_same(round_trip(t), t)
    assert_same(round_trip([t, 3]), [t, 3])


# values hypothesis draws: every kind a checkpoint holds, nested up to a few levels
ARRAYS = st.sampled_from([np.float32, np.float64, np.int64, np.int8, np.bool_]).flatmap(
    lambda dt: st.lists(st.integers(-3, 3), max_size=5).map(lambda v: np.asarray(v).astype(dt)))
SCALARS = (st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True, allow_infinity=True)
           | st.text(max_size=8))
KEYS = st.none() | st.booleans() | st.integers(-5, 5) | st.text(max_size=6) | st.tuples(st.integers(), st.text())
VALUES = st.recursive(SCALARS | ARRAYS, lambda inner: st.lists(inner, max_size=4)
                      | st.tuples(inner, inner) | st.dictionaries(KEYS, inner, max_size=4), max_leaves=12)


@SETTINGS
@given(VALUES)
def test_any_nested_checkpoint_round_trips(obj):
    assert_same(round_trip(obj), obj)


# ---- optimiser states: training resumed from a file goes on exactly as if never stopped ----------

def _setup(make_optimizer):
    ag.manual_seed(0)
    model = nn.Sequential(nn.Dense(4, 8), nn.Tanh(), nn.Dense(8, 3))
    return model, make_optimizer(model.parameters())


def _train(model, optimizer, steps, seed):
    rng = np.random.default_rng(seed)
    loss_fn = nn.CrossEntropyLoss()
    for _ in range(steps):
        x = ag.tensor(rng.standard_normal((16, 4)).astype(np.float32))
        y = ag.tensor(rng.integers(0, 3, 16))
        optimizer.zero_grad()
        loss_fn(model(x), y).backward()
        optimizer.step()


OPTIMIZERS = {
    "sgd_momentum": lambda p: nn.optim.SGD(p, lr=0.1, momentum=0.9, nesterov=True, weight_decay=1e-3),
    "adam": lambda p: nn.optim.Adam(p, lr=0.01, betas=(0.8, 0.99), amsgrad=True),
}


@pytest.mark.parametrize("name", OPTIMIZERS)
@pytest.mark.parametrize("to", ["path", "file_object", "one_file"])
def test_training_resumed_from_a_checkpoint_matches_uninterrupted_training(tmp_path, name, to):
    make = OPTIMIZERS[name]
    model, optimizer = _setup(make)
    _train(model, optimizer, 3, seed=1)
    if to == "path":
        nn.save(model.state_dict(), tmp_path / "model.safetensors")
        nn.save(optimizer.state_dict(), str(tmp_path / "optim.safetensors"))
    elif to == "file_object":
        with open(tmp_path / "model.st", "wb") as f_model, open(tmp_path / "optim.st", "wb") as f_optim:
            nn.save(model.state_dict(), f_model)
            nn.save(optimizer.state_dict(), f_optim)
    else:
        nn.save({"model": model.state_dict(), "optimizer": optimizer.state_dict(), "step": 3},
                tmp_path / "all.safetensors")
    _train(model, optimizer, 4, seed=2)
    expected = {k: v.numpy() for k, v in model.state_dict().items()}

    fresh, fresh_optimizer = _setup(make)
    _train(fresh, fresh_optimizer, 1, seed=99)  # a different state, which loading must replace entirely
    if to == "path":
        fresh.load_state_dict(nn.load(tmp_path / "model.safetensors"))
        fresh_optimizer.load_state_dict(nn.load(str(tmp_path / "optim.safetensors")))
    elif to == "file_object":
        with open(tmp_path / "model.st", "rb") as f_model, open(tmp_path / "optim.st", "rb") as f_optim:
            fresh.load_state_dict(nn.load(f_model))
            fresh_optimizer.load_state_dict(nn.load(f_optim))
    else:
        checkpoint = nn.load(tmp_path / "all.safetensors")
        assert checkpoint["step"] == 3
        fresh.load_state_dict(checkpoint["model"])
        fresh_optimizer.load_state_dict(checkpoint["optimizer"])
    _train(fresh, fresh_optimizer, 4, seed=2)
    for key, value in fresh.state_dict().items():
        np.testing.assert_array_equal(value.numpy(), expected[key], err_msg=key)


@pytest.mark.parametrize("name", OPTIMIZERS)
def test_optimizer_state_dict_round_trips_exactly(name):
    model, optimizer = _setup(OPTIMIZERS[name])
    _train(model, optimizer, 2, seed=1)
    saved = optimizer.state_dict()
    out = round_trip(saved)
    assert_same(out, saved)
    assert out["param_groups"][0]["params"] == [0, 1, 2, 3] and list(out["state"]) == [0, 1, 2, 3]


# ---- paths and file objects -----------------------------------------------------------------

def state():
    """A plain state_dict, its keys in the order safetensors files hold them (by dtype, then by name)."""
    return {"n": np.array([1, 2], np.int64), "w": np.arange(6, dtype=np.float32).reshape(2, 3)}


def test_file_objects_hold_the_same_bytes_as_paths(tmp_path):
    nn.save(state(), tmp_path / "p.st")
    buffer = io.BytesIO()
    nn.save(state(), buffer)
    assert buffer.getvalue() == (tmp_path / "p.st").read_bytes()
    with open(tmp_path / "f.st", "wb") as f:
        nn.save(state(), f)
        assert not f.closed
    assert (tmp_path / "f.st").read_bytes() == buffer.getvalue()


def test_plain_state_dicts_written_to_file_objects_load_in_safetensors():
    st = pytest.importorskip("safetensors.numpy")
    buffer = io.BytesIO()
    nn.save(state(), buffer)
    assert buffer.getvalue() == st.save(state())
    loaded = st.load(buffer.getvalue())
    np.testing.assert_array_equal(loaded["w"], state()["w"])


def test_load_reads_from_the_current_position_of_a_stream():
    buffer = io.BytesIO()
    buffer.write(b"header of some container")
    start = buffer.tell()
    nn.save(state(), buffer)
    buffer.seek(start)
    assert_same(nn.load(buffer), {k: ag.tensor(v) for k, v in state().items()})


def test_load_from_a_stream_that_cannot_seek():
    class Pipe(io.RawIOBase):  # a pipe or socket: readable once, no seek
        def __init__(self, data):
            self.data = io.BytesIO(data)

        def readable(self):
            return True

        def readinto(self, view):
            return self.data.readinto(view)

    buffer = io.BytesIO()
    nn.save(NESTED, buffer)
    assert_same(nn.load(io.BufferedReader(Pipe(buffer.getvalue()))), NESTED)


def test_malformed_file_objects_are_named_in_the_error(tmp_path):
    with pytest.raises(ValueError, match=r"<BytesIO object> is not a valid safetensors file"):
        nn.load(io.BytesIO(b"\x10\x00\x00\x00\x00\x00\x00\x00{}"))
    (tmp_path / "bad.st").write_bytes(b"short")
    with open(tmp_path / "bad.st", "rb") as f, pytest.raises(ValueError, match=r"bad\.st is not a valid"):
        nn.load(f)


def test_bad_destinations_and_sources_are_refused(tmp_path):
    with pytest.raises(TypeError, match="f must be a path .* or a binary file object open for writing, got int"):
        nn.save(state(), 3)
    with pytest.raises(TypeError, match="wrap bytes in io.BytesIO"):
        nn.load(b"\x00" * 16)
    with open(tmp_path / "t.txt", "w") as f:
        f.write("text")
        with pytest.raises(TypeError, match=r"text mode; open it in binary mode \('wb'\)"):
            nn.save(state(), f)
    with open(tmp_path / "t.txt") as f, pytest.raises(TypeError, match=r"text mode; open it in binary mode"):
        nn.load(f)
    with open(tmp_path / "t.txt") as f, pytest.raises(TypeError, match=r"open it in binary mode"):
        nn.load(_Unseekable(f))
    assert os.listdir(tmp_path) == ["t.txt"]


class _Unseekable:
    def __init__(self, f):
        self.read, self.name = f.read, f.name


def test_atomic_write_also_covers_nested_checkpoints(tmp_path):
    path = tmp_path / "ckpt.st"
    nn.save({"epoch": 1}, path)
    before = path.read_bytes()
    with pytest.raises(TypeError, match="a set"):
        nn.save({"epoch": 2, "bad": {1}}, path)
    assert path.read_bytes() == before and os.listdir(tmp_path) == ["ckpt.st"]


# ---- what is refused --------------------------------------------------------------------------

def test_whole_modules_and_optimizers_are_refused_with_the_state_dict_advice(tmp_path):
    model = nn.Sequential(nn.Dense(2, 2))
    with pytest.raises(TypeError, match=r"refusing to save a whole Sequential.*never pickles.*"
                                        r"nn.save\(model.state_dict\(\), .*model.load_state_dict\(nn.load"):
        nn.save(model, tmp_path / "m.st")
    with pytest.raises(TypeError, match=r"whole SGD.*nn.save\(optimizer.state_dict\(\)"):
        nn.save(nn.optim.SGD(model.parameters(), lr=0.1), io.BytesIO())
    with pytest.raises(TypeError, match=r"obj\['model'\], a Sequential .*save its state_dict\(\)"):
        nn.save({"model": model}, tmp_path / "m.st")
    assert os.listdir(tmp_path) == []


def test_cycles_and_absurd_nesting_are_refused():
    loop = []
    loop.append(loop)
    with pytest.raises(ValueError, match="nested more than 100 levels deep"):
        nn.save(loop, io.BytesIO())


def test_pytorch_pickles_are_never_unpickled_even_with_weights_only_false(tmp_path):
    import pickle
    marker = tmp_path / "executed"

    class Payload:
        def __reduce__(self):
            return (open, (str(marker), "w"))

    path = tmp_path / "evil.pt"
    path.write_bytes(pickle.dumps({"w": Payload()}, protocol=2))
    with pytest.raises(ValueError, match=r"evil\.pt is not a valid safetensors file: it looks like a PyTorch"):
        nn.load(path, weights_only=False)
    assert not marker.exists()


def test_a_torch_save_zip_checkpoint_gets_the_conversion_hint(tmp_path):
    torch = pytest.importorskip("torch")
    torch.save({"w": torch.ones(2)}, tmp_path / "model.pt")
    with pytest.raises(ValueError, match=r"safetensors.torch.save_file\(torch.load\(path\)"):
        nn.load(tmp_path / "model.pt")


def _file_with_structure(text, tensors=b"", header=None):
    header = dict(header or {})
    header["__metadata__"] = {"deepgrad.structure": text}
    blob = json.dumps(header).encode()
    blob += b" " * (-len(blob) % 8)
    return io.BytesIO(struct.pack("<Q", len(blob)) + blob + tensors)


F32 = {"x": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4]}}


@pytest.mark.parametrize("text, tensors, header, message", [
    ('{"version": 1, "root": {"tensor": "y"}}', bytes(4), F32, "refers to tensor 'y'"),
    ('{"version": 1, "root": 3}', bytes(4), F32, r"tensors \['x'\] are in the file but not in"),
    ('{"version": 2, "root": 3}', b"", None, "version 2"),
    ('{"root": 3}', b"", None, "must be an object with 'version' and 'root'"),
    ('{"version": 1, "root": {"set": []}}', b"", None, "unknown node"),
    ('{"version": 1, "root": {"float": "1e9"}}', b"", None, "'nan', 'inf' or '-inf'"),
    ('{"version": 1, "root": {"dict": [[[1], 2]]}}', b"", None, "dict keys must be scalars or tuples"),
    ('{"version": 1, "root": {"dict": [1]}}', b"", None, r"\[key, value\] pairs"),
    ('{"version": 1, "root": ' + "[" * 150 + "]" * 150 + "}", b"", None, "nested more than 100 levels"),
    ('{"version": 1, "root": ' + "[" * 100_000 + "]" * 100_000 + "}", b"", None, "nested too deeply"),
    ('{"version": 1, "root": NaN}', b"", None, "not valid JSON"),
], ids=["missing_tensor", "unused_tensor", "version", "no_version", "unknown_tag", "bad_float", "list_key",
        "bad_pairs", "nested_150", "nested_100000", "nan"])
def test_malformed_structure_metadata_raises_value_error(text, tensors, header, message):
    with pytest.raises(ValueError, match=message) as info:
        nn.load(_file_with_structure(text, tensors, header))
    assert "<BytesIO object> is not a valid safetensors file" in str(info.value)


def test_the_structure_metadata_key_is_reserved():
    with pytest.raises(ValueError, match="reserved"):
        nn.save(state(), io.BytesIO(), metadata={"deepgrad.structure": "{}"})


# ---- PyTorch's load arguments -----------------------------------------------------------------

def test_map_location_puts_tensors_on_that_device(device):
    out = round_trip(NESTED, map_location=device)
    assert out["model"]["0.weight"].device == ag.device(device)
    assert round_trip(state(), map_location=ag.device(device))["w"].device == ag.device(device)
    assert round_trip(state(), map_location={"cpu": device})["w"].device == ag.device(device)


def test_map_location_forms_torch_code_uses():
    assert round_trip(state(), map_location=None)["w"].device == ag.get_default_device()
    assert round_trip(state(), map_location={"cuda:0": "cpu"})["n"].device == ag.get_default_device()
    seen = []
    out = round_trip(state(), map_location=lambda storage, location: seen.append(location) or storage)
    assert seen == ["cpu", "cpu"] and isinstance(out["w"], ag.Tensor)
    with pytest.raises(Exception, match="tpu"):
        round_trip(state(), map_location="tpu")


def test_map_location_accepts_a_torch_device():
    torch = pytest.importorskip("torch")
    assert round_trip(state(), map_location=torch.device("cpu"))["w"].device == ag.device("cpu")


def test_torch_load_keywords_are_accepted():
    for kwargs in ({"weights_only": True}, {"weights_only": False}, {"weights_only": None}, {"mmap": True},
                   {"map_location": "cpu", "weights_only": True, "encoding": "latin1"}):
        assert_same(round_trip(state(), **kwargs), {k: ag.tensor(v) for k, v in state().items()})
    with pytest.raises(TypeError, match="unexpected keyword arguments map_locaton"):
        round_trip(state(), map_locaton="cpu")
    with pytest.raises(TypeError, match="pickle_module must be None"):
        round_trip(state(), pickle_module=__import__("pickle"))


def test_safe_globals_is_a_context_manager_and_add_safe_globals_records():
    serialization.clear_safe_globals()
    with serialization.safe_globals([np.dtype, np.ndarray, (dict, "dict")]):
        assert_same(round_trip(state()), {k: ag.tensor(v) for k, v in state().items()})
        assert len(serialization.get_safe_globals()) == 3
    assert serialization.get_safe_globals() == []
    serialization.add_safe_globals([np.ndarray])
    assert serialization.get_safe_globals() == [np.ndarray]
    serialization.clear_safe_globals()
    with pytest.raises(TypeError, match="expected a list"):
        serialization.add_safe_globals(np.ndarray)


def test_views_saved_with_their_base_share_its_memory_again_after_load_as_pytorchs():
    torch = pytest.importorskip("torch")
    loaded = []
    for lib in (ag, torch):
        base = lib.arange(12.0).view(3, 4)
        buffer = io.BytesIO()
        lib.save({"base": base, "row": base[1], "col": base[:, 2], "same": base, "list": [base.sum(0)]}, buffer)
        buffer.seek(0)
        out = lib.load(buffer)
        out["row"][0] = -1.0
        out["col"][0] = -2.0
        out["same"][2, 3] = -3.0
        loaded.append([out["base"].tolist(), out["list"][0].tolist()])
    assert loaded[0] == loaded[1]
    assert loaded[0][0][1][0] == -1.0 and loaded[0][0][0][2] == -2.0 and loaded[0][0][2][3] == -3.0
