"""The argument checks of the LSTM and GRU cell kernels, one message on every device."""


def check_gates(op, a, width, state):
    """ValueError unless `a` is (B, width * H) for a state (B, H)."""
    if a.ndim != 2 or state.ndim != 2 or a.shape != (state.shape[0], width * state.shape[1]):
        raise ValueError(f"{op}: expects gates of shape (B, {width}H) and a state of shape (B, H); "
                         f"got {tuple(a.shape)} and {tuple(state.shape)}")


def check_gru(gi, gh, h_prev):
    """ValueError unless the input and hidden projections gi, gh are both (B, 3H) for h_prev (B, H)."""
    check_gates("gru_cell", gi, 3, h_prev)
    if gh.shape != gi.shape:
        raise ValueError(f"gru_cell: input and hidden projections must have one shape; "
                         f"got {tuple(gi.shape)} and {tuple(gh.shape)}")
