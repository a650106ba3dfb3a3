"""Gradient averaging for DistributedDataParallel: parameters grouped into buckets, each bucket all-reduced
without blocking as soon as every gradient in it is final, while backward goes on with the layers below.

How a gradient is known to be final: after each synchronised forward, the graph is walked from the outputs
and every edge into each parameter counted; a parameter's hook fires once per edge, so at the last one its
gradient is `.grad` (the edges before, already accumulated) plus the incoming one. Buckets start in a fixed
order (the same on every rank, as MPI and NCCL need), and at the end of backward (an engine callback) the
rest start, every bucket is waited for and the averages are written to `.grad`. Gradients enter their
bucket already divided by the world size (the copy and the division are one pass), so the all-reduced
sum is the average; with `as_view`, `.grad` then becomes a view of the bucket and nothing is copied out
(PyTorch's gradient_as_bucket_view). Each bucket carries one extra value per parameter, 1 where that rank
had a gradient for it: a parameter no rank had a gradient for keeps `.grad` None, and one only some ranks
used gets the average over all ranks, the others counting zero.
"""
from autograd import Tensor, arrays
from autograd.engine import queue_callback


class _Bucket:
    """Some parameters' gradients in one flat array, followed by one 'had a gradient' flag per parameter."""

    def __init__(self, members, params):
        first = params[members[0]]
        self.members = members
        self.offsets, size = [], 0
        for k in members:
            self.offsets.append(size)
            size += params[k].size
        self.size = size
        self.flat = first.device.xp.zeros(size + len(members), dtype=first.dtype)
        self.pending = 0
        self.request = None


def plan_buckets(params, first_bytes, cap_bytes):
    """Lists of parameter positions, last parameter first; a bucket holds one device and dtype and closes
    once it reaches `first_bytes` (the first bucket, so communication starts early) or `cap_bytes`."""
    buckets, current, filled, key = [], [], 0, None
    for k in reversed(range(len(params))):
        p = params[k]
        this_key = (str(p.device), p.dtype)
        limit = first_bytes if not buckets else cap_bytes
        if current and (this_key != key or filled >= limit or filled + p.size * p.dtype.itemsize > limit):
            buckets.append(current)
            current, filled = [], 0
        current.append(k)
        filled += p.size * p.dtype.itemsize
        key = this_key
    if current:
        buckets.append(current)
    return buckets


def count_edges(outputs, params):
    """How many gradients each parameter will receive in a backward from `outputs` (a Tensor or a nested
    tuple/list/dict of them): one per edge into it in the graph."""
    position = {id(p): k for k, p in enumerate(params)}
    counts = [0] * len(params)
    stack, seen = [], set()
    for t in _tensors(outputs):
        node = t.grad_fn
        if getattr(node, "runs_in", None) is not None:   # an output shown with PyTorch's node (LSTM's c): the
            node = node.runs_in()                         # fused node that computes it
        if node is None:
            if id(t) in position and t.requires_grad:
                counts[position[id(t)]] += 1
        elif id(node) not in seen:
            seen.add(id(node))
            stack.append(node)
    while stack:
        for parent in stack.pop().parents:
            if parent is None:
                continue
            if isinstance(parent, Tensor):
                k = position.get(id(parent))
                if k is not None:
                    counts[k] += 1
            elif id(parent) not in seen:
                seen.add(id(parent))
                stack.append(parent)
    return counts


def _tensors(value):
    if isinstance(value, Tensor):
        yield value
    elif isinstance(value, (tuple, list)):
        for v in value:
            yield from _tensors(v)
    elif isinstance(value, dict):
        for v in value.values():
            yield from _tensors(v)


_DONE = "done"


