"""After the same seed, deepgrad's host devices draw PyTorch's CPU numbers (backends/torch_stream.py): every
creation op and in-place fill, ag.Generator, the layers' default initialisation, nn.init, dropout, and the
data pipeline's shuffles, compared with PyTorch 2.13 on this machine."""
import pathlib

import numpy as np
import pytest

import autograd as ag
import backends
import nn
import nn.functional as F
from backends.torch_stream import TorchStream
from nn import data
from tests.helpers import pytorch_draws_generically, skip_unless_pytorch_draws_generically

torch = pytest.importorskip("torch")

SIZES = [(), (0,), (1,), (5,), (15,), (16,), (17,), (3, 11), (1000,)]
DTYPES = [(np.float32, torch.float32), (np.float64, torch.float64)]


def _seed(seed=0):
    ag.manual_seed(seed)
    torch.manual_seed(seed)


def _ulps(a, b):
    """The largest distance between a and b in units of the last place of b (complex: of either part)."""
    a, b = np.asarray(a), np.asarray(b)
    if b.dtype.kind == "c":
        a, b = a.view(a.real.dtype), b.view(b.real.dtype)
    a = a.astype(np.float64)
    if b.size == 0:
        return 0.0
    return float(np.max(np.abs(a - b) / np.spacing(np.abs(b).astype(b.dtype)).astype(np.float64)))


def _assert_pytorchs(ours, theirs, exact=True):
    ours, theirs = np.asarray(ours), theirs.detach().numpy()
    assert ours.shape == theirs.shape and ours.dtype == theirs.dtype
    if exact:
        np.testing.assert_array_equal(ours, theirs)
    else:   # PyTorch's vector log/sin/cos: the same to the bit on most elements, within 2 ulps on the rest
        assert (ours == theirs).mean() >= (0.99 if ours.size >= 1000 else 0.75)
        assert _ulps(ours, theirs) <= 2


@pytest.mark.parametrize("device", ["cpu", "numba"])
@pytest.mark.parametrize("dtype,tdtype", DTYPES)
@pytest.mark.parametrize("shape", SIZES)
def test_rand_randn_randint_randperm_are_pytorchs(device, dtype, tdtype, shape):
    if device not in backends.available():
        pytest.skip(f"no {device} device")
    _seed(3)
    for _ in range(2):       # twice: the second call starts where the first left the stream
        _assert_pytorchs(ag.rand(shape, dtype=dtype, device=device), torch.rand(shape, dtype=tdtype))
        _assert_pytorchs(ag.randn(shape, dtype=dtype, device=device), torch.randn(shape, dtype=tdtype),
                         exact=int(np.prod(shape)) < 16)
        _assert_pytorchs(ag.randint(-5, 9, shape, device=device), torch.randint(-5, 9, shape))
        _assert_pytorchs(ag.randint(0, 2 ** 40, shape, device=device), torch.randint(0, 2 ** 40, shape))
        n = int(np.prod(shape)) if shape else 7
        _assert_pytorchs(ag.randperm(n, device=device), torch.randperm(n))


@pytest.mark.parametrize("dtype,tdtype", DTYPES + [(np.float16, torch.float16)])
def test_in_place_fills_are_pytorchs(dtype, tdtype):
    _seed(11)
    for shape in ((7,), (16,), (40,), (2, 24)):
        n = int(np.prod(shape))
        exact_normal = n < 16
        ours, theirs = ag.empty(*shape, dtype=dtype), torch.empty(*shape, dtype=tdtype)
        fills = (("uniform_", (-0.37, 2.5)), ("normal_", (0.3, 0.02)), ("random_", (3, 70)), ("random_", ()),
                 ("exponential_", (1.5,)), ("cauchy_", (0.1, 2.0)), ("geometric_", (0.2,)),
                 ("log_normal_", (0.3, 0.4)))
        for name, args in fills:
            if name == "exponential_" and not pytorch_draws_generically("exponential"):
                continue
            getattr(ours, name)(*args)
            getattr(theirs, name)(*args)
            libm = name in ("exponential_", "cauchy_", "log_normal_") and dtype == np.float64
            if libm:       # NumPy's float64 vector functions may differ from the C library's by an ulp
                np.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=1e-14)
            else:
                _assert_pytorchs(ours.numpy(), theirs, exact=exact_normal or name != "normal_")


