"""The replay as one generated Python function: straight-line code over local variables, one line per
kernel call, with the ops' contexts, constants and buffers bound as globals of that function.

Lowered steps become NumPy calls writing into their buffers (`out=`); on a device that offers
`fused_elementwise` (numba), each run of elementwise steps becomes one call of a generated kernel
that keeps the run's intermediate values in registers. Entries that were not lowered call the op's
own forward or backward, as before, without the per-entry closures and slot list.
"""
import numpy as np

from backends.numpy_backend import NumpyBackend
from backends.thread_choice import matmul as host_matmul
from backends.numpy_kernels.activation import relu_grad, relu_live, sigmoid as numpy_sigmoid

from .backward import deliver
from .program import analyse, elementwise, fused_runs, step_reads
from .refs import Const

_UFUNCS = ("add", "subtract", "multiply", "divide", "negative", "positive", "exp", "log", "tanh", "sqrt", "power",
           "greater")
#: steps that need their operands' full shapes (a 0-d value standing for a broadcast one would not do)
_SHAPED = ("matmul", "sum0", "sum_all")


class Emitter:
    """Writes the replay function of one Program (see build)."""

    def __init__(self, program, device, leaving):
        self.p, self.device = program, device
        self.ns = {"_np": np, "_deliver": deliver, "_tuple": tuple, "_getattr": getattr, "_matmul": host_matmul}
        self.lines = []
        self.names = {}
        self.static_ids = set()
        self.readers, self.escaping = analyse(program, leaving)
        self.numpy_acts = getattr(type(device), "act_forward", None) is NumpyBackend.act_forward
        self.kernels = 0
        self.scalars = set()    # slots standing for a 0-d value broadcast (read once by fused kernels)
        for slot, array in program.bound.items():
            self.names[slot] = self.bind(array, "p")

    # ----- names ----------------------------------------------------------------------------
    def bind(self, value, prefix):
        """A global name for `value` in the generated function."""
        name = f"{prefix}{len(self.ns)}"
        self.ns[name] = value
        return name

    def name(self, ref):
        """The expression for a reference: a local, a buffer or a constant's global."""
        if isinstance(ref, Const):
            return self.bind(ref.value, "c")
        if isinstance(ref, tuple):
            if ref[0] == "T":
                return self.name(ref[1]) + ".T"
            return self.bind(ref[1], "k")
        return self.names.get(self.p.root(ref), f"v{self.p.root(ref)}")

    def constant(self, x, dtype):
        return self.bind(dtype.type(x[1]), "k") if isinstance(x, tuple) and x[0] == "k" else self.name(x)

    def buffer(self, slot):
        """(name to write into, True) for a static buffer, or (local name, False) for a fresh value."""
        if slot in self.escaping:
            return f"v{slot}", False
        name = self.names.get(slot)
        if name is None:
            shape, dtype = self.p.meta[slot]
            array = np.empty(shape, dtype)
            self.static_ids.add(id(array))
            name = self.names[slot] = self.bind(array, "s")
        return name, True

    # ----- lowered steps as NumPy calls ------------------------------------------------------
    def numpy_step(self, step, written, pos):
        op, dst = step[0], step[1]
        if op == "broadcast":
            self.broadcast(dst, step[2], pos)
            return
        dtype = self.p.meta[dst][1]
        args = [self.constant(x, dtype) for x in step[2:] if not (isinstance(x, tuple) and x[0] == "axes")]
        into, static = self.buffer(dst)
        if not static and dst in written:      # a later in-place step on a fresh value (y += bias)
            static = True
        written.add(dst)
        if op in _UFUNCS or op == "matmul":   # products choose their BLAS thread count as eager ones do
            call = f"_matmul({', '.join(args)}" if op == "matmul" else f"_np.{op}({', '.join(args)}"
            self.put(f"{call}, out={into})" if static else f"{into} = {call})")
        elif op == "sum_all":
            axes = step[3][1]
            self.put(f"{args[0]}.sum(axis={axes!r}, out={into})" if static
                     else f"{into} = {args[0]}.sum(axis={axes!r})")
        elif op == "sum0":
            self.put(f"{args[0]}.sum(axis=0, out={into})" if static else f"{into} = {args[0]}.sum(axis=0)")
        elif op == "where":
            self.put(f"_np.copyto({into}, {args[2]}); _np.copyto({into}, {args[1]}, where={args[0]})" if static
                     else f"{into} = _np.where({', '.join(args)})")
        elif op == "act_relu" and self.numpy_acts:
            # 0 first: NumPy returns its second operand on a tie, so -0. stays -0. as in eager relu and PyTorch
            self.put(f"_np.maximum(0, {args[0]}, out={into})" if static else f"{into} = _np.maximum(0, {args[0]})")
        elif op == "act_sigmoid" and self.numpy_acts:
            fn = self.bind(numpy_sigmoid, "f")
            self.put(f"{fn}({args[0]}, out={into})" if static else f"{into} = {fn}({args[0]})")
        elif op == "relu_grad" and self.numpy_acts:
            mask = self.bind(np.empty(self.p.meta[dst][0], bool), "m")
            self.put(f"{self.bind(relu_live, 'f')}({args[1]}, out={mask})")
            grad = self.bind(relu_grad, "f")   # the cpu device's kernel: a select, bit for bit
            dtype = self.bind(np.dtype(self.p.meta[dst][1]), "t")
            self.put(f"{grad}({args[0]}, {mask}, {dtype}, out={into})" if static
                     else f"{into} = {grad}({args[0]}, {mask}, {dtype})")
        else:   # the device's own activation kernels (they take no out=)
            dev = self.bind(self.device, "d")
            call = {"act_relu": f"{dev}.act_forward('relu', {args[0]})",
                    "act_sigmoid": f"{dev}.act_forward('sigmoid', {args[0]})",
                    "relu_grad": f"{dev}.act_backward('relu', {args[1]}, {args[1]}, {args[0]})"}[op]
            self.names[dst] = f"v{dst}"
            self.put(f"v{dst} = {call}")

    def broadcast(self, dst, src, pos):
        """A 0-d gradient spread over dst's shape: lowered elementwise steps read the 0-d value itself
        (their broadcasting gives the same numbers); anything else (products and sums included, which
        need the shape) gets the broadcast view eager mode makes."""
        readers = self.readers.get(dst, ())
        if dst in self.escaping or any(self.p.items[r][0] != "step" or self.p.steps[self.p.items[r][1]][0] in _SHAPED
                                       for r in readers):
            self.names[dst] = f"v{dst}"
            self.put(f"v{dst} = _np.broadcast_to({self.name(src)}, {self.p.meta[dst][0]!r})")
        else:
            self.names[dst] = self.name(src)
            self.scalars.add(dst)

    # ----- a run of elementwise steps as one compiled kernel ---------------------------------
    def fused_run(self, first, last):
        steps = [self.p.steps[x] for _, x in self.p.items[first:last + 1]]
        shape, dtype = elementwise(self.p, steps[0])
        produced, inputs = set(), []
        for step in steps:
            for s in step_reads(step):
                r = self.p.root(s)
                if r not in produced and r not in inputs:
                    inputs.append(r)
            produced.add(step[1])
        outputs = [s for s in (st[1] for st in steps) if s in self.escaping
                   or any(pos < first or pos > last for pos in self.readers.get(s, ()))]
        program = [(op, f"x{dst}") + tuple(x if isinstance(x, tuple) else f"x{self.p.root(x)}" for x in args)
                   for op, dst, *args in steps]
        try:
            kernel = self.device.fused_elementwise(dtype, [f"x{s}" for s in inputs], [f"x{s}" for s in outputs],
                                                   program, [f"x{s}" for s in inputs if s in self.scalars]) \
                if outputs else None
        except Exception:      # a kernel that fails to compile: the steps run one by one instead
            kernel = None
        if kernel is None:
            return False
        # a 0-d value may arrive as a NumPy scalar (0-d array arithmetic returns one): the kernel reads a 0-d array
        args = [f"_np.asarray({self.flat(s)})" if s in self.scalars else self.flat(s) for s in inputs]
        for s in outputs:
            into, static = self.buffer(s)
            if static:
                args.append(self.flat(s))
            else:
                self.put(f"{into} = _np.empty({shape!r}, _np.{dtype.name})")
                args.append(f"{into}.reshape(-1)" if len(shape) != 1 else into)
        self.put(f"{self.bind(kernel, 'kern')}({', '.join(args)})")
        self.kernels += 1
        return True

    def flat(self, slot):
        name, shape = self.name(slot), self.p.meta[slot][0]
        if len(shape) == 1 or slot in self.scalars:
            return name
        if id(self.ns.get(name)) in self.static_ids or slot in self.p.bound:
            return self.bind(self.ns[name].reshape(-1), "flat")
        return f"{name}.reshape(-1)"

    # ----- entries that were not lowered ------------------------------------------------------
    def entry(self, e):
        kind = e[0]
        if kind == "fwd":
            _, cls, ctx, refs, kwargs, outs, multi, recorded, drew = e
            c = self.bind(ctx, "ctx")
            call = f"{self.bind(cls.forward, 'fwd')}({', '.join([c] + [self.name(r) for r in refs])}"
            call += f", **{self.bind(kwargs, 'kw')})" if kwargs else ")"
            targets = [f"v{s}" for s in outs]
            self.put(f"{', '.join(targets)}{',' if multi and len(targets) == 1 else ''} = {call}")
            if not recorded:
                self.put(f"{c}.saved_tensors = ()")
        elif kind == "bwd":
            _, cls, node, refs, routes, release = e
            c = self.bind(node, "ctx")
            self.put(f"g = {self.bind(cls.backward, 'bwd')}({', '.join([c] + [self.name(r) for r in refs])})")
            self.put("if type(g) is not _tuple: g = (g,)")
            for k, s in routes:
                self.put(f"v{s} = g[{k}]")
            if release:
                self.put(f"{c}.saved_tensors = ()")
        elif kind == "acc":
            self.put(f"v{e[3]} = {self.name(e[1])} + {self.name(e[2])}")
        elif kind == "zeros":
            _, shape, dtype, xp, out = e
            self.put(f"v{out} = {self.bind(xp.zeros, 'f')}({shape!r}, {self.bind(dtype, 't')})")
        elif kind == "leaf":
            _, leaf, ref, copy, replace, out = e
            statics = self.bind(self.static_ids, "statics")
            self.put(f"v{out} = _deliver({self.bind(leaf, 'leaf')}, {self.name(ref)}, {copy}, "
                     f"{self.bind(leaf.grad, 'holder')}, {replace}, {statics})")
        elif kind == "host":
            _, call, args, kwargs = e
            self.put(f"{self.bind(call, 'host')}(*{self.bind(args, 'a')}, **{self.bind(kwargs, 'kw')})")
        elif kind == "rng":
            _, draw, args, out = e
            self.put(f"v{out} = {self.bind(draw, 'draw')}(*{self.bind(args, 'a')})")
        elif kind == "assign":
            self.put(f"{self.name(e[1])}[...] = {self.name(e[2])}")
        else:
            raise AssertionError(f"unknown jit entry {kind!r}")

    def copy_out(self, slot):
        """A value leaving the step: copied when it is (a view of) a static buffer the next replay overwrites."""
        return f"{self.bind(_leave, 'leave')}({self.name(slot)}, {self.bind(self.static_ids, 'statics')})"

    def put(self, line):
        self.lines.append("    " + line)


