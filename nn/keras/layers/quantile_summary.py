"""The approximate quantile summary Keras's Discretization.adapt builds (so adapted bin boundaries equal Keras's,
not NumPy's exact quantiles): each batch is reduced to about 1/epsilon sorted sample values with weights, the
summaries are merged batch by batch, and the boundaries are read off the weighted cumulative distribution.

A summary is a float32 array of shape (2, k): row 0 the values (sorted), row 1 their weights (counts)."""
import numpy as np


def empty_summary():
    """The summary of no data."""
    return np.zeros((2, 0), dtype=np.float32)


def summarize(values, epsilon):
    """The summary of one batch: every step-th sorted value (step = max(size * epsilon, 1)), each weighted step."""
    values = np.sort(np.reshape(values, -1))
    step = max(values.size * epsilon, 1)
    picked = values[int(step - 1)::int(step)]
    return np.stack([picked, np.full_like(picked, step)])


def compress(summary, epsilon):
    """`summary` resampled at the cumulative-weight fractions epsilon, 2 * epsilon, ..., 1 (unchanged when it
    already has fewer than 1/epsilon entries)."""
    if summary.shape[1] * epsilon < 1:
        return summary
    targets = epsilon + np.arange(0.0, 1.0, epsilon)
    cumulative = summary[1].cumsum()
    fractions = cumulative / cumulative[-1]
    values = np.interp(targets, fractions, summary[0])
    cumulative = np.interp(targets, fractions, cumulative)
    weights = np.diff(cumulative, prepend=0.0)
    return np.stack((values, weights)).astype(np.float32)


def merge(first, second, epsilon):
    """One summary of the data of two summaries, compressed to `epsilon`."""
    both = np.concatenate((first, second), axis=1)
    both = both[:, np.argsort(both[0])]   # default sort, as Keras: ties keep its order
    return compress(both, epsilon)


def bin_boundaries(summary, num_bins):
    """The num_bins - 1 boundaries of equal-weight bins (fewer when the summary holds fewer values)."""
    return compress(summary, 1.0 / num_bins)[0, :-1]