@pytest.mark.parametrize("tname", ["float16", "bfloat16"])
def test_half_precision_normal_draws_of_a_partial_last_block_are_pytorchs(tname):
    # PyTorch draws the whole blocks' uniforms, then 16 fresh ones whose normals fill the last 16 places
    _seed(8)
    ours, theirs = getattr(ag, tname), getattr(torch, tname)
    for n in (17, 20, 31, 33, 47, 100, 1001):
        _assert_pytorchs(ag.randn(n, dtype=ours).float(), torch.randn(n, dtype=theirs).float())
        _assert_pytorchs(ag.empty(n, dtype=ours).normal_(0.3, 2.0).float(),
                         torch.empty(n, dtype=theirs).normal_(0.3, 2.0).float())
        _assert_pytorchs(ag.rand(3), torch.rand(3))


@pytest.mark.parametrize("dtype,tdtype", [(ag.complex64, torch.complex64), (ag.complex128, torch.complex128)])
def test_complex_draws_fill_real_and_imaginary_parts_as_pytorch(dtype, tdtype):
    _seed(2)
    for n in (5, 40):
        _assert_pytorchs(ag.rand(n, dtype=dtype), torch.rand(n, dtype=tdtype))
        _assert_pytorchs(ag.randn(n, dtype=dtype), torch.randn(n, dtype=tdtype), exact=n < 8)
        _assert_pytorchs(ag.empty(n, dtype=dtype).uniform_(-1, 2), torch.empty(n, dtype=tdtype).uniform_(-1, 2))


def test_bernoulli_draws_are_pytorchs():
    _seed(5)
    p32 = np.random.default_rng(0).random((6, 7)).astype(np.float32)
    for p in (p32, p32.astype(np.float64)):
        _assert_pytorchs(ag.bernoulli(ag.tensor(p)), torch.bernoulli(torch.from_numpy(p)))
        if pytorch_draws_generically("bernoulli"):    # a number p: PyTorch's bernoulli_(p) kernel
            _assert_pytorchs(ag.bernoulli(ag.tensor(p), 0.3), torch.bernoulli(torch.from_numpy(p), 0.3))
            _assert_pytorchs(ag.tensor(p).bernoulli_(0.6), torch.from_numpy(p.copy()).bernoulli_(0.6))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_rrelu_slopes_and_multinomial_draws_are_pytorchs(dtype):
    x = np.random.default_rng(2).standard_normal(300).astype(dtype)
    x[5] = 0.0
    _seed(6)
    _assert_pytorchs(F.rrelu(ag.tensor(x), training=True).numpy(),
                     torch.nn.functional.rrelu(torch.from_numpy(x), training=True))
    w = np.random.default_rng(3).random((4, 30)).astype(dtype)
    for replacement, n in ((True, 50), (True, 1), (False, 10), (False, 30)):
        if (n == 1 or not replacement) and not pytorch_draws_generically("exponential"):
            continue   # these race exponential draws
        _assert_pytorchs(ag.multinomial(ag.tensor(w), n, replacement=replacement).numpy(),
                         torch.multinomial(torch.from_numpy(w), n, replacement=replacement))
    _assert_pytorchs(ag.rand(3), torch.rand(3))


def test_generator_streams_are_pytorchs():
    ours, theirs = ag.Generator(), torch.Generator()
    assert ours.initial_seed() == theirs.initial_seed() == 67280421310721
    _assert_pytorchs(ag.rand(9, generator=ours), torch.rand(9, generator=theirs))   # unseeded: the same default
    for seed in (0, 7, 2 ** 40 + 3):
        ours.manual_seed(seed)
        theirs.manual_seed(seed)
        _assert_pytorchs(ag.randn(3, generator=ours), torch.randn(3, generator=theirs))
        _assert_pytorchs(ag.randn(33, generator=ours), torch.randn(33, generator=theirs), exact=False)
        _assert_pytorchs(ag.randint(10, (12,), generator=ours), torch.randint(10, (12,), generator=theirs))
        _assert_pytorchs(ag.randperm(20, generator=ours), torch.randperm(20, generator=theirs))
        _assert_pytorchs(ag.empty(8).uniform_(-1, 1, generator=ours), torch.empty(8).uniform_(-1, 1, generator=theirs))
        _assert_pytorchs(ag.empty(5, dtype=ag.float64).normal_(2, 3, generator=ours),
                         torch.empty(5, dtype=torch.float64).normal_(2, 3, generator=theirs))


