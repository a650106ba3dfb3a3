"""PyTorch's `torch.autograd.Function`: a custom op whose forward and backward see Tensors.

deepgrad's own `ag.Function` hands forward/backward the raw backend arrays (what kernels want). A
subclass of this class is written exactly as for PyTorch instead: forward(ctx, *args) and
backward(ctx, *grads) receive and return Tensors, and `ctx.saved_tensors` gives back Tensors. Its
forward runs without recording a graph, as in PyTorch; its backward is differentiable again (for
create_graph) when it is written with differentiable ops.
"""
import inspect
import threading
import warnings

from . import custom_jvp
from .func_levels import check_function, levels, vmap_rule_result
from .function import _FREED, Function, wrap_saved
from .grad_mode import is_grad_enabled, no_grad
from .saved_hooks import stored
from .tensor import Tensor, wrap_array
from .versions import clock, modified_since


def _as_tensor(value, device):
    return wrap_array(value, device) if value is not None and not isinstance(value, Tensor) else value


def _as_array(value):
    return value._data if isinstance(value, Tensor) else value


def _argument_tensor(array, device, originals):
    """The tensor forward sees for an argument's array: the caller's very Tensor, as PyTorch hands forward its
    arguments themselves (with their requires_grad; code keeps them on ctx and differentiates through them in
    backward, as openai's diffusion `checkpoint` does); a new Tensor over the array when apply converted it."""
    given = originals.get(id(array))
    if given is not None and given._data is array:
        return given
    return _as_tensor(array, device)


def _tensor_forward(user_forward, setup_context=None):
    def forward(ctx, *args, **kwargs):
        if not isinstance(ctx, Function):   # Fn.forward(None, x) called by hand, outside apply: the plain function
            return user_forward(ctx, *args, **kwargs)
        if levels.any:   # inside a torch.func transform
            forward_cls = getattr(type(ctx), "_forward_cls", type(ctx))
            check_function(forward_cls)
            if levels.forward and any(ctx.needs_input_grad) and not custom_jvp.has_jvp(forward_cls):
                raise NotImplementedError(custom_jvp.NO_JVP)
        ctx.needs_input_grad = tuple(ctx.needs_input_grad)   # a tuple of one flag per argument, as PyTorch's
        originals = _applying.originals[-1] if _applying.originals else {}
        tensors = [_argument_tensor(a, ctx.device, originals) if ctx.device.is_array(a) else a for a in args]
        ctx._input_dtypes = tuple(getattr(a, "dtype", None) for a in args)
        ctx._input_shapes = tuple(getattr(a, "shape", None) for a in args)
        ctx._input_ids = tuple(map(id, args))   # which inputs mark_dirty names, for a jvp (custom_jvp.py)
        ctx._input_kinds = tuple("Tensor" if isinstance(t, Tensor) else type(t).__name__ for t in tensors)
        with no_grad():
            if setup_context is None:
                out = user_forward(ctx, *tensors, **kwargs)
            else:   # PyTorch's newer form: forward(*args) computes, setup_context(ctx, inputs, output) saves
                out = user_forward(*tensors)
                setup_context(ctx, tuple(tensors), out)
        _check_saved_kinds(ctx)
        ctx.saved_tensors = tuple(_as_array(t) for t in stored(ctx))   # arrays: a saved output holds no node
        if _applying.slots:   # hand the node to the apply running it (for mark_dirty)
            _applying.slots[-1] = ctx
        if isinstance(out, tuple):
            out = _set_plain_outputs_aside(ctx, out)
            return tuple(_as_array(o) for o in out)
        out = _as_array(out)
        if hasattr(out, "shape"):   # for the engine's zeros when only None reaches the node (tuples get theirs)
            ctx.out_meta = ((out.shape, out.dtype),)
        return out
    return staticmethod(forward)


def _set_plain_outputs_aside(ctx, out):
    """forward's tensor outputs; its other outputs (numbers, None, ...) are kept on ctx by position, to be put
    back by apply, as PyTorch passes them through."""
    plain = {i: o for i, o in enumerate(out) if not isinstance(o, Tensor)}
    if not plain:
        return out
    if len(plain) == len(out):
        raise TypeError(f"{ctx.name()}: forward must return at least one Tensor, got "
                        f"({', '.join(type(o).__name__ for o in out)})")
    ctx._plain_outputs, ctx._n_outputs = plain, len(out)
    return tuple(o for o in out if isinstance(o, Tensor))


