"""Einstein summation (torch.einsum) as one graph node; each operand's gradient is again an einsum."""
import string

from ..broadcast import unbroadcast
from ..function import Function, named
from ..tensor import Tensor
from .arrange import diagonal
from .dims import check_tensor
from ..errors import DtypeError, ShapeError
from .einsum_pairs import contract
from .einsum_sublist import sublist_equation


class Einsum(Function):
    op_name = "einsum"

    def forward(ctx, *operands, subscripts, output):
        ctx.subscripts = subscripts
        ctx.output = output
        ctx.shapes = [o.shape for o in operands]
        ctx.save_for_backward(*operands)
        out = contract(ctx.xp, subscripts, output, operands)
        # a product comes out row-major, as PyTorch's mostly does (NumPy may order its axes otherwise, and a
        # dropout mask or random fill follows the layout); one operand stays a view, as PyTorch's permute
        return out if len(operands) == 1 or out.flags.c_contiguous else ctx.xp.ascontiguousarray(out)

    def backward(ctx, gy):
        operands = ctx.saved_tensors
        grads = []
        for k, need in enumerate(ctx.needs_input_grad):
            grads.append(_operand_grad(ctx, gy, operands, k) if need else None)
        return tuple(grads)


def _operand_grad(ctx, gy, operands, k):
    """d<gy, einsum(...)>/d operand k: gy contracted with the other operands onto operand k's letters."""
    target = ctx.subscripts[k]
    others = [(s, o) for j, (s, o) in enumerate(zip(ctx.subscripts, operands)) if j != k]
    present = set(ctx.output).union(*[set(s) for s, _ in others])
    kept = "".join(c for c in target if c in present)
    sizes = {c: n for c, n in zip(target, ctx.shapes[k])}
    for s, o in others:
        sizes.update({c: n for c, n in zip(s, o.shape) if n != 1})
    equation = ",".join([ctx.output] + [s for s, _ in others]) + "->" + kept
    if isinstance(gy, Tensor):   # create_graph: record the contraction as an einsum of tensors
        g = einsum(equation, gy, *[o for _, o in others])
        if kept != target:
            g = g.reshape([sizes[c] if c in kept else 1 for c in target]).expand(*[sizes[c] for c in target])
        return unbroadcast(g, ctx.shapes[k])
    xp = ctx.xp
    g = contract(xp, [ctx.output] + [s for s, _ in others], kept, [gy] + [o for _, o in others])
    # letters summed inside operand k alone: its gradient is the same along them
    if kept != target:
        g = xp.broadcast_to(g.reshape([sizes[c] if c in kept else 1 for c in target]), [sizes[c] for c in target])
        g = xp.ascontiguousarray(g)   # a broadcast view is read-only; gradients get accumulated into
    return unbroadcast(g, ctx.shapes[k])


def einsum(equation, *operands):
    """Sum of products over the index letters of `equation` ("ij,jk->ik", "bi,bj->bij", "...ij->...ji"), as
    torch.einsum: operands as arguments or one list; `...` broadcasts; no `->` sums letters seen twice. The
    sublist form einsum(a, [0, 1], b, [1, 2], [0, 2]) is accepted too (ops/einsum_sublist.py)."""
    if isinstance(equation, Tensor):
        equation, operands = sublist_equation((equation,) + operands)
    if len(operands) == 1 and isinstance(operands[0], (list, tuple)):
        operands = tuple(operands[0])
    for t in operands:
        check_tensor("einsum", t)
    subscripts, output = _parse(equation, [t.ndim for t in operands])
    subscripts, operands = map(list, zip(*[_diagonals(equation, s, t) for s, t in zip(subscripts, operands)]))
    sizes = {}
    for s, t in zip(subscripts, operands):
        for c, n in zip(s, t.shape):
            if n != 1 and sizes.setdefault(c, n) != n:
                shapes = ", ".join(str(tuple(o.shape)) for o in operands)
                raise ShapeError(f"einsum {equation!r}: index {c!r} has size {sizes[c]} in one operand and {n} in "
                                 f"another (operand shapes {shapes}); the sizes a letter names must agree")
    dtype = operands[0].dtype
    for k, o in enumerate(operands):
        if o.dtype != dtype:   # PyTorch casts nothing here: a float32 and a float64 (or int) operand is an error
            raise DtypeError(f"einsum {equation!r}: expected scalar type {dtype} but found {o.dtype}: operand 0 is "
                             f"{dtype} (shape {tuple(operands[0].shape)}) and operand {k} is {o.dtype} (shape "
                             f"{tuple(o.shape)}); convert them to one dtype first, e.g. b.to(a.dtype)")
    return named(Einsum.apply(*operands, subscripts=subscripts, output=output), _torch_name(subscripts, output))