def test_state_round_trip_keeps_the_pending_normal():
    ag.manual_seed(4)
    ag.randn(3)                  # leaves the second value of a Box-Muller pair for the next draw
    state = ag.get_rng_state()
    first = ag.randn(5).numpy()
    ag.set_rng_state(state)
    np.testing.assert_array_equal(ag.randn(5).numpy(), first)
    g = ag.Generator().manual_seed(8)
    ag.randn(1, generator=g)
    saved = g.get_state()
    again = ag.randn(4, generator=g).numpy()
    np.testing.assert_array_equal(ag.randn(4, generator=g.set_state(saved)).numpy(), again)


def test_a_state_that_is_not_deepgrads_is_refused_with_the_fix():
    with pytest.raises(ValueError, match="get_state"):
        ag.Generator().set_state(ag.tensor(np.frombuffer(b'{"state": 1}', dtype=np.uint8)))
    with pytest.raises(ValueError, match="not a deepgrad random state"):
        TorchStream(0).set_state({"bit_generator": "PCG64"})


@pytest.mark.parametrize("make", [
    lambda m: m.Linear(20, 7), lambda m: m.Conv2d(3, 8, 3), lambda m: m.Conv1d(4, 6, 5, groups=2),
    lambda m: m.ConvTranspose2d(4, 6, 3, groups=2), lambda m: m.LSTM(5, 9, num_layers=2, bidirectional=True),
    lambda m: m.GRU(4, 6), lambda m: m.RNNCell(3, 5), lambda m: m.LSTMCell(3, 5), lambda m: m.Embedding(30, 6),
    lambda m: m.Bilinear(3, 4, 5), lambda m: m.MultiheadAttention(16, 4),
    lambda m: m.TransformerEncoderLayer(16, 4, 32), lambda m: m.BatchNorm2d(4), lambda m: m.LayerNorm(6),
], ids=["Linear", "Conv2d", "Conv1d-groups", "ConvTranspose2d", "LSTM", "GRU", "RNNCell", "LSTMCell", "Embedding",
        "Bilinear", "MultiheadAttention", "TransformerEncoderLayer", "BatchNorm2d", "LayerNorm"])
def test_layers_start_from_pytorchs_weights(make):
    _seed(0)
    ours, theirs = make(nn), make(torch.nn)
    pairs = list(zip(ours.named_parameters(), theirs.named_parameters()))
    assert len(pairs) == len(list(theirs.parameters()))
    for (name, a), (tname, b) in pairs:
        assert name == tname
        _assert_pytorchs(a.detach().numpy(), b)


def test_init_functions_draw_pytorchs_values():
    _seed(1)
    shape = (6, 5, 3)
    for name, kwargs in (("uniform_", {"a": -2, "b": 3}), ("normal_", {"std": 0.5}), ("xavier_uniform_", {}),
                         ("xavier_normal_", {}), ("kaiming_uniform_", {"nonlinearity": "relu"}),
                         ("kaiming_normal_", {"mode": "fan_out"})):
        ours, theirs = ag.empty(*shape), torch.empty(*shape)
        getattr(nn.init, name)(ours, **kwargs)
        getattr(torch.nn.init, name)(theirs, **kwargs)
        _assert_pytorchs(ours.numpy(), theirs, exact=False)
    ours, theirs = ag.empty(40, 30), torch.empty(40, 30)
    nn.init.trunc_normal_(ours, std=0.02)
    torch.nn.init.trunc_normal_(theirs, std=0.02)
    np.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=1e-5, atol=1e-7)
    nn.init.orthogonal_(ours, gain=2.0)
    torch.nn.init.orthogonal_(theirs, gain=2.0)
    np.testing.assert_allclose(ours.numpy(), theirs.numpy(), atol=1e-5)
    nn.init.sparse_(ours, 0.3)
    torch.nn.init.sparse_(theirs, 0.3)
    np.testing.assert_array_equal(ours.numpy() == 0, theirs.numpy() == 0)
    np.testing.assert_allclose(ours.numpy(), theirs.numpy(), atol=1e-6)
    g, tg = ag.Generator().manual_seed(3), torch.Generator().manual_seed(3)
    _assert_pytorchs(nn.init.kaiming_uniform_(ag.empty(4, 9), generator=g).numpy(),
                     torch.nn.init.kaiming_uniform_(torch.empty(4, 9), generator=tg))


