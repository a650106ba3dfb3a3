"""keras.datasets.reuters: 11,228 Reuters newswires as lists of word ids over 46 topics, from Keras's
reuters.npz and reuters_word_index.json, with Keras's id layout, filters, shuffle and split.

reuters.npz stores the ragged sequences as a pickled object array; deepgrad rebuilds it from the pickle's data
without running the pickle (nn.data.datasets.pickle_data).
"""
import numpy as np

from .keras_files import features_and_targets, keras_dataset_file
from .word_ids import cut_vocabulary, read_word_index, shifted, shorter_than

SHA256 = "d6586e694ee56d7a4e65172e12b3e987c03096cb01eab99753921ef915959916"  # as Keras pins it
WORD_INDEX_MD5 = "4d44cc38712099c9e383dc6e5f11a921"  # Keras pins only an MD5 for the word index
LABEL_NAMES = (
    "cocoa", "grain", "veg-oil", "earn", "acq", "wheat", "copper", "housing", "money-supply", "coffee", "sugar",
    "trade", "reserves", "ship", "cotton", "carcass", "crude", "nat-gas", "cpi", "money-fx", "interest", "gnp",
    "meal-feed", "alum", "oilseed", "gold", "tin", "strategic-metal", "livestock", "retail", "ipi", "iron-steel",
    "rubber", "heat", "jobs", "lei", "bop", "zinc", "orange", "pet-chem", "dlr", "gas", "silver", "wpi", "hog",
    "lead")


def load_data(path="reuters.npz", num_words=None, skip_top=0, maxlen=None, test_split=0.2, seed=113, start_char=1,
              oov_char=2, index_from=3, download=True):
    """((x_train, y_train), (x_test, y_test)): x object arrays of lists of word ids, y the topic ids.

    The newswires are shuffled with RandomState(seed); each word id w becomes w + index_from, after a leading
    start_char (None: none); with maxlen, sequences of maxlen ids or more (start_char counted) are dropped;
    ids below skip_top or at/above num_words (None: the largest id present) become oov_char (None: dropped);
    the last `test_split` of the newswires form the test set. All as Keras 3 does.
    """
    who = "keras.datasets.reuters.load_data"
    xs, labels = features_and_targets(who, keras_dataset_file(who, path, "reuters.npz", sha256=SHA256,
                                                              download=download))
    order = np.arange(len(xs))
    np.random.RandomState(seed).shuffle(order)
    xs, labels = xs[order], labels[order]
    xs = shifted(xs, start_char, index_from)
    if maxlen:
        xs, labels = shorter_than(maxlen, xs, labels)
    if len(xs) == 0:
        raise ValueError(f"{who}: maxlen={maxlen} drops every newswire (a kept one has fewer than maxlen ids, "
                         f"start_char included); raise maxlen")
    xs = cut_vocabulary(xs, num_words, skip_top, oov_char)
    cut = int(len(xs) * (1 - test_split))
    # np.array(..., dtype=object) as Keras builds it: equal-length sequences make a 2-D object array there too
    return ((np.array(xs[:cut], dtype="object"), np.array(labels[:cut])),
            (np.array(xs[cut:], dtype="object"), np.array(labels[cut:])))


def get_word_index(path="reuters_word_index.json", download=True):
    """{word: index}, 1 for the most frequent word; in load_data's sequences a word appears as index + index_from."""
    who = "keras.datasets.reuters.get_word_index"
    file = keras_dataset_file(who, path, "reuters_word_index.json", md5=WORD_INDEX_MD5, download=download)
    return read_word_index(who, file)


def get_label_names():
    """The 46 topic names, in the order of the label ids."""
    return LABEL_NAMES