def _with_plain_outputs(ctx, out):
    """apply's result with forward's non-tensor outputs back in their places."""
    plain = getattr(ctx, "_plain_outputs", None)
    if not plain:
        return out
    tensors = iter(out if isinstance(out, tuple) else (out,))
    return tuple(plain[i] if i in plain else next(tensors) for i in range(ctx._n_outputs))


def _tensor_backward(user_backward):
    def backward(ctx, *grads):
        if custom_jvp.active():   # forward mode's first pass: the Function's jvp stands in (custom_jvp.py)
            return custom_jvp.stand_in(ctx, grads)
        plain = getattr(ctx, "_plain_outputs", None)
        if plain:   # a None gradient for each non-tensor output, as PyTorch passes
            given = iter(grads)
            grads = [None if i in plain else next(given) for i in range(ctx._n_outputs)]
        # a create_graph backward hands Tensors (the engine's saved values and gradients), a plain one arrays
        graph_mode = any(isinstance(s, Tensor) for s in stored(ctx)) or any(isinstance(g, Tensor) for g in grads)
        grads = [_as_tensor(g, ctx.device) for g in grads]
        if graph_mode:
            out = user_backward(ctx, *grads)
        else:   # PyTorch runs backward with grad mode off unless create_graph
            with no_grad():
                out = user_backward(ctx, *grads)
        out = _in_input_dtypes(ctx, out)
        if graph_mode:
            return out
        if isinstance(out, tuple):
            return tuple(_as_array(o) for o in out)
        return _as_array(out)
    return staticmethod(backward)


def _check_saved_kinds(ctx):
    """PyTorch's TypeError for a number, string or list given to ctx.save_for_backward (it keeps only tensors)."""
    for i, t in enumerate(stored(ctx)):
        if t is not None and not isinstance(t, Tensor) and not hasattr(t, "shape"):
            raise TypeError(f"save_for_backward can only save variables, but argument {i} is of type "
                            f"{type(t).__name__}: {ctx.name()}'s forward saved a value of type {type(t).__name__}; keep plain "
                            f"values as attributes instead (ctx.k = k) and pass only tensors to save_for_backward")


def _refuse_changed(ctx, kept):
    """PyTorch's RuntimeError for reading saved tensors one of which was changed in place after forward saved it."""
    for k, value in enumerate(kept):
        if not isinstance(value, Tensor) and modified_since(value, ctx._save_tick):
            raise RuntimeError(f"one of the variables needed for gradient computation has been modified by an "
                               f"inplace operation: {ctx.name()} saved a tensor of shape {tuple(value.shape)} (saved "
                               f"tensor {k}) that was changed in place after forward saved it; change a copy "
                               "(t.clone()) instead, or make the change after backward")


def _check_gradient_kinds(ctx, grads):
    """PyTorch's RuntimeErrors for a backward that returns a number where a gradient goes, or a gradient for a
    forward argument that was not a tensor."""
    kinds = getattr(ctx, "_input_kinds", ())
    for i, g in enumerate(grads):
        if g is None:
            continue
        if not isinstance(g, Tensor) and not hasattr(g, "shape"):
            raise RuntimeError(f"expected Variable or None (got {type(g).__name__}): the backward of {ctx.name()} "
                               f"returned a {type(g).__name__} as gradient {i}; return a Tensor shaped like forward's "
                               f"argument {i}, or None")
        if i < len(kinds) and kinds[i] != "Tensor":
            raise RuntimeError(f"function {ctx.name()} returned a gradient different than None at position {i + 1}, "
                               f"but the corresponding forward input was not a Variable: forward's argument {i} is "
                               f"a {kinds[i]}, which has no gradient; return None in its place")


def _no_backward(ctx, *grads):
    raise NotImplementedError("You must implement either the backward or vjp method for your custom "
                              "autograd.Function to use it with backward mode AD.")


