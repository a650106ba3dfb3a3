"""Differentiable ops: each a Function subclass plus the function users call."""
