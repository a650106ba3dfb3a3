"""The graph PyTorch shows for one recurrent cell step (lstm_cell, gru_cell, rnn_tanh_cell, rnn_relu_cell on the
CPU: ATen's composites of linear, unsafe_chunk and the gate arithmetic), where deepgrad runs one fused node.

Each tree is over the cell node's own edges, numbered as its arguments: gates_x (the input's linear) 0, h_prev 1,
c_prev 2, w_hh 3, b_hh 4 (see shown_nodes.shown_pairs for the entries). Only the display changes.
"""
from ..shown_nodes import At

#: the node PyTorch shows on the cell's (first) output: the last op of its formula
TOP = {"lstm": "MulBackward0", "gru": "AddBackward0", "rnn_tanh": "TanhBackward0", "rnn_relu": "ReluBackward0"}


def _hidden_linear(edges, biased):
    """linear(h_prev, w_hh, b_hh): addmm(b_hh, h_prev, w_hh.t()), or mm(h_prev, w_hh.t()) without a bias."""
    weight = 3 if edges[3][0] is None else ("TBackward0", (3,))
    return ("AddmmBackward0", (4, 1, weight)) if biased else ("MmBackward0", (1, weight))


def shown_tree(mode, edges, biased):
    """The next_functions tree of the node PyTorch shows on the cell's output (`TOP[mode]`), given the cell node's
    raw `edges` and whether it was given b_hh. For 'lstm' the cell state's node is the tanh's child on the
    second edge (h = o * tanh(c)), so c's display node is built with h's."""
    hh = _hidden_linear(edges, biased)
    if mode == "lstm":
        split = ("UnsafeSplitBackward0", (("AddBackward0", (hh, 0)),))
        in_gate, forget_gate, out_gate = (("SigmoidBackward0", (At(split, k),)) for k in (0, 1, 3))
        cell_gate = ("TanhBackward0", (At(split, 2),))
        c = ("AddBackward0", (("MulBackward0", (forget_gate, 2)), ("MulBackward0", (in_gate, cell_gate))))
        return out_gate, ("TanhBackward0", (c,))
    if mode == "gru":
        split_h, split_i = ("UnsafeSplitBackward0", (hh,)), ("UnsafeSplitBackward0", (0,))
        reset, update = (("SigmoidBackward0", (("AddBackward0", (At(split_h, k), At(split_i, k))),)) for k in (0, 1))
        new = ("TanhBackward0", (("AddBackward0", (At(split_i, 2), ("MulBackward0", (At(split_h, 2), reset)))),))
        return ("MulBackward0", (("SubBackward0", (1, new)), update)), new
    return (("AddBackward0", (hh, 0)),)
