"""Moving data between NumPy and PyTorch as preprocessing code does, written for PyTorch; tests run it as is and
with only its imports changed, and compare what both print. torch.from_numpy and .numpy() sharing memory (writes
seen both ways), torch.tensor copying, torch.as_tensor sharing when it can and converting when asked, NumPy dtypes
kept (float64, int32, uint8, bool), NumPy scalars on either side of an operator (the result stays a tensor),
tolist / item of every dtype, a non-contiguous NumPy view, np.asarray of a tensor, a NumPy-computed statistic
feeding a normalisation, and a float64 array converted to float32 for a model. Float32 model.
"""
import numpy as np
import torch
import torch.nn as nn


def main():
    rng = np.random.default_rng(25)
    arr = rng.standard_normal((3, 4)).astype(np.float32)
    t = torch.from_numpy(arr)
    arr[0, 0] = 100.0
    t[1, 1] = -100.0
    print(t[0, 0].item(), arr[1, 1], t.dtype, t.shape)
    c = torch.tensor(arr)
    arr[2, 2] = 7.0
    print(c[2, 2].item() != 7.0, torch.as_tensor(arr)[2, 2].item(), torch.as_tensor(arr, dtype=torch.float64).dtype)
    back = t.numpy()
    back[0, 1] = 55.0
    print(t[0, 1].item(), type(back).__name__, back.dtype, np.shares_memory(back, arr))
    for a in (np.arange(3, dtype=np.int32), np.array([1.5, 2.5]), np.array([3, 250], dtype=np.uint8),
              np.array([True, False]), np.array(4), np.arange(4, dtype=np.int64)):
        tt = torch.from_numpy(a)
        print(tt, tt.dtype, tt.tolist(), tt.sum().item() if a.dtype != bool else tt.sum().item())
    s32, s64 = np.float32(2.0), np.float64(0.5)
    r1, r2, r3 = t * s32, s64 * t, t + np.int64(1)
    print(type(r1).__name__, type(r2).__name__, type(r3).__name__, r1.dtype, r2.dtype, r3.dtype)
    print(r2[0], (np.float64(3.0) - t[0]).dtype, (t[0] > np.float32(0.5)))
    print(torch.tensor(np.float64(1.25)).dtype, torch.tensor([np.int32(1), np.int32(2)]).dtype, torch.tensor(np.array(1.0)).dtype)
    view = arr[:, ::2]
    tv = torch.tensor(view)
    print(tv, tv.is_contiguous(), torch.from_numpy(np.ascontiguousarray(arr.T)).shape)
    print(np.asarray(t[:2, :2]), np.asarray(t).sum().round(3), np.array(t.sum()), float(t.max()), int(torch.tensor(7.9)))
    data64 = rng.standard_normal((16, 3))
    mean, std = data64.mean(0), data64.std(0)
    x = torch.from_numpy((data64 - mean) / std).float()
    print(x.dtype, x.mean(0), x.std(0, unbiased=False))
    model = nn.Linear(3, 2)
    with torch.no_grad():
        model.weight.copy_(torch.from_numpy(rng.standard_normal((2, 3))))
        model.bias.copy_(torch.tensor(np.array([0.1, -0.1])))
    out = model(x)
    print(model.weight.dtype, out.dtype, out[:3], out.detach().numpy().mean(0).round(4))
    print(torch.tensor([[1, 2], [3, 4]]).numpy().tolist(), torch.ones(2, dtype=torch.bool).numpy().dtype,
          torch.arange(3).numpy().dtype, torch.zeros(2, dtype=torch.float16).numpy().dtype)
    labels = np.array([2, 0, 1, 2])
    onehot = torch.zeros(4, 3)
    onehot[np.arange(4), labels] = 1.0
    print(onehot, onehot[torch.from_numpy(labels) == 2].shape, t[np.array([0, 2])].shape)


if __name__ == "__main__":
    main()
