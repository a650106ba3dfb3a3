"""A Keras program, written for Keras 3 on the torch backend, after keras.io's "Message-passing neural network
(MPNN) for molecular property prediction": a batch of small molecular graphs merged into one disjoint graph (atom
features, bond features, pair indices offset per molecule, a molecule indicator), an EdgeNetwork layer turning bond
features into per-edge matrices (add_weight kernel and bias, ops.reshape, ops.take of the neighbours, ops.matmul,
ops.segment_sum over the targets), a MessagePassing layer padding the atom features (ops.pad) and updating them
with a GRUCell for several steps, and a readout that sums and averages atoms per molecule with segment_sum /
segment_max before a Dense head with sigmoid; trained with Adam on binary labels with AUC. Graphs and weights come
from NumPy, so real Keras and deepgrad print the same numbers."""
import numpy as np

import keras
from keras import layers, ops

ATOM_DIM, BOND_DIM, NUM_MOLECULES = 5, 3, 12


class EdgeNetwork(layers.Layer):
    def build(self, input_shape):
        self.atom_dim = input_shape[0][-1]
        self.bond_dim = input_shape[1][-1]
        self.kernel = self.add_weight(shape=(self.bond_dim, self.atom_dim * self.atom_dim),
                                      initializer="glorot_uniform", name="kernel")
        self.bias = self.add_weight(shape=(self.atom_dim * self.atom_dim,), initializer="zeros", name="bias")
        self.built = True

    def call(self, inputs):
        atom_features, bond_features, pair_indices = inputs
        # Apply linear transformation to bond features
        bond_features = ops.matmul(bond_features, self.kernel) + self.bias
        # Reshape for neighborhood aggregation later
        bond_features = ops.reshape(bond_features, (-1, self.atom_dim, self.atom_dim))
        # Obtain atom features of neighbors
        atom_features_neighbors = ops.take(atom_features, pair_indices[:, 1], axis=0)
        atom_features_neighbors = ops.expand_dims(atom_features_neighbors, axis=-1)
        # Apply neighborhood aggregation
        transformed_features = ops.matmul(bond_features, atom_features_neighbors)
        transformed_features = ops.squeeze(transformed_features, axis=-1)
        aggregated_features = ops.segment_sum(transformed_features, pair_indices[:, 0],
                                              num_segments=ops.shape(atom_features)[0])
        return aggregated_features


class MessagePassing(layers.Layer):
    def __init__(self, units, steps=4, **kwargs):
        super().__init__(**kwargs)
        self.units = units
        self.steps = steps

    def build(self, input_shape):
        self.atom_dim = input_shape[0][-1]
        self.message_step = EdgeNetwork()
        self.pad_length = max(0, self.units - self.atom_dim)
        self.update_step = layers.GRUCell(self.atom_dim + self.pad_length)
        self.built = True

    def call(self, inputs):
        atom_features, bond_features, pair_indices = inputs
        # Pad atom features if number of desired units exceeds atom_features dim.
        atom_features_updated = ops.pad(atom_features, [(0, 0), (0, self.pad_length)])
        # Perform a number of steps of message passing
        for i in range(self.steps):
            # Aggregate information from neighbors
            atom_features_aggregated = self.message_step([atom_features_updated, bond_features, pair_indices])
            # Update node state via a step of GRU
            atom_features_updated, _ = self.update_step(atom_features_aggregated, [atom_features_updated])
            atom_features_updated = atom_features_updated
        return atom_features_updated


class Readout(layers.Layer):
    def __init__(self, num_molecules, **kwargs):
        super().__init__(**kwargs)
        self.num_molecules = num_molecules

    def call(self, inputs):
        atom_features, molecule_indicator = inputs
        summed = ops.segment_sum(atom_features, molecule_indicator, num_segments=self.num_molecules)
        counts = ops.segment_sum(ops.ones_like(atom_features[:, :1]), molecule_indicator,
                                 num_segments=self.num_molecules)
        biggest = ops.segment_max(atom_features, molecule_indicator, num_segments=self.num_molecules)
        return ops.concatenate([summed / counts, biggest], axis=-1)


