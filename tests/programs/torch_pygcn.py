"""Kipf and Welling's GCN as the pygcn repository writes it: a row-normalised sparse adjacency built with
torch.sparse.FloatTensor, GraphConvolution layers with torch.spmm, dropout, log_softmax and NLL loss, Adam
with weight decay, accuracy on train and validation masks."""
import math

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.optim as optim
from torch.nn.parameter import Parameter
from torch.nn.modules.module import Module


def normalize(mx):
    rowsum = np.array(mx.sum(1))
    r_inv = np.power(rowsum, -1).flatten()
    r_inv[np.isinf(r_inv)] = 0.
    return mx * r_inv[:, None]


def to_sparse_tensor(dense):
    rows, cols = np.nonzero(dense)
    indices = torch.from_numpy(np.vstack((rows, cols)).astype(np.int64))
    values = torch.from_numpy(dense[rows, cols].astype(np.float32))
    return torch.sparse.FloatTensor(indices, values, torch.Size(dense.shape))


class GraphConvolution(Module):
    def __init__(self, in_features, out_features, rng):
        super(GraphConvolution, self).__init__()
        self.in_features = in_features
        self.out_features = out_features
        self.weight = Parameter(torch.FloatTensor(in_features, out_features))
        self.bias = Parameter(torch.FloatTensor(out_features))
        stdv = 1. / math.sqrt(self.weight.size(1))
        self.weight.data = torch.from_numpy(rng.uniform(-stdv, stdv, (in_features, out_features)).astype(np.float32))
        self.bias.data = torch.from_numpy(rng.uniform(-stdv, stdv, out_features).astype(np.float32))

    def forward(self, input, adj):
        support = torch.mm(input, self.weight)
        output = torch.spmm(adj, support)
        return output + self.bias

    def __repr__(self):
        return self.__class__.__name__ + ' (' + str(self.in_features) + ' -> ' + str(self.out_features) + ')'


class GCN(nn.Module):
    def __init__(self, nfeat, nhid, nclass, rng):
        super(GCN, self).__init__()
        self.gc1 = GraphConvolution(nfeat, nhid, rng)
        self.gc2 = GraphConvolution(nhid, nclass, rng)

    def forward(self, x, adj):
        x = F.relu(self.gc1(x, adj))
        x = self.gc2(x, adj)
        return F.log_softmax(x, dim=1)


def accuracy(output, labels):
    preds = output.max(1)[1].type_as(labels)
    correct = preds.eq(labels).double()
    return correct.sum() / len(labels)


def main():
    rng = np.random.default_rng(42)
    n, nfeat, nclass = 40, 12, 3
    labels_np = rng.integers(0, nclass, n)
    features_np = (rng.random((n, nfeat)) < 0.3).astype(np.float32) + labels_np[:, None] * 0.1
    adj_np = (rng.random((n, n)) < 0.08) | (labels_np[:, None] == labels_np[None, :]) & (rng.random((n, n)) < 0.15)
    adj_np = np.maximum(adj_np, adj_np.T).astype(np.float32)
    adj = to_sparse_tensor(normalize(adj_np + np.eye(n, dtype=np.float32)))
    features = torch.FloatTensor(normalize(features_np))
    labels = torch.LongTensor(labels_np)
    idx_train, idx_val = torch.LongTensor(range(0, 25)), torch.LongTensor(range(25, 40))
    print(adj)

    model = GCN(nfeat, 16, nclass, rng)
    print(model)
    optimizer = optim.Adam(model.parameters(), lr=0.01, weight_decay=5e-4)
    for epoch in range(12):
        model.train()
        optimizer.zero_grad()
        output = model(features, adj)
        loss_train = F.nll_loss(output[idx_train], labels[idx_train])
        acc_train = accuracy(output[idx_train], labels[idx_train])
        loss_train.backward()
        optimizer.step()
        model.eval()
        output = model(features, adj)
        loss_val = F.nll_loss(output[idx_val], labels[idx_val])
        acc_val = accuracy(output[idx_val], labels[idx_val])
        print('Epoch: {:04d}'.format(epoch + 1), 'loss_train: {:.4f}'.format(loss_train.item()),
              'acc_train: {:.4f}'.format(acc_train.item()), 'loss_val: {:.4f}'.format(loss_val.item()),
              'acc_val: {:.4f}'.format(acc_val.item()))
