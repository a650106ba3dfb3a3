"""keras.utils.image_dataset_from_directory and text_dataset_from_directory: labelled datasets from a folder
with one sub-folder per class, indexed, shuffled and split as Keras does."""
import os

import numpy as np

from . import settings as config
from .batched_dataset import BatchedDataset
from .utils_images import _resampling, img_to_array, pil_image

IMAGE_FORMATS = (".bmp", ".gif", ".jpeg", ".jpg", ".png")
_INTERPOLATIONS = ("bilinear", "nearest", "bicubic", "area", "lanczos3", "lanczos5", "gaussian", "mitchellcubic")
_PILLOW_METHOD = {"area": "box", "lanczos3": "lanczos", "lanczos5": "lanczos", "gaussian": "bicubic",
                  "mitchellcubic": "bicubic"}


def _valid_files(directory, follow_links, formats):
    for root, _, files in sorted(os.walk(directory, followlinks=follow_links), key=lambda x: x[0]):
        for name in sorted(files):
            if name.lower().endswith(formats):
                yield root, name


def index_directory(directory, labels, formats, class_names=None, shuffle=True, seed=None, follow_links=False,
                    verbose=True):
    """(file_paths, labels, class_names) of the files ending in `formats`, class folders in sorted order (or
    class_names' order), shuffled together with np.random.RandomState(seed) when `shuffle`."""
    if labels == "inferred":
        subdirs = [d for d in sorted(os.listdir(directory))
                   if os.path.isdir(os.path.join(directory, d)) and not d.startswith(".")]
        if class_names is not None:
            if not set(class_names).issubset(set(subdirs)):
                raise ValueError("The `class_names` passed did not match the names of the subdirectories of the "
                                 f"target directory. Expected: {subdirs} (or a subset of it), but received: "
                                 f"class_names={class_names}")
            subdirs = class_names
    else:
        subdirs = [""]
        if class_names is not None:
            if labels is None:
                raise ValueError("When `labels=None` (no labels), argument `class_names` cannot be specified.")
            raise ValueError("When argument `labels` is specified, argument `class_names` cannot be specified (the "
                             "`class_names` will be the sorted list of labels).")
    class_names = subdirs
    filenames, found = [], []
    for index, subdir in enumerate(subdirs):
        folder = os.path.join(directory, subdir)
        dirname = os.path.basename(folder)
        for root, name in _valid_files(folder, follow_links, formats):
            filenames.append(os.path.join(dirname, os.path.relpath(os.path.join(root, name), folder)))
            found.append(index)
    if labels == "inferred":
        labels = np.asarray(found, dtype="int32")
    elif labels is None:
        class_names = None
    else:
        if len(labels) != len(filenames):
            raise ValueError(f"Expected the lengths of `labels` to match the number of files in the target directory. "
                             f"len(labels) is {len(labels)} while we found {len(filenames)} files in directory "
                             f"{directory}.")
        class_names = [str(label) for label in sorted(set(labels))]
    if verbose:
        print(f"Found {len(filenames)} files." if labels is None else
              f"Found {len(filenames)} files belonging to {len(class_names)} classes.")
    file_paths = [os.path.join(directory, name) for name in filenames]
    if shuffle:
        if seed is None:
            seed = np.random.randint(1e6)
        np.random.RandomState(seed).shuffle(file_paths)
        if labels is not None:
            np.random.RandomState(seed).shuffle(labels)
    return file_paths, labels, class_names


def check_validation_split_arg(validation_split, subset, shuffle, seed):
    """Keras's checks of validation_split / subset / seed."""
    if validation_split and not 0 < validation_split < 1:
        raise ValueError(f"`validation_split` must be between 0 and 1, received: {validation_split}")
    if (validation_split or subset) and not (validation_split and subset):
        raise ValueError("If `subset` is set, `validation_split` must be set, and inversely.")
    if subset not in ("training", "validation", "both", None):
        raise ValueError(f'`subset` must be either "training", "validation" or "both", received: {subset}')
    if validation_split and shuffle and seed is None:
        raise ValueError("If using `validation_split` and shuffling the data, you must provide a `seed` argument, "
                         "to make sure that there is no overlap between the training and validation subset.")