def test_dropout_masks_are_pytorchs():
    skip_unless_pytorch_draws_generically("bernoulli")
    x = np.random.default_rng(1).standard_normal((3, 4, 5, 6)).astype(np.float32)
    for ours, theirs in ((lambda t: F.dropout(t, 0.3, True), lambda t: torch.nn.functional.dropout(t, 0.3, True)),
                         (lambda t: F.dropout2d(t, 0.4, True), lambda t: torch.nn.functional.dropout2d(t, 0.4, True)),
                         (lambda t: F.alpha_dropout(t, 0.2, True), lambda t: torch.nn.functional.alpha_dropout(t, 0.2, True)),
                         (lambda t: F.feature_alpha_dropout(t, 0.2, True),
                          lambda t: torch.nn.functional.feature_alpha_dropout(t, 0.2, True)),
                         (lambda t: nn.Dropout(0.5)(t), lambda t: torch.nn.Dropout(0.5)(t)),
                         (lambda t: ag.native_dropout(t, 0.3, True)[0], lambda t: torch.native_dropout(t, 0.3, True)[0])):
        _seed(0)
        _assert_pytorchs(ours(ag.tensor(x)).numpy(), theirs(torch.from_numpy(x)))


@pytest.mark.parametrize("block_elements", [None, 64])
def test_attention_dropout_masks_and_gradients_are_pytorchs(block_elements, monkeypatch):
    # the fused node computes query rows in blocks; its mask is still drawn as PyTorch's math path draws it
    skip_unless_pytorch_draws_generically("bernoulli")
    from autograd.ops import attention
    if block_elements:
        monkeypatch.setattr(attention, "BLOCK_ELEMENTS", block_elements)
    rng = np.random.default_rng(4)
    q, k, v = (rng.standard_normal(shape).astype(np.float32) for shape in ((2, 3, 17, 8), (2, 3, 13, 8), (2, 3, 13, 5)))
    ours = [ag.tensor(a, requires_grad=True) for a in (q, k, v)]
    theirs = [torch.tensor(a, requires_grad=True) for a in (q, k, v)]
    _seed(6)
    out = F.scaled_dot_product_attention(*ours, dropout_p=0.3)
    tout = torch.nn.functional.scaled_dot_product_attention(*theirs, dropout_p=0.3)
    _assert_pytorchs(ag.rand(5), torch.rand(5))
    np.testing.assert_allclose(out.detach().numpy(), tout.detach().numpy(), rtol=1e-5, atol=1e-6)
    (out * out).sum().backward()
    (tout * tout).sum().backward()
    for a, b in zip(ours, theirs):
        np.testing.assert_allclose(a.grad.numpy(), b.grad.numpy(), rtol=1e-4, atol=1e-5)


