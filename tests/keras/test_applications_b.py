"""keras.applications part b (DenseNet, EfficientNet, EfficientNetV2, InceptionV3, Xception, ConvNeXt) against
real Keras 3 on the torch backend: names, layers, output shapes, weights and parameter counts, outputs with the
same weights (recorded answers, see applications_oracle.py), argument errors, legacy HDF5 weight files and the
offline behaviour of weights='imagenet'."""
import os
import urllib.error
import urllib.request

import numpy as np
import pytest

from nn import keras as ours
from tests.keras.applications_oracle import check_against_keras, images, seeded_weights
from tests.keras.oracle import real_keras

FAMILIES = ("densenet", "efficientnet", "efficientnet_v2", "inception_v3", "xception", "convnext",
            "inception_resnet_v2")
SMALL = dict(weights=None, input_shape=(32, 32, 3))

# (record name, builder, arguments): the smallest inputs each architecture allows, with and without the top
FORWARD_CASES = [
    ("densenet121_notop_avg", "densenet.DenseNet121", dict(SMALL, include_top=False, pooling="avg")),
    ("efficientnetb0_top", "efficientnet.EfficientNetB0", dict(SMALL, classes=10)),
    ("efficientnetv2b0_notop_max", "efficientnet_v2.EfficientNetV2B0", dict(SMALL, include_top=False, pooling="max")),
    ("efficientnetv2s_top_logits", "efficientnet_v2.EfficientNetV2S",
     dict(SMALL, classes=10, classifier_activation=None)),
    ("inception_v3_top", "inception_v3.InceptionV3", dict(weights=None, input_shape=(75, 75, 3), classes=10)),
    ("inception_resnet_v2_notop", "inception_resnet_v2.InceptionResNetV2",
     dict(weights=None, input_shape=(75, 75, 3), include_top=False)),
    ("xception_notop_avg", "xception.Xception",
     dict(weights=None, input_shape=(71, 71, 3), include_top=False, pooling="avg")),
    ("convnext_tiny_notop_avg", "convnext.ConvNeXtTiny", dict(SMALL, include_top=False, pooling="avg")),
    ("convnext_tiny_top_noprep", "convnext.ConvNeXtTiny", dict(SMALL, classes=10, include_preprocessing=False)),
]

# big variants: the structure only, no forward; the largest ones (minutes to build on two cores, most of it
# drawing their random initial weights) only with DEEPGRAD_LARGE_APPLICATIONS=1
LARGE = pytest.mark.skipif(not os.environ.get("DEEPGRAD_LARGE_APPLICATIONS"),
                           reason="a large application: set DEEPGRAD_LARGE_APPLICATIONS=1 to compare its structure")
STRUCTURE_CASES = [
    ("densenet169_notop", "densenet.DenseNet169", dict(SMALL, include_top=False)),
    ("efficientnetv2b3_notop", "efficientnet_v2.EfficientNetV2B3", dict(SMALL, include_top=False)),
]
LARGE_CASES = [
    ("densenet201_top", "densenet.DenseNet201", dict(SMALL, classes=5)),
    ("efficientnetb3_notop", "efficientnet.EfficientNetB3", dict(SMALL, include_top=False)),
    ("efficientnetb7_notop", "efficientnet.EfficientNetB7", dict(SMALL, include_top=False)),
    ("efficientnetv2l_notop_noprep", "efficientnet_v2.EfficientNetV2L",
     dict(SMALL, include_top=False, include_preprocessing=False)),
    ("convnext_small_notop", "convnext.ConvNeXtSmall", dict(SMALL, include_top=False)),
    ("convnext_xlarge_top", "convnext.ConvNeXtXLarge", dict(SMALL, classes=3)),
]


@pytest.fixture
def offline(monkeypatch, tmp_path):
    """An empty Keras cache and no network."""
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras_home"))

    def refuse(*args, **kwargs):
        raise urllib.error.URLError("network is unreachable")
    monkeypatch.setattr(urllib.request, "urlretrieve", refuse)


@pytest.mark.parametrize("case,builder,kwargs", FORWARD_CASES, ids=[c[0] for c in FORWARD_CASES])
def test_matches_keras_with_the_same_weights(case, builder, kwargs):
    check_against_keras(case, builder, kwargs)