def training_or_validation_split(samples, labels, validation_split, subset):
    """The last int(validation_split * n) samples for 'validation', the others for 'training'."""
    if not validation_split:
        return samples, labels
    num_val = int(validation_split * len(samples))
    if subset == "training":
        print(f"Using {len(samples) - num_val} files for training.")
        return samples[:-num_val], None if labels is None else labels[:-num_val]
    if subset == "validation":
        print(f"Using {num_val} files for validation.")
        return samples[-num_val:], None if labels is None else labels[-num_val:]
    raise ValueError(f'`subset` must be either "training" or "validation", received: {subset}')


def _check_labels(labels, label_mode, class_names, what):
    if labels not in ("inferred", None):
        if not isinstance(labels, (list, tuple)):
            raise ValueError(f"`labels` argument should be a list/tuple of integer labels, of the same size as the "
                             f"number of {what} in the target directory. If you wish to infer the labels from the "
                             'subdirectory names in the target directory, pass `labels="inferred"`. If you wish to '
                             f"get a dataset that only contains {what} (no labels), pass `labels=None`. "
                             f"Received: labels={labels}")
        if class_names:
            raise ValueError(f'You can only pass `class_names` if `labels="inferred"`. Received: labels={labels}, '
                             f"and class_names={class_names}")
    if label_mode not in {"int", "categorical", "binary", None}:
        raise ValueError('`label_mode` argument must be one of "int", "categorical", "binary", or None. '
                         f"Received: label_mode={label_mode}")


def _label(label, label_mode, num_classes):
    if label_mode == "binary":
        return np.asarray([label], dtype="float32")
    if label_mode == "categorical":
        return np.eye(num_classes, dtype="float32")[label]
    return np.asarray(label, dtype="int32")


def _datasets(directory, labels, label_mode, class_names, batch_size, shuffle, seed, validation_split, subset,
              follow_links, verbose, formats, what, load, batches=BatchedDataset):
    """The dataset (or [training, validation] for subset='both') of `load(path)` examples with their labels, served
    by `batches` (a BatchedDataset class)."""
    check_validation_split_arg(validation_split, subset, shuffle, seed)
    if seed is None:
        seed = np.random.randint(1e6)
    paths, labels, class_names = index_directory(directory, labels, formats, class_names, shuffle, seed,
                                                 follow_links, verbose)
    if label_mode == "binary" and len(class_names) != 2:
        raise ValueError('When passing `label_mode="binary"`, there must be exactly 2 class_names. '
                         f"Received: class_names={class_names}")
    num_classes = len(class_names) if class_names else 0

    def dataset(part_paths, part_labels):
        def example(k):
            value = load(part_paths[k])
            return value if label_mode is None else (value, _label(part_labels[k], label_mode, num_classes))
        made = batches(len(part_paths), example, batch_size)
        made.class_names, made.file_paths = class_names, part_paths
        return made

    subsets = ("training", "validation") if subset == "both" else (subset,)
    made = []
    for name in subsets:
        part_paths, part_labels = training_or_validation_split(paths, labels, validation_split, name)
        if not part_paths:
            kind = {"training": "training ", "validation": "validation "}.get(name, "") if subset == "both" else ""
            allowed = "format: .txt" if formats == (".txt",) else f"formats: {formats}"
            raise ValueError(f"No {kind}{what} found in directory {directory}. Allowed {allowed}")
        made.append(dataset(part_paths, part_labels))
    return made if subset == "both" else made[0]


