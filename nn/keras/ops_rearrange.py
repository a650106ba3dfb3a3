"""keras.ops.rearrange: einops-style axis rearrangement, "b h w c -> b (h w) c". Each side lists axis names;
parentheses group axes into one (merge on the right, split on the left, with the split lengths given as keyword
arguments, one length per group may be left to infer); "..." stands for any run of axes; a "1" on the left
drops an axis of size 1 and on the right adds one. Implemented as reshape, permute, reshape: differentiable."""
import math
import re

import autograd as ag

from .ops_args import _t

_TOKEN = re.compile(r"\.\.\.|\(|\)|[A-Za-z_][A-Za-z0-9_]*|\d+|\S")


def _parse(side, pattern):
    """A side of the pattern as a list of groups, each a list of axis names ('1' for a unit axis), or the string
    '...' for a bare ellipsis."""
    groups, current = [], None
    for token in _TOKEN.findall(side):
        if token == "(":
            if current is not None:
                raise ValueError(f"keras.ops.rearrange: nested parentheses in {pattern!r}")
            current = []
        elif token == ")":
            if current is None:
                raise ValueError(f"keras.ops.rearrange: unbalanced ')' in {pattern!r}")
            groups.append(current)
            current = None
        elif token == "..." or token.isidentifier() or token.isdigit():
            if token.isdigit() and token != "1":
                raise ValueError(f"keras.ops.rearrange: only the anonymous axis 1 is allowed, got {token!r} in "
                                 f"{pattern!r}")
            if current is not None:
                current.append(token)
            else:
                groups.append("..." if token == "..." else [token])   # a bare ... stands for several groups
        else:
            raise ValueError(f"keras.ops.rearrange: unexpected {token!r} in {pattern!r}")
    if current is not None:
        raise ValueError(f"keras.ops.rearrange: unbalanced '(' in {pattern!r}")
    return groups


def _expand_ellipsis(groups, count):
    names = [f"...{k}" for k in range(count)]
    out = []
    for group in groups:
        if group == "...":
            out.extend([n] for n in names)
        else:
            out.append([n for name in group for n in (names if name == "..." else [name])])
    return out


def rearrange(tensor, pattern, **axes_lengths):
    """`tensor` reordered, merged and split as `pattern` ("left -> right") says; keyword arguments give the
    lengths of axes that a split on the left cannot infer."""
    x = _t(tensor)
    if pattern.count("->") != 1:
        raise ValueError(f"keras.ops.rearrange: the pattern needs one '->', got {pattern!r}")
    left_text, right_text = pattern.split("->")
    left, right = _parse(left_text, pattern), _parse(right_text, pattern)
    if sum(g.count("...") for g in left) > 1 or (sum(g.count("...") for g in right) > 0) != \
            (sum(g.count("...") for g in left) > 0):
        raise ValueError(f"keras.ops.rearrange: '...' must appear once on both sides or on neither: {pattern!r}")
    if any(g != "..." and "..." in g for g in left):
        raise ValueError(f"keras.ops.rearrange: '...' cannot sit inside parentheses on the left: {pattern!r}")
    rest = x.ndim - (len(left) - 1) if any("..." in g for g in left) else 0
    if rest < 0 or (not rest and len(left) != x.ndim and not any("..." in g for g in left)):
        raise ValueError(f"keras.ops.rearrange: the left side of {pattern!r} names {len(left)} axes, the tensor "
                         f"has shape {tuple(x.shape)}")
    left, right = _expand_ellipsis(left, rest), _expand_ellipsis(right, rest)
    sizes = dict(axes_lengths)
    for group, size in zip(left, x.shape):
        named = [n for n in group if n != "1"]
        unknown = [n for n in named if n not in sizes]
        known = math.prod(sizes[n] for n in named if n in sizes)
        if len(unknown) > 1:
            raise ValueError(f"keras.ops.rearrange: cannot split an axis of size {size} into {group} with more than "
                             f"one unknown length; pass the lengths as keyword arguments, e.g. {unknown[0]}=...")
        if unknown:
            if known == 0 or size % known:
                raise ValueError(f"keras.ops.rearrange: axis of size {size} does not split into {group} with "
                                 f"{ {n: sizes[n] for n in named if n in sizes} }")
            sizes[unknown[0]] = size // known
        elif known != size:
            raise ValueError(f"keras.ops.rearrange: axis of size {size} does not match {group} = {known}")
    elementary = [n for g in left for n in g if n != "1"]
    wanted = [n for g in right for n in g if n != "1"]
    if sorted(elementary) != sorted(wanted) or len(set(elementary)) != len(elementary):
        raise ValueError(f"keras.ops.rearrange: both sides of {pattern!r} must name the same axes, each once "
                         f"(left {elementary}, right {wanted})")
    x = x.reshape(*[sizes[n] for n in elementary]) if elementary else x.reshape(())
    x = ag.permute(x, tuple(elementary.index(n) for n in wanted)) if len(wanted) > 1 else x
    return x.reshape(*[math.prod(sizes[n] for n in g if n != "1") for g in right])
