"""History: the per-epoch record of a fit run, returned by `model.fit`."""
from ..callbacks.base import Callback
from ..distributed.world import is_main_process


class History(Callback):
    """`history` maps each log name ('loss', 'accuracy', 'val_loss', ...) to its list of per-epoch values,
    `epoch` lists the epochs (from 0) they belong to, as in Keras."""

    def __init__(self):
        super().__init__()
        self.epoch = []
        self.history = {}

    def on_epoch_end(self, epoch, logs=None):
        """Append this epoch's logs."""
        self.epoch.append(epoch)
        for name, value in (logs or {}).items():
            self.history.setdefault(name, []).append(value)

    def plot(self, path=None, names=None):
        """Draw the curves: the loss with 'val_loss' in one panel, each other metric (with its validation
        curve) in its own; `names` picks which. Saved to the image file `path` (PNG by its extension) and
        `path` returned, or, without a path, the matplotlib Figure returned. Needs matplotlib; draws
        off-screen, so no display is needed. Under mpiexec only rank 0 writes the file."""
        try:
            from matplotlib.figure import Figure  # no pyplot: draws off-screen, whatever the backend
        except ImportError:
            raise ImportError("History.plot needs matplotlib, which is not installed: pip install matplotlib "
                              "(or read the numbers from history.history)") from None
        panels = [n for n in self.history if not n.startswith("val_")] if names is None else list(names)
        unknown = [n for n in panels if n not in self.history]
        if unknown:
            raise ValueError(f"History.plot: no record of {', '.join(unknown)}; recorded: "
                             f"{', '.join(self.history) or 'nothing (fit ran no epochs)'}")
        if not panels:
            raise ValueError("History.plot: nothing to plot; fit ran no epochs")
        figure = Figure(figsize=(5 * len(panels), 3.6), layout="tight")
        epochs = [e + 1 for e in self.epoch]
        for k, name in enumerate(panels):
            axes = figure.add_subplot(1, len(panels), k + 1)
            for curve in (name, f"val_{name}"):
                values = self.history.get(curve)
                if values:  # a log that began late covers the last epochs
                    axes.plot(epochs[len(epochs) - len(values):], values, marker="o", label=curve)
            axes.set_xlabel("epoch")
            axes.set_title(name)
            axes.legend()
        if path is None:
            return figure
        if not is_main_process():
            return path
        figure.savefig(path)
        return path
