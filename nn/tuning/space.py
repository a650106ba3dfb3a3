"""A search space written as for grid_search / random_search, read as Optuna suggestions.

    {"lr": scipy.stats.loguniform(1e-4, 1e-1),   # a float drawn on a log scale
     "dropout": scipy.stats.uniform(0.0, 0.5),   # a float in [0, 0.5]
     "units": scipy.stats.randint(32, 257),      # an int in [32, 256]
     "activation": ["relu", "gelu"]}             # one of the listed values

An Optuna distribution (optuna.distributions.FloatDistribution, ...) is taken as it is.
"""
_PLAIN = (type(None), bool, int, float, str)   # the choice types Optuna stores as they are


def check_space(space, who):
    """Fail early, naming the entry, when `space` has something Bayesian search cannot read."""
    if not isinstance(space, dict) or not space:
        raise ValueError(f"{who}: space must be a non-empty dict name -> list of values or distribution")
    for name, spec in space.items():
        _kind(name, spec, who)


def suggest(trial, name, spec, who="bayesian_search"):
    """The value of `name` for this Optuna trial, drawn from `spec`."""
    kind, args = _kind(name, spec, who)
    if kind == "choice":
        if all(isinstance(v, _PLAIN) for v in args):
            return trial.suggest_categorical(name, list(args))
        # values Optuna cannot store (tuples, objects): the trial draws their position instead
        return args[trial.suggest_categorical(name, list(range(len(args))))]
    if kind == "int":
        return trial.suggest_int(name, *args)
    if kind == "optuna":
        return _suggest_optuna(trial, name, args, who)
    low, high, log = args
    return trial.suggest_float(name, low, high, log=log)


def _kind(name, spec, who):
    """('choice', values) | ('float', (low, high, log)) | ('int', (low, high)) | ('optuna', distribution)."""
    if isinstance(spec, (list, tuple)):
        if not spec:
            raise ValueError(f"{who}: space[{name!r}] is an empty list; give at least one value")
        return "choice", list(spec)
    if type(spec).__module__.startswith("optuna.distributions"):
        return "optuna", spec
    family = getattr(getattr(spec, "dist", None), "name", None)
    if family is not None and hasattr(spec, "support"):
        low, high = (float(v) for v in spec.support())
        if family == "uniform":
            return "float", (low, high, False)
        if family in ("loguniform", "reciprocal"):
            return "float", (low, high, True)
        if family == "randint":
            return "int", (int(low), int(high))
        raise ValueError(f"{who}: space[{name!r}] is scipy.stats.{family}; Bayesian search reads uniform, "
                         "loguniform and randint (or a list of values, or an Optuna distribution)")
    if callable(spec):
        raise ValueError(f"{who}: space[{name!r}] is a function; Bayesian search needs to know the range, so give "
                         "a list of values, scipy.stats.uniform/loguniform/randint or an Optuna distribution")
    raise ValueError(f"{who}: space[{name!r}] must be a list of values, scipy.stats.uniform/loguniform/randint or "
                     f"an Optuna distribution, got {spec!r}")


def _suggest_optuna(trial, name, dist, who):
    kind = type(dist).__name__
    if kind == "FloatDistribution":
        return trial.suggest_float(name, dist.low, dist.high, step=dist.step, log=dist.log)
    if kind == "IntDistribution":
        return trial.suggest_int(name, dist.low, dist.high, step=dist.step, log=dist.log)
    if kind == "CategoricalDistribution":
        return trial.suggest_categorical(name, list(dist.choices))
    raise ValueError(f"{who}: space[{name!r}] is an Optuna {kind}; use FloatDistribution, IntDistribution or "
                     "CategoricalDistribution")
