"""MNIST on several processes: the bundled 5,000-digit sample, data-parallel over MPI (runs offline).

    pip install -e ".[distributed]"
    mpiexec -n 2 python -m mpi4py examples/mnist_distributed.py              # Keras-style fit
    mpiexec -n 2 python -m mpi4py examples/mnist_distributed.py --loop       # PyTorch-style loop
    python examples/mnist_distributed.py                                      # one process works too

Every process runs this same script. `nn.distributed.init()` joins them; from then on `fit` gives each
process its share of the batches (--batch-size is per process), averages the gradients in backward,
combines the epoch's metrics so every rank reports the same numbers, and only rank 0 prints and writes
the checkpoint. `--loop` shows the same by hand: DistributedDataParallel, a DistributedSampler with
set_epoch, and an all_reduce of the test accuracy. With DEEPGRAD_DEVICE=cuda the processes talk over NCCL.
"""
import argparse
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))  # run from a checkout

import numpy as np  # noqa: E402

import autograd as ag  # noqa: E402
import nn  # noqa: E402
import nn.functional as F  # noqa: E402
from nn import distributed as dist  # noqa: E402


def load_split():
    """((x_train, y_train), (x_test, y_test)): images float32 (N, 784) in [0, 1], labels int64."""
    images, labels = nn.data.load_mnist_sample()
    order = np.random.default_rng(0).permutation(len(images))
    x = images[order].reshape(len(images), -1).astype(np.float32) / 255.0
    y = labels[order]
    return (x[:4000], y[:4000]), (x[4000:], y[4000:])


def mlp():
    """784-256-256-10 with ReLU."""
    return nn.Sequential(nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 256), nn.ReLU(), nn.Linear(256, 10))


def with_fit(train, test, args):
    """Keras style: nothing distributed in sight after init()."""
    model = mlp()
    model.compile(nn.optim.Adam(model.parameters(), lr=1e-3), "sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    checkpoint = nn.callbacks.ModelCheckpoint(args.checkpoint, monitor="val_accuracy", save_best_only=True)
    model.fit(*train, epochs=args.epochs, batch_size=args.batch_size, validation_data=test, verbose=2,
              callbacks=[checkpoint])
    return model.evaluate(*test)["accuracy"]


def with_loop(train, test, args):
    """PyTorch style: DistributedDataParallel, DistributedSampler, and a metric all-reduced by hand."""
    model = dist.DistributedDataParallel(mlp())
    optimizer = nn.optim.Adam(model.parameters(), lr=1e-3)
    dataset = nn.data.TensorDataset(*train)
    sampler = nn.data.DistributedSampler(dataset, shuffle=True, seed=0)
    loader = nn.data.DataLoader(dataset, batch_size=args.batch_size, sampler=sampler)
    for epoch in range(args.epochs):
        sampler.set_epoch(epoch)
        model.train()
        for x, y in loader:
            optimizer.zero_grad()
            F.cross_entropy(model(x), y).backward()
            optimizer.step()
        if dist.rank() == 0:
            print(f"epoch {epoch + 1}/{args.epochs} done", flush=True)
    model.eval()
    mine = slice(dist.rank(), None, dist.world_size())  # each rank scores every world_size-th test digit
    with ag.no_grad():
        predicted = model(ag.tensor(test[0][mine])).numpy().argmax(axis=1)
    counts = np.array([(predicted == test[1][mine]).sum(), len(predicted)], np.int64)
    dist.all_reduce(counts)
    if dist.rank() == 0:
        nn.save(model.module.state_dict(), args.checkpoint)
    return counts[0] / counts[1]


def main(argv=None):
    """Parse the options, join the processes, train, and print the test accuracy on rank 0."""
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--epochs", type=int, default=5)
    p.add_argument("--batch-size", type=int, default=32, help="examples per process per step")
    p.add_argument("--loop", action="store_true", help="a hand-written loop instead of model.fit")
    p.add_argument("--checkpoint", default="mnist_distributed.safetensors", help="where rank 0 saves the weights")
    args = p.parse_args(argv)
    dist.init()
    ag.manual_seed(dist.rank())  # different on each rank on purpose: rank 0's weights are copied to all
    train, test = load_split()
    start = time.perf_counter()
    accuracy = (with_loop if args.loop else with_fit)(train, test, args)
    if dist.rank() == 0:
        print(f"{dist.world_size()} process(es), {time.perf_counter() - start:.1f}s: test accuracy "
              f"{accuracy:.4f}; weights saved to {args.checkpoint}", flush=True)
    return accuracy


if __name__ == "__main__":
    main()