def _torch_name(subscripts, output):
    """The name of the last node of PyTorch's einsum, which lowers to permute/sum (one operand) or mul/bmm
    (several, ending in a view once a letter is summed out)."""
    summed = any(c not in output for s in subscripts for c in s)
    if len(subscripts) == 1:
        return "SumBackward1" if summed else "PermuteBackward0"
    return "ViewBackward0" if summed else "MulBackward0"


def _diagonals(equation, s, t):
    """(subscripts, operand) with each letter repeated within the operand ('ii', 'bii', 'iij') read as its
    diagonal, kept once as a last dim: 'ii->' is the trace, 'ii->i' the diagonal, as in torch.einsum."""
    while len(set(s)) != len(s):
        c = next(c for c in s if s.count(c) > 1)
        p, q = s.index(c), s.index(c, s.index(c) + 1)
        if t.shape[p] != t.shape[q]:
            raise ShapeError(f"einsum {equation!r}: index {c!r} repeated in subscripts {s!r} names dims of sizes "
                             f"{t.shape[p]} and {t.shape[q]} (operand shape {tuple(t.shape)}); a diagonal needs "
                             "one size")
        t, s = diagonal(t, 0, p, q), s[:p] + s[p + 1:q] + s[q + 1:] + c
    return s, t


def _check_characters(equation):
    """ShapeError unless the equation holds only letters, commas, one '->' and dots (PyTorch's RuntimeError)."""
    for i, c in enumerate(equation):
        if not (c.isascii() and c.isalpha()) and c not in ",.->":
            raise ShapeError(f"einsum(): invalid subscript given at index {i} in the equation string {equation!r}: "
                             f"{c!r}; subscripts must be in [a-zA-Z] (one letter per dim, '...' for the rest)")
    if equation.count("->") > 1 or equation.replace("->", "").count("-") or equation.replace("->", "").count(">"):
        raise ShapeError(f"einsum(): the equation {equation!r} must have at most one '->' (inputs->output), and "
                         "'-' and '>' only in it")


def _check_dots(equation, s, where):
    """ShapeError unless the dots of one side of the equation form at most one '...'."""
    if s.count(".") and (s.count("...") != 1 or s.replace("...", "", 1).count(".")):
        found = "for which an ellipsis was already found" if s.count("...") > 1 else "that is not part of any ellipsis"
        raise ShapeError(f"einsum(): found '.' for {where} {found}: {s!r} in equation {equation!r}; write each "
                         "ellipsis as exactly three dots, at most once per operand")


def _parse(equation, ndims):
    """Explicit subscripts per operand and for the output, with `...` replaced by spare letters."""
    equation = equation.replace(" ", "")
    _check_characters(equation)
    lhs, arrow, rhs = equation.partition("->")
    inputs = lhs.split(",")
    for k, s in enumerate(inputs + ([rhs] if arrow else [])):
        _check_dots(equation, s, "the output" if k == len(inputs) else f"operand {k}")
    if len(inputs) != len(ndims):
        raise ShapeError(f"einsum {equation!r}: {len(inputs)} operand subscripts for {len(ndims)} operands; pass "
                         "one tensor per comma-separated subscript")
    used = set(equation) - set(".,->")
    spare = [c for c in string.ascii_letters if c not in used]
    n_ellipsis = max([nd - len(s.replace("...", "")) for s, nd in zip(inputs, ndims) if "..." in s], default=0)
    ell = "".join(spare[:n_ellipsis])
    explicit = []
    for s, nd in zip(inputs, ndims):
        if "..." in s:
            n = nd - len(s.replace("...", ""))
            s = s.replace("...", ell[n_ellipsis - n:] if n else "")
        if len(s) != nd or (s and not s.isalpha()):
            raise ShapeError(f"einsum {equation!r}: subscripts {s!r} do not fit an operand with {nd} dims; give one "
                             "letter per dim, or '...' for the dims you do not name")
        explicit.append(s)
    if arrow:
        out = rhs.replace("...", ell)
    else:
        counts = {}
        for s in explicit:
            for c in s:
                counts[c] = counts.get(c, 0) + 1
        out = ell + "".join(sorted(c for c, n in counts.items() if n == 1 and c not in ell))
    repeated = sorted({c for c in out if out.count(c) > 1})
    if repeated:
        raise ShapeError(f"einsum(): output subscript {repeated[0]} appears more than once in the output: equation "
                         f"{equation!r}; name each output letter once (a diagonal is 'ii->i')")
    if not set(out) <= set("".join(explicit)) or len(set(out)) != len(out):
        raise ShapeError(f"einsum {equation!r}: each output letter must appear once, and in some operand; drop "
                         "the output letters no input names")
    return explicit, out
