"""keras.layers.MaxNumBoundingBoxes: a detection pipeline's boxes and labels cut or padded to a fixed count."""
from .. import ops
from ..layer import Layer
from .conv import _data_format


class MaxNumBoundingBoxes(Layer):
    """Takes {'images', 'bounding_boxes': {'boxes' (batch, N, 4), 'labels' (batch, N)}, ...} (or one example
    without the batch axis) and gives the same dict with the first `max_number` boxes and labels, padded with
    `fill_value` up to `max_number`; images and any other entries pass through, as does a plain images tensor.
    bounding_box_format must be given when there are boxes (as in Keras, the layer does not convert them)."""

    def __init__(self, max_number, fill_value=-1, bounding_box_format=None, data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.max_number, self.fill_value = int(max_number), int(fill_value)
        self.bounding_box_format = bounding_box_format
        self.data_format = _data_format(data_format)

    def call(self, data, training=True):
        if not isinstance(data, dict) or "bounding_boxes" not in data:
            return data
        if self.bounding_box_format is None:
            raise ValueError(f"{self.name}: the input has a 'bounding_boxes' entry but the layer has no bounding "
                             "box format; pass bounding_box_format='xyxy' (or the boxes' format) to "
                             "MaxNumBoundingBoxes")
        boxes = dict(data["bounding_boxes"])
        single = ops.convert_to_tensor(boxes["boxes"]).ndim == 2
        for key, rank in (("boxes", 3), ("labels", 2)):
            value = ops.convert_to_tensor(boxes[key])
            value = ops.expand_dims(value, 0) if single else value
            if value.ndim != rank:
                raise ValueError(f"{self.name}: bounding_boxes['{key}'] must have shape "
                                 f"{'(batch, N, 4)' if key == 'boxes' else '(batch, N)'} (or no batch axis), got "
                                 f"{tuple(value.shape)}")
            kept = value[:, :self.max_number]
            widths = [[0, 0], [0, self.max_number - kept.shape[1]]] + [[0, 0]] * (rank - 2)
            value = ops.pad(kept, widths, constant_values=self.fill_value)
            boxes[key] = value[0] if single else value
        return {**data, "bounding_boxes": boxes}

    def get_config(self):
        """Keras 3.15's config: the base entries, data_format, bounding_box_format (when set) and max_number (Keras
        leaves fill_value out, so a layer made from the config pads with -1)."""
        config = {**Layer.get_config(self), "data_format": self.data_format}
        if self.bounding_box_format is not None:
            config["bounding_box_format"] = self.bounding_box_format
        return {**config, "max_number": self.max_number}
