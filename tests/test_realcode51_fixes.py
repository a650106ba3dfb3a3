"""Regressions for what widely copied PyTorch code (karpathy's nanoGPT, minGPT, makemore and ng-video-lecture; the
pytorch.org tutorials stop 50 did not run) found when run with only its imports, data and step counts changed.
Each test runs the code's idiom under PyTorch and under deepgrad and compares them; the PyTorch side skips cleanly
when torch is not installed."""
import numpy as np
import pytest

import autograd as ag
import nn
from tests.helpers import require_torch


def test_data_submodules_import_as_in_pytorch():
    """minGPT and makemore write `from torch.utils.data.dataloader import DataLoader`: ported, the import failed
    (No module named 'nn.data.dataloader'). The submodule holds PyTorch's public names, as does `distributed`."""
    from nn.data.dataloader import DataLoader, default_collate, default_convert, get_worker_info
    from nn.data.distributed import DistributedSampler
    import nn.data.dataloader as loader_module
    import nn.data.distributed as distributed_module
    assert DataLoader is nn.data.DataLoader and DistributedSampler is nn.data.DistributedSampler
    assert default_collate is nn.data.default_collate and default_convert is nn.data.default_convert
    assert get_worker_info() is None
    torch = require_torch()
    import torch.utils.data.dataloader as torch_loader
    import torch.utils.data.distributed as torch_distributed
    assert sorted(loader_module.__all__) == sorted(torch_loader.__all__)
    assert sorted(distributed_module.__all__) == sorted(torch_distributed.__all__)


class _Range:
    def __init__(self, n):
        self.n = n

    def __len__(self):
        return self.n

    def __getitem__(self, i):
        return i


def _first_batches(data_module, rand, data, n_batches):
    sampler = data_module.RandomSampler(data, replacement=True, num_samples=int(1e10))
    it = iter(data_module.DataLoader(data, sampler=sampler, batch_size=8, num_workers=0))
    return [next(it).tolist() for _ in range(n_batches)], rand(3).tolist()


def test_endless_random_sampler_with_replacement_streams_pytorchs_indices():
    """minGPT's Trainer and makemore's InfiniteDataLoader: RandomSampler(replacement=True, num_samples=int(1e10))
    under a DataLoader. deepgrad drew all 1e10 indices when the epoch began (MemoryError: 37 GiB); now they come
    32 at a time as the batches are made, PyTorch's indices after the same seed, and the global stream (the
    sampler's seed, the loader's base seed) stays in step with PyTorch's."""
    torch = require_torch()
    data = _Range(1000)
    ag.manual_seed(3407)
    ours = _first_batches(nn.data, ag.rand, data, 9)
    torch.manual_seed(3407)
    theirs = _first_batches(torch.utils.data, torch.rand, data, 9)
    assert ours[0] == theirs[0]
    np.testing.assert_allclose(ours[1], theirs[1], rtol=1e-6)
    assert len(nn.data.RandomSampler(data, replacement=True, num_samples=int(1e10))) == int(1e10)


def test_random_sampler_with_replacement_draws_a_remainder_chunk_as_pytorch():
    """PyTorch draws with replacement in chunks of 32 and then the remainder; a whole epoch of 70 draws must give
    its indices and leave its own generator where PyTorch's is."""
    torch = require_torch()
    ours_gen, theirs_gen = ag.Generator().manual_seed(5), torch.Generator().manual_seed(5)
    ours = list(nn.data.RandomSampler(range(13), replacement=True, num_samples=70, generator=ours_gen))
    theirs = list(torch.utils.data.RandomSampler(range(13), replacement=True, num_samples=70, generator=theirs_gen))
    assert ours == theirs
    assert ag.randint(0, 1000, (4,), generator=ours_gen).tolist() == torch.randint(0, 1000, (4,),
                                                                                   generator=theirs_gen).tolist()


def _pack_log(lib):
    """What the saved-tensors-hooks tutorial prints: every packed and unpacked tensor, as text."""
    log = []
    a = lib.ones(5, requires_grad=True)
    b = lib.ones(5, requires_grad=True) * 2
    with lib.autograd.graph.saved_tensors_hooks(lambda t: (log.append(("pack", repr(t))), t)[1],
                                                lambda t: (log.append(("unpack", repr(t))), t)[1]):
        y = a * b
        z = (a * 3).sin() + a.exp() * lib.ones(5) / b
        w = lib.mm(a.view(1, 5), b.view(5, 1))
    (y.sum() + z.sum() + w.sum()).backward()
    return log


def test_saved_tensors_hooks_pack_the_tensors_pytorch_saves_in_its_order():
    """The saved-tensors-hooks tutorial prints `Packing tensor([2., ...], grad_fn=<MulBackward0>)` then
    `Packing tensor([1., ...], requires_grad=True)` for `a * b`: PyTorch hands pack the very tensors (the
    output of exp too), saves mul's `other` before `self`, and only what the gradients need (nothing of `a * 3`'s
    number, only `other` of `a.exp() * ones`). deepgrad packed detached copies of every saved array, `self` first."""
    torch = require_torch()
    assert _pack_log(ag) == _pack_log(torch)


def test_saved_tensors_hooks_hand_pack_the_op_output_itself():
    torch = require_torch()
    for lib in (ag, torch):
        seen = []
        with lib.autograd.graph.saved_tensors_hooks(lambda t: (seen.append(t), t)[1], lambda t: t):
            x = lib.ones(3, requires_grad=True)
            y = x.exp()
        assert len(seen) == 1 and seen[0] is y
        y.sum().backward()
        np.testing.assert_allclose(np.asarray(x.grad.tolist()), np.e * np.ones(3), rtol=1e-6)


