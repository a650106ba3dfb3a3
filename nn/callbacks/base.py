"""Callback, the base of the objects that fit/evaluate/predict call at fixed points, and CallbackList."""

HOOKS = ("on_train_begin", "on_train_end", "on_epoch_begin", "on_epoch_end",
         "on_train_batch_begin", "on_train_batch_end", "on_test_begin", "on_test_end",
         "on_test_batch_begin", "on_test_batch_end", "on_predict_begin", "on_predict_end",
         "on_predict_batch_begin", "on_predict_batch_end")


class Callback:
    """Override any of the hooks (Keras names and arguments) to act during training.

    `self.model` is the model being trained and `self.params` a dict with 'epochs', 'steps' (batches
    per epoch) and 'verbose'. `logs` is a dict of numbers: at the end of a batch the running means of
    the loss and metrics, at the end of an epoch their epoch values plus 'val_'-prefixed validation
    values. Setting `self.model.stop_training = True` ends training after the current batch.
    Under mpiexec (nn.distributed), fit runs a callback on every rank, or on rank 0 only when its
    `main_process_only` is True (as for the ones that write files).
    """

    main_process_only = False

    def __init__(self):
        self.model = None
        self.params = {}

    def set_model(self, model):
        """Attach the model the hooks act on."""
        self.model = model

    def set_params(self, params):
        """Attach the run's settings ('epochs', 'steps', 'verbose')."""
        self.params = dict(params)

    def on_train_begin(self, logs=None):
        """Called once when fit starts."""

    def on_train_end(self, logs=None):
        """Called once when fit ends (also after an early stop); `logs` are the last epoch's."""

    def on_epoch_begin(self, epoch, logs=None):
        """Called before epoch `epoch` (counted from 0)."""

    def on_epoch_end(self, epoch, logs=None):
        """Called after epoch `epoch` and its validation, with the epoch's logs (add entries to record them)."""

    def on_train_batch_begin(self, batch, logs=None):
        """Called before training on batch `batch` (counted from 0 in each epoch); by default it calls
        `on_batch_begin`, the older name Keras still honours."""
        self.on_batch_begin(batch, logs=logs)

    def on_train_batch_end(self, batch, logs=None):
        """Called after the optimiser step for batch `batch`, with the epoch's running logs; by default it
        calls `on_batch_end`."""
        self.on_batch_end(batch, logs=logs)

    def on_batch_begin(self, batch, logs=None):
        """The older name of on_train_batch_begin (training batches only), as in Keras."""

    def on_batch_end(self, batch, logs=None):
        """The older name of on_train_batch_end (training batches only), as in Keras."""

    def on_test_begin(self, logs=None):
        """Called when evaluation starts (validation inside fit, or evaluate)."""

    def on_test_end(self, logs=None):
        """Called when evaluation ends, with its results."""

    def on_test_batch_begin(self, batch, logs=None):
        """Called before evaluating batch `batch`."""

    def on_test_batch_end(self, batch, logs=None):
        """Called after evaluating batch `batch`, with the running results."""

    def on_predict_begin(self, logs=None):
        """Called when predict starts."""

    def on_predict_end(self, logs=None):
        """Called when predict ends."""

    def on_predict_batch_begin(self, batch, logs=None):
        """Called before predicting batch `batch`."""

    def on_predict_batch_end(self, batch, logs=None):
        """Called after predicting batch `batch`."""


class NotACallbackError(TypeError, AttributeError):
    """Something that is not a Callback was given as one: an AttributeError, as Keras raises when it reaches for a
    hook, and a TypeError, as we raised before."""


class CallbackList:
    """Several callbacks called in order: `callbacks.call("on_epoch_end", epoch, logs)`."""

    def __init__(self, callbacks, model=None, params=None):
        self.callbacks = list(callbacks or ())
        for cb in self.callbacks:
            if isinstance(cb, type):   # the class, not an instance: Keras's set_model call fails with a TypeError
                raise TypeError(f"callbacks: got the class {cb.__name__}, not a callback object; create one, e.g. "
                                f"callbacks=[{cb.__name__}()]")
            missing = [h for h in HOOKS if not callable(getattr(cb, h, None))]
            if missing:
                lacks = ", ".join(missing[:3]) + (f" and {len(missing) - 3} more" if len(missing) > 3 else "")
                raise NotACallbackError(f"callbacks: {type(cb).__name__} {cb!r:.60} is not a Callback (it lacks "
                                        f"{lacks}); pass a list of Callback objects: subclass nn.callbacks.Callback "
                                        "(keras.callbacks.Callback), or wrap a function in LambdaCallback")
            if model is not None:
                cb.set_model(model)
            if params is not None:
                cb.set_params(params)

    def call(self, hook, *args):
        """Call `hook` on every callback with `args` (a batch hook gets its logs as `logs=`, as Keras calls it)."""
        if "batch" in hook and len(args) == 2:
            batch, logs = args
            for cb in self.callbacks:
                getattr(cb, hook)(batch, logs=logs)
            return
        for cb in self.callbacks:
            getattr(cb, hook)(*args)
