"""The differential sweep: ops, indexing and in-place programs run on PyTorch and on deepgrad over every dtype,
edge shapes and Python-number operands, comparing values, dtypes, shapes and whether both raise. On demand:
`python -m tests.sweep` (a few minutes; needs torch)."""
