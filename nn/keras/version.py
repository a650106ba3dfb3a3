"""The version nn.keras reports (the Keras release whose API it follows, marked as deepgrad's)."""
__version__ = "3.15.1-deepgrad"


def version():
    """keras.version(): the version string, as keras.__version__."""
    return __version__
