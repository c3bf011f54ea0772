"""Training workloads of the training-stack issue, run in torsh or in torch (one library per
process, so peak RSS is each library's own): one Fashion-MNIST epoch of an MLP (784-512-256-10,
SGD momentum, batch 128) and of the default CNN (conv-relu-pool x2, two Linear layers, Adam,
batch 64), test accuracy after it, and DataLoader iteration (batch 64, shuffle, 2 workers).

usage: /usr/bin/python3 bench/bench_train.py torsh|torch mlp|cnn|loader
Prints `name value` lines: samples/s (or batches/s), test accuracy, peak RSS in MiB."""
import gzip
import os
import resource
import sys
import time

import numpy as np

ROOT = "/usr/share/datasets/fashion-mnist"


def idx(name):
    with gzip.open(os.path.join(ROOT, name + ".gz")) as f:
        data = f.read()
    ndim = data[3]
    dims = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(ndim)]
    return np.frombuffer(data, np.uint8, offset=4 + 4 * ndim).reshape(dims)


MEAN, STD = 0.2860, 0.3530


def normalized(lib, images):
    """(x / 255 - mean) / std in float32 of a batch of uint8 images, in library lib. The data
    set stays in uint8, as torchvision's FashionMNIST holds it, and each batch is converted when
    it is used, so the peak RSS is the library's and the model's rather than a float32 copy of
    the 60,000 images (188 MB, the same in both libraries)."""
    return images.to(lib.float32).div_(255.0).sub_(MEAN).div_(STD)


def main():
    if sys.argv[1] == "torsh":
        sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "python"))
    lib = __import__(sys.argv[1])
    threads = int(os.environ.get("OMP_NUM_THREADS", "1"))
    lib.set_num_threads(threads)
    nn, F = lib.nn, lib.nn.functional
    from_np = lib.from_numpy
    xtr = from_np(idx("train-images-idx3-ubyte").copy())
    ytr = from_np(idx("train-labels-idx1-ubyte").astype(np.int64))
    xte = from_np(idx("t10k-images-idx3-ubyte").copy())
    yte = from_np(idx("t10k-labels-idx1-ubyte").astype(np.int64))
    data = lib.utils.data
    what = sys.argv[2]
    lib.manual_seed(0)
    if what == "loader":
        ds = data.TensorDataset(normalized(lib, xtr).unsqueeze(1), ytr)  # float32 samples
        loader = data.DataLoader(ds, batch_size=64, shuffle=True, num_workers=2)
        t0, n = time.perf_counter(), 0
        for _ in loader:
            n += 1
        print(f"{what}_batches_per_s {n / (time.perf_counter() - t0):.1f}")
    else:
        if what == "mlp":
            model = nn.Sequential(nn.Flatten(), nn.Linear(784, 512), nn.ReLU(), nn.Linear(512, 256),
                                  nn.ReLU(), nn.Linear(256, 10))
            opt, bs = lib.optim.SGD(model.parameters(), lr=0.05, momentum=0.9), 128
        else:
            model = nn.Sequential(nn.Conv2d(1, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                                  nn.Conv2d(32, 64, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                                  nn.Flatten(), nn.Linear(64 * 7 * 7, 128), nn.ReLU(),
                                  nn.Linear(128, 10))
            opt, bs = lib.optim.Adam(model.parameters(), lr=1e-3), 64
        loader = data.DataLoader(data.TensorDataset(xtr.unsqueeze(1), ytr), batch_size=bs,
                                 shuffle=True)
        t0 = time.perf_counter()
        model.train()
        for x, y in loader:
            opt.zero_grad()
            loss = F.cross_entropy(model(normalized(lib, x)), y)
            loss.backward()
            opt.step()
        dt = time.perf_counter() - t0
        model.eval()
        with lib.no_grad():
            correct = sum(int((model(normalized(lib, xte[i:i + 1000].unsqueeze(1))).argmax(1) ==
                               yte[i:i + 1000]).sum()) for i in range(0, 10000, 1000))
        print(f"{what}_samples_per_s {len(ytr) / dt:.1f}")
        print(f"{what}_test_accuracy {correct / 10000:.4f}")
    print(f"{what}_peak_rss_MiB {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.1f}")


if __name__ == "__main__":
    main()
