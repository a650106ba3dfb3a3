"""nn.Embedding(sparse=True) and EmbeddingBag(sparse=True): the weight's gradient is a sparse COO tensor of the
looked-up rows (padding left out), and SGD (with momentum and Nesterov), Adagrad and SparseAdam train with it to
PyTorch's numbers; the other optimisers refuse it with PyTorch's message, and SparseAdam refuses dense ones."""
import numpy as np
import pytest

import autograd as ag
import nn

PROGRAM = """
rng = np.random.default_rng(0)
table = rng.standard_normal((10, 4))
for opt_name, kw in [("SGD", dict(lr=0.1)), ("SGD", dict(lr=0.1, momentum=0.9, nesterov=True)),
                     ("Adagrad", dict(lr=0.1, lr_decay=0.01)), ("SparseAdam", dict(lr=0.05))]:
    emb = nn.Embedding(10, 4, sparse=True, padding_idx=0)
    bag = nn.EmbeddingBag(10, 4, mode="sum", sparse=True)
    emb.weight.data = torch.tensor(table)
    bag.weight.data = torch.tensor(table[::-1].copy())
    head = nn.Linear(4, 1).double()
    head.weight.data = torch.tensor(rng.standard_normal((1, 4)))
    head.bias.data = torch.zeros(1, dtype=torch.float64)
    opt = getattr(optim, opt_name)(list(emb.parameters()) + list(bag.parameters()), **kw)
    for step in range(4):
        idx = torch.tensor(rng.integers(0, 10, (3, 5)))
        loss = (head(emb(idx).mean(1) + bag(idx)) ** 2).mean()
        opt.zero_grad()
        loss.backward()
        if step == 0:
            print(opt_name, emb.weight.grad.is_sparse, tuple(emb.weight.grad.shape), emb.weight.grad._nnz())
        opt.step()
        print(opt_name, step, loss.item(), emb.weight.sum().item(), bag.weight.abs().sum().item())
"""


def _run(torch, nn_module, optim, capsys):
    exec(PROGRAM, {"np": np, "torch": torch, "nn": nn_module, "optim": optim})
    return capsys.readouterr().out.splitlines()


def test_sparse_embeddings_train_as_pytorchs(capsys):
    torch = pytest.importorskip("torch")
    theirs = _run(torch, torch.nn, torch.optim, capsys)
    mine = _run(ag, nn, nn.optim, capsys)
    assert len(mine) == len(theirs) == 20
    for a, b in zip(mine, theirs):
        wa, wb = a.split(), b.split()
        assert wa[:2] == wb[:2]
        if wa[1] in ("True", "False"):
            assert wa[2:] == wb[2:]   # the gradient's layout, shape and entry count
        else:
            np.testing.assert_allclose([float(t) for t in wa[2:]], [float(t) for t in wb[2:]], rtol=1e-10)


def test_the_gradient_holds_the_looked_up_rows():
    emb = nn.Embedding(6, 2, sparse=True, padding_idx=5).double()
    emb(ag.tensor([[1, 5, 1], [3, 0, 5]])).sum().backward()
    grad = emb.weight.grad
    assert grad.is_sparse and grad._nnz() == 4 and repr(emb) == "Embedding(6, 2, padding_idx=5, sparse=True)"
    np.testing.assert_array_equal(grad.to_dense().numpy(), [[1, 1], [2, 2], [0, 0], [1, 1], [0, 0], [0, 0]])
    emb(ag.tensor([1])).sum().backward()   # a second backward adds to it
    np.testing.assert_array_equal(emb.weight.grad.to_dense().numpy()[1], [3, 3])


def test_optimisers_without_sparse_support_refuse_with_pytorchs_message():
    emb = nn.Embedding(4, 2, sparse=True)
    emb(ag.tensor([0, 2])).sum().backward()
    for cls, message in ((nn.optim.Adam, "Adam does not support sparse gradients, please consider SparseAdam"),
                         (nn.optim.AdamW, "Adam does not support sparse gradients"),
                         (nn.optim.RMSprop, "RMSprop does not support sparse gradients")):
        with pytest.raises(RuntimeError, match=message):
            cls(emb.parameters(), lr=0.1).step()
    dense = nn.Embedding(4, 2)
    dense(ag.tensor([0, 2])).sum().backward()
    with pytest.raises(RuntimeError, match="SparseAdam does not support dense gradients, please consider Adam"):
        nn.optim.SparseAdam(dense.parameters()).step()
    with pytest.raises(ValueError, match="Invalid learning rate"):
        nn.optim.SparseAdam(dense.parameters(), lr=0.0)


def test_zero_grad_without_none_empties_a_sparse_gradient():
    emb = nn.Embedding(4, 2, sparse=True)
    opt = nn.optim.SGD(emb.parameters(), lr=0.1)
    emb(ag.tensor([0, 1])).sum().backward()
    opt.zero_grad(set_to_none=False)
    assert emb.weight.grad.is_sparse and emb.weight.grad._nnz() == 0
    emb(ag.tensor([1, 1])).sum().backward()
    np.testing.assert_array_equal(emb.weight.grad.to_dense().numpy(), [[0, 0], [2, 2], [0, 0], [0, 0]])


def test_a_jit_step_with_a_sparse_embedding_equals_eager():
    def run(compiled):
        ag.manual_seed(0)
        emb, head = nn.Embedding(10, 4, sparse=True), nn.Linear(4, 1)
        opt = nn.optim.SGD(list(emb.parameters()) + list(head.parameters()), lr=0.1, momentum=0.5)

        def step(idx):
            opt.zero_grad()
            loss = head(emb(idx)).pow(2).mean()
            loss.backward()
            opt.step()
            return loss
        step = ag.jit(step) if compiled else step
        rng = np.random.default_rng(0)
        losses = [step(ag.tensor(rng.integers(0, 10, 6))).item() for _ in range(6)]
        return losses, emb.weight.detach().numpy().copy(), getattr(step, "replays", None)

    (jit_losses, jit_weight, replays), (losses, weight, _) = run(True), run(False)
    assert replays == 4 and jit_losses == losses
    np.testing.assert_array_equal(jit_weight, weight)
