"""deepgrad.nn: modules, layers, functional ops, losses, optimisers, data and training.

    import nn
    import nn.functional as F
"""
# Each area adds its import lines below (one block per file).
from . import optim, utils
