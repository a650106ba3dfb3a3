"""SummaryWriter: torch.utils.tensorboard's writer over tensorboard's event file writer. Each call turns its
values into a Summary (summaries.py) stamped with the step and wall time; add_scalars keeps one sub-run directory
per series, add_hparams one per call, as PyTorch's writer does."""
import os
import socket
import time
from datetime import datetime

from tensorboard.compat.proto.event_pb2 import Event, SessionLog
from tensorboard.summary.writer.event_file_writer import EventFileWriter

from . import summaries


class _FileWriter:
    """One event file in one directory: adds Events and Summaries with their step and wall time."""

    def __init__(self, log_dir, max_queue, flush_secs, filename_suffix):
        self.events = EventFileWriter(str(log_dir), max_queue, flush_secs, filename_suffix)

    def get_logdir(self):
        return self.events.get_logdir()

    def add_event(self, event, step=None, walltime=None):
        event.wall_time = time.time() if walltime is None else walltime
        if step is not None:
            event.step = int(step)
        self.events.add_event(event)

    def add_summary(self, summary, step=None, walltime=None):
        self.add_event(Event(summary=summary), step, walltime)

    def flush(self):
        self.events.flush()

    def close(self):
        self.events.close()


def _tensorflow_edges():
    """TensorFlow's default histogram edges: +-1e-12 growing by 10% up to 1e20, and 0."""
    edges, edge = [], 1e-12
    while edge < 1e20:
        edges.append(edge)
        edge *= 1.1
    return [-e for e in reversed(edges)] + [0] + edges


