"""The rarer indexing writes and reads in a small recommender's update step (float64): index_copy, index_fill,
index_add with alpha, take and put_ (with accumulate), scatter_reduce('prod' / 'amax' / 'mean', include_self=False),
diagonal_scatter, select_scatter, slice_scatter, masked_scatter and take_along_dim; each one's values, its
grad_fn node and the gradients it passes to both of its inputs, then a factorisation trained through them."""
import torch


def r(t):
    return [round(v, 6) for v in t.detach().reshape(-1).tolist()]


def report(label, out, *inputs):
    weights = torch.arange(1.0, out.numel() + 1, dtype=torch.float64).reshape(out.shape)
    grads = torch.autograd.grad((out * weights).sum(), inputs, allow_unused=True)
    print(label, out.grad_fn.name(), tuple(out.shape), r(out))
    for g in grads:
        print("  grad", None if g is None else r(g))


def leaf(*shape, seed):
    g = torch.Generator().manual_seed(seed)
    return torch.randn(*shape, generator=g, dtype=torch.float64).requires_grad_()


def main():
    base, src = leaf(4, 3, seed=1), leaf(2, 3, seed=2)
    idx = torch.tensor([3, 1])
    report("index_copy", base.index_copy(0, idx, src), base, src)
    report("index_fill", base.index_fill(1, torch.tensor([0, 2]), -1.5), base)
    report("index_add", torch.index_add(base, 0, torch.tensor([1, 1]), src, alpha=0.5), base, src)
    report("take", torch.take(base, torch.tensor([[0, 11], [5, 5]])), base)
    vals = leaf(3, seed=3)
    report("put", base.put(torch.tensor([1, 4, 1]), vals, accumulate=True), base, vals)
    report("put noacc", base.put(torch.tensor([0, 7, 2]), vals), base, vals)

    pos = leaf(6, seed=4)
    target = leaf(3, seed=5)
    index = torch.tensor([0, 2, 0, 1, 2, 2])
    for reduce in ["prod", "amax", "mean", "sum", "amin"]:
        report(f"scatter_reduce {reduce}", target.scatter_reduce(0, index, pos.abs() + 0.5, reduce=reduce, include_self=False),
               target, pos)
    report("scatter_reduce mean self", target.scatter_reduce(0, index, pos.abs() + 0.5, reduce="mean"), target, pos)

    sq, diag = leaf(3, 3, seed=6), leaf(3, seed=7)
    report("diagonal_scatter", torch.diagonal_scatter(sq, diag), sq, diag)
    report("diagonal_scatter off", torch.diagonal_scatter(sq, diag[:2], offset=1), sq, diag)
    report("select_scatter", torch.select_scatter(sq, diag, 1, 2), sq, diag)
    report("slice_scatter", torch.slice_scatter(leaf(4, 3, seed=8), sq[:2], dim=0, start=1, end=4, step=2), sq)
    mask = torch.tensor([[True, False, True], [False, False, True], [True, True, False]])
    many = leaf(7, seed=9)
    report("masked_scatter", sq.masked_scatter(mask, many), sq, many)
    report("take_along_dim", torch.take_along_dim(sq, torch.tensor([[2, 0], [1, 1], [0, 2]]), dim=1), sq)
    report("take_along_dim flat", torch.take_along_dim(sq, torch.tensor([8, 0, 4])), sq)

    # a tiny matrix factorisation whose rating matrix is assembled with index_put and read back with take
    torch.manual_seed(0)
    users, items = torch.nn.Parameter(torch.randn(5, 2, dtype=torch.float64) * 0.5), \
        torch.nn.Parameter(torch.randn(4, 2, dtype=torch.float64) * 0.5)
    rows, cols = torch.tensor([0, 1, 2, 3, 4, 0, 2, 4]), torch.tensor([0, 1, 2, 3, 0, 3, 1, 2])
    ratings = torch.tensor([5.0, 3.0, 4.0, 1.0, 2.0, 4.0, 2.0, 5.0], dtype=torch.float64)
    opt = torch.optim.Adagrad([users, items], lr=0.3)
    for step in range(8):
        full = users @ items.T
        pred = torch.take(full, rows * 4 + cols)
        seen = torch.zeros(5, 4, dtype=torch.float64).index_put((rows, cols), torch.ones(8, dtype=torch.float64))
        penalty = (full * (1 - seen)).pow(2).mean()
        loss = (pred - ratings).pow(2).mean() + 0.1 * penalty
        opt.zero_grad()
        loss.backward()
        opt.step()
        print("mf", step, round(loss.item(), 8), pred.grad_fn.name(), r(items.grad)[:4])
    print("users", r(users))


main()
