"""Layers: modules that hold parameters or state and call nn.functional."""
