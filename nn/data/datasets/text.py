"""Turning text into fixed-length id sequences: tokenizer, vocabulary, padding."""
import re
from collections import Counter
from itertools import repeat

import numpy as np

PAD, UNKNOWN = 0, 1  # reserved ids; real words start at 2
_LINE_BREAK = re.compile(r"<br\s*/?>", re.IGNORECASE)  # IMDB reviews hold HTML line breaks
_WORD = re.compile(r"[a-z0-9]+(?:'[a-z0-9]+)*")  # letters/digits, keeping inner apostrophes: don't


def tokenize(text):
    """Lower-case `text` and return its words (runs of letters and digits, e.g. "don't", "1950s")."""
    return _WORD.findall(_LINE_BREAK.sub(" ", text.lower()))


def build_vocab(token_lists, num_words=None, min_freq=1):
    """Return {word: id} for words seen at least `min_freq` times, most frequent first (ties by
    word), ids from 2; `num_words` caps the size including the two reserved ids (0 pad, 1 unknown)."""
    if num_words is not None and (not isinstance(num_words, int) or num_words < 3):
        raise ValueError(f"num_words must be None or an int >= 3 (ids 0 and 1 are reserved), got {num_words!r}")
    if not isinstance(min_freq, int) or min_freq < 1:
        raise ValueError(f"min_freq must be an int >= 1, got {min_freq!r}")
    counts = Counter()
    for tokens in token_lists:
        counts.update(tokens)
    ranked = sorted((w for w, c in counts.items() if c >= min_freq), key=lambda w: (-counts[w], w))
    if num_words is not None:
        ranked = ranked[: num_words - 2]
    return {word: i + 2 for i, word in enumerate(ranked)}


def encode(token_lists, vocab, maxlen, padding="pre"):
    """Return int64 (N, maxlen): each token list mapped through `vocab` (unknown words -> 1),
    then padded with 0 or truncated to `maxlen`, both at the start (`"pre"`, as Keras) or the end
    (`"post"`); "pre" keeps a review's last `maxlen` words."""
    if not isinstance(maxlen, int) or maxlen < 1:
        raise ValueError(f"maxlen must be a positive int, got {maxlen!r}")
    if padding not in ("pre", "post"):
        raise ValueError(f"padding must be 'pre' or 'post', got {padding!r}")
    out = np.full((len(token_lists), maxlen), PAD, dtype=np.int64)
    for row, tokens in zip(out, token_lists):
        ids = list(map(vocab.get, tokens, repeat(UNKNOWN, len(tokens))))
        ids = ids[-maxlen:] if padding == "pre" else ids[:maxlen]
        if ids:
            if padding == "pre":
                row[-len(ids):] = ids
            else:
                row[: len(ids)] = ids
    return out