def _in_input_dtypes(ctx, out):
    """backward's gradients cast to their inputs' floating dtypes, as PyTorch's engine casts them (a float64
    gradient for a float32 input becomes float32); a gradient whose shape its input's does not broadcast to
    raises PyTorch's error."""
    dtypes = getattr(ctx, "_input_dtypes", ())
    single = not isinstance(out, tuple)
    grads = (out,) if single else out
    _check_gradient_kinds(ctx, grads)
    for i, (g, shape) in enumerate(zip(grads, getattr(ctx, "_input_shapes", ()))):
        if shape is not None and hasattr(g, "shape") and tuple(g.shape) != tuple(shape) and not _expands(shape,
                                                                                                         g.shape):
            raise RuntimeError(f"Function {ctx.name()} returned an invalid gradient at index {i} - got "
                               f"{list(g.shape)} but expected shape compatible with {list(shape)}")
    shapes = getattr(ctx, "_input_shapes", ())
    grads = tuple(g.sum_to_size(tuple(s)) if isinstance(g, Tensor) and s is not None and tuple(g.shape) != tuple(s)
                  else g for g, s in zip(grads, shapes)) + tuple(grads[len(shapes):])   # PyTorch sums it down too
    fixed = tuple(g.to(d) if isinstance(g, Tensor) and d is not None and g.dtype != d and _floating(g.dtype)
                  and _floating(d) else g for g, d in zip(grads, dtypes)) + tuple(grads[len(dtypes):])
    return fixed[0] if single else fixed


def _expands(shape, target):
    """True when `shape` broadcasts to `target` (the gradient is then summed back down to it)."""
    if len(shape) > len(target):
        return False
    return all(n == m or n == 1 for n, m in zip(tuple(shape)[::-1], tuple(target)[::-1]))


def _floating(dtype):
    return dtype.kind in "fcV"   # bfloat16's kind is 'V'


def _plain(method):
    return method.__func__ if isinstance(method, staticmethod) else method


class _Applying(threading.local):
    """Per thread, one slot per custom Function.apply in progress: its forward leaves its node there; and its
    tensor arguments, by array, which forward is handed."""
    def __init__(self):
        self.slots = []
        self.originals = []


_applying = _Applying()

_LEGACY = ("Legacy autograd function with non-static forward method is deprecated. Please use new-style autograd "
           "function with static forward method. (Example: https://pytorch.org/docs/stable/autograd.html"
           "#torch.autograd.Function)")


def _take_dirty(ctx, args, out):
    """out with each output that is an input marked dirty replaced by that input tensor itself, which takes
    the node's place in the graph (PyTorch's in-place custom Function: `c = F.apply(b)` gives `c is b`)."""
    dirty = getattr(ctx, "_dirty", None)
    if not dirty:
        return out
    outs = out if isinstance(out, tuple) else (out,)
    swapped = list(outs)
    for a in args:
        if not isinstance(a, Tensor) or id(a._data) not in dirty:
            continue
        hits = [i for i, o in enumerate(outs) if isinstance(o, Tensor) and o._data is a._data]
        if not hits:
            raise RuntimeError("Some elements marked as dirty during the forward method were not returned as "
                               "output. The inputs that are modified inplace must all be outputs of the Function.")
        if a.requires_grad and a._node is None and is_grad_enabled():
            raise RuntimeError("a leaf Variable that requires grad has been used in an in-place operation.")
        o = outs[hits[0]]
        a._bump_version()
        if o._node is not None:
            a._node, a._out_idx, a.requires_grad = o._node, o._out_idx, o.requires_grad
            if o._node._save_tick is not None:
                # the node's own in-place change: what it saved (the changed input, its output) stays valid,
                # as PyTorch's saved outputs of a dirty Function
                o._node._save_tick = clock.tick
        swapped[hits[0]] = a
    return tuple(swapped) if isinstance(out, tuple) else swapped[0]


