"""A small training loop written for torch (Sequential MLP with dropout, GELU and LayerNorm,
cross-entropy with label smoothing, gradient clipping, plain SGD steps) run with torsh and with
torch from the same seed: the same weights, dropout masks and loss at every step."""
import numpy as np

import torch
import torsh


def train(lib, steps=30):
    nn, F = lib.nn, lib.nn.functional
    lib.manual_seed(0)
    model = nn.Sequential(nn.Linear(10, 32), nn.ReLU(), nn.Dropout(0.1), nn.Linear(32, 32),
                          nn.GELU(), nn.LayerNorm(32), nn.Linear(32, 4))
    x, y = lib.randn(64, 10), lib.randint(0, 4, (64,))
    losses = []
    for _ in range(steps):
        model.zero_grad()
        loss = F.cross_entropy(model(x), y, label_smoothing=0.05)
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        with lib.no_grad():
            for p in model.parameters():
                p.sub_(0.1 * p.grad)
        losses.append(loss.item())
    model.eval()
    with lib.no_grad():
        out = model(x).numpy()
    return np.array(losses), out


def test_training_loop_matches_torch():
    lt, ot = train(torch)
    ls, os_ = train(torsh)
    np.testing.assert_allclose(ls, lt, rtol=1e-5)
    np.testing.assert_allclose(os_, ot, rtol=1e-4, atol=1e-5)
    assert lt[-1] < lt[0] * 0.7  # it learns
