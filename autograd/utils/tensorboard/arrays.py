"""What the summaries are made from: a Tensor, NumPy array or number as a host NumPy array, and images in the
(H, W, C) layout TensorBoard stores (a batch laid out as a grid of up to eight columns)."""
import numpy as np

from ...errors import UnsupportedError


def host_array(value):
    """value (a Tensor on any device, an array, a number) as a NumPy array; bfloat16 as float16."""
    if isinstance(value, np.ndarray):
        return value
    if np.isscalar(value):
        return np.array([value])
    to_numpy = getattr(value, "numpy", None)
    if to_numpy is None:
        raise UnsupportedError(f"SummaryWriter: expects a Tensor, a NumPy array or a number, got "
                               f"{type(value).__name__}; convert it first (e.g. torch.tensor(values))")
    detached = value.detach() if hasattr(value, "detach") else value
    if str(getattr(detached, "dtype", "")) == "bfloat16":
        detached = detached.to(np.float16) if hasattr(detached, "to") else detached
    return np.asarray(detached.cpu().numpy() if hasattr(detached, "cpu") else detached.numpy())


def grid(images, columns=8):
    """A batch (N, C, H, W) with 1 or 3 channels as one (3, H * rows, W * cols) canvas, row by row."""
    if images.shape[1] == 1:
        images = np.concatenate([images] * 3, 1)
    if images.ndim != 4 or images.shape[1] != 3:
        raise ValueError(f"add_images: expects images with 1 or 3 channels, got shape {images.shape}")
    count, _, height, width = images.shape
    columns = min(count, columns)
    rows = -(-count // columns)
    canvas = np.zeros((3, height * rows, width * columns), images.dtype)
    for k in range(count):
        y, x = divmod(k, columns)
        canvas[:, y * height:(y + 1) * height, x * width:(x + 1) * width] = images[k]
    return canvas


def to_hwc(image, dataformats):
    """image in the layout `dataformats` names (NCHW, NHWC, CHW, HWC, HW, ...) as (H, W, C) with 3 channels
    (grey images repeated; a batch as a grid)."""
    layout = dataformats.upper()
    if len(set(layout)) != len(layout):
        raise ValueError(f"add_image: dataformats {dataformats!r} names a dimension twice")
    if image.ndim != len(layout):
        raise ValueError(f"add_image: the image has shape {image.shape} ({image.ndim} dims) but dataformats "
                         f"{dataformats!r} names {len(layout)}; pass the dataformats that match it")
    if len(layout) == 4:
        return grid(image.transpose([layout.find(c) for c in "NCHW"])).transpose(1, 2, 0)
    if len(layout) == 3:
        hwc = image.transpose([layout.find(c) for c in "HWC"])
        return np.concatenate([hwc] * 3, 2) if hwc.shape[2] == 1 else hwc
    if len(layout) == 2:
        return np.stack([image.transpose([layout.find(c) for c in "HW"])] * 3, 2)
    raise ValueError(f"add_image: dataformats must name 2, 3 or 4 dims (HW, CHW, NCHW, ...), got {dataformats!r}")
