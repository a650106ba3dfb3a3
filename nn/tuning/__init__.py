"""Hyper-parameter search: grid_search and random_search (build, train and score each setting, best
first) and bayesian_search (Optuna's TPE sampler with pruning; the `tune` extra)."""
from .bayesian import BayesianSearchResult, bayesian_search
from .pruning import PruningCallback
from .search import grid_search, random_search

__all__ = ["grid_search", "random_search", "bayesian_search", "BayesianSearchResult", "PruningCallback"]
