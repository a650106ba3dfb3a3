"""keras.optimizers.legacy: Keras 2's optimizer names, which Keras 3 keeps only to refuse them with an ImportError
that says what to do instead."""


class LegacyOptimizerWarning:
    """Every keras.optimizers.legacy name: making one raises ImportError, as in Keras 3."""

    def __init__(self, *args, **kwargs):
        raise ImportError("`keras.optimizers.legacy` is not supported in Keras 3. Use the optimizers of "
                          "keras.optimizers (keras.optimizers.Adam, ...), which take the same main arguments; the "
                          "legacy optimizers are Keras 2's (the `tf_keras` package).")


Adagrad = Adam = Ftrl = Optimizer = RMSprop = SGD = LegacyOptimizerWarning
del LegacyOptimizerWarning   # Keras's module lists only the six names