def test_shuffles_and_splits_are_pytorchs():
    from torch.utils import data as tdata
    _seed(9)
    for _ in range(2):
        assert list(data.RandomSampler(range(13))) == list(tdata.RandomSampler(range(13)))
        assert list(data.RandomSampler(range(5), num_samples=10)) == list(tdata.RandomSampler(range(5), num_samples=10))
        assert list(data.RandomSampler(range(6), replacement=True, num_samples=40)) == \
            list(tdata.RandomSampler(range(6), replacement=True, num_samples=40))
        assert list(data.SubsetRandomSampler([4, 8, 15, 16, 23, 42])) == \
            list(tdata.SubsetRandomSampler([4, 8, 15, 16, 23, 42]))
        weights = [0.1, 2.0, 0.0, 1.5, 0.7, 3.0]
        for replacement in (True, False) if pytorch_draws_generically("exponential") else (True,):
            assert list(data.WeightedRandomSampler(weights, 5, replacement)) == \
                list(tdata.WeightedRandomSampler(weights, 5, replacement))
        assert [s.indices for s in data.random_split(range(10), [0.3, 0.7])] == \
            [list(s.indices) for s in tdata.random_split(range(10), [0.3, 0.7])]
    ours = data.DataLoader(data.TensorDataset(ag.arange(20)), batch_size=6, shuffle=True)
    theirs = tdata.DataLoader(tdata.TensorDataset(torch.arange(20)), batch_size=6, shuffle=True)
    for _ in range(3):
        assert [b[0].tolist() for b in ours] == [b[0].tolist() for b in theirs]
        assert [b.tolist() for b in data.DataLoader(range(5), batch_size=2)] == \
            [b.tolist() for b in tdata.DataLoader(range(5), batch_size=2)]   # an unshuffled epoch draws too
    g, tg = ag.Generator().manual_seed(1), torch.Generator().manual_seed(1)
    ours = data.DataLoader(data.TensorDataset(ag.arange(9)), batch_size=4, shuffle=True, generator=g)
    theirs = tdata.DataLoader(tdata.TensorDataset(torch.arange(9)), batch_size=4, shuffle=True, generator=tg)
    for _ in range(2):
        assert [b[0].tolist() for b in ours] == [b[0].tolist() for b in theirs]
    _assert_pytorchs(ag.rand(4), torch.rand(4))     # and the global streams are still in step


def test_the_host_devices_share_pytorchs_one_cpu_stream():
    if "numba" not in backends.available():
        pytest.skip("no numba device")
    from torch.utils import data as tdata
    _seed(4)
    _assert_pytorchs(ag.rand(3, device="numba"), torch.rand(3))
    _assert_pytorchs(ag.randperm(6, device="cpu"), torch.randperm(6))
    assert data.random_split(range(8), [3, 5])[0].indices == list(tdata.random_split(range(8), [3, 5])[0].indices)
    _assert_pytorchs(ag.randn(5, device="numba"), torch.randn(5))
    _assert_pytorchs(ag.rand(2, device="cpu"), torch.rand(2))


