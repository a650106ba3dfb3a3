"""Drawing an attribution over the image it explains (matplotlib)."""
import numpy as np

from autograd import Tensor


def overlay(image, attribution, ax=None, cmap=None, alpha=0.5, title=None):
    """Draw `image` in grey (or colour) with `attribution` on top, stretched over the same area (so a
    Grad-CAM map at a layer's coarser resolution lines up), and return the matplotlib Axes.

    image: (H, W), (1, H, W), (3, H, W) or (H, W, 3); attribution: (h, w) or the image's shape (its
    channels are summed). Signed attributions (Integrated Gradients, SmoothGrad, SHAP) get the
    diverging map 'RdBu_r' centred on zero, red positive; non-negative ones (Grad-CAM, saliency)
    'jet' from zero; `cmap` overrides. Needs matplotlib (the `explain` or `train` extra).
    """
    try:
        import matplotlib.pyplot as plt
    except ImportError as exc:
        raise ImportError("overlay needs matplotlib: from a checkout pip install -e \".[explain]\" "
                          "(or pip install matplotlib)") from exc
    picture = _image(image)
    heat = _heat(attribution, picture.shape[:2])
    if ax is None:
        _, ax = plt.subplots()
    height, width = picture.shape[:2]
    extent = (0, width, height, 0)
    ax.imshow(picture, cmap="gray" if picture.ndim == 2 else None, extent=extent)
    limit = float(np.abs(heat).max()) or 1.0
    if heat.min() < 0:
        ax.imshow(heat, cmap=cmap or "RdBu_r", vmin=-limit, vmax=limit, alpha=alpha, extent=extent,
                  interpolation="bilinear")
    else:
        ax.imshow(heat, cmap=cmap or "jet", vmin=0.0, vmax=limit, alpha=alpha, extent=extent,
                  interpolation="bilinear")
    ax.set_axis_off()
    if title:
        ax.set_title(title)
    return ax


def _array(values):
    return np.asarray(values.numpy() if isinstance(values, Tensor) else values, dtype=np.float64)


def _image(image):
    """The image as (H, W) or (H, W, 3), scaled to [0, 1] for display."""
    picture = _array(image)
    if picture.ndim == 3 and picture.shape[0] in (1, 3) and picture.shape[-1] not in (1, 3):
        picture = np.moveaxis(picture, 0, -1)
    if picture.ndim == 3 and picture.shape[-1] == 1:
        picture = picture[..., 0]
    if picture.ndim not in (2, 3) or (picture.ndim == 3 and picture.shape[-1] != 3):
        raise ValueError(f"overlay: image must be (H, W), (1, H, W), (3, H, W) or (H, W, 3), got {picture.shape}")
    low, high = picture.min(), picture.max()
    return (picture - low) / (high - low) if high > low else np.zeros_like(picture)


def _heat(attribution, image_size):
    """The attribution as one (h, w) map: channels summed when it has the image's channels."""
    heat = _array(attribution)
    if heat.ndim == 3:
        axis = 0 if heat.shape[-2:] == tuple(image_size) else -1
        heat = heat.sum(axis=axis)
    if heat.ndim != 2:
        raise ValueError(f"overlay: attribution must be (h, w) or shaped as the image, got {heat.shape}")
    return heat