class TensorFunction(Function):
    """Base class of PyTorch-style custom ops (`ag.autograd.Function`): subclass it, write forward(ctx, *args)
    and backward(ctx, *grads) on Tensors, call `.apply(...)`."""

    _signature = None   # forward's, for a Function with setup_context
    passes_errors = True
    runs_without_gradient = True
    half_native = True   # the user's forward sees its float16/bfloat16 tensors as they are (the ops inside round)

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if "_forward_cls" in cls.__dict__:   # the graph-node class made below
            return
        # the graph nodes are of a subclass named as PyTorch's ('MyFnBackward'), which names the Function
        cls._node_class = type(cls.__name__ + "Backward", (cls,), {
            "_forward_cls": cls, "__module__": cls.__module__, "__qualname__": cls.__qualname__ + "Backward",
            "op_name": cls.label(),
            "torch_name": cls.__dict__.get("torch_name") or cls.__name__ + (
                "Backward0" if cls.__module__.startswith("autograd.") else "Backward")})
        if "forward" in cls.__dict__:
            user_forward = _plain(cls.__dict__["forward"])
            setup_context = getattr(cls, "setup_context", None)
            cls.forward = _tensor_forward(user_forward, setup_context)
            # keyword and default arguments are bound to forward's positions first, as PyTorch does, so that
            # setup_context sees every input
            cls._signature = inspect.signature(user_forward) if setup_context is not None else None
        # vjp is the other name of backward, as in PyTorch
        user_backward = cls.__dict__.get("backward", cls.__dict__.get("vjp"))
        if user_backward is not None:
            cls.backward = _tensor_backward(_plain(user_backward))

    out_ids = ()   # until apply has made the outputs

    @property
    def saved_tensors(self):
        """What forward saved with ctx.save_for_backward, as Tensors, as PyTorch's ctx.saved_tensors and
        grad_fn.saved_tensors give them: a saved input is that very tensor, a saved output a tensor whose grad_fn
        is this node; PyTorch's RuntimeError once backward has freed them or one was changed in place."""
        if self._packed is not None:   # through saved_tensors_hooks: what unpack gives back
            return tuple(self._unpacked_value(("saved", k, None)) for k in range(len(self._packed[0])))
        kept = stored(self)
        if not kept:
            if self._freed:
                raise RuntimeError(_FREED)
            return ()
        if self._save_tick is not None and self._save_tick != clock.tick:
            _refuse_changed(self, kept)
        return tuple(s if isinstance(s, Tensor) else wrap_saved(self, s) for s in kept)

    @property
    def saved_variables(self):
        """PyTorch's deprecated name of saved_tensors."""
        warnings.warn("'saved_variables' is deprecated; use 'saved_tensors'", DeprecationWarning, stacklevel=2)
        return self.saved_tensors

    @saved_tensors.setter
    def saved_tensors(self, values):
        self.__dict__["saved_tensors"] = values   # kept as given (backend arrays): see saved_hooks.stored

    def mark_non_differentiable(self, *outputs):
        """Declare outputs (e.g. indices) that never carry a gradient."""
        super().mark_non_differentiable(*(_as_array(o) for o in outputs))

    jvp = staticmethod(custom_jvp.default_jvp)
    backward = _tensor_backward(_no_backward)

    def save_for_forward(self, *tensors):
        """Keep tensors for the forward-mode `jvp`, which reads them as ctx.saved_tensors (PyTorch's
        ctx.save_for_forward)."""
        for t in tensors:
            if not (t is None or isinstance(t, Tensor)):
                raise AssertionError(f"save_for_forward expects all arguments to be tensors (or None), got a "
                                     f"{type(t).__name__}; keep other values as attributes on ctx (ctx.k = k)")
        self.saved_for_forward = tensors

    def set_materialize_grads(self, value):
        """With False, backward receives None (not zeros) for the outputs that got no gradient, as PyTorch's."""
        self.materialize_grads = bool(value)

    @classmethod
    def apply(cls, *args, **kwargs):
        """Run the Function on tensors (and plain arguments), recording a graph node when gradients are needed."""
        if cls._signature is not None:
            bound = cls._signature.bind(*args, **kwargs)
            bound.apply_defaults()
            args, kwargs = bound.args, {}
        if levels.vmap_rules is not None:   # under vmap: the Function's own vmap staticmethod, as torch.func's
            out = vmap_rule_result(cls, args, kwargs)
            if out is not NotImplemented:
                return out
        node_class = cls.__dict__.get("_node_class", cls)
        _applying.slots.append(None)
        _applying.originals.append({id(a._data): a for a in args if isinstance(a, Tensor)})
        try:
            out = Function.apply.__func__(node_class, *args, **kwargs)
        finally:
            ctx = _applying.slots.pop()
            _applying.originals.pop()
        if ctx is None:
            return out
        if type(out) is not tuple and out._node is ctx and id(out._data) in getattr(ctx, "_non_diff", ()):
            out = out.detach()   # a lone output marked non-differentiable requires no grad, as in PyTorch
        return _take_dirty(ctx, args, _with_plain_outputs(ctx, out))

    def __init__(self, *args, **kwargs):
        if "_forward_cls" not in type(self).__dict__:   # a user's instance, not apply's graph node
            warnings.warn(f"{type(self)} should not be instantiated. Methods on autograd functions are all static, "
                          "so you should invoke them on the class itself. Instantiating an autograd function will "
                          "raise an error in a future version of PyTorch.", DeprecationWarning, stacklevel=2)

    def __call__(self, *args, **kwargs):
        raise RuntimeError(_LEGACY)

    def mark_dirty(self, *tensors):
        """Declare the inputs forward changed in place (and returns): apply hands back those input tensors
        themselves, now made by this Function's node, as PyTorch does."""
        self._dirty = {id(_as_array(t)) for t in tensors}