def test_a_host_device_first_used_after_the_seed_continues_the_stream(tmp_path):
    import os
    import subprocess
    import sys
    if "numba" not in backends.available():
        pytest.skip("no numba device")
    script = ("import sys; sys.path.insert(0, sys.argv[1]); import autograd as ag, backends\n"
              "assert 'numba' not in backends.registry._instances\n"
              "ag.manual_seed(5); print(ag.rand(2).tolist(), ag.rand(2, device='numba').tolist())")
    env = {k: v for k, v in os.environ.items() if k != "DEEPGRAD_DEVICE"}
    run = subprocess.run([sys.executable, "-c", script, str(pathlib.Path(__file__).parents[2])], env=env,
                         capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    torch.manual_seed(5)
    assert run.stdout.strip() == f"{torch.rand(2).tolist()} {torch.rand(2).tolist()}"


_PROGRAM = """
import sys
lib = sys.argv[1]
if lib == "torch":
    import torch
    from torch import nn
    from torch.utils.data import DataLoader, TensorDataset, random_split
    optim = torch.optim
else:
    import autograd as torch
    import nn
    from nn.data import DataLoader, TensorDataset, random_split
    optim = nn.optim
torch.manual_seed(0)
X = torch.randn(200, 10)
y = (X[:, 0] > 0).long()
train, test = random_split(TensorDataset(X, y), [150, 50])
model = nn.Sequential(nn.Linear(10, 32), nn.ReLU(), nn.Dropout(0.2), nn.Linear(32, 2))
opt = optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
loss_fn = nn.CrossEntropyLoss()
for epoch in range(3):
    model.train()
    total = 0.0
    for xb, yb in DataLoader(train, batch_size=16, shuffle=True):
        opt.zero_grad()
        loss = loss_fn(model(xb), yb)
        loss.backward()
        opt.step()
        total += loss.item()
    model.eval()
    correct = sum((model(xb).argmax(1) == yb).sum().item() for xb, yb in DataLoader(test, batch_size=25))
    print(f"{epoch} {total:.5f} {correct}")
print(f"{torch.rand(1).item():.8f}")
"""


def test_a_seeded_pytorch_training_script_prints_pytorchs_numbers(tmp_path):
    skip_unless_pytorch_draws_generically("bernoulli")    # its Dropout
    import subprocess
    import sys
    script = tmp_path / "train.py"
    script.write_text(_PROGRAM)
    runs = [subprocess.run([sys.executable, str(script), lib], capture_output=True, text=True, timeout=300)
            for lib in ("torch", "deepgrad")]
    for run in runs:
        assert run.returncode == 0, run.stderr
    assert runs[0].stdout == runs[1].stdout


def test_a_draw_for_a_non_float_dtype_is_refused_with_or_without_a_generator():
    # as PyTorch ("not implemented for 'Long'"): an integer rand was NumPy's truncation to zeros before
    for dtype in (ag.int64, ag.int32):
        for kwargs in ({}, {"generator": ag.Generator()}):
            with pytest.raises(NotImplementedError, match=f"rand: draws floating-point numbers.*{np.dtype(dtype)}"):
                ag.rand(4, dtype=dtype, **kwargs)
            with pytest.raises(NotImplementedError, match="randn: .*torch.randint"):
                ag.randn(3, dtype=dtype, **kwargs)


@pytest.mark.parametrize("dtype,tdtype", DTYPES)
def test_large_normal_draws_are_pytorchs_across_the_transforms_passes(dtype, tdtype):
    """randn of more elements than one pass of the normal transform takes (backends/torch_stream.py's _CHUNK),
    with a partial last block of 16: the passes join without a seam, and the stream stays in step after it."""
    from backends.torch_stream import _CHUNK
    _seed(11)
    n = 2 * _CHUNK + 16 * 37 + 5
    _assert_pytorchs(ag.randn(n, dtype=dtype), torch.randn(n, dtype=tdtype), exact=False)
    # no mean here: a draw within an ulp of PyTorch's, shifted to near zero, is many of the result's ulps away
    _assert_pytorchs(ag.empty(n, dtype=dtype).normal_(0.0, 3.0), torch.empty(n, dtype=tdtype).normal_(0.0, 3.0),
                     exact=False)
    _assert_pytorchs(ag.rand(7, dtype=dtype), torch.rand(7, dtype=tdtype))


@pytest.mark.parametrize("shape", [(0, 2, 5, 4), (2, 2, 0, 4), (2, 2, 5, 0)])
def test_attention_dropout_of_empty_shapes_keeps_the_stream(shape):
    """scaled_dot_product_attention with dropout on an empty batch, no queries or no features: the shape PyTorch
    gives, and the stream where PyTorch leaves it (the packed mask of zero rows had failed to unpack)."""
    import nn.functional as F
    _seed(4)
    q = np.zeros(shape, np.float32)
    ours = F.scaled_dot_product_attention(ag.tensor(q), ag.tensor(q), ag.tensor(q), dropout_p=0.3)
    theirs = torch.nn.functional.scaled_dot_product_attention(*[torch.from_numpy(q)] * 3, dropout_p=0.3)
    assert tuple(ours.shape) == tuple(theirs.shape)
    _assert_pytorchs(ag.rand(7), torch.rand(7))


def test_dropout_mask_drawn_in_chunks_is_pytorchs():
    """A dropout mask larger than one drawing chunk (backends/torch_stream.py) is still PyTorch's, and the stream
    goes on where PyTorch's does."""
    skip_unless_pytorch_draws_generically("bernoulli")
    from backends import torch_stream
    n = 3 * torch_stream._BERNOULLI_CHUNK + 17
    ag.manual_seed(11)
    torch.manual_seed(11)
    ours = F.dropout(ag.ones(n), 0.3, training=True).numpy()
    theirs = torch.nn.functional.dropout(torch.ones(n), 0.3, training=True).numpy()
    np.testing.assert_array_equal(ours, theirs)
    np.testing.assert_array_equal(ag.rand(5).numpy(), torch.rand(5).numpy())
