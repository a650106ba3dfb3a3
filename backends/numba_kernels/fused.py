"""Fused elementwise kernels generated at run time: a straight-line program of scalar steps, compiled
once into one Numba loop over the elements and cached on disk per program.

A program is plain data (see `compile_program`): the caller (ag.jit's replay) describes a chain of
elementwise ops, this module writes the kernel's Python source into a file named by the source's
hash and imports it, so Numba's `cache=True` keeps the machine code beside that file between runs.
Every step rounds as the eager op it stands for does on this device: + - * / and sqrt are IEEE
operations in both; sigmoid and relu compute as as the activation
kernels. Ops whose eager kernel is NumPy's own transcendental loop (exp, log, np.tanh, power) are
not accepted (`FUSABLE` lists what is), so a fused chain matches eager mode bit for bit.
"""
import hashlib
import importlib.util
import os
import sys
import tempfile

import numpy as np

from .cache_dir import is_writable, user_cache_dir

#: step op -> Python expression over its operands (a, b, c), per element
EXPRESSIONS = {
    "add": "{a} + {b}",
    "subtract": "{a} - {b}",
    "multiply": "{a} * {b}",
    "divide": "{a} / {b}",
    "negative": "-{a}",
    "positive": "{a}",
    "sqrt": "np.sqrt({a})",
    "act_relu": "(ZERO if {a} < ZERO else {a})",   # -0. stays -0., as eager relu and PyTorch
    "act_sigmoid": "vsigmoid({a})",
    "relu_grad": "(ZERO if {b} <= ZERO else {a})",
    "greater": "{a} > {b}",
    "where": "({b} if {a} else {c})",
}
FUSABLE = frozenset(EXPRESSIONS)
_DTYPES = {"float32": np.float32, "float64": np.float64}
_loaded = {}   # source hash -> compiled kernel (this process)


def _folder():
    """A writable folder for the generated kernel modules (Numba caches the machine code beside them)."""
    for folder in (os.path.join(user_cache_dir(), "fused"),
                   os.path.join(tempfile.gettempdir(), f"deepgrad-fused-{getattr(os, 'getuid', lambda: 0)()}")):
        if is_writable(folder):
            return folder
    raise OSError("no writable folder for deepgrad's fused Numba kernels (tried the user cache and the temp dir)")


def _literal(value, dtype):
    return f"np.{dtype}({float(value)!r})"


def kernel_source(dtype, inputs, outputs, steps, scalars=()):
    """The Python source of the kernel `fused(in..., out...)` for a program (see compile_program)."""
    consts = {}

    def operand(x):
        if isinstance(x, tuple):             # ("k", value): a constant of the program's dtype
            key = (x[1], dtype)
            if key not in consts:
                consts[key] = f"K{len(consts)}"
            return consts[key]
        return x

    body = [f"        {name} = i{j}[k]" for j, name in enumerate(inputs) if name not in scalars]
    once = [f"    {name} = i{j}[()]" for j, name in enumerate(inputs) if name in scalars]
    where = {name: j for j, name in enumerate(outputs)}
    for op, dst, *args in steps:
        names = dict(zip("abc", (operand(a) for a in args)))
        body.append(f"        {dst} = {EXPRESSIONS[op].format(**names)}")
        if dst in where:
            body.append(f"        o{where[dst]}[k] = {dst}")
    params = [f"i{j}" for j in range(len(inputs))] + [f"o{j}" for j in range(len(outputs))]
    lines = ["import numpy as np",
             "from backends.numba_kernels.jit import kernel",
             "from backends.numba_kernels.vecmath import vsigmoid",
             f"ZERO = {_literal(0.0, dtype)}",
             f"ONE = {_literal(1.0, dtype)}"]
    lines += [f"{name} = {_literal(value, dt)}" for (value, dt), name in consts.items()]
    lines += ["", "", "@kernel", f"def fused({', '.join(params)}):"] + once + ["    for k in range(o0.shape[0]):"]
    return "\n".join(lines + body) + "\n"


def compile_program(dtype, inputs, outputs, steps, scalars=()):
    """One compiled kernel `fused(*inputs, *outputs)` over 1-D arrays of equal length, or None when a
    step is not in FUSABLE or the dtype is not float32/float64. The inputs named in `scalars` are
    0-d arrays instead, one value for every element.

    `inputs` and `outputs` name the program's values read from / written to arrays (an output is a
    value some step computes); `steps` are (op, dst, operand...) with operands value names or
    ("k", number), a constant in `dtype`. Compiled once per distinct program; the module file and
    Numba's cache make later processes load it instead of compiling."""
    if str(dtype) not in _DTYPES or not outputs or any(s[0] not in FUSABLE for s in steps):
        return None
    source = kernel_source(str(dtype), list(inputs), list(outputs), steps, set(scalars))
    digest = hashlib.sha1(source.encode()).hexdigest()[:20]
    kernel = _loaded.get(digest)
    if kernel is None:
        kernel = _loaded[digest] = _load(digest, source)
    return kernel


def _load(digest, source):
    name = f"deepgrad_fused_{digest}"
    path = os.path.join(_folder(), name + ".py")
    if not os.path.exists(path):
        tmp = f"{path}.{os.getpid()}.tmp"
        with open(tmp, "w") as f:
            f.write(source)
        os.replace(tmp, path)       # atomic: another process may be writing the same file
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module.fused
