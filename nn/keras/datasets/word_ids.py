"""The word-id conventions of Keras's text datasets (imdb, reuters): ids shifted by index_from after a start_char,
long sequences dropped, a vocabulary cut to [skip_top, num_words) with oov_char, and the word index json."""
import json


def shifted(sequences, start_char, index_from):
    """Each sequence as a list: start_char (None: none) followed by every stored id plus index_from."""
    head = [] if start_char is None else [start_char]
    return [head + [w + index_from for w in x] for x in sequences]


def shorter_than(maxlen, sequences, labels):
    """(sequences, labels) of the sequences with fewer than maxlen ids (Keras keeps len < maxlen, not <=)."""
    kept = [k for k, x in enumerate(sequences) if len(x) < maxlen]
    return [sequences[k] for k in kept], [labels[k] for k in kept]


def cut_vocabulary(sequences, num_words, skip_top, oov_char):
    """Ids outside [skip_top, num_words) replaced by oov_char, or dropped when oov_char is None. A falsy
    num_words means the largest id present, which is itself then outside the range, as in Keras."""
    if not num_words:
        num_words = max((max(x) for x in sequences if len(x)), default=0)
    if oov_char is None:
        return [[w for w in x if skip_top <= w < num_words] for x in sequences]
    return [[w if skip_top <= w < num_words else oov_char for w in x] for x in sequences]


def read_word_index(who, file):
    """The {word: index} mapping stored as json in `file`."""
    try:
        with open(file, encoding="utf-8") as f:
            index = json.load(f)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ValueError(f"{who}: {file} is not valid JSON ({exc}); delete it and download it again") from None
    if not isinstance(index, dict):
        raise ValueError(f"{who}: {file} holds a {type(index).__name__}, not the word -> index mapping")
    return index