@pytest.mark.parametrize("name", ["softmax", "log_softmax", "softmin"])
@pytest.mark.parametrize("shape", [(4,), (2, 3), (2, 3, 4), (2, 3, 4, 5)])
def test_functional_softmax_without_dim_takes_pytorchs_implicit_dim_and_warns(name, shape):
    """The sequence-models tutorial's `F.log_softmax(tag_space)`: PyTorch picks dim 0 for 0-, 1- and 3-d inputs
    (else 1) and warns "Implicit dimension choice for log_softmax has been deprecated ..." at the caller's line.
    deepgrad's F.softmax and F.log_softmax took the last dim silently: a wrong result for 3-d inputs."""
    import warnings
    torch = require_torch()
    x = np.random.default_rng(3).standard_normal(shape).astype(np.float32)
    printed = []
    for fn, tensor in ((getattr(torch.nn.functional, name), torch.tensor), (getattr(nn.functional, name), ag.tensor)):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            out = fn(tensor(x))
        printed.append((np.asarray(out.tolist()), [(str(w.message), w.filename) for w in caught]))
    np.testing.assert_allclose(printed[1][0], printed[0][0], rtol=1e-5, atol=1e-6)
    assert printed[1][1] == printed[0][1] and printed[0][1][0][1] == __file__


def _recurrent_node_names(lib, modules):
    names = []
    for name, kwargs, dtype, shape in [("LSTM", {}, lib.float32, (5, 2, 3)), ("LSTM", {}, lib.float64, (5, 2, 3)),
                                       ("GRU", {}, lib.float32, (5, 2, 3)), ("RNN", {}, lib.float32, (5, 2, 3)),
                                       ("LSTM", {"bidirectional": True}, lib.float32, (5, 2, 3)),
                                       ("LSTM", {"batch_first": True}, lib.float32, (2, 5, 3)),
                                       ("LSTM", {}, lib.float32, (5, 3)), ("GRU", {}, lib.float32, (5, 3))]:
        out, state = getattr(modules, name)(3, 4, **kwargs).to(dtype)(lib.randn(*shape, dtype=dtype))
        h = state[0] if isinstance(state, tuple) else state
        names.append((name, out.grad_fn.name(), h.grad_fn.name()))
    return names


def test_recurrent_layers_outputs_show_pytorchs_cpu_node_names():
    """The sequence-models tutorial prints an LSTM's output: `grad_fn=<MkldnnRnnLayerBackward0>` on PyTorch's CPU
    (oneDNN runs a float32 LSTM layer; other layers stack their steps, StackBackward0); an unbatched input's
    outputs are squeezed (SqueezeBackward1). deepgrad showed RecurrenceBackward0 and ViewBackward0."""
    torch = require_torch()
    assert _recurrent_node_names(ag, nn) == _recurrent_node_names(torch, torch.nn)


def test_indexing_a_0d_tensor_with_an_int_says_to_use_item():
    """pytorch.org's old two-layer examples print `loss.data[0]`: PyTorch refuses with an IndexError that says
    "invalid index of a 0-dim tensor. Use `tensor.item()` ..."; deepgrad's IndexError gave NumPy's "too many
    indices for array: array is 0-dimensional" instead of the fix."""
    torch = require_torch()
    for lib in (torch, ag):
        loss = (lib.ones(3, requires_grad=True) * 2).sum()
        with pytest.raises(IndexError, match=r"invalid index of a 0-dim tensor.*Use `tensor\.item\(\)`"):
            loss.data[0]
        with pytest.raises(IndexError):
            loss.data[-1]
        assert loss.data[None].shape == (1,) and loss.data[...].shape == ()


def _draws_between_batches(lib, data_module):
    class Draws(data_module.Dataset):   # minGPT's SortDataset: every example drawn from the global stream
        def __len__(self):
            return 40

        def __getitem__(self, i):
            return lib.randint(3, (4,)), lib.rand(1)

    lib.manual_seed(3407)
    seen = []
    for x, y in data_module.DataLoader(Draws(), batch_size=8, shuffle=True):
        seen.append((x.tolist(), np.round(y.numpy(), 6).tolist(), np.round(lib.rand(2).numpy(), 6).tolist()))
    return seen


def test_a_dataset_that_draws_from_the_global_stream_sees_pytorchs_order_and_repeats():
    """minGPT's sort demo: its Dataset draws each example with torch.randint / torch.rand while the model's dropout
    draws between batches. deepgrad made the next batches on a prefetch thread, so the two interleaved at random:
    a seeded run differed from PyTorch's and from itself. Batches made by user code now come on the caller's
    thread, as with PyTorch's num_workers=0."""
    torch = require_torch()
    import torch.utils.data
    ours = _draws_between_batches(ag, nn.data)
    assert ours == _draws_between_batches(torch, torch.utils.data)
    assert ours == _draws_between_batches(ag, nn.data)


def test_pin_memory_without_an_accelerator_warns_as_pytorch():
    """minGPT's Trainer and makemore pass pin_memory=True; PyTorch on a machine without an accelerator warns
    "'pin_memory' argument is set as true but no accelerator is found ..." when the epoch begins."""
    import warnings
    torch = require_torch()
    import torch.utils.data
    messages = []
    for lib, data, accelerated in ((torch, torch.utils.data, torch.accelerator.is_available()),
                                   (ag, nn.data, ag.accelerator.is_available())):
        dataset = data.TensorDataset(lib.zeros(4, 2), lib.zeros(4))
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            next(iter(data.DataLoader(dataset, batch_size=2, pin_memory=True)))
        messages.append(([str(w.message) for w in caught if "pin_memory" in str(w.message)], accelerated))
    if messages[0][1] == messages[1][1]:
        assert messages[1][0] == messages[0][0] and len(messages[0][0]) == (0 if messages[0][1] else 1)
