"""Thread-safe inference from Python: a small CNN and a Transformer encoder in eval mode under
no_grad, called from 4 threads x 100 times at once, give bit for bit what one thread gives."""
import threading

import numpy as np

import torsh
import torsh.nn as nn


def _check(model, inputs, calls=100):
    with torsh.no_grad():
        want = [model(x).numpy().copy() for x in inputs]
    bad = [0] * len(inputs)

    def work(t):
        with torsh.no_grad():
            for _ in range(calls):
                if not np.array_equal(model(inputs[t]).numpy(), want[t]):
                    bad[t] += 1

    threads = [threading.Thread(target=work, args=(t,)) for t in range(len(inputs))]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert bad == [0] * len(inputs)


def test_cnn_from_four_threads():
    torsh.manual_seed(0)
    model = nn.Sequential(nn.Conv2d(1, 8, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                          nn.Conv2d(8, 16, 3), nn.BatchNorm2d(16), nn.ReLU(), nn.Dropout(0.5),
                          nn.Flatten(), nn.Linear(16 * 5 * 5, 10)).eval()
    _check(model, [torsh.randn(2 + t, 1, 14, 14) for t in range(4)])


def test_transformer_encoder_from_four_threads():
    torsh.manual_seed(1)
    layer = nn.TransformerEncoderLayer(d_model=32, nhead=4, dim_feedforward=64, batch_first=True)
    model = nn.TransformerEncoder(layer, num_layers=2).eval()
    _check(model, [torsh.randn(2, 5 + t, 32) for t in range(4)])
