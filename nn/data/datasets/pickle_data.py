"""Read NumPy object arrays out of a pickle stream without unpickling it: nothing in the file is run.

Some official `.npz` files (Keras's reuters.npz) hold ragged sequences as object arrays, which NumPy can only
store as a pickle. This module walks the pickle opcodes itself and builds nothing but plain values (ints,
floats, strings, bytes, lists, tuples, dicts). The references to NumPy's array and dtype constructors that
such a stream contains are read as names, checked against a short list and interpreted here; any other
reference, or any opcode outside the data subset, is refused with a `ValueError`.
"""
import struct

import numpy as np

# the names an object array's pickle mentions: NumPy 1 and 2 spellings, and the helper protocol 2 uses for bytes
RECONSTRUCT = {"numpy.core.multiarray._reconstruct", "numpy._core.multiarray._reconstruct"}
KNOWN_NAMES = RECONSTRUCT | {"numpy.ndarray", "numpy.dtype", "_codecs.encode"}


class _Name(str):
    """A global the stream refers to, kept as its dotted name."""


class _Call:
    """`name(*args)` as written in the stream, with the state a later BUILD gave it."""

    def __init__(self, name, args):
        self.name, self.args, self.state = name, args, None


class _Mark:
    pass


_MARK = _Mark()


def read_object_array(blob, where):
    """The NumPy object array pickled in `blob` (the body of an object-dtype .npy member), built without
    running anything; `where` names the file in errors."""
    value = _Reader(blob, where).run()
    return _as_object_array(value, where)


def _as_object_array(value, where):
    if not (isinstance(value, _Call) and value.name in RECONSTRUCT and value.state is not None):
        raise ValueError(f"{where}: the pickle does not hold a NumPy array; refusing to read it")
    try:
        _version, shape, dtype, _fortran, items = value.state
        dtype_name = dtype.args[0]
    except (TypeError, ValueError, AttributeError, IndexError):
        raise ValueError(f"{where}: the pickled array's state is not NumPy's layout; refusing to read it") from None
    if not (isinstance(dtype, _Call) and dtype.name == "numpy.dtype" and dtype_name in ("O4", "O8")):
        raise ValueError(f"{where}: only object arrays are read from a pickle (numeric arrays load without one); "
                         f"found dtype {dtype_name!r}")
    if not (isinstance(shape, tuple) and all(type(n) is int and n >= 0 for n in shape)):
        raise ValueError(f"{where}: the pickled array's shape {shape!r} is not a tuple of sizes")
    count = int(np.prod(shape, dtype=np.int64))
    if not isinstance(items, list) or len(items) != count:
        raise ValueError(f"{where}: the pickled array of shape {shape} does not list its {count} items")
    array = np.empty(count, dtype=object)
    try:
        for k, item in enumerate(items):
            array[k] = _plain(item, where)
    except RecursionError:  # nested without end, or a list that contains itself
        raise ValueError(f"{where}: an array item is nested too deeply (or contains itself); "
                         f"refusing to read it") from None
    return array.reshape(shape)


def _plain(item, where):
    """`item` itself, after checking that it holds only plain values (no name or call from the stream)."""
    if isinstance(item, (_Call, _Name)):
        name = item.name if isinstance(item, _Call) else str(item)
        raise ValueError(f"{where}: an array item refers to {name}; only plain values are read")
    for part in (item.keys() | item.values() if isinstance(item, dict) else item
                 if isinstance(item, (list, tuple)) else ()):
        _plain(part, where)
    return item


