"""The order in which Keras's fit / evaluate receive a PyDataset's batches when it has workers (`workers > 1`, or
`use_multiprocessing=True`): Keras reads it through an ordered queue that is started at each pass and, when the
pass ends, drained into a list of ready batches that the next pass hands out first.

So a pass of N batches gives the batches left over from the previous pass (the rest of that pass's order), then
the first ones of its own order; what its queue had fetched beyond those (at most max_queue_size + 1 batches: the
queue's capacity and the put waiting on it) is left for the next pass. The batch Keras reads to build the model is
such a pass of one batch, which is why an unshuffled 5-batch dataset trains in the order 1, 2, 3, 4, 0."""


def uses_queue(dataset):
    """Whether Keras reads `dataset` through its queue (workers > 1, or one worker with multiprocessing)."""
    workers = getattr(dataset, "workers", 1) or 0
    return workers > 1 or (workers > 0 and bool(getattr(dataset, "use_multiprocessing", False)))


class QueuedReads:
    """The batches left ready between the passes over one PyDataset in one fit / evaluate / predict."""

    def __init__(self, dataset):
        self.dataset = dataset
        self.ready = []

    def read(self, order, count):
        """Yield `count` batches: the ready ones first, then `order`'s; after the last, fetch the batches this
        pass's queue holds beyond them and keep them ready."""
        from_ready = min(count, len(self.ready))
        taken, self.ready = self.ready[:from_ready], self.ready[from_ready:]
        yield from taken
        consumed = count - from_ready
        for index in order[:consumed]:
            yield self.dataset[index]
        capacity = int(getattr(self.dataset, "max_queue_size", 10) or 0)
        end = len(order) if capacity <= 0 else min(len(order), consumed + capacity + 1)
        self.ready += [self.dataset[index] for index in order[consumed:end]]
