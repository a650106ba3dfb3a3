"""The version nn.keras reports (the Keras release whose API it follows, marked as deepgrad's)."""
__version__ = "3.15.1-deepgrad"
