"""Every nn module class PyTorch's torch.nn has too, built alike in both libraries over the configs of
module_table.py, with PyTorch's initial parameters and buffers loaded into deepgrad's. Compared: state_dict
keys, shapes and dtypes; the names of the parameters, buffers and sub-modules in order; PyTorch's plain public
attributes and the repr; the forward output in train and eval mode; the gradients of the inputs and of every
parameter for a random upstream gradient; the state (running statistics) after one and two train steps. In
float32 and float64, for batch 3, batch 1, unbatched and empty inputs; with non-contiguous inputs; and built
with dtype=float64."""
import copy
import inspect

import numpy as np

import autograd as ag
import nn

from .compare import differences
from .module_table import TABLE, Lib

TOLERANCES = {"float32": (1e-4, 1e-5), "float64": (1e-10, 1e-10)}
VARIANTS = (("batch 3", 3), ("batch 1", 1), ("unbatched", None), ("empty batch", 0))
#: PyTorch attributes without a leading underscore that are still its internals (the encoder's fast-path flag)
PRIVATE = {"activation_relu_or_gelu"}


def shared_names(torch):
    """The public module classes both `nn` and torch.nn export, sorted."""
    def names(space, base):
        return {n for n in dir(space) if not n.startswith("_") and inspect.isclass(getattr(space, n))
                and issubclass(getattr(space, n), base)}
    return sorted(names(nn, nn.Module) & names(torch.nn, torch.nn.Module))


class Labels(np.ndarray):
    """Marks the float targets that stay constant (signs, zeros and ones)."""


class Packed(np.ndarray):
    """A padded (T, B, F) sequence batch passed as a PackedSequence of its `lengths`."""


class Strided(np.ndarray):
    """An input passed as a non-contiguous view: the transpose of a tensor laid out with its last two dims
    swapped (the gradient is that tensor's)."""


def _array(kind, shape, rng, dtype):
    """Host array of input `kind` (see module_table) and `shape`."""
    if kind == "f":
        return rng.standard_normal(shape).astype(dtype)
    if kind in ("p", "pos"):
        return rng.uniform(*((0.05, 0.95) if kind == "p" else (0.5, 2.0)), shape).astype(dtype)
    if kind in ("logp", "ctc_lp"):
        x = rng.standard_normal(shape)
        return (x - np.log(np.exp(x).sum(-1, keepdims=True))).astype(dtype)
    if kind == "s":
        return np.where(rng.random(shape) > 0.5, 1.0, -1.0).astype(dtype).view(Labels)
    if kind == "01":
        return (rng.random(shape) > 0.5).astype(dtype).view(Labels)
    if kind == "mlm":   # multilabel-margin targets: class indices, then -1 ends each row
        target = rng.integers(0, shape[-1], shape)
        target[..., -1] = -1
        return target
    if kind == "packed":   # lengths from 1 to T, the longest first
        packed = rng.standard_normal(shape).astype(dtype).view(Packed)
        packed.lengths = [shape[0]] + list(rng.integers(1, shape[0] + 1, shape[1] - 1))
        return packed
    if kind == "mask":   # True marks padding; each row keeps its first position so none is all masked
        mask = rng.random(shape) > 0.6
        mask[..., 0] = False
        return mask
    if kind in ("causal", "bcausal"):
        upper = np.triu(np.ones(shape, dtype=bool), 1)
        return upper if kind == "bcausal" else np.where(upper, -np.inf, 0.0).astype(dtype)
    if kind == "offsets":   # EmbeddingBag's bag starts into a flat input of 8 indices
        return np.concatenate([[0], np.sort(rng.integers(0, 9, max(shape[0] - 1, 0)))]).astype(np.int64)[:shape[0]]
    if kind.startswith("len"):
        return np.full(shape, int(kind[3:]), dtype=np.int64)
    if kind.startswith("var"):   # lengths between N - 2 and N
        return rng.integers(int(kind[3:]) - 2, int(kind[3:]) + 1, shape)
    low = 1 if kind.endswith("+") else 0
    return rng.integers(low, int(kind[1:].rstrip("+")), shape)


def _arrays(case, batch, dtype, strided=False, seed=0):
    """The host arrays for a case's inputs and the keyword arguments of its forward call, with `batch`
    (None: unbatched, the batch dimension dropped); `strided`: float inputs of 2 or more dims marked Strided."""
    rng = np.random.default_rng(seed)
    if callable(case.inputs):
        return case.inputs(rng, batch, dtype), {}
    if strided:
        args, kwargs = _arrays(case, batch, dtype, False, seed)
        marked = [a.view(Strided) if type(a) is np.ndarray and a.dtype.kind == "f" and a.ndim > 1 else a
                  for a in args]
        return marked, kwargs

    def one(spec):
        if isinstance(spec, list):
            return [one(s) for s in spec]
        if not (isinstance(spec, tuple) and len(spec) == 2 and isinstance(spec[0], str)):
            return spec   # None, or a plain keyword value (need_weights=False)
        kind, shape = spec
        shape = tuple(d for d in shape if not (d == "B" and batch is None))
        return _array(kind, tuple(batch if d == "B" else d for d in shape), rng, dtype)
    return [one(s) for s in case.inputs], {k: one(v) for k, v in case.call.items()}