def build(program, device, inputs, states, writebacks, outputs):
    """(replay function, number of fused kernels): replay(arrays) runs the step on its flattened
    input arrays and returns the flattened outputs (see Plan)."""
    leaving = [s for kind, s in outputs if kind == "slot"] + [r for _, _, r in writebacks if isinstance(r, int)]
    em = Emitter(program, device, leaving)
    if inputs:
        em.put(f"{', '.join(f'v{s}' for s in inputs)}, = arrays")
    for module, name, slot in states:
        em.put(f"v{slot} = _getattr({em.bind(module, 'mod')}, {name!r})._data")
    runs = dict(fused_runs(program, getattr(device, "fused_ops", ())))
    written, pos = set(), 0
    while pos < len(program.items):
        kind, x = program.items[pos]
        if pos in runs and em.fused_run(pos, runs[pos]):
            pos = runs[pos] + 1
            continue
        if kind == "step":
            em.numpy_step(program.steps[x], written, pos)
        else:
            em.entry(x)
        pos += 1
    for module, name, ref in writebacks:
        value = em.bind(ref.value, "c") if isinstance(ref, Const) else em.copy_out(ref)
        em.put(f"_getattr({em.bind(module, 'mod')}, {name!r})._data = {value}")
    em.put(f"return [{', '.join(em.copy_out(v) if kind == 'slot' else em.bind(v, 'c') for kind, v in outputs)}]")
    source = "def replay(arrays):\n" + "\n".join(em.lines) + "\n"
    exec(compile(source, "<ag.jit replay>", "exec"), em.ns)
    return em.ns["replay"], em.kernels, source


def _leave(a, statics):
    base = getattr(a, "base", None)
    return a.copy() if id(a) in statics or (base is not None and id(base) in statics) else a
