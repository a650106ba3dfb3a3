"""keras.preprocessing: Keras 3's names for the image, sequence and dataset utilities (`keras.preprocessing.image.
img_to_array`, `keras.preprocessing.sequence.pad_sequences`, `keras.preprocessing.image_dataset_from_directory`,
...), the same functions as keras.utils holds."""
from ..utils import image_dataset_from_directory, text_dataset_from_directory, timeseries_dataset_from_array
from . import image, sequence

__all__ = ["image", "sequence", "image_dataset_from_directory", "text_dataset_from_directory",
           "timeseries_dataset_from_array"]
