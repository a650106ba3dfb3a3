"""einsum's sublist form, einsum(op1, [0, 1], op2, [1, 2], [0, 2]): operands each followed by a list of ints
in [0, 52) naming its dims (and `...` / Ellipsis), then optionally the output's list. It is turned into the
equation form ('AB,BC->AC': 0-25 are 'A'-'Z', 26-51 are 'a'-'z', as in PyTorch) and computed as that."""
import operator
import string

from ..tensor import Tensor

_LETTERS = string.ascii_uppercase + string.ascii_lowercase


def _letters(sublist):
    """The subscript string for one list of ints (and Ellipsis)."""
    out = []
    for item in sublist:
        if item is Ellipsis:
            out.append("...")
            continue
        try:
            n = operator.index(item)
        except TypeError:
            raise TypeError(f"einsum(): subscripts in a sublist must be ints in [0, 52) or Ellipsis, got "
                            f"{item!r}") from None
        if not 0 <= n < len(_LETTERS):
            raise ValueError(f"einsum(): subscript in subscript list is not within the valid range [0, 52), got {n}")
        out.append(_LETTERS[n])
    return "".join(out)


def sublist_equation(args):
    """(equation, operands) from einsum's sublist arguments (op, sublist, op, sublist, ..., [output])."""
    pairs, rest = args[:len(args) // 2 * 2], args[len(args) // 2 * 2:]
    operands, subscripts = list(pairs[0::2]), list(pairs[1::2])
    for k, (op, sub) in enumerate(zip(operands, subscripts)):
        if not isinstance(op, Tensor):
            raise TypeError(f"einsum(): in the sublist form each operand must be a Tensor followed by its list of "
                            f"subscripts; argument {2 * k} is {type(op).__name__}")
        if not isinstance(sub, (list, tuple)):
            raise TypeError(f"einsum(): argument {2 * k + 1} must be the list of subscripts of operand {k}, got "
                            f"{type(sub).__name__}")
    equation = ",".join(_letters(s) for s in subscripts)
    if rest:
        if not isinstance(rest[0], (list, tuple)):
            raise TypeError(f"einsum(): the last argument must be the output's list of subscripts, got "
                            f"{type(rest[0]).__name__}")
        equation += "->" + _letters(rest[0])
    return equation, operands