class Reducer:
    """Averages the gradients of `params` (trainable, in registration order) across ranks during backward."""

    def __init__(self, params, names, backend, world_size, first_bytes, cap_bytes, as_view=False):
        self.params, self.names, self.backend = params, names, backend
        self.scale = 1.0 / world_size
        self.as_view = as_view
        self.buckets = [_Bucket(members, params) for members in plan_buckets(params, first_bytes, cap_bytes)]
        self.place = {}
        for bucket in self.buckets:
            for slot, k in enumerate(bucket.members):
                self.place[k] = (bucket, slot)
        self.handles = [p.register_hook(self._hook_for(k)) for k, p in enumerate(params)]
        self.remaining = None      # per parameter: gradients still to come; None: this backward is not synced
        self.wait_time = 0.0

    def prepare(self, outputs):
        """Get ready for a synchronised backward from `outputs`; None: the next backward is not synced."""
        if outputs is None:
            self.remaining = None
            return
        self.remaining = count_edges(outputs, self.params)
        self.filled = [False] * len(self.params)
        for bucket in self.buckets:
            bucket.pending = sum(self.remaining[k] > 0 for k in bucket.members)
            bucket.request = None
        self.next_bucket = 0
        self.queued = False

    def _hook_for(self, k):
        def hook(grad):
            self._on_gradient(k, grad)
        return hook

    def _on_gradient(self, k, grad):
        remaining = self.remaining
        if remaining is None:
            return
        if remaining is _DONE:
            raise RuntimeError(f"DistributedDataParallel: parameter {self.names[k]!r} got a second gradient from "
                               "one forward pass; run the model forward again before each synchronised backward "
                               "(or accumulate inside no_sync())")
        if not self.queued:
            queue_callback(self._finish)
            self.queued = True
        remaining[k] -= 1
        if remaining[k] == 0:
            self._fill(k, arrays.array(grad))
            bucket = self.place[k][0]
            bucket.pending -= 1
            if bucket.pending == 0:
                self._start_ready()
        elif remaining[k] < 0:
            raise RuntimeError(f"DistributedDataParallel: parameter {self.names[k]!r} got more gradients than the "
                               "graph of the model's forward gives it: it was also used outside the wrapped "
                               "module's forward (a regulariser added to the loss, say); compute that inside "
                               "forward, or use the parameter only through the DistributedDataParallel model")
        for bucket in self.buckets[:self.next_bucket]:
            bucket.request.test()  # lets MPI move the data forward while backward computes

    def _fill(self, k, incoming=None):
        """Write parameter k's final local gradient (its .grad plus `incoming`), divided by the world size,
        into its bucket. With `incoming`, .grad is emptied: the engine then keeps `incoming` as .grad
        without adding, and the end of backward puts the average there."""
        bucket, slot = self.place[k]
        p = self.params[k]
        start = bucket.offsets[slot]
        view = bucket.flat[start:start + p.size]
        xp = p.device.xp
        have = p.grad is not None
        if have and incoming is not None:
            xp.add(arrays.array(p.grad).reshape(-1), incoming.reshape(-1), out=view)
            view *= self.scale
            p.grad = None
        elif have:
            xp.multiply(arrays.array(p.grad).reshape(-1), self.scale, out=view)
        elif incoming is not None:
            xp.multiply(incoming.reshape(-1), self.scale, out=view)
        else:
            view[...] = 0
        bucket.flat[bucket.size + slot] = 1 if (have or incoming is not None) else 0
        self.filled[k] = True

    def _start_ready(self):
        """Start, in bucket order, every bucket whose gradients are all final."""
        while self.next_bucket < len(self.buckets) and self.buckets[self.next_bucket].pending == 0:
            bucket = self.buckets[self.next_bucket]
            for k in bucket.members:
                if not self.filled[k]:
                    self._fill(k)  # no gradient expected this pass: whatever .grad holds
            bucket.request = self.backend.start_all_reduce(bucket.flat)
            self.next_bucket += 1

    def _finish(self):
        """End of backward: start what is left, wait for every bucket, write the averages into .grad."""
        for k, left in enumerate(self.remaining):
            if left > 0:  # a gradient that never came through this graph (a branch the loss did not use)
                self._fill(k)
        for bucket in self.buckets:
            bucket.pending = 0
        self._start_ready()
        for bucket in self.buckets:
            self.wait_time += bucket.request.wait()
        for bucket in self.buckets:
            self._write_back(bucket)
        self.remaining = _DONE

    def _write_back(self, bucket):
        grads = bucket.flat[:bucket.size]
        had = bucket.flat[bucket.size:]
        had = had.get() if hasattr(had, "get") else had  # one host copy of the flags on a GPU
        for slot, k in enumerate(bucket.members):
            if had[slot] == 0:
                continue  # no rank had a gradient: .grad stays as it is (None)
            p = self.params[k]
            start = bucket.offsets[slot]
            mean = grads[start:start + p.size].reshape(p.shape)
            if self.as_view:
                p.grad = arrays.wrap(mean, p.device)
            elif p.grad is not None and p.grad.shape == p.shape and p.grad.dtype == p.dtype:
                arrays.assign_(p.grad, mean)
            else:
                p.grad = arrays.wrap(mean.copy(), p.device)

    def remove(self):
        """Unhook every parameter."""
        for handle in self.handles:
            handle.remove()
        self.handles = []
