"""keras.callbacks.TensorBoard without TensorFlow: the event files Keras 3 writes, through
autograd.utils.tensorboard's writer (the `tensorboard` package). Under `log_dir`, `train/` holds the epoch metrics
as `epoch_<name>` (with `epoch_learning_rate`), the batch metrics as `batch_<name>` every `update_freq` batches,
the weight histograms (`<weight path>/histogram`) every `histogram_freq` epochs and the model's JSON for the graph
plugin; `validation/` holds the validation metrics (`epoch_<name>` without the `val_` prefix) and
`evaluation_<name>_vs_iterations` at the optimizer's step."""
import os
import time

import numpy as np

from ..callbacks import Callback


def _writer_class():
    try:
        from autograd.utils.tensorboard import SummaryWriter
    except ImportError as missing:
        raise ImportError("keras.callbacks.TensorBoard writes TensorBoard files with the tensorboard package, which "
                          "is not installed: pip install tensorboard (or deepgrad's 'tensorboard' extra)") from missing
    return SummaryWriter


def _number(value):
    return float(np.asarray(value.numpy() if hasattr(value, "numpy") else value).reshape(-1)[0])


def _weight_image(weight, channels_last=True):
    """A weight as Keras draws it, (k, h, w, 1) images: a bias as one row, a 2-D kernel with its shorter side
    down, a 3-D kernel one image per last-axis channel; None for the shapes Keras does not draw."""
    w = np.squeeze(np.asarray(weight))
    if w.ndim == 1:
        w = w.reshape(1, w.shape[0], 1, 1)
    elif w.ndim == 2:
        w = (w.T if w.shape[0] > w.shape[1] else w)[None, :, :, None]
    elif w.ndim == 3:
        w = (w.transpose(2, 0, 1) if channels_last else w)[..., None]
    return w if w.ndim == 4 and w.shape[-1] in (1, 3, 4) else None