class _Reader:
    """One pass over the opcodes of a pickle stream (protocols 0-5, data subset only)."""

    def __init__(self, blob, where):
        self.data, self.pos, self.where = bytes(blob), 0, where
        self.stack, self.memo = [], {}
        self.ops = {
            0x80: self._proto, 0x95: self._frame, ord("("): self._mark, ord("0"): self._pop,
            ord("1"): self._pop_mark, ord("2"): self._dup, ord("N"): lambda: self.stack.append(None),
            0x88: lambda: self.stack.append(True), 0x89: lambda: self.stack.append(False),
            ord("J"): lambda: self.stack.append(self._unpack("<i", 4)),
            ord("K"): lambda: self.stack.append(self._take(1)[0]),
            ord("M"): lambda: self.stack.append(self._unpack("<H", 2)),
            0x8A: lambda: self.stack.append(self._long(self._take(1)[0])),
            0x8B: lambda: self.stack.append(self._long(self._unpack("<i", 4))),
            ord("G"): lambda: self.stack.append(self._unpack(">d", 8)),
            ord("U"): lambda: self.stack.append(bytes(self._take(self._take(1)[0]))),
            ord("T"): lambda: self.stack.append(bytes(self._take(self._unpack("<i", 4)))),
            ord("C"): lambda: self.stack.append(bytes(self._take(self._take(1)[0]))),
            ord("B"): lambda: self.stack.append(bytes(self._take(self._unpack("<I", 4)))),
            0x8E: lambda: self.stack.append(bytes(self._take(self._unpack("<Q", 8)))),
            0x8C: lambda: self.stack.append(self._text(self._take(1)[0])),
            ord("X"): lambda: self.stack.append(self._text(self._unpack("<I", 4))),
            0x8D: lambda: self.stack.append(self._text(self._unpack("<Q", 8))),
            ord("]"): lambda: self.stack.append([]), ord("a"): self._append, ord("e"): self._appends,
            ord("l"): lambda: self.stack.append(self._since_mark()),
            ord(")"): lambda: self.stack.append(()), ord("t"): lambda: self.stack.append(tuple(self._since_mark())),
            0x85: lambda: self._tuple(1), 0x86: lambda: self._tuple(2), 0x87: lambda: self._tuple(3),
            ord("}"): lambda: self.stack.append({}), ord("d"): self._dict, ord("s"): self._setitem,
            ord("u"): self._setitems, ord("c"): self._global, 0x93: self._stack_global,
            ord("R"): self._reduce, ord("b"): self._build,
            ord("q"): lambda: self._put(self._take(1)[0]), ord("r"): lambda: self._put(self._unpack("<I", 4)),
            0x94: lambda: self._put(len(self.memo)), ord("p"): lambda: self._put(int(self._line())),
            ord("h"): lambda: self._get(self._take(1)[0]), ord("j"): lambda: self._get(self._unpack("<I", 4)),
            ord("g"): lambda: self._get(int(self._line())),
        }

    def run(self):
        """The value the stream leaves when it reaches STOP."""
        data, stack, ops = self.data, self.stack, self.ops
        small, short, signed = ord("K"), ord("M"), ord("J")
        try:
            while True:
                code = data[self.pos]
                # the integers of long sequences take the quick path; everything else goes through `ops`
                if code == small:
                    stack.append(data[self.pos + 1])
                    self.pos += 2
                elif code == short:
                    stack.append(data[self.pos + 1] | data[self.pos + 2] << 8)
                    self.pos += 3
                elif code == signed:
                    stack.append(int.from_bytes(data[self.pos + 1:self.pos + 5], "little", signed=True))
                    self.pos += 5
                elif code == ord("."):
                    if len(stack) != 1 or stack[0] is _MARK:
                        self._fail("it stops with a malformed stack")
                    return stack[0]
                else:
                    self.pos += 1
                    op = ops.get(code)
                    if op is None:
                        self._fail(f"opcode {bytes([code])!r} at byte {self.pos - 1} is outside the plain-data "
                                   f"subset")
                    op()
        except (IndexError, KeyError, TypeError, ValueError, struct.error, UnicodeDecodeError) as exc:
            if isinstance(exc, ValueError) and str(exc).startswith(self.where):
                raise
            self._fail(f"it is malformed or ends early near byte {self.pos} ({type(exc).__name__}: {exc})")

    def _fail(self, why):
        raise ValueError(f"{self.where}: refusing to read the pickled data: {why}")

    def _take(self, n):
        if n < 0 or self.pos + n > len(self.data):
            self._fail("it ends early")
        part = self.data[self.pos:self.pos + n]
        self.pos += n
        return part

    def _unpack(self, fmt, n):
        return struct.unpack(fmt, self._take(n))[0]

    def _long(self, n):
        return int.from_bytes(self._take(n), "little", signed=True)

    def _text(self, n):
        return str(self._take(n), "utf-8")

    def _line(self):
        end = bytes(self.data[self.pos:]).find(b"\n")
        if end < 0:
            self._fail("a text argument has no end of line")
        return str(self._take(end + 1)[:-1], "ascii")

    def _proto(self):
        if self._take(1)[0] > 5:
            self._fail("its protocol is newer than 5")

    def _frame(self):
        self._take(8)

    def _mark(self):
        self.stack.append(_MARK)

    def _since_mark(self):
        # the newest MARK on the stack: everything above it is returned and popped, with the mark
        for k in range(len(self.stack) - 1, -1, -1):
            if self.stack[k] is _MARK:
                items = self.stack[k + 1:]
                del self.stack[k:]
                return items
        self._fail("it closes a MARK that was never opened")

    def _pop(self):
        self.stack.pop()

    def _pop_mark(self):
        self._since_mark()

    def _dup(self):
        self.stack.append(self.stack[-1])

    def _tuple(self, n):
        items = tuple(self.stack[-n:])
        del self.stack[-n:]
        self.stack.append(items)

    def _target(self, kind):
        target = self.stack[-1]
        if not isinstance(target, kind):
            self._fail(f"it adds items to a {type(target).__name__}, not a {kind.__name__}")
        return target

    def _append(self):
        item = self.stack.pop()
        self._target(list).append(item)

    def _appends(self):
        items = self._since_mark()
        self._target(list).extend(items)

    def _dict(self):
        items = self._since_mark()
        self.stack.append(dict(zip(items[::2], items[1::2])))

    def _setitem(self):
        value, key = self.stack.pop(), self.stack.pop()
        self._target(dict)[key] = value

    def _setitems(self):
        items = self._since_mark()
        self._target(dict).update(zip(items[::2], items[1::2]))

    def _named(self, module, name):
        dotted = f"{module}.{name}"
        if dotted not in KNOWN_NAMES:
            self._fail(f"it refers to {dotted}, which is not part of a NumPy object array")
        return _Name(dotted)

    def _global(self):
        module = self._line()
        self.stack.append(self._named(module, self._line()))

    def _stack_global(self):
        name, module = self.stack.pop(), self.stack.pop()
        if not (isinstance(module, str) and isinstance(name, str)):
            self._fail("STACK_GLOBAL is given something other than two names")
        self.stack.append(self._named(module, name))

    def _reduce(self):
        args, func = self.stack.pop(), self.stack.pop()
        if not isinstance(func, _Name) or not isinstance(args, tuple):
            self._fail("it calls something that is not a known name")
        if func == "_codecs.encode":  # protocol 2's spelling of a bytes literal: (text, 'latin1')
            if len(args) != 2 or not isinstance(args[0], str) or args[1] not in ("latin1", "latin-1"):
                self._fail("_codecs.encode is used for something other than a latin-1 bytes literal")
            self.stack.append(args[0].encode("latin1"))
            return
        self.stack.append(_Call(str(func), args))

    def _build(self):
        state, target = self.stack.pop(), self.stack[-1]
        if not isinstance(target, _Call) or target.state is not None:
            self._fail("it sets the state of something other than a fresh NumPy array or dtype")
        target.state = state

    def _put(self, index):
        self.memo[index] = self.stack[-1]

    def _get(self, index):
        self.stack.append(self.memo[index])
