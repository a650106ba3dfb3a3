"""The functional form of every layer, activation and loss: `import nn.functional as F`."""
# Each area adds its import lines below (one block per file).
