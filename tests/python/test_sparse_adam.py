"""torch.optim.SparseAdam against torch 1.13: an embedding table (sparse=True in both; torsh's
gradient is dense, its touched rows are the non-zero ones) trained for several steps with
repeated indices, padding_idx and maximize gives torch's weights and moments; the argument
checks raise torch's errors."""
import numpy as np
import pytest
import torch

import torsh
from nn_pairs import raises_like, to_torsh


def run(lib, conv, steps, maximize=False, padding_idx=None, lr=0.1):
    lib.manual_seed(3)
    emb = lib.nn.Embedding(12, 4, sparse=True, padding_idx=padding_idx)
    opt = lib.optim.SparseAdam(emb.parameters(), lr=lr, betas=(0.8, 0.95), maximize=maximize)
    g = np.random.RandomState(0)
    for _ in range(steps):
        idx = conv(torch.from_numpy(g.randint(0, 12, size=(5, 3))))
        target = conv(torch.from_numpy(g.randn(5, 3, 4).astype(np.float32)))
        opt.zero_grad()
        ((emb(idx) - target) ** 2).sum().backward()
        opt.step()
    state = opt.state[emb.weight]
    return emb.weight.detach(), state["exp_avg"], state["exp_avg_sq"], state["step"], opt


@pytest.mark.parametrize("maximize", [False, True])
@pytest.mark.parametrize("padding_idx", [None, 0])
def test_matches_torch(maximize, padding_idx):
    ref = run(torch, lambda t: t, 6, maximize, padding_idx)
    got = run(torsh, to_torsh, 6, maximize, padding_idx)
    for a, b in zip(got[:3], ref[:3]):
        np.testing.assert_allclose(a.numpy(), b.numpy(), rtol=1e-6, atol=1e-7)
    assert got[3] == ref[3] == 6
    assert got[4].state_dict()["param_groups"] == ref[4].state_dict()["param_groups"]


def test_untouched_rows_keep_their_values_and_moments():
    w, m, v, _, _ = run(torsh, to_torsh, 1)
    torsh.manual_seed(3)
    fresh = torsh.nn.Embedding(12, 4, sparse=True).weight.detach()
    untouched = (m == 0).all(1)
    assert bool(untouched.any())
    assert torsh.equal(w[untouched], fresh[untouched])
    assert bool((v[untouched] == 0).all())


@pytest.mark.parametrize("kwargs", [{"lr": 0.0}, {"lr": -1.0}, {"eps": 0.0},
                                    {"betas": (1.0, 0.9)}, {"betas": (0.9, -0.1)}])
def test_argument_errors_match_torch(kwargs):
    raises_like(lambda: torch.optim.SparseAdam([torch.zeros(2, requires_grad=True)], **kwargs),
                lambda: torsh.optim.SparseAdam([torsh.zeros(2, requires_grad=True)], **kwargs))
