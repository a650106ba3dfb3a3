"""transform_to and biject_to: from a constraint to a transform that maps the unconstrained reals onto it
(biject_to's are bijections; transform_to's need only cover the set, e.g. softmax for the simplex)."""
from . import constraints
from .transform_base import ComposeTransform, identity_transform
from .matrix_transforms import CorrCholeskyTransform, LowerCholeskyTransform, PositiveDefiniteTransform
from .structured_transforms import CatTransform, IndependentTransform, StackTransform
from .transforms import AffineTransform, ExpTransform, SigmoidTransform, SoftmaxTransform, StickBreakingTransform


class ConstraintRegistry:
    """constraint type -> factory(constraint) returning a Transform; call the registry with a constraint."""

    def __init__(self, name):
        self._name, self._registry = name, {}

    def register(self, constraint, factory=None):
        """Register factory for constraint (a Constraint subclass or instance); usable as a decorator."""
        if factory is None:
            return lambda factory: self.register(constraint, factory)
        key = constraint if isinstance(constraint, type) else type(constraint)
        self._registry[key] = factory
        return factory

    def __call__(self, constraint):
        for kind in type(constraint).__mro__:
            if kind in self._registry:
                return self._registry[kind](constraint)
        known = ", ".join(sorted(repr(k.__name__[1:]) for k in self._registry))
        raise NotImplementedError(f"{self._name}: no transform registered for {constraint!r}; the constraints "
                                  f"known are {known}; add one with {self._name}.register")


biject_to = ConstraintRegistry("biject_to")
transform_to = ConstraintRegistry("transform_to")


def _real(constraint):
    return identity_transform


def _greater_than(constraint):
    # positive and nonnegative too: they are greater_than(0) / greater_than_eq(0), registered by their class as in
    # PyTorch, whose registry hands them exp followed by a shift of 0 (not exp alone)
    return ComposeTransform([ExpTransform(), AffineTransform(constraint.lower_bound, 1)])


def _less_than(constraint):
    return ComposeTransform([ExpTransform(), AffineTransform(constraint.upper_bound, -1)])


def _interval(constraint):
    low, high = constraint.lower_bound, constraint.upper_bound
    if isinstance(low, (int, float)) and isinstance(high, (int, float)) and (low, high) == (0, 1):
        return SigmoidTransform()
    return ComposeTransform([SigmoidTransform(), AffineTransform(low, high - low)])


for _registry in (biject_to, transform_to):
    _registry.register(type(constraints.real), _real)
    _registry.register(constraints.greater_than, _greater_than)
    _registry.register(constraints.greater_than_eq, _greater_than)
    _registry.register(constraints.less_than, _less_than)
    _registry.register(constraints.interval, _interval)
    _registry.register(constraints.half_open_interval, _interval)
    _registry.register(type(constraints.corr_cholesky), lambda c: CorrCholeskyTransform())
    # the structural constraints map each part through the same registry
    _registry.register(type(constraints.real_vector), lambda c, r=_registry: IndependentTransform(
        r(c.base_constraint), c.reinterpreted_batch_ndims))
    _registry.register(constraints.cat, lambda c, r=_registry: CatTransform([r(p) for p in c.cseq], c.dim,
                                                                             c.lengths))
    _registry.register(constraints.stack, lambda c, r=_registry: StackTransform([r(p) for p in c.cseq], c.dim))
biject_to.register(type(constraints.simplex), lambda c: StickBreakingTransform())
transform_to.register(type(constraints.simplex), lambda c: SoftmaxTransform())
transform_to.register(type(constraints.lower_cholesky), lambda c: LowerCholeskyTransform())
transform_to.register(type(constraints.positive_definite), lambda c: PositiveDefiniteTransform())
transform_to.register(type(constraints.positive_semidefinite), lambda c: PositiveDefiniteTransform())
