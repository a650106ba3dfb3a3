"""Every live Keras variable (keras.Variable and the weights layers make), held weakly, so that a
keras.StatelessScope can keep all of them from changing."""
import weakref

_live = weakref.WeakValueDictionary()   # id -> variable; ids are not reused while the variable lives


def register(variable):
    """Count `variable` among the live variables (until it is garbage collected)."""
    _live[id(variable)] = variable


def live_variables():
    """The variables alive now, in no particular order."""
    return list(_live.values())