class SummaryWriter:
    """Writes TensorBoard event files into `log_dir` (default runs/<date>_<host><comment>), as
    torch.utils.tensorboard.SummaryWriter: scalars, histograms, images, text and hyper-parameters, each at a
    global step. A context manager; `close()` flushes and closes its files."""

    def __init__(self, log_dir=None, comment="", purge_step=None, max_queue=10, flush_secs=120, filename_suffix=""):
        if not log_dir:
            stamp = datetime.now().strftime("%b%d_%H-%M-%S")
            log_dir = os.path.join("runs", stamp + "_" + socket.gethostname() + comment)
        self.log_dir, self.purge_step = log_dir, purge_step
        self.max_queue, self.flush_secs, self.filename_suffix = max_queue, flush_secs, filename_suffix
        self.file_writer = self.all_writers = None
        self._get_file_writer()
        self.default_bins = _tensorflow_edges()

    def _get_file_writer(self):
        """The run's own file writer, opened again after close()."""
        if self.all_writers is None or self.file_writer is None:
            self.file_writer = _FileWriter(self.log_dir, self.max_queue, self.flush_secs, self.filename_suffix)
            self.all_writers = {self.file_writer.get_logdir(): self.file_writer}
            if self.purge_step is not None:   # TensorBoard hides the events of a crashed run from this step on
                self.file_writer.add_event(Event(step=self.purge_step, file_version="brain.Event:2"))
                self.file_writer.add_event(Event(step=self.purge_step,
                                                 session_log=SessionLog(status=SessionLog.START)))
                self.purge_step = None
        return self.file_writer

    def get_logdir(self):
        """The directory the event files go to."""
        return self.log_dir

    def add_scalar(self, tag, scalar_value, global_step=None, walltime=None, new_style=False,
                   double_precision=False):
        """Log one number (a float, or a one-element Tensor) under `tag` at `global_step`."""
        self._get_file_writer().add_summary(summaries.scalar(tag, scalar_value, new_style, double_precision),
                                            global_step, walltime)

    def add_scalars(self, main_tag, tag_scalar_dict, global_step=None, walltime=None):
        """Log several numbers as curves of one chart: each in its own run directory <log_dir>/<main_tag>_<key>."""
        walltime = time.time() if walltime is None else walltime
        base = self._get_file_writer().get_logdir()
        for key, value in tag_scalar_dict.items():
            directory = base + "/" + main_tag.replace("/", "_") + "_" + key
            if directory not in self.all_writers:
                self.all_writers[directory] = _FileWriter(directory, self.max_queue, self.flush_secs,
                                                          self.filename_suffix)
            self.all_writers[directory].add_summary(summaries.scalar(main_tag, value), global_step, walltime)

    def add_histogram(self, tag, values, global_step=None, bins="tensorflow", walltime=None, max_bins=None):
        """Log the distribution of `values`: bins are TensorFlow's edges by default, else what np.histogram takes."""
        edges = self.default_bins if isinstance(bins, str) and bins == "tensorflow" else bins
        self._get_file_writer().add_summary(summaries.histogram(tag, values, edges, max_bins), global_step, walltime)

    def add_image(self, tag, img_tensor, global_step=None, walltime=None, dataformats="CHW"):
        """Log one image (CHW by default; HWC, HW and others through `dataformats`; floats in [0, 1], uint8 as is)."""
        self._get_file_writer().add_summary(summaries.image(tag, img_tensor, dataformats=dataformats),
                                            global_step, walltime)

    def add_images(self, tag, img_tensor, global_step=None, walltime=None, dataformats="NCHW"):
        """Log a batch of images as one grid image (eight per row)."""
        self._get_file_writer().add_summary(summaries.image(tag, img_tensor, dataformats=dataformats),
                                            global_step, walltime)

    def add_figure(self, tag, figure, global_step=None, close=True, walltime=None):
        """Log a matplotlib figure (or a list of them, as one batch) rendered to an image."""
        figures = figure if isinstance(figure, list) else [figure]
        pictures = [_rendered(f, close) for f in figures]
        if isinstance(figure, list):
            import numpy as np
            self.add_images(tag, np.stack(pictures), global_step, walltime, dataformats="NCHW")
        else:
            self.add_image(tag, pictures[0], global_step, walltime, dataformats="CHW")

    def add_text(self, tag, text_string, global_step=None, walltime=None):
        """Log a string (shown as Markdown by TensorBoard's text plugin)."""
        self._get_file_writer().add_summary(summaries.text(tag, text_string), global_step, walltime)

    def add_hparams(self, hparam_dict, metric_dict, hparam_domain_discrete=None, run_name=None, global_step=None):
        """Log one run of a hyper-parameter search: its hyper-parameters and final metrics, in a sub-run directory
        (`run_name`, default the current time) that TensorBoard's HPARAMS tab reads."""
        if type(hparam_dict) is not dict or type(metric_dict) is not dict:
            raise TypeError("add_hparams: hparam_dict and metric_dict should be dictionaries (name -> value), got "
                            f"{type(hparam_dict).__name__} and {type(metric_dict).__name__}")
        records = summaries.hparams(hparam_dict, metric_dict, hparam_domain_discrete)
        directory = os.path.join(self._get_file_writer().get_logdir(), run_name or str(time.time()))
        with SummaryWriter(log_dir=directory) as run:
            for record in records:
                run.file_writer.add_summary(record, global_step)
            for name, value in metric_dict.items():
                run.add_scalar(name, value, global_step)

    def add_graph(self, model, input_to_model=None, verbose=False, use_strict_trace=True):
        """Log the graph of model(input_to_model) for TensorBoard's GRAPHS tab: the autograd operations one forward
        call records, the parameters by name, and the inputs and outputs (PyTorch's writer traces with
        TorchScript instead, so node names differ)."""
        from .graph import graph_def
        if input_to_model is None:
            raise ValueError("SummaryWriter.add_graph: pass input_to_model, an example input (or a tuple of them) "
                             "to run the model on once")
        definition = graph_def(model, input_to_model)
        self._get_file_writer().add_event(Event(graph_def=definition.SerializeToString()))

    def flush(self):
        """Write what is pending to disk."""
        for writer in (self.all_writers or {}).values():
            writer.flush()

    def close(self):
        """Flush and close every file (a later add_* opens the run's file again)."""
        for writer in (self.all_writers or {}).values():
            writer.flush()
            writer.close()
        self.file_writer = self.all_writers = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def _rendered(figure, close):
    """A matplotlib figure drawn to a (3, H, W) uint8 array."""
    import numpy as np
    from matplotlib import pyplot
    figure.canvas.draw()
    rgba = np.asarray(figure.canvas.buffer_rgba(), dtype=np.uint8)
    if close:
        pyplot.close(figure)
    return rgba[:, :, :3].transpose(2, 0, 1)
