"""Layers' own files in `.keras` files: saving calls `save_assets(folder)` on the model and each layer in it that
defines it, loading calls `load_assets(folder)` (after the weights and own variables are set), as Keras's saving
does, each with a folder of that layer's files; they travel in the file under 'assets/<the layer's place>/'."""
import os
import tempfile

PREFIX = "assets/"


def _layers_with(model, hook):
    """(place, layer) for the model and each layer in it that has the method `hook`."""
    from ..layer import Layer
    for place, module in model.named_modules():
        if isinstance(module, Layer) and callable(getattr(module, hook, None)):
            yield place or "model", module


def asset_members(model):
    """[(member name, bytes)] of the files each layer's save_assets writes into a fresh folder."""
    members = []
    for place, layer in _layers_with(model, "save_assets"):
        with tempfile.TemporaryDirectory() as folder:
            layer.save_assets(folder)
            for root, _, files in os.walk(folder):
                for name in sorted(files):
                    full = os.path.join(root, name)
                    with open(full, "rb") as file:
                        members.append((f"{PREFIX}{place}/{os.path.relpath(full, folder).replace(os.sep, '/')}",
                                        file.read()))
    return members


def stored_assets(archive):
    """{member name: bytes} of the asset files an archive (or model folder) holds."""
    return {name: archive.read(name) for name in archive.namelist() if name.startswith(PREFIX)}


def restore_assets(model, assets):
    """Call each layer's load_assets with a folder holding the files its save_assets wrote."""
    for place, layer in _layers_with(model, "load_assets"):
        head = f"{PREFIX}{place}/"
        with tempfile.TemporaryDirectory() as folder:
            for name, data in assets.items():
                if name.startswith(head):
                    target = os.path.join(folder, *name[len(head):].split("/"))
                    os.makedirs(os.path.dirname(target), exist_ok=True)
                    with open(target, "wb") as file:
                        file.write(data)
            layer.load_assets(folder)