class TensorBoard(Callback):
    """Logs training to TensorBoard as Keras's TensorBoard callback does (see the module docstring). Profiling
    is refused as on Keras's torch backend; `write_graph` writes the model's JSON (TensorBoard's conceptual graph)."""

    def __init__(self, log_dir="logs", histogram_freq=0, write_graph=True, write_images=False,
                 write_steps_per_second=False, update_freq="epoch", profile_batch=0, embeddings_freq=0,
                 embeddings_metadata=None):
        super().__init__()
        if profile_batch:
            raise ValueError("Profiling is not yet available with the torch backend. Please open a PR if you'd like "
                             f"to add this feature. Received: profile_batch={profile_batch} (must be 0)")
        if update_freq != "epoch" and update_freq != "batch" and not (isinstance(update_freq, int)
                                                                      and update_freq > 0):
            raise ValueError(f"TensorBoard: update_freq must be 'epoch', 'batch' or a positive int, got "
                             f"{update_freq!r}")
        self.log_dir = str(log_dir)
        self.histogram_freq, self.write_graph, self.write_images = histogram_freq, write_graph, write_images
        self.write_steps_per_second = write_steps_per_second
        self.update_freq = 1 if update_freq == "batch" else update_freq
        self.embeddings_freq, self.embeddings_metadata = embeddings_freq, embeddings_metadata
        self._writers = {}
        self._global_train_batch = self._global_test_batch = 0
        self._epoch_start_time = self._batch_start_time = 0.0
        self._previous_epoch_iterations = 0

    def set_model(self, model):
        """Set the model and its run directories; writes its JSON for the graph plugin with write_graph."""
        super().set_model(model)
        self._train_dir = os.path.join(self.log_dir, "train")
        self._val_dir = os.path.join(self.log_dir, "validation")
        self._close_writers()
        if self.write_graph and type(model).__name__ in ("Functional", "Sequential"):
            self._write_model_json()
        if self.embeddings_freq:
            self._configure_embeddings()

    def _writer(self, which):
        if which not in self._writers:
            self._writers[which] = _writer_class()(self._train_dir if which == "train" else self._val_dir)
        return self._writers[which]

    def _scalar(self, which, tag, value, step):
        self._writer(which).add_scalar(tag, _number(value), int(step), new_style=True)

    def _write_model_json(self):
        from tensorboard.compat.proto.summary_pb2 import Summary, SummaryMetadata
        from tensorboard.compat.proto.tensor_pb2 import TensorProto
        try:
            text = self.model.to_json()
        except Exception as error:   # as Keras: a model that cannot be serialized is not drawn, training goes on
            import warnings
            warnings.warn(f"Model failed to serialize as JSON. Ignoring... {error}")
            return
        metadata = SummaryMetadata(plugin_data=SummaryMetadata.PluginData(plugin_name="graph_keras_model",
                                                                           content=b"1"))
        summary = Summary(value=[Summary.Value(tag="keras", metadata=metadata,
                                               tensor=TensorProto(dtype="DT_STRING", string_val=[text.encode()]))])
        self._writer("train").file_writer.add_summary(summary, 0)

    def _configure_embeddings(self):
        from google.protobuf import text_format
        from tensorboard.plugins import projector
        from .layers.embedding import Embedding
        config = projector.ProjectorConfig()
        metadata = self.embeddings_metadata
        for layer in self.model.layers:
            if isinstance(layer, Embedding):
                embedding = config.embeddings.add()
                embedding.tensor_name = "layer_with_weights-0/embeddings/.ATTRIBUTES/VARIABLE_VALUE"
                if isinstance(metadata, str):
                    embedding.metadata_path = metadata
                elif metadata is not None and layer.name in metadata:
                    embedding.metadata_path = metadata.pop(layer.name)
        if metadata and not isinstance(metadata, str):
            raise ValueError("Unrecognized `Embedding` layer names passed to `keras.callbacks.TensorBoard` "
                             f"`embeddings_metadata` argument: {metadata.keys()}")
        os.makedirs(self.log_dir, exist_ok=True)
        with open(os.path.join(self.log_dir, "projector_config.pbtxt"), "w") as handle:
            handle.write(text_format.MessageToString(config))

    def on_train_begin(self, logs=None):
        self._global_train_batch = 0
        self._previous_epoch_iterations = 0

    def on_train_end(self, logs=None):
        self._close_writers()

    def on_epoch_begin(self, epoch, logs=None):
        if self.write_steps_per_second:
            self._previous_epoch_iterations = self._iterations()
            self._epoch_start_time = time.time()

    def on_train_batch_begin(self, batch, logs=None):
        self._global_train_batch += 1
        if self.write_steps_per_second:
            self._batch_start_time = time.time()

    def _recording(self, step):
        return self.update_freq != "epoch" and step % self.update_freq == 0

    def on_train_batch_end(self, batch, logs=None):
        step = self._global_train_batch
        if not self._recording(step):
            return
        if self.write_steps_per_second:
            self._scalar("train", "batch_steps_per_second", 1.0 / max(time.time() - self._batch_start_time, 1e-9),
                         step)
        for name, value in (logs or {}).items() if isinstance(logs, dict) else ():
            self._scalar("train", f"batch_{name}", value, step)

    def on_test_batch_begin(self, batch, logs=None):
        self._global_test_batch += 1

    def on_test_end(self, logs=None):
        optimizer = getattr(self.model, "optimizer", None)
        if optimizer is not None and hasattr(optimizer, "iterations"):
            for name, value in (logs or {}).items():
                self._scalar("val", f"evaluation_{name}_vs_iterations", value, self._iterations())

    def on_epoch_end(self, epoch, logs=None):
        self._log_epoch_metrics(epoch, logs)
        if self.histogram_freq and epoch % self.histogram_freq == 0:
            self._log_weights(epoch)
        if self.embeddings_freq and epoch % self.embeddings_freq == 0:
            self.model.save_weights(os.path.join(self._train_dir, f"keras_embedding.ckpt-{epoch}.weights.h5"))

    def _iterations(self):
        return int(_number(self.model.optimizer.iterations))

    def _learning_rates(self):
        optimizer = getattr(self.model, "optimizer", None)
        optimizer = getattr(optimizer, "inner_optimizer", optimizer)
        if optimizer is None:
            return {}
        if hasattr(optimizer, "optimizers"):
            return {f"learning_rate_{o.name}": _number(o.learning_rate) for o in optimizer.optimizers}
        return {"learning_rate": _number(optimizer.learning_rate)} if hasattr(optimizer, "learning_rate") else {}

    def _log_epoch_metrics(self, epoch, logs):
        if not logs:
            return
        train = {k: v for k, v in logs.items() if not k.startswith("val_")}
        val = {k[4:]: v for k, v in logs.items() if k.startswith("val_")}
        train.update(self._learning_rates())
        if self.write_steps_per_second:
            elapsed = max(time.time() - self._epoch_start_time, 1e-9)
            train["steps_per_second"] = (self._iterations() - self._previous_epoch_iterations) / elapsed
        for name, value in train.items():
            self._scalar("train", f"epoch_{name}", value, epoch)
        for name, value in val.items():
            self._scalar("val", f"epoch_{name}", value, epoch)

    def _log_weights(self, epoch):
        writer = self._writer("train")
        channels_last = True   # nn.keras's layers keep Keras's channels-last kernels
        for layer in self.model.layers:
            for weight in layer.weights:
                name = weight.path.replace(":", "_")
                values = np.asarray(weight.numpy())
                writer.add_histogram(f"{name}/histogram", values, epoch)
                if self.write_images:
                    picture = _weight_image(values, channels_last)
                    if picture is not None:   # float values are read as [0, 1], as tf.summary.image reads them
                        writer.add_images(f"{name}/image", picture, epoch, dataformats="NHWC")
        writer.flush()

    def _close_writers(self):
        for writer in self._writers.values():
            writer.close()
        self._writers = {}
