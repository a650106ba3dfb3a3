"""Dict inputs of Keras's geometric image layers: {'images', 'bounding_boxes': {'boxes', 'labels'}, 'labels',
'segmentation_masks'} (any of the last three), all transformed by one random draw, as Keras 3.15's
BaseImagePreprocessingLayer.call does.

A layer taking part defines four hooks, all on 4-D batches in its data_format:
  _dict_transformation(images, training) -> the host values drawn for the batch (or None: nothing to do);
  _dict_images(images, transformation, training) -> the transformed images;
  _dict_boxes(boxes, transformation, training, height, width) -> the moved {'boxes' (batch, N, 4), 'labels'};
  _dict_masks(masks, transformation, training) -> the transformed segmentation masks.
The draws are those of an images-only call, so a seeded layer gives the same images with or without boxes."""
import autograd as ag
from autograd import Tensor


_TOOLS = []   # box_moves, registered when nn.keras.layers is imported (keras.ops, which it uses, imports this package)


def register_box_tools(module):
    """Record the module of box moves (box_moves) the layers call."""
    _TOOLS[:] = [module]


def box_tools():
    """The registered box_moves module."""
    return _TOOLS[0]


def _as_tensor(value, dtype=None):
    if dtype is None and isinstance(value, Tensor):
        return value
    return box_tools().ops.convert_to_tensor(value, dtype)


def dense_boxes(layer, bounding_boxes):
    """{'boxes' float32 tensor, 'labels' tensor} from the caller's dict (Keras's densify_bounding_boxes, for
    tensors and nested lists of equal lengths), refusing a dict without both keys or boxes of the wrong rank."""
    if not isinstance(bounding_boxes, dict) or "boxes" not in bounding_boxes or "labels" not in bounding_boxes:
        raise ValueError("Expected `bounding_boxes` agurment to be a dict with keys 'boxes' and 'labels'. Received: "
                         f"bounding_boxes={bounding_boxes}")
    boxes = _as_tensor(bounding_boxes["boxes"], "float32")
    labels = _as_tensor(bounding_boxes["labels"])
    if boxes.ndim not in (2, 3) or boxes.shape[-1] != 4:
        raise ValueError(f"{layer.name}: expected bounding_boxes['boxes'] to have rank 2 or 3, with shape "
                         f"(num_boxes, 4) or (batch_size, num_boxes, 4). Received: bounding_boxes['boxes'].shape="
                         f"{tuple(boxes.shape)}")
    if labels.ndim not in (boxes.ndim - 1, boxes.ndim):
        raise ValueError(f"{layer.name}: found bounding_boxes['boxes'].shape={tuple(boxes.shape)} and expected "
                         f"bounding_boxes['labels'] to have rank {boxes.ndim - 1} or {boxes.ndim}, but received: "
                         f"bounding_boxes['labels'].shape={tuple(labels.shape)}")
    return {**bounding_boxes, "boxes": boxes, "labels": labels}


def take_box_format(layer, bounding_box_format):
    """Give `layer` Keras's `bounding_box_format` attribute; its config lists it only when set, as Keras's."""
    layer.bounding_box_format = bounding_box_format
    arguments = getattr(layer, "_constructor_arguments", None)
    if bounding_box_format is None and isinstance(arguments, dict):
        arguments.pop("bounding_box_format", None)


def image_size(layer, images):
    """(height, width) of a 4-D batch in the layer's data_format."""
    return (images.shape[2], images.shape[3]) if layer.data_format == "channels_first" else \
        (images.shape[1], images.shape[2])


def augment_dict(layer, data, training):
    """`data` (a dict with 'images') with every entry Keras's layer transforms transformed by one draw; the other
    entries pass through."""
    if "images" not in data:
        raise ValueError(f"{layer.name}: a dict input needs an 'images' entry (and optionally 'bounding_boxes', "
                         f"'labels', 'segmentation_masks'); got the keys {sorted(data)}")
    images = _as_tensor(data["images"])
    if images.ndim not in (3, 4):
        raise ValueError("Expected image tensor to have rank 3 (single image) or 4 (batch of images). Received: "
                         f"data.shape={tuple(images.shape)}")
    single = images.ndim == 3
    batch = images.unsqueeze(0) if single else images
    height, width = image_size(layer, batch)
    transformation = layer._dict_transformation(batch, training)
    out = dict(data)
    out["images"] = _unbatched(layer._dict_images(batch, transformation, training), single)
    if "bounding_boxes" in data:
        if not getattr(layer, "bounding_box_format", None):
            raise ValueError("You passed an input with a 'bounding_boxes' key, but you didn't specify a bounding box "
                             f"format. Pass a `bounding_box_format` argument to your {type(layer).__name__} layer, "
                             "e.g. `bounding_box_format='xyxy'`.")
        boxes = dense_boxes(layer, data["bounding_boxes"])
        if single != (boxes["boxes"].ndim == 2):
            raise ValueError(f"{layer.name}: images of shape {tuple(images.shape)} need boxes of shape "
                             f"{'(N, 4)' if single else '(batch, N, 4)'}; got {tuple(boxes['boxes'].shape)}")
        if single:
            boxes = {**boxes, "boxes": boxes["boxes"].unsqueeze(0), "labels": boxes["labels"].unsqueeze(0)}
        boxes = layer._dict_boxes(boxes, transformation, training, height, width)
        if single:
            boxes = {**boxes, "boxes": boxes["boxes"].squeeze(0), "labels": boxes["labels"].squeeze(0)}
        out["bounding_boxes"] = boxes
    if "labels" in data:
        out["labels"] = _as_tensor(data["labels"])
    if "segmentation_masks" in data:
        masks = _as_tensor(data["segmentation_masks"])
        masks = masks.unsqueeze(0) if single else masks
        out["segmentation_masks"] = _unbatched(layer._dict_masks(masks, transformation, training), single)
    return out


def _unbatched(x, single):
    return x.squeeze(0) if single else x


def on_device(values, like):
    """Host values as a tensor on `like`'s device."""
    return ag.tensor(values, device=like.device)