def _resolved(value, nnlib, lib):
    if isinstance(value, Lib):
        return value.fn(nnlib, lib)
    if isinstance(value, list):
        return [_resolved(v, nnlib, lib) for v in value]
    if isinstance(value, dict):
        return {k: _resolved(v, nnlib, lib) for k, v in value.items()}
    return value


def _tensors(arrays, lib, grad):
    """Tensors of `lib` for host arrays (float ones requiring grad when `grad`, but not sign or 0/1 targets,
    which PyTorch's losses do not differentiate); lists become tuples, dicts keep their keys, others stay."""
    if isinstance(arrays, dict):
        return {k: _tensors(a, lib, False) for k, a in arrays.items()}
    if isinstance(arrays, list):
        return tuple(_tensors(a, lib, grad) for a in arrays)
    if not isinstance(arrays, np.ndarray):
        return arrays
    grad = grad and arrays.dtype.kind == "f" and not isinstance(arrays, Labels)
    if isinstance(arrays, Strided):
        return lib.tensor(np.ascontiguousarray(np.asarray(arrays).swapaxes(-1, -2)), requires_grad=grad)
    return lib.tensor(np.asarray(arrays), requires_grad=grad)


def _flat(result):
    """The tensors a module returned, in order (nested tuples and named tuples flattened, None dropped)."""
    if isinstance(result, (tuple, list)):
        return [t for r in result for t in _flat(r)]
    return [] if result is None else [result]


def _host(t):
    """A host copy of a PyTorch tensor's values."""
    return np.array(t.detach().numpy())


def _described(module):
    """state_dict as 'key [shape] dtype' lines, the names of named_parameters, named_buffers and
    named_modules in order, the plain public attributes (name=value: sizes, options) and the repr."""
    state = [f"{k} {list(v.shape)} {str(v.dtype).replace('torch.', '')}" for k, v in module.state_dict().items()]
    plain = (bool, int, float, str, tuple, list, type(None))
    options = {k: v for k, v in vars(module).items() if not k.startswith("_") and isinstance(v, plain)}
    names = [f"parameter {n}" for n, _ in module.named_parameters()] + \
        [f"buffer {n}" for n, _ in module.named_buffers()] + [f"module {n}" for n, _ in module.named_modules()]
    return state, names, options, repr(module).replace("torch.", "")


def _called(module, lib, nnlib, case, arrays, grad):
    """Call module on tensors of `arrays` (float ones requiring grad when `grad`): (its leaf inputs, its flat
    output). Packed arrays go in as PackedSequences; modules built with inplace=True get non-leaf inputs."""
    args, kwargs = arrays
    inputs = _tensors(args, lib, grad)
    called = []
    for a, t in zip(args, inputs):
        if isinstance(a, Packed):
            t = nnlib.utils.rnn.pack_padded_sequence(t, a.lengths, enforce_sorted=False)
        elif isinstance(a, Strided):
            t = t.transpose(-1, -2)
        elif case.kwargs.get("inplace") and getattr(t, "requires_grad", False):
            t = t * 1
        called.append(t)
    return [t for t in _flat(inputs) if t.requires_grad], _flat(module(*called, **_tensors(kwargs, lib, False)))


def _run(lib, nnlib, name, case, arrays, dtype, initial, steps):
    """Run one case on one library, recording each stage's result into `steps` (stage -> value); `initial`
    (PyTorch's initial state as host arrays, and its plain attributes) is filled by the PyTorch run and read
    by deepgrad's."""
    module = getattr(nnlib, name)(*_resolved(list(case.args), nnlib, lib), **_resolved(case.kwargs, nnlib, lib))
    if "dtype" not in case.kwargs:   # else built in it, which is what that variant checks
        module = module.to(getattr(lib, dtype))
    if name.startswith("Lazy"):   # sized by a first forward, before PyTorch's values can be loaded
        module.eval()
        with lib.no_grad():
            _called(module, lib, nnlib, case, arrays, False)
        module.train()
    state, names, options, text = _described(module)
    if lib is ag:
        module.load_state_dict(initial["state"])
        options = {k: getattr(module, k, "(missing)") for k in initial["options"]}   # PyTorch's, read from ours
    else:
        initial.update(state={k: _host(v) for k, v in module.state_dict().items()}, options=options)
    steps.update({"build, state_dict": state, "parameter, buffer and module names": names, "attributes": options,
                  "repr": text})
    if case.inputs is None:
        return
    if case.train:
        leaves, out = _called(module, lib, nnlib, case, arrays, case.backward)
        steps["forward (train)"] = out
        params = dict(module.named_parameters())
        floats = [o for o in out if o.dtype in (lib.float32, lib.float64) and o.requires_grad]
        if case.backward and floats:
            rng = np.random.default_rng(7)
            sum((o * lib.tensor(rng.standard_normal(tuple(o.shape)).astype(dtype))).sum() for o in floats).backward()
            steps["input gradients"] = [t.grad for t in leaves]
            steps["parameter gradients"] = [params[n].grad for n in params]
        steps["state after the train step"] = list(module.state_dict().values())
        with lib.no_grad():
            steps["forward (second train step)"] = _called(module, lib, nnlib, case, arrays, False)[1]
        steps["state after the second train step"] = list(module.state_dict().values())
    module.eval()
    with lib.no_grad():
        steps["forward (eval)"] = _called(module, lib, nnlib, case, arrays, False)[1]