def image_dataset_from_directory(directory, labels="inferred", label_mode="int", class_names=None, color_mode="rgb",
                                 batch_size=32, image_size=(256, 256), shuffle=True, seed=None, validation_split=None,
                                 subset=None, interpolation="bilinear", follow_links=False, crop_to_aspect_ratio=False,
                                 pad_to_aspect_ratio=False, data_format=None, format="tf", verbose=True):
    """A dataset of (images, labels) batches from `directory`/<class>/<image files> (images alone when labels or
    label_mode is None): float32 images of image_size (height, width) with 1, 3 or 4 channels (color_mode),
    labels int32 (label_mode 'int'), float32 one-hot ('categorical') or float32 (batch, 1) ('binary'). The result
    has `class_names` and `file_paths`; subset='both' gives [training, validation].

    Keras returns a tf.data.Dataset; deepgrad returns a BatchedDataset (a keras.utils.PyDataset) that fit, evaluate
    and predict take, with the same files in the same order (Keras's seeded NumPy shuffle; TensorFlow's extra
    buffer shuffle of the training files is not repeated). Images are decoded and resized with Pillow (pip install
    pillow), not tf.image, so resized pixels can differ slightly from Keras's; images already of image_size match.
    """
    _check_labels(labels, label_mode, class_names, "image files")
    if labels is None or label_mode is None:
        labels, label_mode = None, None
    channels = {"rgb": 3, "rgba": 4, "grayscale": 1}.get(color_mode)
    if channels is None:
        raise ValueError('`color_mode` must be one of {"rgb", "rgba", "grayscale"}. '
                         f"Received: color_mode={color_mode}")
    if isinstance(image_size, int):
        image_size = (image_size, image_size)
    elif not isinstance(image_size, (list, tuple)) or len(image_size) != 2:
        raise ValueError("Invalid `image_size` value. Expected a tuple of 2 integers. "
                         f"Received: image_size={image_size}")
    interpolation = interpolation.lower()
    if interpolation not in _INTERPOLATIONS:
        raise ValueError(f"Argument `interpolation` should be one of {_INTERPOLATIONS}. "
                         f"Received: interpolation={interpolation}")
    if format not in ("tf", "grain"):
        raise ValueError(f'`format` should be either "tf" or "grain". Received: format={format}')
    if pad_to_aspect_ratio:
        raise NotImplementedError("image_dataset_from_directory: nn.keras does not support pad_to_aspect_ratio=True "
                                  "yet; use crop_to_aspect_ratio=True or pad the images beforehand")
    data_format = config.standardize_data_format(data_format)
    image_module = pil_image("image_dataset_from_directory")
    method = _resampling(image_module)[_PILLOW_METHOD.get(interpolation, interpolation)]
    mode = {1: "L", 3: "RGB", 4: "RGBA"}[channels]

    def load(path):
        with image_module.open(path) as img:
            img = img.convert(mode) if img.mode != mode else img.copy()
        size = (image_size[1], image_size[0])
        if img.size != size:
            box = None
            if crop_to_aspect_ratio:
                width, height = img.size
                crop_h = min(height, width * size[1] // size[0])
                crop_w = min(width, height * size[0] // size[1])
                top, left = (height - crop_h) // 2, (width - crop_w) // 2
                box = (left, top, left + crop_w, top + crop_h)
            img = img.resize(size, method, box=box)
        return img_to_array(img, data_format=data_format, dtype="float32")

    return _datasets(directory, labels, label_mode, class_names, batch_size, shuffle, seed, validation_split, subset,
                     follow_links, verbose, IMAGE_FORMATS, "images", load)


def text_dataset_from_directory(directory, labels="inferred", label_mode="int", class_names=None, batch_size=32,
                                max_length=None, shuffle=True, seed=None, validation_split=None, subset=None,
                                follow_links=False, format="tf", verbose=True):
    """A dataset of (texts, labels) batches from `directory`/<class>/<name>.txt (texts alone when labels or
    label_mode is None): texts as a NumPy str array (each cut to max_length characters when given), labels as in
    image_dataset_from_directory. The result has `class_names` and `file_paths`; subset='both' gives
    [training, validation].

    Keras returns a tf.data.Dataset of byte strings; deepgrad returns a BatchedDataset (a keras.utils.PyDataset)
    of str arrays, which fit, evaluate, predict and the text layers take, with the same files in the same order
    (TensorFlow's extra buffer shuffle of the training files is not repeated).
    """
    _check_labels(labels, label_mode, class_names, "text files")
    if format not in ("tf", "grain"):
        raise ValueError(f'`format` should be either "tf" or "grain". Received: format={format}')
    if labels is None or label_mode is None:
        labels, label_mode = None, None

    def load(path):
        with open(path, encoding="utf-8") as f:
            text = f.read()
        return np.asarray(text if max_length is None else text[:max_length])

    return _datasets(directory, labels, label_mode, class_names, batch_size, shuffle, seed, validation_split, subset,
                     follow_links, verbose, (".txt",), "text files", load)