@pytest.mark.parametrize("case,builder,kwargs", STRUCTURE_CASES, ids=[c[0] for c in STRUCTURE_CASES])
def test_bigger_variants_have_keras_structure(case, builder, kwargs):
    check_against_keras(case, builder, kwargs, batch=0)


@LARGE
@pytest.mark.parametrize("case,builder,kwargs", LARGE_CASES, ids=[c[0] for c in LARGE_CASES])
def test_large_variants_have_keras_structure(case, builder, kwargs):
    check_against_keras(case, builder, kwargs, batch=0)


def test_all_variants_are_exported_with_keras_signatures():
    import inspect
    keras = real_keras()
    names = ["DenseNet121", "DenseNet169", "DenseNet201"] + [f"EfficientNetB{k}" for k in range(8)] + \
        [f"EfficientNetV2{v}" for v in ("B0", "B1", "B2", "B3", "S", "M", "L")] + \
        ["InceptionV3", "Xception", "InceptionResNetV2"] + \
        [f"ConvNeXt{v}" for v in ("Tiny", "Small", "Base", "Large", "XLarge")]
    for name in names:
        theirs, mine = getattr(keras.applications, name), getattr(ours.applications, name)
        assert inspect.signature(mine) == inspect.signature(theirs), name
    for module in FAMILIES:
        for fn in ("preprocess_input", "decode_predictions"):
            assert inspect.signature(getattr(getattr(ours.applications, module), fn)) == \
                inspect.signature(getattr(getattr(keras.applications, module), fn))


def test_preprocess_input_matches_keras():
    keras = real_keras()
    x = images((2, 5, 4, 3))
    for module in FAMILIES:
        want = getattr(keras.applications, module).preprocess_input(x.copy())
        got = getattr(ours.applications, module).preprocess_input(x.copy())
        np.testing.assert_allclose(np.asarray(got), np.asarray(want), rtol=1e-6, err_msg=module)


def _write_legacy_h5(model, path):
    """`model`'s weights in the layout of Keras's published application weight files."""
    h5py = pytest.importorskip("h5py")
    from keras.src.legacy.saving import legacy_h5_format
    with h5py.File(path, "w") as f:
        legacy_h5_format.save_weights_to_hdf5_group(f, model)
    return str(path)


def test_efficientnet_loads_a_published_layout_weights_file(tmp_path):
    keras = real_keras()
    import torch
    kwargs = dict(include_top=False, input_shape=(32, 32, 3), pooling="avg")
    theirs = keras.applications.EfficientNetB0(weights=None, **kwargs)
    theirs.set_weights(seeded_weights(theirs, seed=3))
    path = _write_legacy_h5(theirs, tmp_path / "efficientnetb0_notop.h5")
    mine = ours.applications.EfficientNetB0(weights=path, **kwargs)
    x = images((1, 32, 32, 3))
    with torch.no_grad():
        want = theirs(torch.tensor(x), training=False).numpy()
    np.testing.assert_allclose(mine.predict(x, verbose=0), want, rtol=1e-4, atol=1e-5)
    with pytest.raises(ValueError, match="Layer count mismatch"):   # a file of another architecture
        ours.applications.EfficientNetB0(weights=path, input_shape=(32, 32, 3), classes=3)


@pytest.mark.parametrize("builder,fname", [
    ("DenseNet121", "densenet121_weights_tf_dim_ordering_tf_kernels_notop.h5"),
    ("EfficientNetB0", "efficientnetb0_notop.h5"),
    ("EfficientNetV2B0", "efficientnetv2-b0_notop.h5"),
    ("InceptionV3", "inception_v3_weights_tf_dim_ordering_tf_kernels_notop.h5"),
    ("Xception", "xception_weights_tf_dim_ordering_tf_kernels_notop.h5"),
    ("ConvNeXtTiny", "convnext_tiny_notop.h5"),
])
def test_imagenet_offline_names_the_url_and_the_fix(offline, builder, fname):
    with pytest.raises(Exception, match=fname) as info:
        getattr(ours.applications, builder)(include_top=False, weights="imagenet", input_shape=(75, 75, 3))
    assert "https://storage.googleapis.com/" in str(info.value)
    assert "weights=" in str(info.value)