def MPNNModel(atom_dim, bond_dim, num_molecules, message_units=8, message_steps=3, dense_units=16):
    atom_features = layers.Input((atom_dim,), dtype="float32", name="atom_features")
    bond_features = layers.Input((bond_dim,), dtype="float32", name="bond_features")
    pair_indices = layers.Input((2,), dtype="int32", name="pair_indices")
    molecule_indicator = layers.Input((), dtype="int32", name="molecule_indicator")

    x = MessagePassing(message_units, message_steps)([atom_features, bond_features, pair_indices])
    x = Readout(num_molecules)([x, molecule_indicator])
    x = layers.Dense(dense_units, activation="relu")(x)
    x = layers.Dense(1, activation="sigmoid")(x)
    return keras.Model(inputs=[atom_features, bond_features, pair_indices, molecule_indicator], outputs=[x])


def molecules(rng, count):
    atoms, bonds, pairs, indicator, labels, offset = [], [], [], [], [], 0
    for m in range(count):
        n = int(rng.integers(3, 6))
        kinds = rng.integers(0, ATOM_DIM, n)
        atoms.append(np.eye(ATOM_DIM)[kinds])
        for i in range(n):
            for j in (i - 1, i + 1):
                if 0 <= j < n:
                    pairs.append((offset + i, offset + j))
                    bonds.append(np.eye(BOND_DIM)[(kinds[i] + kinds[j]) % BOND_DIM])
            pairs.append((offset + i, offset + i))
            bonds.append(np.zeros(BOND_DIM))
        indicator += [m] * n
        labels.append(float((kinds == 0).sum() >= 1))
        offset += n
    order = np.lexsort((np.array(pairs)[:, 1], np.array(pairs)[:, 0]))
    return (np.concatenate(atoms).astype("float32"), np.array(bonds, "float32")[order],
            np.array(pairs, "int32")[order], np.array(indicator, "int32"), np.array(labels, "float32"))


def main():
    rng = np.random.default_rng(42)
    atoms, bonds, pairs, indicator, labels = molecules(rng, NUM_MOLECULES)
    print("atoms", atoms.shape, "bonds", bonds.shape, "pairs", pairs.shape, "labels", labels.tolist())

    mpnn = MPNNModel(ATOM_DIM, BOND_DIM, NUM_MOLECULES)
    init = np.random.default_rng(1)
    mpnn.set_weights([init.normal(0.0, 0.3, w.shape).astype("float32") for w in mpnn.get_weights()])
    print("weights", [w.path for w in mpnn.weights][:5], len(mpnn.weights))
    mpnn.compile(loss=keras.losses.BinaryCrossentropy(), optimizer=keras.optimizers.Adam(learning_rate=0.01),
                 metrics=[keras.metrics.AUC(name="AUC"), "accuracy"])
    inputs = [atoms, bonds, pairs, indicator]
    # one batch is the whole disjoint graph: its arrays have one row per atom, per bond and per molecule
    history = {"loss": [], "AUC": [], "accuracy": []}
    for epoch in range(8):
        logs = mpnn.train_on_batch(inputs, labels[:, None], return_dict=True)
        for key in history:
            history[key].append(logs[key])
    for key in sorted(history):
        print(key, np.round(history[key], 4).tolist())
    predictions = mpnn.predict_on_batch(inputs)
    print("predictions", np.round(ops.convert_to_numpy(predictions).ravel().astype("float64"), 4).tolist())
    print("evaluate", np.round(mpnn.test_on_batch(inputs, labels[:, None]), 4).tolist())
    message = mpnn.get_layer("message_passing")
    print("message passing", message.name, message.pad_length, [w.path for w in message.weights][-3:])
    edge = message.message_step
    aggregated = edge([ops.pad(ops.convert_to_tensor(atoms), [(0, 0), (0, 3)]), bonds, pairs])
    print("edge network", tuple(aggregated.shape),
          np.round(ops.convert_to_numpy(aggregated)[0].astype("float64"), 4).tolist())
    readout = Readout(NUM_MOLECULES)([ops.convert_to_tensor(atoms), indicator])
    print("readout", tuple(readout.shape), np.round(ops.convert_to_numpy(readout)[1].astype("float64"), 4).tolist())
    gru = message.update_step
    print("gru cell", gru.units, gru.state_size, [tuple(w.shape) for w in gru.weights])
    print("layers", [layer.name for layer in mpnn.layers])


if __name__ == "__main__":
    main()
