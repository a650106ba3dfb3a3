"""A two-tower recommender as production PyTorch code writes it: user and item nn.Embedding(sparse=True) tables
trained with torch.optim.SparseAdam while the dense tower (Linear, nn.RMSNorm) trains with torch.optim.Adafactor,
and a bag of user history items pooled by F.embedding_bag with offsets, per_sample_weights (mode='sum') and
padding_idx, beside nn.EmbeddingBag in 'mean' and 'max' modes. Prints the sparse gradients' layout, indices and
values (coalesced), which rows SparseAdam touched, the optimiser state sizes, the losses per step and the node
names. Float32; every random number comes from torch.manual_seed.
"""
import torch
import torch.nn as nn
import torch.nn.functional as F


class TwoTower(nn.Module):
    def __init__(self, users=7, items=9, dim=4):
        super().__init__()
        self.user = nn.Embedding(users, dim, sparse=True)
        self.item = nn.Embedding(items, dim, sparse=True, padding_idx=0)
        self.hist_weight = nn.Parameter(torch.randn(items, dim) * 0.3)
        self.tower = nn.Sequential(nn.Linear(2 * dim, 8), nn.RMSNorm(8), nn.SiLU(), nn.Linear(8, dim))

    def forward(self, users, items, hist, offsets, hist_w):
        bag = F.embedding_bag(hist, self.hist_weight, offsets, mode="sum", per_sample_weights=hist_w,
                              padding_idx=0)
        u = self.tower(torch.cat([self.user(users), bag], dim=-1))
        return (u * self.item(items)).sum(-1)


def main():
    torch.manual_seed(0)
    model = TwoTower()
    users = torch.tensor([0, 3, 3, 5, 1, 6])
    items = torch.tensor([2, 0, 4, 4, 8, 1])
    labels = torch.tensor([1.0, 0.0, 1.0, 0.0, 1.0, 1.0])
    hist = torch.tensor([1, 2, 0, 3, 5, 5, 0, 7, 8, 2, 4, 6])
    offsets = torch.tensor([0, 3, 5, 7, 9, 11])
    hist_w = torch.rand(12)
    sparse = [model.user.weight, model.item.weight]
    dense = [p for n, p in model.named_parameters() if not n.startswith(("user.", "item."))]
    opt_sparse = torch.optim.SparseAdam(sparse, lr=0.05)
    opt_dense = torch.optim.Adafactor(dense, lr=0.02)
    logits = model(users, items, hist, offsets, hist_w)
    print("logits", logits.shape, logits.grad_fn.name())
    loss = F.binary_cross_entropy_with_logits(logits, labels)
    loss.backward()
    g = model.user.weight.grad
    print("user grad", g.layout, g.is_sparse, g.shape, g.dtype)
    gc = g.coalesce()
    print("user grad indices", gc.indices().tolist())
    print("user grad values", gc.values()[:, :2])
    print("item grad rows", model.item.weight.grad.coalesce().indices().tolist())
    print("item padding row grad", model.item.weight.grad.to_dense()[0])
    print("hist_weight grad row 0", model.hist_weight.grad[0], "row 5", model.hist_weight.grad[5])
    before = model.user.weight.detach().clone()
    opt_sparse.step()
    opt_dense.step()
    moved = (model.user.weight.detach() - before).abs().sum(dim=1) > 0
    print("user rows moved", moved.nonzero().flatten().tolist())
    st = opt_sparse.state[model.user.weight]
    print("sparseadam state", sorted(st.keys()), int(st["step"]), st["exp_avg"].shape, st["exp_avg"].is_sparse)
    print("exp_avg_sq rows", st["exp_avg_sq"].abs().sum(dim=1))
    fst = opt_dense.state[model.tower[0].weight]
    print("adafactor state", sorted(fst.keys()), fst["row_var"].shape, fst["col_var"].shape)
    print("adafactor bias state", sorted(opt_dense.state[model.tower[0].bias].keys()))
    for step in range(1, 7):
        opt_sparse.zero_grad()
        opt_dense.zero_grad()
        loss = F.binary_cross_entropy_with_logits(model(users, items, hist, offsets, hist_w), labels)
        loss.backward()
        opt_sparse.step()
        opt_dense.step()
        print(f"step {step} loss {loss.item():.6f} rms weight {model.tower[1].weight[:3].tolist()}")
    bag_mean = nn.EmbeddingBag(9, 3, mode="mean", padding_idx=0)
    bag_max = nn.EmbeddingBag.from_pretrained(bag_mean.weight.detach() * 2, mode="max", freeze=False)
    x = torch.tensor([[1, 0, 2], [0, 0, 4], [5, 6, 7]])
    m, mx = bag_mean(x), bag_max(x)
    print("bag mean", m, "\nbag max", mx)
    (m.sum() + (mx * torch.arange(3.0)).sum()).backward()
    print("bag grads", bag_mean.weight.grad.abs().sum(dim=1), bag_max.weight.grad.abs().sum(dim=1))
    print("rmsnorm eps", model.tower[1].eps, model.tower[1].normalized_shape, model.tower[1])


if __name__ == "__main__":
    main()
