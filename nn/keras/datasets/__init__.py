"""keras.datasets: mnist and imdb `load_data()` as Keras returns them, from deepgrad's cached files."""
from . import imdb, mnist

__all__ = ["mnist", "imdb"]
