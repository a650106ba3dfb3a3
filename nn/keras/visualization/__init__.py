"""keras.visualization: draw boxes and segmentation masks on image batches (NumPy results) and plot image
galleries with matplotlib. matplotlib (plots) and OpenCV (draw_bounding_boxes, as in Keras) are optional and
imported only when a function needs them."""
from .draw_boxes import draw_bounding_boxes
from .draw_masks import draw_segmentation_masks
from .gallery import plot_bounding_box_gallery, plot_image_gallery, plot_segmentation_mask_gallery

__all__ = ["draw_bounding_boxes", "draw_segmentation_masks", "plot_bounding_box_gallery", "plot_image_gallery",
           "plot_segmentation_mask_gallery"]
