"""keras.callbacks.CallbackList (several callbacks driven through one object, as custom training loops use it) and
keras.callbacks.SwapEMAWeights (evaluate and predict with the optimizer's moving averages of the weights)."""
import numpy as np

from autograd import arrays

from ..callbacks import Callback
from ..callbacks.base import HOOKS
from ..training.history import History
from .progress import ProgbarLogger


def _python_logs(logs):
    """Keras's logs as callbacks get them from a CallbackList: sorted by name, nested dicts flattened, numbers
    (tensors included) as Python floats."""
    out = {}
    for key, value in sorted((logs or {}).items()):
        if isinstance(value, dict):
            out.update(_python_logs(value))
            continue
        try:
            value = float(np.asarray(value))
        except (TypeError, ValueError):
            pass
        out[key] = value
    return out


class CallbackList(Callback):
    """Calls each of `callbacks` in order from one hook call (`callback_list.on_epoch_end(epoch, logs)`);
    add_history / add_progbar append a History (it becomes `model.history`) or ProgbarLogger when none is
    given; `params` (epochs=..., steps=...) go to every callback's set_params."""

    def __init__(self, callbacks=None, add_history=False, add_progbar=False, model=None, **params):
        super().__init__()
        if callbacks is not None and not isinstance(callbacks, (list, tuple)):
            callbacks = [callbacks]   # Keras flattens what it is given: one callback is a list of one
        self.callbacks = list(callbacks or ())
        for callback in self.callbacks:
            missing = [h for h in HOOKS if not callable(getattr(callback, h, None))]
            if missing:
                raise TypeError(f"CallbackList: {type(callback).__name__} is not a keras.callbacks.Callback (it lacks "
                                f"{', '.join(missing)}); subclass keras.callbacks.Callback")
        self._history = next((c for c in self.callbacks if isinstance(c, History)), None)
        if self._history is None and add_history:
            self._history = History()
            self.callbacks.append(self._history)
        if add_progbar and not any(isinstance(c, ProgbarLogger) for c in self.callbacks):
            self.callbacks.append(ProgbarLogger())
        self.set_model(model)
        self.set_params(params)

    def append(self, callback):
        """Add one more callback at the end."""
        self.callbacks.append(callback)

    def set_params(self, params):
        """Hand `params` to every callback (an empty dict is kept here only)."""
        self.params = params
        if params:
            for callback in self.callbacks:
                callback.set_params(params)

    def set_model(self, model):
        """Attach `model` to every callback (and the History as model.history); None changes nothing."""
        if not model:
            return
        self.model = model
        if self._history is not None:
            model.history = self._history
        for callback in self.callbacks:
            callback.set_model(model)


def _dispatcher(hook):
    takes_index = hook.startswith("on_epoch") or "batch" in hook

    if "batch" in hook:   # Keras passes a batch hook its logs by keyword (a hook without `logs` fails, as there)
        def call(self, index, logs=None):
            for callback in self.callbacks:
                getattr(callback, hook)(index, logs=_python_logs(logs))
    elif takes_index:
        def call(self, index, logs=None):
            for callback in self.callbacks:
                getattr(callback, hook)(index, _python_logs(logs))
    else:
        def call(self, logs=None):
            for callback in self.callbacks:
                getattr(callback, hook)(_python_logs(logs))
    call.__name__ = call.__qualname__ = hook
    call.__doc__ = f"Call {hook} of every callback, in order."
    return call


for _hook in HOOKS + ("on_batch_begin", "on_batch_end"):
    setattr(CallbackList, _hook, _dispatcher(_hook))


class SwapEMAWeights(Callback):
    """With an optimizer that has use_ema=True: the model evaluates and predicts with the moving averages of its
    weights (swapped in at on_test_begin / on_predict_begin, back out at the end); with swap_on_epoch=True also
    between epochs, so other callbacks (ModelCheckpoint) see the averages, and after the last epoch the
    averages stay in the model."""

    def __init__(self, swap_on_epoch=False):
        super().__init__()
        self.swap_on_epoch = swap_on_epoch
        self._ema_weights_in_model = False

    def _optimizer(self):
        optimizer = getattr(self.model.optimizer, "inner_optimizer", self.model.optimizer)
        if not getattr(optimizer, "use_ema", False):
            raise ValueError("SwapEMAWeights must be used when `use_ema=True` is set on the optimizer. Received: "
                             f"use_ema={getattr(optimizer, 'use_ema', None)}")
        return optimizer

    def _swap_variables(self):
        for weight, average in self._optimizer().ema_pairs():
            values = arrays.array(weight)
            held = values.copy()
            values[...] = average
            average[...] = held
            arrays.mark_changed(weight)

    def _finalize_ema_values(self):
        for weight, average in self._optimizer().ema_pairs():
            average[...] = arrays.array(weight)

    def on_epoch_begin(self, epoch, logs=None):
        """Put the trained weights back before the epoch trains (swap_on_epoch=True)."""
        if self.swap_on_epoch and self._ema_weights_in_model:
            self._swap_variables()
            self._ema_weights_in_model = False

    def on_epoch_end(self, epoch, logs=None):
        """Put the averages in after each epoch (swap_on_epoch=True); after the last one they stay."""
        if self.swap_on_epoch and not self._ema_weights_in_model:
            self._swap_variables()
            self._ema_weights_in_model = True
            if epoch == self.params["epochs"] - 1:
                self._finalize_ema_values()

    def on_test_begin(self, logs=None):
        """Evaluate with the averages."""
        if not self._ema_weights_in_model:
            self._swap_variables()
            self._ema_weights_in_model = True

    def on_test_end(self, logs=None):
        """Trained weights back after evaluation."""
        if self._ema_weights_in_model:
            self._swap_variables()
            self._ema_weights_in_model = False

    def on_predict_begin(self, logs=None):
        """Predict with the averages."""
        if not self._ema_weights_in_model:
            self._swap_variables()
            self._ema_weights_in_model = True

    def on_predict_end(self, logs=None):
        """As Keras 3.15: nothing is swapped back here (its check reads the flag the wrong way round)."""
        if not self._ema_weights_in_model:
            self._swap_variables()
            self._ema_weights_in_model = False