@pytest.mark.parametrize("builder,min_size", [("DenseNet121", 32), ("EfficientNetB0", 32), ("EfficientNetV2B0", 32),
                                              ("InceptionV3", 75), ("Xception", 71), ("ConvNeXtTiny", 32),
                                              ("InceptionResNetV2", 75)])
def test_argument_errors_match_keras(offline, builder, min_size):
    keras = real_keras()
    cases = [(dict(weights="imagenet", classes=10), "classes` should be 1000"),
             (dict(weights="nowhere.h5"), "`weights` argument should be either"),
             (dict(weights=None, include_top=False, input_shape=(16, 16, 3)),
              f"Input size must be at least {min_size}x{min_size}"),
             (dict(weights=None, include_top=True, input_shape=(None, None, 3)), "static `input_shape`"),
             (dict(weights="imagenet", include_top=True, input_shape=(64, 64, 3)), "`input_shape` should be"),
             (dict(weights="imagenet", include_top=False, input_shape=(64, 64, 1)), "must have 3 channels")]
    for kwargs, gist in cases:
        with pytest.raises(ValueError, match=gist):
            getattr(keras.applications, builder)(**kwargs)
        with pytest.raises(ValueError, match=gist):
            getattr(ours.applications, builder)(**kwargs)
    if builder == "EfficientNetV2B0":   # the check comes after the whole network is built: one case is enough
        with pytest.raises(ValueError, match="classifier_activation"):
            getattr(ours.applications, builder)(weights="imagenet", classifier_activation="relu")


def test_densenet_refuses_channels_first():
    keras = real_keras()
    for library in (keras, ours):
        library.config.set_image_data_format("channels_first")
        try:
            with pytest.raises(ValueError, match="channels_first"):
                library.applications.DenseNet121(weights=None)
        finally:
            library.config.set_image_data_format("channels_last")


def test_on_an_input_tensor_keeps_its_predecessors():
    inputs = ours.Input((32, 32, 3))
    scaled = ours.layers.Rescaling(1.0)(inputs)
    model = ours.applications.EfficientNetV2B0(weights=None, include_top=False, input_tensor=scaled)
    assert model.inputs[0] is inputs
    assert tuple(model.output.shape) == (None, 1, 1, 1280)


def test_convnext_imagenet_needs_the_variant_in_the_name(offline):
    keras = real_keras()
    for library in (keras, ours):
        with pytest.raises(ValueError, match='does not match weights variant "convnext_tiny"'):
            library.applications.ConvNeXtTiny(weights="imagenet", include_top=False, input_shape=(32, 32, 3),
                                              name="my_convnext")


def test_convnext_layer_scale_and_stochastic_depth():
    from nn.keras.applications.convnext import LayerScale, StochasticDepth
    import autograd as ag
    scale = LayerScale(0.5, 4)
    x = ag.tensor(np.ones((2, 3, 4), "float32"))
    np.testing.assert_allclose(scale(x).numpy(), 0.5 * np.ones((2, 3, 4)))
    assert [w.path.split("/")[-1] for w in scale.weights] == ["variable"]   # unnamed, as in Keras
    assert scale.get_config()["projection_dim"] == 4
    drop = StochasticDepth(0.5)
    np.testing.assert_array_equal(drop(x, training=False).numpy(), x.numpy())
    kept = drop(ag.tensor(np.ones((64, 2), "float32")), training=True).numpy()
    assert set(np.unique(kept)) <= {0.0, 2.0} and 0 < kept.sum() < 256   # whole samples dropped or scaled by 2


def test_densenet_fine_tuning_program_prints_what_keras_prints(capsys, tmp_path, monkeypatch):
    from tests.keras.test_keras_programs import _assert_same_lines, printed_by_both
    theirs, mine = printed_by_both("keras_applications_densenet_finetune", capsys, tmp_path, monkeypatch)
    assert len(theirs) >= 10
    _assert_same_lines(mine, theirs)
