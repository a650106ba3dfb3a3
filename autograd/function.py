"""Function: a differentiable op written once, with forward and backward on raw backend arrays.

A Function instance is also the graph node (PyTorch's `ctx`): it keeps only what backward needs.
`parents[k]` is where the gradient of the k-th tensor argument goes: the Function that made it (with
`parent_idx[k]`, which of its outputs), the leaf Tensor itself, or None when no gradient is needed.
Nodes never hold their output tensors, so a graph is freed as soon as nobody holds its outputs.
"""
import itertools

from .grad_mode import state

_sequence = itertools.count()


class Function:
    """Base class of every op: subclass it, write forward(ctx, *args) and backward(ctx, *grads), call apply."""

    #: set False when backward uses fused kernels that cannot themselves be differentiated (create_graph)
    differentiable_backward = True
    _saved_versions = ()
    saved_tensors = ()
    _freed = False
    _hooks = None
    out_device = None

    # ----- what subclasses write ---------------------------------------------------------------
    @staticmethod
    def forward(ctx, *args, **kwargs):
        """Compute the outputs (backend arrays) from the arguments (arrays for tensors, others as given)."""
        raise TypeError("a Function subclass must define forward(ctx, *args)")

    @staticmethod
    def backward(ctx, *grads):
        """Return one gradient per forward argument (None for non-tensors or unneeded ones)."""
        raise TypeError("a Function subclass must define backward(ctx, *grads)")

    # ----- what forward/backward use -----------------------------------------------------------
    def save_for_backward(self, *arrays):
        """Keep these arrays (inputs, outputs or intermediates) for backward."""
        self.saved_tensors = arrays

    def mark_non_differentiable(self, *outputs):
        """Declare outputs (e.g. indices) that never carry a gradient."""
        self._non_diff = {id(o) for o in outputs}

    # ----- running an op -----------------------------------------------------------------------
    @classmethod
    def apply(cls, *args, **kwargs):
        """Run the op on tensors (and plain arguments), recording a graph node when gradients are needed."""
        ctx = cls()
        device = None
        needs = False
        arrays = list(args)
        for i, a in enumerate(args):
            if isinstance(a, Tensor):
                arrays[i] = a._data
                if device is None:
                    device = a._device
                elif a._device is not device:
                    _mixed_devices(cls, args)
                if a.requires_grad:
                    needs = True
        if device is None:
            raise TypeError(f"{cls.name()}: expected at least one Tensor argument")
        ctx.device = device
        ctx.xp = device.xp
        record = needs and state.enabled
        if record:
            ctx.needs_input_grad = tuple(isinstance(a, Tensor) and a.requires_grad for a in args)
        try:
            out = cls.forward(ctx, *arrays, **kwargs)
        except (ValueError, TypeError, IndexError, ArithmeticError) as exc:
            from .errors import op_error
            raise op_error(cls, args, exc) from None
        single = not isinstance(out, tuple)
        outs = (out,) if single else out
        non_diff = getattr(ctx, "_non_diff", ())
        device = ctx.out_device or device
        if record:
            parents = []
            parent_idx = []
            for a in args:
                if isinstance(a, Tensor) and a.requires_grad:
                    node = a._node
                    if node is None:
                        parents.append(a)
                        parent_idx.append(0)
                    else:
                        parents.append(node)
                        parent_idx.append(a._out_idx)
                else:
                    parents.append(None)
                    parent_idx.append(0)
            ctx.parents = parents
            ctx.parent_idx = parent_idx
            ctx.seq = next(_sequence)
            ctx.n_out = len(outs)
            results = tuple(Tensor._make(o, device, ctx, i, id(o) not in non_diff) for i, o in enumerate(outs))
            if ctx.saved_tensors:
                _track_saved(ctx, args, arrays, outs, results)
            if ctx.n_out > 1:
                ctx.out_meta = tuple((o.shape, o.dtype) for o in outs)
        else:
            results = tuple(Tensor._make(o, device, None, 0, False) for o in outs)
        if state.anomaly:
            _check_finite(cls.name(), "forward", outs, device)
        return results[0] if single else results

    @classmethod
    def name(cls):
        """The op's name as users see it in messages."""
        return getattr(cls, "op_name", None) or cls.__name__.lower()

    def release(self):
        """Drop what was saved for backward (after a backward without retain_graph)."""
        if self.saved_tensors:
            self.saved_tensors = ()
            self._freed = True
        self._saved_src = None


def _track_saved(ctx, args, arrays, outs, results):
    """Note where each saved array came from (for create_graph) and the versions to check at backward."""
    src = []
    versions = []
    for arr in ctx.saved_tensors:
        where = None
        for k, a in enumerate(arrays):
            if a is arr and isinstance(args[k], Tensor):
                where = ("in", k)
                versions.append((args[k]._version_cell(), args[k]._vc[0]))
                break
        else:
            for j, o in enumerate(outs):
                if o is arr:
                    where = ("out", j)
                    versions.append((results[j]._version_cell(), 0))
                    break
        src.append(where)
    ctx._saved_src = src
    ctx._saved_versions = versions


def _mixed_devices(cls, args):
    from backends import DeviceError
    devices = [str(a._device) for a in args if isinstance(a, Tensor)]
    shapes = [tuple(a.shape) for a in args if isinstance(a, Tensor)]
    raise DeviceError(
        f"{cls.name()}: tensors are on different devices {devices} (shapes {shapes}); "
        f"move them to one device first, e.g. t.to('{devices[0]}')")


def _check_finite(op, phase, arrays, device):
    xp = device.xp
    for a in arrays:
        if a is None or not hasattr(a, "dtype") or a.dtype.kind not in "fc":
            continue
        if not bool(xp.isfinite(a).all()):
            from .errors import AnomalyError
            raise AnomalyError(f"detect_anomaly: {op} produced NaN or inf in {phase} (shape {tuple(a.shape)})")


from .tensor import Tensor  # noqa: E402  (Tensor and Function refer to each other)
