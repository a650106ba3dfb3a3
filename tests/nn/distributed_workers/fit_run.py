"""Run by tests/nn/test_distributed.py as `mpiexec -n 2 python -m mpi4py fit_run.py OUT_DIR`.

Plain Keras-style fit after nn.distributed.init(): each rank writes its history and what its callbacks
did to OUT_DIR/rank<r>.json; the test compares them.
"""
import json
import os
import sys

import numpy as np

import autograd as ag
import nn
from nn import distributed as dist
from nn.callbacks import CSVLogger, ModelCheckpoint

out = sys.argv[1]
dist.init()
rank = dist.rank()
ag.manual_seed(rank)  # different initial weights per rank: fit must start every rank from rank 0's
np.random.seed(rank)  # and a different default shuffling seed: fit must agree on one

rng = np.random.default_rng(0)
x = rng.standard_normal((205, 6)).astype(np.float32)
y = (x[:, 0] + x[:, 1] > 0).astype(np.int64) + (x[:, 2] > 1).astype(np.int64)
model = nn.Sequential(nn.Linear(6, 16), nn.BatchNorm1d(16), nn.ReLU(), nn.Linear(16, 3))
model.compile("adam", "sparse_categorical_crossentropy", metrics=["accuracy", "f1"])
checkpoint = ModelCheckpoint(os.path.join(out, "ckpt-{epoch}.safetensors"), monitor="val_loss", save_best_only=True)
history = model.fit(x, y, epochs=3, batch_size=16, validation_split=0.2, verbose=2,
                    callbacks=[checkpoint, CSVLogger(os.path.join(out, "log.csv"))])
evaluated = model.evaluate(x, y)
weights = {k: v.numpy().tolist() for k, v in model.state_dict().items() if "running" not in k}
with open(os.path.join(out, f"rank{rank}.json"), "w") as f:
    json.dump({"history": history.history, "evaluate": evaluated, "checkpoint": checkpoint.last_path,
               "weights": weights}, f)
