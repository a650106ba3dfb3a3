"""keras.visualization's plots: plot_image_gallery and the box / mask galleries built on it, drawn with matplotlib
(imported when first used) as Keras lays them out. Each shows the figure, or saves it to `path`, and returns
None, as Keras's do."""
import functools
import math

import numpy as np

from ..settings import image_data_format
from .draw_boxes import as_numpy, draw_bounding_boxes
from .draw_masks import draw_segmentation_masks


def _pyplot(who):
    try:
        import matplotlib.pyplot as plt
    except ImportError:
        raise ImportError(f"keras.visualization.{who} plots with matplotlib, which is not installed: run "
                          "`pip install matplotlib`") from None
    return plt


def _rescaled(images, value_range):
    """Images mapped linearly from value_range to 0-255 (float32 when mapped)."""
    low, high = value_range
    if (low, high) == (0, 255):
        return images
    return (images.astype(np.float32) - low) / np.float32(high - low) * np.float32(255)


def _batched(images, who):
    images = as_numpy(images)
    if images.ndim != 4:
        raise ValueError(f"keras.visualization.{who}: `images` must be a batched 4D tensor (N, H, W, C). "
                         f"Received: images.shape={images.shape}")
    return images


def plot_image_gallery(images, y_true=None, y_pred=None, label_map=None, rows=None, cols=None, value_range=(0, 255),
                       scale=2, path=None, show=None, transparent=True, dpi=60, legend_handles=None, data_format=None):
    """A rows x cols grid of the first images of the batch (values in value_range), titled with label_map's names
    of y_true / y_pred when given; shown, or saved to `path` (not both)."""
    plt = _pyplot("plot_image_gallery")
    if path is not None and show:
        raise ValueError("plot_image_gallery: pass either `path` (save the figure) or show=True, not both.")
    if (y_true is not None or y_pred is not None) and label_map is None:
        raise ValueError("plot_image_gallery: when `y_true` or `y_pred` is given, a `label_map` "
                         "({label: name}) must be given too.")
    show = show if show is not None else path is None
    data_format = data_format or image_data_format()
    images = _batched(images, "plot_image_gallery")
    batch_size = images.shape[0]
    rows = rows or int(math.ceil(math.sqrt(batch_size)))
    cols = cols or int(math.ceil(batch_size // rows))
    images = images[:min(rows * cols, batch_size)]
    if data_format == "channels_first":
        images = images.transpose(0, 2, 3, 1)
    figure, axes = plt.subplots(nrows=rows, ncols=cols, figsize=(cols * scale, rows * scale), frameon=False,
                                layout="tight", squeeze=True, sharex="row", sharey="col")
    figure.subplots_adjust(wspace=0, hspace=0)
    if isinstance(axes, np.ndarray) and axes.ndim == 1:
        axes = np.expand_dims(axes, 0 if rows == 1 else -1)
    if legend_handles is not None:
        figure.legend(handles=legend_handles, loc="lower center")
    images = _rescaled(images, value_range)
    y_true = None if y_true is None else as_numpy(y_true)
    y_pred = None if y_pred is None else as_numpy(y_pred)
    for row in range(rows):
        for col in range(cols):
            index = row * cols + col
            axis = axes[row, col] if isinstance(axes, np.ndarray) else axes
            if index >= len(images):
                raise IndexError(f"plot_image_gallery: a {rows} x {cols} grid needs {rows * cols} images, the "
                                 f"batch has {len(images)}; pass fewer rows / cols")
            axis.imshow(images[index].astype("uint8"))
            axis.margins(x=0, y=0)
            axis.axis("off")
            title = []
            if y_true is not None and index < len(y_true):
                title.append(f"Label: {label_map.get(y_true[index], 'Unknown')}")
            if y_pred is not None and index < len(y_pred):
                title.append(f"Pred: {label_map.get(y_pred[index], 'Unknown')}")
            if title:
                axis.set_title("  ".join(title), fontsize=8)
    if path is not None:
        plt.savefig(fname=path, pad_inches=0, bbox_inches="tight", transparent=transparent, dpi=dpi)
        plt.close()
    elif show:
        plt.show()
        plt.close()


def plot_bounding_box_gallery(images, bounding_box_format, y_true=None, y_pred=None, value_range=(0, 255),
                              true_color=(0, 188, 212), pred_color=(255, 235, 59), line_thickness=2, font_scale=1.0,
                              text_thickness=None, class_mapping=None, ground_truth_mapping=None,
                              prediction_mapping=None, legend=False, legend_handles=None, rows=None, cols=None,
                              data_format=None, **kwargs):
    """plot_image_gallery of the images with the y_true boxes (true_color) and the y_pred boxes (pred_color)
    drawn on them (draw_bounding_boxes, so OpenCV is needed when boxes are given); legend=True adds a legend of
    the two colours. Other keyword arguments go to plot_image_gallery."""
    plt = _pyplot("plot_bounding_box_gallery")
    patches = plt.matplotlib.patches
    prediction_mapping = prediction_mapping or class_mapping
    ground_truth_mapping = ground_truth_mapping or class_mapping
    data_format = data_format or image_data_format()
    plotted = _batched(images, "plot_bounding_box_gallery")
    if data_format == "channels_first":
        plotted = plotted.transpose(0, 2, 3, 1)
    draw = functools.partial(draw_bounding_boxes, bounding_box_format=bounding_box_format,
                             line_thickness=line_thickness, text_thickness=text_thickness, font_scale=font_scale)
    if y_true is not None:
        plotted = draw(plotted, y_true, color=true_color, class_mapping=ground_truth_mapping)
    if y_pred is not None:
        plotted = draw(plotted, y_pred, color=pred_color, class_mapping=prediction_mapping)
    if legend:
        if legend_handles:
            raise ValueError("plot_bounding_box_gallery: pass `legend=True` or `legend_handles`, not both.")
        legend_handles = [patches.Patch(color=np.array(true_color) / 255.0, label="Ground Truth"),
                          patches.Patch(color=np.array(pred_color) / 255.0, label="Prediction")]
    return plot_image_gallery(plotted, value_range=value_range, legend_handles=legend_handles, rows=rows, cols=cols,
                              **kwargs)


def plot_segmentation_mask_gallery(images, num_classes, value_range=(0, 255), y_true=None, y_pred=None,
                                   color_mapping=None, blend=True, alpha=0.8, ignore_index=-1, data_format=None,
                                   **kwargs):
    """One row per image: the image, then y_true's and y_pred's masks drawn on it (draw_segmentation_masks),
    through plot_image_gallery (other keyword arguments go there)."""
    _pyplot("plot_segmentation_mask_gallery")
    data_format = data_format or image_data_format()
    pixels = _batched(images, "plot_segmentation_mask_gallery")
    if data_format == "channels_first":
        pixels = pixels.transpose(0, 2, 3, 1)
    draw = functools.partial(draw_segmentation_masks, num_classes=num_classes, color_mapping=color_mapping,
                             alpha=alpha, ignore_index=ignore_index, blend=blend)
    drawn = []
    for masks in (y_true, y_pred):
        if masks is not None:
            masks = as_numpy(masks)
            if data_format == "channels_first":
                masks = masks.transpose(0, 2, 3, 1)
            drawn.append(as_numpy(draw(pixels, masks.astype("int32"))))
    gallery = [panel for i in range(pixels.shape[0]) for panel in [pixels[i]] + [d[i] for d in drawn]]
    return plot_image_gallery(np.stack(gallery, axis=0), value_range=value_range, rows=pixels.shape[0],
                              cols=1 + len(drawn), **kwargs)