def _unequal(theirs, ours):
    """The entries of two attribute dicts that differ (a tuple and a list of the same items are equal)."""
    def same(a, b):
        return a == b or isinstance(a, (tuple, list)) and isinstance(b, (tuple, list)) and list(a) == list(b)
    keys = [k for k in theirs if not same(theirs[k], ours[k]) and k not in PRIVATE]
    return {k: theirs[k] for k in keys}, {k: ours[k] for k in keys}


def _attempt(lib, nnlib, name, case, arrays, dtype, initial):
    steps = {}
    try:
        _run(lib, nnlib, name, case, arrays, dtype, initial, steps)
    except Exception as error:   # the sweep compares failures too
        return steps, error
    return steps, None


def _compared(torch, name, case, dtype, variant, batch):
    where = f"{name}({case.text()}) {dtype} {variant}"
    arrays = _arrays(case, batch, dtype, variant == "non-contiguous") if case.inputs is not None else ([], {})
    initial = {}
    theirs, their_error = _attempt(torch, torch.nn, name, case, arrays, dtype, initial)
    if not theirs:
        return []   # PyTorch refuses the constructor (or this input for a lazy module): nothing to compare
    ours, our_error = _attempt(ag, nn, name, case, arrays, dtype, initial)
    found = []
    for stage, value in theirs.items():
        if stage not in ours:
            found.append(f"{where}: {stage}: deepgrad raises {type(our_error).__name__} ({str(our_error)[:120]}), "
                         "PyTorch does not")
            return found
        if stage in ("attributes", "repr") and (dtype, variant) != ("float32", "batch 3"):
            continue   # the same for every input: said once per case
        if stage in ("build, state_dict", "parameter, buffer and module names", "attributes", "repr"):
            if stage == "attributes":
                value, ours[stage] = _unequal(value, ours[stage])
            if value != ours[stage]:
                found.append(f"{where}: {stage}: PyTorch {value}, deepgrad {ours[stage]}")
            continue
        mine = ours[stage]
        if isinstance(value, list) and isinstance(mine, list) and len(value) == len(mine):
            pairs = [(a, b) for a, b in zip(value, mine) if a is not None or b is not None]
            if any(a is None or b is None for a, b in pairs):
                found.append(f"{where}: {stage}: PyTorch {['-' if a is None else 'grad' for a, b in pairs]}, "
                             f"deepgrad {['-' if b is None else 'grad' for a, b in pairs]}")
                continue
        found += differences(value, mine, f"{where}: {stage}", TOLERANCES)[:2]
    if their_error is not None and our_error is None:
        found.append(f"{where}: PyTorch raises {type(their_error).__name__} ({str(their_error)[:80]}), "
                     "deepgrad does not")
    return found


def lines(torch, names=None):
    """What differs, one line each (and, first, the shared classes the table leaves out), for the classes
    `names` (all in the table by default)."""
    torch.manual_seed(0)
    found = [f"{n}: in both libraries but not in the module sweep's table" for n in shared_names(torch)
             if n not in TABLE]
    for name in names or sorted(TABLE):
        for case in TABLE[name]:
            for dtype in ("float32", "float64"):
                for variant, batch in VARIANTS:
                    if batch is None and not case.unbatched \
                            or batch == 0 and not case.empty or case.inputs is None and batch != 3:
                        continue
                    found += _compared(torch, name, case, dtype, variant, batch)
            if case.inputs is not None:
                found += _compared(torch, name, case, "float32", "non-contiguous", 3)
            if "dtype" in inspect.signature(getattr(torch.nn, name)).parameters:   # the factory keyword
                built = copy.copy(case)
                built.kwargs = dict(case.kwargs, dtype=Lib(lambda nnlib, lib: lib.float64, "float64"))
                found += _compared(torch, name, built, "float64", "batch 3", 3)
    return found
