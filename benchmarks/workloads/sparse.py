"""A graph convolution's sparse product: a normalised random adjacency (b10k nodes, 200k edges; 2k and 40k
with --quick) times a (nodes, 64) float32 feature matrix, forward and backward to the features, deepgrad
against PyTorch's torch.sparse.mm in one run."""
import numpy as np

from ..case import OURS, Case, Goal, Side
from ..sides import load_deepgrad, load_torch


def make_graph(nodes, edges, features):
    """Fixed random (2, edges) indices, edge weights and (nodes, features) float32 features."""
    rng = np.random.default_rng(0)
    return (rng.integers(0, nodes, (2, edges)), rng.random(edges).astype(np.float32),
            rng.standard_normal((nodes, features)).astype(np.float32))


def _build(lib, sync, sizes, **kw):
    nodes = sizes[0]
    indices, weights, features = make_graph(*sizes)
    adj = lib.sparse_coo_tensor(lib.tensor(indices, **kw), lib.tensor(weights, **kw), (nodes, nodes)).coalesce()
    x = lib.tensor(features, **kw).requires_grad_()

    def step():
        lib.sparse.mm(adj, x).sum().backward()
        x.grad = None
    return Side(step=step, sync=sync)


def build_ours(device, sizes):
    """deepgrad: ag.sparse.mm(adj, x) forward and backward."""
    ag, _, _, sync = load_deepgrad(device)
    return _build(ag, sync, sizes, device=device)


def build_torch(device, threads, sizes):
    """PyTorch: torch.sparse.mm(adj, x) forward and backward."""
    torch, tdev, sync = load_torch(device, threads)
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")   # PyTorch's note that sparse invariant checks are off
        return _build(torch, sync, sizes, device=tdev)


def cases(device, config):
    """The `spmm` case on `device`, ms per forward + backward step; goal: at most PyTorch's time."""
    sizes = (2000, 40000, 64) if config.quick else (10000, 200000, 64)
    return [Case("spmm", device, "ms/step",
                 {OURS: lambda: build_ours(device, sizes), "torch": lambda: build_torch(device, config.threads, sizes)},
                 convert=lambda seconds: seconds * 1e3, goal=Goal(1.0),
                 note=f"{sizes[0]} nodes, {sizes[1]} edges, {sizes[2]} features")]
