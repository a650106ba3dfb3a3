"""Random programs of views and in-place ops inside autograd graphs: the values of every tensor and the leaf's
gradient, or both libraries refusing."""
import random

import numpy as np

import autograd as ag

from .compare import differences

VIEWS = (lambda t: t[1:] if t.ndim and t.shape[0] > 1 else t, lambda t: t.transpose(0, 1) if t.ndim > 1 else t,
         lambda t: t[0] if t.ndim > 1 else t, lambda t: t.unsqueeze(0) if t.ndim < 4 else t,
         lambda t: t.view(-1) if t.is_contiguous() else t, lambda t: t.diagonal() if t.ndim == 2 else t,
         lambda t: t.narrow(-1, 0, 1) if t.ndim else t, lambda t: t.unbind(0)[0] if t.ndim > 1 else t)
CHANGES = (lambda t, o: t.add_(0.5), lambda t, o: t.mul_(o.sum()), lambda t, o: t.clamp_(-0.5, 0.7),
           lambda t, o: t.exp_(), lambda t, o: t.pow_(2), lambda t, o: t.zero_(), lambda t, o: t.fill_(0.25),
           lambda t, o: t.__setitem__(..., 2.0), lambda t, o: t.copy_(o.sum().expand(t.shape)),
           lambda t, o: t.masked_fill_(t > 0.3, -1.0), lambda t, o: t.div_(2.0), lambda t, o: t.relu_())
MAKES = (lambda t: t.sin(), lambda t: t * t, lambda t: t.sum(0) if t.ndim else t, lambda t: t.clone(),
         lambda t: t.cumsum(-1) if t.ndim else t, lambda t: (t * t + 1).sqrt())


def _program(lib, seed, start):
    rng = random.Random(seed)
    x = lib.tensor(start, requires_grad=True)
    live = [x * 1.0]
    for _ in range(rng.randint(3, 9)):
        kind, t = rng.random(), rng.choice(live)
        if kind < 0.35:
            live.append(rng.choice(VIEWS)(t))
        elif kind < 0.75:
            rng.choice(CHANGES)(t, rng.choice(live))
        else:
            live.append(rng.choice(MAKES)(t))
    weights = [lib.tensor(np.linspace(0.5, 1.5, v.numel()).reshape(tuple(v.shape))) for v in live]
    sum(((v * w).sum() for v, w in zip(live, weights)), lib.tensor(0.0, dtype=lib.float64)).backward()
    return [v.detach() for v in live] + [x.grad if x.grad is not None else lib.zeros(1)]


def lines(torch, programs=1500):
    """What differs, one line each (a program PyTorch refuses and deepgrad runs is not listed: deepgrad keeps
    copies where PyTorch's saved tensors were changed, and its gradients are then the exact ones)."""
    start = np.random.default_rng(1).uniform(-1, 1, (3, 4))
    found = []
    for seed in range(programs):
        results = []
        for lib in (torch, ag):
            try:
                results.append((_program(lib, seed, start), None))
            except RuntimeError as error:
                results.append((None, error))
        (theirs, their_error), (ours, our_error) = results
        if their_error is None and our_error is not None:
            found.append(f"program {seed}: deepgrad raises {str(our_error)[:120]}, PyTorch does not")
        elif their_error is None:
            found += differences(theirs, ours, f"program {seed}")[:2]
    return found
