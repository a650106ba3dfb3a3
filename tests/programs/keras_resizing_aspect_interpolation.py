"""A Keras program, written for Keras 3: fitting images of mixed sizes to a model's input — Resizing with every
interpolation mode, with crop_to_aspect_ratio and with pad_to_aspect_ratio (and its fill_mode / fill_value), in
channels_last and channels_first, on a batch and on one image; CenterCrop on inputs smaller than the crop (where
it resizes) and larger; keras.ops.image.resize with antialias, crop_to_aspect_ratio and pad_to_aspect_ratio;
crop_images and pad_images with their offset and target arguments; the layers' output shapes in a functional
model and their configs. Real Keras and deepgrad print the same."""
import numpy as np

import keras
from keras import layers, ops


def show(name, value):
    value = np.asarray(ops.convert_to_numpy(value), "float64")
    print(name, value.shape, round(float(value.sum()), 2), np.round(value.ravel()[:3], 3).tolist())


def main():
    rng = np.random.default_rng(4)
    wide = (rng.random((2, 6, 10, 3)) * 255).astype("float32")
    tall = (rng.random((2, 11, 5, 2)) * 255).astype("float32")

    for mode in ["nearest", "bilinear", "bicubic"]:
        show(f"resize {mode}", layers.Resizing(8, 8, interpolation=mode)(wide))
    show("resize crop aspect", layers.Resizing(4, 4, crop_to_aspect_ratio=True)(wide))
    show("resize crop aspect tall", layers.Resizing(6, 3, crop_to_aspect_ratio=True, interpolation="nearest")(tall))
    show("resize pad aspect", layers.Resizing(8, 8, pad_to_aspect_ratio=True)(wide))
    show("resize pad aspect fill", layers.Resizing(8, 8, pad_to_aspect_ratio=True, fill_value=50.0)(tall))
    show("resize one image", layers.Resizing(5, 7, interpolation="bicubic")(wide[0]))
    first = np.ascontiguousarray(np.transpose(wide, (0, 3, 1, 2)))
    show("resize channels_first", layers.Resizing(4, 6, data_format="channels_first")(first))
    show("resize pad first", layers.Resizing(5, 5, pad_to_aspect_ratio=True, data_format="channels_first")(first))

    show("center crop larger", layers.CenterCrop(4, 6)(wide))
    show("center crop smaller", layers.CenterCrop(8, 12)(wide))
    show("center crop mixed", layers.CenterCrop(8, 4)(wide))
    show("center crop one", layers.CenterCrop(3, 3)(tall[0]))

    show("ops resize antialias", ops.image.resize(wide, (3, 5), interpolation="bilinear", antialias=True))
    show("ops resize no antialias", ops.image.resize(wide, (3, 5), interpolation="bilinear"))
    show("ops resize bicubic antialias", ops.image.resize(wide, (4, 4), interpolation="bicubic", antialias=True))
    show("ops resize crop", ops.image.resize(tall, (4, 4), crop_to_aspect_ratio=True))
    show("ops resize pad", ops.image.resize(tall, (4, 4), pad_to_aspect_ratio=True, fill_value=1.0))
    show("ops crop", ops.image.crop_images(wide, top_cropping=1, left_cropping=2, target_height=3, target_width=4))
    show("ops crop bottom", ops.image.crop_images(wide, top_cropping=1, bottom_cropping=2, left_cropping=0,
                                                  right_cropping=3))
    show("ops pad", ops.image.pad_images(wide, top_padding=1, left_padding=2, target_height=9, target_width=13))
    show("ops pad bottom", ops.image.pad_images(tall[0], top_padding=0, bottom_padding=2, left_padding=3,
                                                right_padding=1))

    inputs = keras.Input((None, None, 3))
    resized = layers.Resizing(6, 6, crop_to_aspect_ratio=True)(inputs)
    cropped = layers.CenterCrop(4, 4)(resized)
    model = keras.Model(inputs, [resized, cropped])
    print("symbolic shapes", resized.shape, cropped.shape)
    outs = model.predict(wide, verbose=0)
    show("model resized", outs[0])
    show("model cropped", outs[1])
    config = layers.Resizing(6, 6, interpolation="bicubic", pad_to_aspect_ratio=True, fill_value=3.0).get_config()
    print("resizing config", config["height"], config["width"], config["interpolation"],
          config["crop_to_aspect_ratio"], config["pad_to_aspect_ratio"], config["fill_mode"], config["fill_value"])
    print("center crop config", {k: v for k, v in layers.CenterCrop(4, 5).get_config().items()
                                 if k in ("height", "width", "data_format")})
